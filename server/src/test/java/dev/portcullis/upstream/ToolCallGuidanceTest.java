package dev.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.Gateway;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.testing.ApiClient;
import dev.portcullis.testing.ApiClient.As;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.Peers;
import dev.portcullis.testing.TestConfigs;
import java.nio.file.Path;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tool calls that go wrong in the usual ways get an answer that says how to get them right. */
class ToolCallGuidanceTest {
    private static final As ALICE = As.user("alice");

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
                  everything: {command: node, args: ["%s", "stdio"], startup: false}
                """.formatted(TestConfigs.SECRET, Peers.serverEverything()), dir);
        gateway = Gateway.start(config);
        http = new Http(gateway.port());
        api = new ApiClient(http, config);
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
        gateway.close();
    }

    private static String error(ContentResponse r, int status, String code) {
        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(status);
        assertThat(ApiClient.json(r).get("error").asString()).isEqualTo(code);
        return ApiClient.json(r).get("message").asString();
    }

    @Test
    void parameters_sent_without_the_arguments_wrapper_are_shown_inside_it() {
        assertThat(error(api.send(ALICE, "POST", "/api/mcp/everything/tools/echo/call", "{\"message\": \"hi\"}"), 400, "BAD_REQUEST"))
                .isEqualTo("Put the tool's parameters under \"arguments\": {\"arguments\": {\"message\": ...}}");
        assertThat(error(api.send(ALICE, "POST", "/api/mcp/everything/tools/get-sum/call", "{\"b\": 2, \"a\": 1}"), 400, "BAD_REQUEST"))
                .isEqualTo("Put the tool's parameters under \"arguments\": {\"arguments\": {\"a\": ..., \"b\": ...}}");
        assertThat(error(api.send(ALICE, "POST", "/api/mcp/everything/tools/echo/call",
                "{\"arguments\": {}, \"message\": \"hi\"}"), 400, "BAD_REQUEST"))
                .isEqualTo("Only \"arguments\", \"waitForAuthMs\" and \"clientCapabilities\" are read from the body, not \"message\"; move the tool's"
                        + " parameters into \"arguments\": {\"arguments\": {\"message\": ...}}");
    }

    @Test
    void the_right_body_still_works_and_waits_are_still_read() {
        ContentResponse r = api.send(ALICE, "POST", "/api/mcp/everything/tools/echo/call",
                "{\"arguments\": {\"message\": \"hi\"}, \"waitForAuthMs\": 0}");
        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(200);
        assertThat(ApiClient.json(r).at("/content/0/text").asString()).isEqualTo("Echo: hi");
    }

    @Test
    void an_unknown_tool_names_the_closest_ones() {
        assertThat(error(api.send(ALICE, "POST", "/api/mcp/everything/tools/ecoh/call", "{\"arguments\": {}}"), 404, "NOT_FOUND"))
                .isEqualTo("MCP server 'everything' has no tool 'ecoh'; did you mean 'echo'?");
        assertThat(error(api.send(ALICE, "POST", "/api/mcp/everything/tools/xyzzy-plugh/call", "{}"), 404, "NOT_FOUND"))
                .as("server-everything has more tools than are worth listing")
                .matches("MCP server 'everything' has no tool 'xyzzy-plugh'; GET /api/mcp/tools lists its \\d+ tools");
    }
}
