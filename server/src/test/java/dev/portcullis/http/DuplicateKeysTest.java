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
import tools.jackson.databind.JsonNode;

/**
 * A key twice in one object could mean one thing to whatever reads the body before the gateway
 * and another to the gateway: every JSON body of the API refuses it, naming where, never a value.
 */
class DuplicateKeysTest {
    private static final As ADMIN = As.admin("root");

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
                  everything: {command: npx, args: [server-everything], startup: false,
                               customUserVars: {API_KEY: {title: API key}}}
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

    private static JsonNode refused(ContentResponse r, String pointer) {
        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(400);
        JsonNode body = ApiClient.json(r);
        assertThat(body.get("error").asString()).isEqualTo("DUPLICATE_JSON_KEY");
        assertThat(body.get("pointer").asString()).isEqualTo(pointer);
        assertThat(body.get("message").asString()).contains(pointer).contains("twice");
        return body;
    }

    @Test
    void a_server_with_a_url_twice_is_refused_without_echoing_either() {
        ContentResponse r = api.send(ADMIN, "POST", "/api/mcp/servers",
                "{\"config\": {\"title\": \"Twice\", \"url\": \"https://first.example/mcp\", \"url\": \"https://second.example/mcp\"}}");
        refused(r, "/config/url");
        assertThat(r.getContentAsString()).doesNotContain("first.example").doesNotContain("second.example");
    }

    @Test
    void tool_arguments_with_a_key_twice_are_refused_before_anything_is_called() {
        refused(api.send(ADMIN, "POST", "/api/mcp/everything/tools/echo/call",
                "{\"arguments\": {\"message\": \"one\", \"message\": \"two\"}}"), "/arguments/message");
    }

    @Test
    void auth_values_and_plugin_installs_with_a_key_twice_are_refused() {
        refused(api.send(ADMIN, "PUT", "/api/mcp/everything/auth-values", "{\"API_KEY\": \"a\", \"API_KEY\": \"b\"}"), "/API_KEY");
        refused(api.send(ADMIN, "POST", "/api/user/plugins",
                "{\"pluginKey\": \"mcp_everything\", \"action\": \"install\", \"auth\": {\"API_KEY\": \"a\", \"API_KEY\": \"b\"}}"),
                "/auth/API_KEY");
        assertThat(ApiClient.json(api.send(ADMIN, "GET", "/api/mcp/everything/auth-values")).at("/authValueFlags/API_KEY")
                .asBoolean()).as("nothing was stored").isFalse();
    }

    @Test
    void a_sharing_change_with_a_key_twice_is_refused() {
        refused(api.send(ADMIN, "PUT", "/api/permissions/mcpServer/some-id", "{\"public\": false, \"public\": true}"), "/public");
    }

    @Test
    void malformed_json_is_still_invalid_json() {
        ContentResponse r = api.send(ADMIN, "PUT", "/api/mcp/everything/auth-values", "{\"API_KEY\": ");
        assertThat(r.getStatus()).isEqualTo(400);
        assertThat(ApiClient.json(r).get("error").asString()).isEqualTo("INVALID_JSON");
    }
}
