package dev.portcullis.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.Gateway;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.TestConfigs;
import java.nio.file.Path;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unauthenticated visitors cannot make the gateway store or fetch without bound. */
class SignInLimitsTest {
    @TempDir
    Path dir;

    @Test
    void one_address_starts_at_most_thirty_sign_ins_a_minute() throws Exception {
        MockOAuth2Server provider = new MockOAuth2Server();
        provider.start();
        try (Gateway gateway = Gateway.start(TestConfigs.fromYaml("""
                server: {port: 0, publicUrl: "http://localhost:3080"}
                auth:
                  secret: %s
                  oidc: {issuer: "%s", clientId: c, clientSecret: s}
                mcpSettings: {allowedDomains: ['localhost']}
                """.formatted(TestConfigs.SECRET, provider.issuerUrl("default")), dir)); Http http = new Http(gateway.port())) {
            for (int i = 0; i < OidcSignIn.STARTS_PER_MINUTE; i++) {
                assertThat(Http.send(http.request("/console/login").followRedirects(false)).getStatus()).isEqualTo(302);
            }
            var refused = Http.send(http.request("/console/login").followRedirects(false));
            assertThat(refused.getStatus()).isEqualTo(429);
            assertThat(refused.getHeaders().get("Retry-After")).isNotBlank();
        } finally {
            provider.shutdown();
        }
    }

    @Test
    void a_provider_whose_discovery_failed_is_asked_again_only_after_a_while() throws Exception {
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        io.javalin.Javalin broken = io.javalin.Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = "127.0.0.1";
            config.jetty.port = 0;
            config.routes.get("/idp/.well-known/openid-configuration", ctx -> {
                asked.incrementAndGet();
                ctx.status(500).result("internal detail 7f3a");
            });
        }).start();
        try (Gateway gateway = Gateway.start(TestConfigs.fromYaml("""
                server: {port: 0, publicUrl: "http://localhost:3080"}
                auth:
                  secret: %s
                  oidc: {issuer: "http://localhost:%d/idp", clientId: c, clientSecret: s}
                mcpSettings: {allowedDomains: ['localhost']}
                """.formatted(TestConfigs.SECRET, broken.port()), dir)); Http http = new Http(gateway.port())) {
            for (int i = 0; i < 10; i++) {
                var r = Http.send(http.request("/console/login").followRedirects(false));
                assertThat(r.getStatus()).isEqualTo(502);
                assertThat(r.getContentAsString()).as("no internals on the page").doesNotContain("7f3a", "localhost:");
            }
            assertThat(asked.get()).as("one discovery for ten sign-ins within %s", "30 s").isEqualTo(1);
        } finally {
            broken.stop();
        }
    }
}
