package dev.portcullis.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.Gateway;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.testing.ApiClient;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.TestConfigs;
import java.net.HttpCookie;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * End to end through the HTTP API against 2025-03-26 servers, which publish no protected resource
 * metadata: one with RFC 8414 metadata at its origin, one with only the default endpoints. A user
 * authorizes in the browser and then calls a tool; every OAuth request stays on the server's origin.
 */
class LegacyServerFlowTest {
    @TempDir
    static Path dir;
    static LegacyMcpServer described;
    static LegacyMcpServer bare;
    static Gateway gateway;
    static Http http;
    static ApiClient api;
    static HttpClient browser;

    @BeforeAll
    static void start() throws Exception {
        described = new LegacyMcpServer(true);
        bare = new LegacyMcpServer(false);
        PortcullisConfig config = TestConfigs.fromYaml("""
                server: {port: 0, publicUrl: "http://localhost:3080"}
                auth: {secret: %s}
                mcpSettings: {allowedAddresses: ['127.0.0.1']}
                mcpServers:
                  described: {type: streamable-http, url: "%s", startup: false}
                  bare: {type: streamable-http, url: "%s", startup: false}
                """.formatted(TestConfigs.SECRET, described.mcpUrl(), bare.mcpUrl()), dir);
        gateway = Gateway.start(config);
        http = new Http(gateway.port());
        api = new ApiClient(http, config);
        browser = new HttpClient();
        browser.setFollowRedirects(false);
        browser.start();
    }

    @AfterAll
    static void stop() throws Exception {
        browser.stop();
        http.close();
        gateway.close();
        described.close();
        bare.close();
    }

    @Test
    void a_server_with_metadata_at_its_origin_is_authorized_there() throws Exception {
        authorizeAndCall("alice", "described", described);

        assertThat(described.seen).filteredOn(s -> s.path().equals("/.well-known/oauth-authorization-server"))
                .singleElement().satisfies(s -> assertThat(s.protocolVersion()).isEqualTo("2025-03-26"));
        assertThat(described.paths()).contains("/oauth/register", "/oauth/authorize", "/oauth/token")
                .doesNotContain("/authorize", "/token", "/register");
    }

    @Test
    void a_server_without_any_metadata_is_authorized_at_the_default_endpoints() throws Exception {
        authorizeAndCall("bob", "bare", bare);

        assertThat(bare.paths()).contains("/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource",
                "/.well-known/oauth-authorization-server", "/register", "/authorize", "/token");
        LegacyMcpServer.Seen authorize = bare.seen.stream().filter(s -> s.path().equals("/authorize")).findFirst().orElseThrow();
        assertThat(authorize.query()).containsEntry("code_challenge_method", "S256").containsEntry("client_id", "legacy-client")
                .containsEntry("resource", bare.mcpUrl().toString());
        LegacyMcpServer.Seen token = bare.seen.stream().filter(s -> s.path().equals("/token")).findFirst().orElseThrow();
        assertThat(token.form()).containsEntry("grant_type", "authorization_code").containsKey("code_verifier")
                .containsEntry("resource", bare.mcpUrl().toString());
    }

    /** Reinitialize → the provider's redirect → the callback with the binding cookie → a tool call that succeeds. */
    private static void authorizeAndCall(String user, String serverName, LegacyMcpServer server) throws Exception {
        ContentResponse reinit = api.send(ApiClient.As.user(user), "POST", "/api/mcp/" + serverName + "/reinitialize");
        assertThat(reinit.getStatus()).as(reinit.getContentAsString()).isEqualTo(200);
        JsonNode started = ApiClient.json(reinit);
        assertThat(started.path("oauthRequired").asBoolean()).as(reinit.getContentAsString()).isTrue();
        String authorizationUrl = started.get("oauthUrl").asString();
        assertThat(authorizationUrl).as("the server's own origin").startsWith(server.origin() + "/");
        Optional<HttpCookie> binding = reinit.getHeaders().getValuesList("Set-Cookie").stream()
                .flatMap(h -> HttpCookie.parse(h).stream()).filter(c -> c.getName().equals("portcullis_oauth_" + serverName))
                .findFirst();

        ContentResponse approved = browser.newRequest(authorizationUrl).timeout(10, TimeUnit.SECONDS).send();
        assertThat(approved.getStatus()).isEqualTo(302);
        URI back = URI.create(approved.getHeaders().get("Location"));
        assertThat(back.getPath()).isEqualTo("/api/mcp/" + serverName + "/oauth/callback");
        Request callback = http.request(back.getPath() + "?" + back.getRawQuery()).followRedirects(false);
        binding.ifPresent(c -> callback.headers(h -> h.put("Cookie", c.getName() + "=" + c.getValue())));
        ContentResponse done = Http.send(callback);
        assertThat(done.getHeaders().get("Location")).as(done.getContentAsString()).endsWith("/oauth/success?serverName=" + serverName);

        ContentResponse call = api.send(ApiClient.As.user(user), "POST", "/api/mcp/" + serverName + "/tools/whoami/call",
                "{\"arguments\":{}}");
        assertThat(call.getStatus()).as(call.getContentAsString()).isEqualTo(200);
        assertThat(ApiClient.json(call).at("/content/0/text").asString()).isEqualTo("a 2025-03-26 server");
    }
}
