package dev.portcullis.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.Gateway;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.testing.ApiClient;
import dev.portcullis.testing.ApiClient.As;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.TestConfigs;
import java.nio.file.Path;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's value stands in a remote server's headers and URL ({@code {{VAR}}}): a line break in
 * it would end the header and start one of the user's choosing. Such values are refused where
 * they are entered, by name, never echoed.
 */
class HeaderBoundValuesTest {
    private static final As ALICE = As.user("alice");
    private static final String INJECTION = "sk-123\\r\\nX-Injected: yes";

    @TempDir
    static Path dir;
    static Gateway gateway;
    static Http http;
    static ApiClient api;

    @BeforeAll
    static void start() {
        PortcullisConfig config = TestConfigs.fromYaml("""
                server: {port: 0}
                auth: {secret: %s}
                mcpServers:
                  remote:
                    url: "https://mcp.example.com/mcp?team={{TEAM}}"
                    headers: {X-Key: "{{API_KEY}}"}
                    startup: false
                    customUserVars: {API_KEY: {title: API key}, TEAM: {title: Team}}
                  local:
                    command: npx
                    args: [server-everything]
                    env: {PRIVATE_KEY: "{{PEM}}"}
                    startup: false
                    customUserVars: {PEM: {title: Key file}}
                """.formatted(TestConfigs.SECRET), dir);
        gateway = Gateway.start(config);
        http = new Http(gateway.port());
        api = new ApiClient(http, config);
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
        gateway.close();
    }

    private static void refused(ContentResponse r, String variable) {
        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(400);
        assertThat(ApiClient.json(r).get("error").asString()).isEqualTo("INVALID_AUTH_VALUE");
        assertThat(ApiClient.json(r).get("message").asString()).contains("'" + variable + "'").contains("line breaks");
        assertThat(r.getContentAsString()).doesNotContain("X-Injected").doesNotContain("sk-123");
    }

    private static boolean isSet(String server, String variable) {
        return ApiClient.json(api.send(ALICE, "GET", "/api/mcp/" + server + "/auth-values"))
                .at("/authValueFlags/" + variable).asBoolean();
    }

    @Test
    void a_value_with_a_line_break_is_refused_through_auth_values() {
        refused(api.send(ALICE, "PUT", "/api/mcp/remote/auth-values", "{\"API_KEY\": \"" + INJECTION + "\"}"), "API_KEY");
        refused(api.send(ALICE, "PUT", "/api/mcp/remote/auth-values", "{\"TEAM\": \"a\\u0000b\"}"), "TEAM");
        refused(api.send(ALICE, "PUT", "/api/mcp/remote/auth-values", "{\"TEAM\": \"a\\u007fb\"}"), "TEAM");
        assertThat(isSet("remote", "API_KEY")).isFalse();
        assertThat(isSet("remote", "TEAM")).isFalse();
    }

    @Test
    void a_value_with_a_line_break_is_refused_through_the_plugin_route() {
        refused(api.send(ALICE, "POST", "/api/user/plugins", "{\"pluginKey\": \"mcp_remote\", \"action\": \"install\","
                + " \"auth\": {\"API_KEY\": \"" + INJECTION + "\"}}"), "API_KEY");
        assertThat(isSet("remote", "API_KEY")).isFalse();
    }

    @Test
    void a_tab_is_a_legal_header_character_and_is_kept() {
        As bob = As.user("bob");
        assertThat(api.send(bob, "PUT", "/api/mcp/remote/auth-values", "{\"TEAM\": \"a\\tb\"}").getStatus()).isEqualTo(200);
        assertThat(ApiClient.json(api.send(bob, "GET", "/api/mcp/remote/auth-values")).at("/authValueFlags/TEAM").asBoolean())
                .isTrue();
    }

    @Test
    void a_stdio_server_takes_a_multi_line_value_but_not_nul() {
        assertThat(api.send(ALICE, "PUT", "/api/mcp/local/auth-values",
                "{\"PEM\": \"-----BEGIN KEY-----\\nabc\\n-----END KEY-----\"}").getStatus()).isEqualTo(200);
        refused(api.send(ALICE, "PUT", "/api/mcp/local/auth-values", "{\"PEM\": \"a\\u0000b\"}"), "PEM");
    }
}
