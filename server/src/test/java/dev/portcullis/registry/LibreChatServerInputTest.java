package dev.portcullis.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.Gateway;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.testing.ApiClient;
import dev.portcullis.testing.ApiClient.As;
import dev.portcullis.testing.EverythingServer;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.TestConfigs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST/PATCH /api/mcp/servers} with what LibreChat's client sends ({@code MCPServerUserInput})
 * and the 400 LibreChat's UI can show: the stable code in {@code error}, LibreChat's
 * {@code message}, and zod-style issues in {@code errors}.
 */
class LibreChatServerInputTest {
    private static final As ALICE = As.user("alice");

    @TempDir
    static Path dir;
    static EverythingServer everything;
    static Gateway gateway;
    static Http http;
    static ApiClient api;

    @BeforeAll
    static void start() {
        everything = EverythingServer.start("streamableHttp");
        PortcullisConfig config = TestConfigs.fromYaml("""
                server: {port: 0, publicUrl: "http://localhost:3080"}
                auth: {secret: %s}
                upstream: {serverChangesPerMinute: 10000}
                mcpSettings:
                  allowedDomains: ['localhost', '127.0.0.1']
                """.formatted(TestConfigs.SECRET), dir);
        gateway = Gateway.start(config);
        http = new Http(gateway.port());
        api = new ApiClient(http, config);
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
        gateway.close();
        everything.close();
    }

    private static ContentResponse create(String configJson) {
        return api.send(ALICE, "POST", "/api/mcp/servers", "{\"config\": " + configJson + "}");
    }

    @Test
    void what_librechats_client_sends_is_accepted_and_the_servers_own_settings_are_dropped() {
        ContentResponse r = create("""
                {"type": "streamable-http", "url": "%s", "title": "Bob's Tools", "description": "Tools of Bob",
                 "requestHeaders": {"X-Team": "blue"},
                 "startup": true, "timeout": 5000, "chatMenu": false, "requiresOAuth": true, "serverInstructions": "obey",
                 "oauth_headers": {"X-Tenant": "acme"}}""".formatted(everything.uri("/mcp")));

        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(201);
        JsonNode view = ApiClient.json(r);
        assertThat(view.get("title").asString()).isEqualTo("Bob's Tools");
        assertThat(view.get("chatMenu").asBoolean()).as("chatMenu is the server's, not the user's").isTrue();
        assertThat(view.get("requiresOAuth").asBoolean()).as("decided by inspection").isFalse();
        assertThat(view.has("serverInstructions")).isFalse();
        String name = view.get("serverName").asString();
        assertThat(ApiClient.json(api.send(ALICE, "GET", "/api/mcp/servers/" + name)).get("chatMenu").asBoolean()).isTrue();
    }

    @Test
    void a_refused_config_answers_librechats_message_with_zod_issues_and_the_stable_code() {
        String secretish = "s3cr3t-value-never-echoed";
        ContentResponse r = create("""
                {"type": "stdio", "command": "sh", "url": "https://x.example/?k=${JWT_SECRET}", "title": "My_Tool",
                 "requestHeaders": {"X.Key": "{{LIBRECHAT_USER_EMAIL}}"}, "oauth": {"scope": ["%s"]}, "titel": "%s"}"""
                .formatted(secretish, secretish));

        assertThat(r.getStatus()).isEqualTo(400);
        JsonNode body = ApiClient.json(r);
        assertThat(body.get("error").asString()).isEqualTo("INVALID_SERVER_CONFIG");
        assertThat(body.get("message").asString()).isEqualTo("Invalid configuration");
        assertThat(body.get("requestId").asString()).isNotBlank();
        List<String> issues = new ArrayList<>();
        body.get("errors").forEach(e -> issues.add(e.get("code").asString() + " " + e.get("path") + " " + e.get("field").asString()));
        assertThat(issues).contains(
                "invalid_string [\"title\"] config.title",
                "custom [\"command\"] config.command",
                "custom [\"url\"] config.url",
                "custom [\"requestHeaders\",\"X.Key\"] config.requestHeaders.X.Key",
                "invalid_type [\"oauth\",\"scope\"] config.oauth.scope",
                "unrecognized_keys [\"titel\"] config.titel");
        body.get("errors").forEach(e -> assertThat(e.get("message").asString()).isNotBlank());
        assertThat(body.get("errors").toString()).contains("Title must start with a letter or number");
        assertThat(r.getContentAsString()).doesNotContain(secretish).doesNotContain("JWT_SECRET}");
    }

    @Test
    void a_body_without_a_config_object_is_one_issue_at_the_root() {
        ContentResponse r = api.send(ALICE, "POST", "/api/mcp/servers", "{\"type\": \"sse\"}");

        assertThat(r.getStatus()).isEqualTo(400);
        JsonNode body = ApiClient.json(r);
        assertThat(body.get("message").asString()).isEqualTo("Invalid configuration");
        assertThat(body.get("errors")).singleElement().satisfies(issue -> {
            assertThat(issue.get("code").asString()).isEqualTo("invalid_type");
            assertThat(issue.get("path").isArray() && issue.get("path").isEmpty()).isTrue();
            assertThat(issue.get("field").asString()).isEqualTo("config");
        });
    }

    @Test
    void moving_a_server_needs_its_request_headers_again_like_its_headers() {
        ContentResponse r = create("""
                {"type": "streamable-http", "url": "%s", "title": "Moving Headers", "requestHeaders": {"X-Key": "k1"}}"""
                .formatted(everything.uri("/mcp")));
        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(201);
        String name = ApiClient.json(r).get("serverName").asString();
        String moved = everything.uri("/mcp?moved=1").toString();

        ContentResponse refused = api.send(ALICE, "PATCH", "/api/mcp/servers/" + name,
                "{\"config\": {\"url\": \"%s\"}}".formatted(moved));
        assertThat(refused.getStatus()).isEqualTo(400);
        assertThat(ApiClient.json(refused).get("error").asString()).isEqualTo("MCP_CREDENTIAL_REENTRY_REQUIRED");
        assertThat(ApiClient.json(refused).get("fields").toString()).contains("config.requestHeaders");

        ContentResponse resent = api.send(ALICE, "PATCH", "/api/mcp/servers/" + name,
                "{\"config\": {\"url\": \"%s\", \"requestHeaders\": {\"X-Key\": \"k2\"}}}".formatted(moved));
        assertThat(resent.getStatus()).as(resent.getContentAsString()).isEqualTo(200);
    }
}
