package dev.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.Gateway;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.identity.TokenMinter;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.Peers;
import dev.portcullis.testing.TestConfigs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** An operator's tool policy in front of the real server-everything over stdio, through the HTTP API. */
class ToolPolicyUpstreamTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path dir;
    static Gateway gateway;
    static Http http;
    static PortcullisConfig config;

    @BeforeAll
    static void start() {
        config = TestConfigs.fromYaml("""
                server: {port: 0}
                auth: {secret: %1$s}
                mcpServers:
                  denying:
                    command: node
                    args: ["%2$s", "stdio"]
                    tools: {deny: ["gzip-*", "get-e?v"]}
                  allowing:
                    command: node
                    args: ["%2$s", "stdio"]
                    tools: {allow: [echo, "get-s*"]}
                  both:
                    command: node
                    args: ["%2$s", "stdio"]
                    tools:
                      allow: ["get-*"]
                      deny: [get-env]
                  open:
                    command: node
                    args: ["%2$s", "stdio"]
                  unreachable:
                    command: /nonexistent/portcullis-test-server
                    startup: false
                    tools: {deny: ["*"]}
                """.formatted(TestConfigs.SECRET, Peers.serverEverything()), dir);
        gateway = Gateway.start(config);
        http = new Http(gateway.port());
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
        gateway.close();
    }

    private static Request authed(String path) {
        String token = new TokenMinter(TestConfigs.SECRET.getBytes(StandardCharsets.UTF_8), config.auth(), Clock.systemUTC())
                .mint(new TokenMinter.Claims("alice", "USER", Optional.empty(), Optional.empty(), Duration.ofMinutes(10)));
        return http.request(path).headers(h -> h.put("Authorization", "Bearer " + token)).timeout(60, TimeUnit.SECONDS);
    }

    private static ContentResponse call(String server, String tool) {
        return Http.send(authed("/api/mcp/" + server + "/tools/" + tool + "/call").method("POST")
                .body(new StringRequestContent("application/json", "{\"arguments\":{\"message\":\"hi\"}}")));
    }

    private static JsonNode listing() {
        ContentResponse r = Http.send(authed("/api/mcp/tools"));
        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(200);
        return JSON.readTree(r.getContentAsString()).get("servers");
    }

    private static List<String> names(JsonNode servers, String server) {
        return servers.get(server).get("tools").valueStream().map(t -> t.get("name").asString()).toList();
    }

    private static void assertNotAllowed(ContentResponse r) {
        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(403);
        JsonNode body = JSON.readTree(r.getContentAsString());
        assertThat(body.get("error").asString()).isEqualTo("TOOL_NOT_ALLOWED");
        assertThat(body.get("message").asString()).contains("tool policy");
    }

    @Test
    void denied_tools_are_not_listed_and_the_rest_are() {
        JsonNode servers = listing();
        List<String> kept = List.of("echo", "get-sum", "get-tiny-image", "get-structured-content", "trigger-long-running-operation");
        assertThat(names(servers, "open")).containsAll(kept).contains("gzip-file-as-resource", "get-env");
        assertThat(names(servers, "denying")).containsAll(kept).doesNotContain("gzip-file-as-resource", "get-env");
    }

    @Test
    void a_denied_tool_answers_403_tool_not_allowed_without_showing_the_policy() {
        ContentResponse r = call("denying", "gzip-file-as-resource");
        assertNotAllowed(r);
        assertThat(r.getContentAsString()).doesNotContain("gzip-*").doesNotContain("get-e?v");
        assertNotAllowed(call("denying", "get-env"));
        assertThat(call("denying", "echo").getStatus()).isEqualTo(200);
    }

    @Test
    void an_allow_list_lists_and_calls_only_its_tools() {
        assertThat(names(listing(), "allowing")).containsExactlyInAnyOrder("echo", "get-structured-content", "get-sum");
        ContentResponse echo = call("allowing", "echo");
        assertThat(echo.getStatus()).as(echo.getContentAsString()).isEqualTo(200);
        assertThat(JSON.readTree(echo.getContentAsString()).at("/content/0/text").asString()).isEqualTo("Echo: hi");
        assertNotAllowed(call("allowing", "get-tiny-image"));
        assertNotAllowed(call("allowing", "gzip-file-as-resource"));
    }

    @Test
    void deny_beats_allow() {
        List<String> both = names(listing(), "both");
        assertThat(both).contains("get-sum", "get-tiny-image").doesNotContain("get-env", "echo");
        assertNotAllowed(call("both", "get-env"));
        assertNotAllowed(call("both", "echo"));
    }

    @Test
    void the_policy_is_decided_before_anything_connects() {
        assertNotAllowed(call("unreachable", "echo"));
    }

    @Test
    void a_streamed_call_of_a_denied_tool_ends_in_an_error_event() {
        ContentResponse r = Http.send(authed("/api/mcp/denying/tools/gzip-file-as-resource/call").method("POST")
                .headers(h -> h.put("Accept", "text/event-stream"))
                .body(new StringRequestContent("application/json", "{\"arguments\":{}}")));
        assertThat(r.getContentAsString()).contains("event: error").contains("\"error\":\"TOOL_NOT_ALLOWED\"")
                .doesNotContain("event: result");
    }
}
