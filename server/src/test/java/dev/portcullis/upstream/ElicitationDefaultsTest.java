package dev.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.Gateway;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.testing.ApiClient;
import dev.portcullis.testing.EverythingServer;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.SseCall;
import dev.portcullis.testing.TestConfigs;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * SEP-1034 through the gateway, with server-everything's {@code trigger-elicitation-request}: its form
 * requires {@code name} and gives defaults to most other fields ({@code firstLine}, {@code integer} 42,
 * {@code number} 3.14, the enums, the multi-selects). Whoever answers — a REST caller at the inputs route,
 * an MCP client at the front door — the server receives the person's fields plus the defaults of the
 * fields left out, and never content that does not fit its form.
 */
class ElicitationDefaultsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String DEFAULT_FIRST_LINE = "It was a dark and stormy night.";

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
                server: {port: 0}
                auth: {secret: %s}
                mcpSettings: {allowedAddresses: ['127.0.0.1']}
                mcpServers:
                  everything: {type: streamable-http, url: "%s"}
                """.formatted(TestConfigs.SECRET, everything.uri("/mcp")), dir);
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

    private static String token() {
        return api.token(ApiClient.As.user("alice"));
    }

    private static ContentResponse answer(String path, String body) {
        return api.send(ApiClient.As.user("alice"), "POST", path, body);
    }

    /**
     * A REST caller answers with only the required field: the server gets the defaults too. Answers that do
     * not fit the form are refused with what to fix, and the question waits for a better one.
     */
    @Test
    void a_rest_callers_accepted_form_reaches_the_server_with_its_defaults_and_a_misfit_is_refused() throws Exception {
        try (SseCall call = SseCall.post(gateway.port(), "/api/mcp/everything/tools/trigger-elicitation-request/call", token(),
                "{\"arguments\":{},\"clientCapabilities\":{\"elicitation\":{}}}")) {
            JsonNode input = call.next("input", WAIT).data();
            assertThat(input.get("method").asString()).isEqualTo("elicitation/create");
            String path = "/api/mcp/everything/inputs/" + input.get("inputId").asString();

            ContentResponse empty = answer(path, "{\"result\":{\"action\":\"accept\"}}");
            assertThat(empty.getStatus()).as(empty.getContentAsString()).isEqualTo(400);
            assertThat(ApiClient.json(empty).get("error").asString()).isEqualTo("INVALID_INPUT_ANSWER");
            assertThat(ApiClient.json(empty).get("message").asString()).contains("'name' is required", "answer again");
            ContentResponse wrongType = answer(path, "{\"result\":{\"action\":\"accept\",\"content\":{\"name\":\"Alice\","
                    + "\"integer\":\"many\"}}}");
            assertThat(wrongType.getStatus()).isEqualTo(400);
            assertThat(ApiClient.json(wrongType).get("message").asString()).contains("'integer' must be an integer, not a string")
                    .doesNotContain("many");
            ContentResponse notAChoice = answer(path, "{\"result\":{\"action\":\"accept\",\"content\":{\"name\":\"Alice\","
                    + "\"untitledSingleSelectEnum\":\"Gunther\"}}}");
            assertThat(notAChoice.getStatus()).isEqualTo(400);
            assertThat(ApiClient.json(notAChoice).get("message").asString()).contains("'untitledSingleSelectEnum' must be one of");
            ContentResponse unknownAction = answer(path, "{\"result\":{\"action\":\"approve\"}}");
            assertThat(unknownAction.getStatus()).isEqualTo(400);

            ContentResponse accepted = answer(path, "{\"result\":{\"action\":\"accept\",\"content\":{\"name\":\"Alice\",\"integer\":7}}}");
            assertThat(accepted.getStatus()).as(accepted.getContentAsString()).isEqualTo(204);
            JsonNode result = call.next("result", WAIT).data();
            String text = result.get("content").toString();
            assertThat(text).contains("Name: Alice", "Favorite Integer: 7", "Favorite Number: 3.14", DEFAULT_FIRST_LINE,
                    "Monica", "Guitar", "hero-1", "fish-1", "pet-1");
        }
    }

    /** An MCP client at the front door accepts with part of the form: the server gets the rest as defaults. */
    @Test
    void a_front_door_clients_partial_answer_reaches_the_server_with_the_forms_defaults() throws Exception {
        String session = frontDoorSession();
        try (SseCall call = frontDoorCall(session, 7)) {
            JsonNode asked = serverRequest(call);
            assertThat(asked.get("params").get("requestedSchema").get("properties").get("integer").get("default").asInt())
                    .as("the client sees the form as the server sent it").isEqualTo(42);
            assertThat(reply(session, asked.get("id"), "{\"action\":\"accept\",\"content\":{\"name\":\"Alice\",\"check\":true}}"))
                    .isEqualTo(202);
            JsonNode result = response(call, 7);
            String text = result.get("result").get("content").toString();
            assertThat(text).contains("Name: Alice", "Agreed to terms: true", "Favorite Integer: 42", "Favorite Number: 3.14",
                    DEFAULT_FIRST_LINE);
        }
    }

    /** A front-door client's content that does not fit the form never reaches the server as content: it gets -32602. */
    @Test
    void a_front_door_clients_answer_that_does_not_fit_is_refused_to_the_server() throws Exception {
        String session = frontDoorSession();
        try (SseCall call = frontDoorCall(session, 8)) {
            JsonNode asked = serverRequest(call);
            assertThat(reply(session, asked.get("id"), "{\"action\":\"accept\",\"content\":{\"name\":5}}")).isEqualTo(202);
            JsonNode result = response(call, 8);
            assertThat(result.toString()).contains("'name' must be a string, not a number").doesNotContain("User inputs");
        }
    }

    private static String frontDoorSession() {
        ContentResponse init = post(null, """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",
                 "capabilities":{"elicitation":{"form":{}}},"clientInfo":{"name":"form-filler","version":"1"}}}""");
        assertThat(init.getStatus()).as(init.getContentAsString()).isEqualTo(200);
        String session = init.getHeaders().get("Mcp-Session-Id");
        assertThat(post(session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}").getStatus()).isEqualTo(202);
        return session;
    }

    private static SseCall frontDoorCall(String session, int id) {
        return SseCall.post(gateway.port(), "/mcp/everything", token(), """
                {"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"trigger-elicitation-request","arguments":{}}}"""
                .formatted(id), "Mcp-Session-Id", session, "MCP-Protocol-Version", "2025-11-25");
    }

    /** The server's elicitation request, relayed on the call's stream. */
    private static JsonNode serverRequest(SseCall call) throws InterruptedException {
        while (true) {
            JsonNode message = call.next(WAIT).data();
            if ("elicitation/create".equals(message.path("method").asString(""))) {
                return message;
            }
            assertThat(message.has("result") || message.has("error")).as("the call ended before the server asked: " + message).isFalse();
        }
    }

    private static JsonNode response(SseCall call, int id) throws InterruptedException {
        while (true) {
            JsonNode message = call.next(WAIT).data();
            if (message.path("id").asInt(-1) == id && (message.has("result") || message.has("error"))) {
                return message;
            }
        }
    }

    private static int reply(String session, JsonNode id, String result) {
        return post(session, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":" + result + "}").getStatus();
    }

    private static ContentResponse post(String session, String body) {
        return Http.send(http.request("/mcp/everything").method(HttpMethod.POST).headers(h -> {
            h.put("Authorization", "Bearer " + token());
            h.put("Accept", "application/json, text/event-stream");
            if (session != null) {
                h.put("Mcp-Session-Id", session);
                h.put("MCP-Protocol-Version", "2025-11-25");
            }
        }).body(new StringRequestContent("application/json", body)));
    }
}
