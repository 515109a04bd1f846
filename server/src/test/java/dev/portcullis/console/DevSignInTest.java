package dev.portcullis.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.Gateway;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.TestConfigs;
import java.net.URI;
import java.nio.file.Path;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The development sign-in: a one-time link from serve, on a gateway only this machine reaches, without auth.oidc. */
class DevSignInTest {
    @TempDir
    Path dir;

    /** In development mode (no auth section) unless {@code auth} says otherwise. */
    private Gateway start(String publicUrl, String auth) {
        return Gateway.start(TestConfigs.fromYaml("""
                server: {port: 0, publicUrl: "%s"}
                %s
                mcpServers:
                  everything: {command: node, args: ["unused"], startup: false}
                """.formatted(publicUrl, auth), dir));
    }

    @Test
    void the_link_signs_in_once_as_an_admin() throws Exception {
        try (Gateway gateway = start("http://localhost:3080", ""); Http http = new Http(gateway.port())) {
            URI link = gateway.devSignInLink().orElseThrow();
            assertThat(link.toString()).startsWith("http://localhost:3080/console/dev-login?ticket=");
            String path = link.getPath() + "?" + link.getRawQuery();
            ContentResponse first = Http.send(http.request(path).followRedirects(false));
            assertThat(first.getStatus()).isEqualTo(303);
            String cookie = first.getHeaders().getValuesList("Set-Cookie").stream()
                    .filter(c -> c.startsWith("portcullis_signin=")).findFirst().orElseThrow();
            ContentResponse me = Http.send(http.request("/console/session").headers(h -> h.put("Cookie",
                    cookie.substring(0, cookie.indexOf(';')))));
            assertThat(me.getContentAsString()).contains("\"userId\":\"developer\"", "\"role\":\"ADMIN\"");
            assertThat(Http.send(http.request(path).followRedirects(false)).getStatus()).as("once").isEqualTo(400);
        }
    }

    @Test
    void a_gateway_others_can_reach_has_none() throws Exception {
        try (Gateway gateway = start("https://gateway.example.com", ""); Http http = new Http(gateway.port())) {
            assertThat(gateway.devSignInLink()).isEmpty();
            assertThat(http.get("/console/dev-login?ticket=" + "x".repeat(43)).getStatus()).isEqualTo(404);
            assertThat(http.get("/console/login").getContentAsString()).contains("Ask the operator to configure auth.oidc");
        }
    }

    /** A gateway set up for a platform (its tokens' secret or JWKS) is not one being tried out, whatever its URL. */
    @Test
    void a_gateway_that_takes_a_platforms_tokens_has_none() throws Exception {
        try (Gateway gateway = start("http://localhost:3080", "auth: {secret: " + TestConfigs.SECRET + "}")) {
            assertThat(gateway.devSignInLink()).isEmpty();
        }
    }
}
