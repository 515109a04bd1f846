package dev.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.portcullis.Gateway;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.testing.ApiClient;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.SseCall;
import dev.portcullis.testing.TestConfigs;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Streamable HTTP server that asks its question on the session's listening stream (GET), not on the
 * call's own, as the TypeScript SDK does for a request it does not tie to the call (the conformance
 * suite's SEP-1034 server), and that announces no tool-list changes, so nothing else opens that stream.
 * Such a server drops a message sent while no stream is open. On a user's own connection the gateway
 * opens the stream before a call whose client can answer, so the question reaches the caller, and the
 * accepted form gets its defaults.
 */
class ListeningStreamQuestionsTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path dir;
    static HttpServer upstream;
    static Gateway gateway;
    static Http http;
    static ApiClient api;
    /** The open listening stream, if any. */
    static final AtomicReference<OutputStream> listening = new AtomicReference<>();
    static final AtomicReference<CompletableFuture<Map<String, Object>>> answer = new AtomicReference<>();

    @BeforeAll
    static void start() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/mcp", ListeningStreamQuestionsTest::handle);
        upstream.setExecutor(Executors.newVirtualThreadPerTaskExecutor()); // the listening stream stays open
        upstream.start();
        PortcullisConfig config = TestConfigs.fromYaml("""
                server: {port: 0}
                auth: {secret: %s}
                mcpSettings: {allowedAddresses: ['127.0.0.1']}
                mcpServers:
                  asker:
                    type: streamable-http
                    url: "http://127.0.0.1:%d/mcp"
                    headers: {X-User: "{{LIBRECHAT_USER_ID}}"}
                """.formatted(TestConfigs.SECRET, upstream.getAddress().getPort()), dir);
        gateway = Gateway.start(config);
        http = new Http(gateway.port());
        api = new ApiClient(http, config);
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
        gateway.close();
        upstream.stop(0);
    }

    @SuppressWarnings("unchecked")
    private static void handle(HttpExchange exchange) throws IOException {
        if ("GET".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write(": open\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            listening.set(out);
            return; // held open until the test ends
        }
        Map<String, Object> message = JSON.readValue(exchange.getRequestBody().readAllBytes(), Map.class);
        if (message.containsKey("result") && "q1".equals(message.get("id"))) {
            answer.get().complete((Map<String, Object>) message.get("result"));
            reply(exchange, 202, null);
            return;
        }
        String method = String.valueOf(message.get("method"));
        if (!message.containsKey("id")) {
            reply(exchange, 202, null); // notifications
            return;
        }
        Object result = switch (method) {
            case "initialize" -> Map.of("protocolVersion", "2025-11-25", "capabilities", Map.of("tools", Map.of()),
                    "serverInfo", Map.of("name", "asker", "version", "1"));
            case "tools/list" -> Map.of("tools", List.of(Map.of("name", "ask", "inputSchema", Map.of("type", "object"))));
            case "tools/call" -> ask();
            default -> null;
        };
        if ("initialize".equals(method)) {
            exchange.getResponseHeaders().add("Mcp-Session-Id", "session-1");
        }
        reply(exchange, 200, result != null ? Map.of("jsonrpc", "2.0", "id", message.get("id"), "result", result)
                : Map.of("jsonrpc", "2.0", "id", message.get("id"), "error", Map.of("code", -32601, "message", "Method not found")));
    }

    /** Asks on the listening stream, as the SDK does; with no stream open the question is lost, as there. */
    private static Map<String, Object> ask() throws IOException {
        OutputStream out = listening.get();
        if (out == null) {
            return text("nobody was listening");
        }
        CompletableFuture<Map<String, Object>> asked = new CompletableFuture<>();
        answer.set(asked);
        Map<String, Object> request = Map.of("jsonrpc", "2.0", "id", "q1", "method", "elicitation/create", "params", Map.of(
                "message", "Your details", "requestedSchema", Map.of("type", "object", "properties", Map.of(
                        "name", Map.of("type", "string", "default", "John Doe"),
                        "age", Map.of("type", "integer", "default", 30)))));
        synchronized (out) {
            out.write(("event: message\ndata: " + JSON.writeValueAsString(request) + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
        try {
            return text(JSON.writeValueAsString(asked.get(20, TimeUnit.SECONDS)));
        } catch (Exception e) {
            return text("no answer: " + e);
        }
    }

    private static Map<String, Object> text(String text) {
        return Map.of("content", List.of(Map.of("type", "text", "text", text)));
    }

    private static void reply(HttpExchange exchange, int status, Object body) throws IOException {
        if (body == null) {
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
            return;
        }
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Test
    void a_question_sent_on_the_listening_stream_reaches_the_caller_who_can_answer_it() throws Exception {
        try (SseCall call = SseCall.post(gateway.port(), "/api/mcp/asker/tools/ask/call", api.token(ApiClient.As.user("alice")),
                "{\"arguments\":{},\"clientCapabilities\":{\"elicitation\":{}}}")) {
            JsonNode input = call.next("input", Duration.ofSeconds(30)).data();
            assertThat(input.get("method").asString()).isEqualTo("elicitation/create");
            assertThat(api.send(ApiClient.As.user("alice"), "POST", "/api/mcp/asker/inputs/" + input.get("inputId").asString(),
                    "{\"result\":{\"action\":\"accept\",\"content\":{\"age\":41}}}").getStatus()).isEqualTo(204);
            JsonNode result = call.next("result", Duration.ofSeconds(30)).data();
            JsonNode answered = JSON.readTree(result.get("content").get(0).get("text").asString());
            assertThat(answered.get("action").asString()).isEqualTo("accept");
            assertThat(answered.get("content").get("age").asInt()).isEqualTo(41);
            assertThat(answered.get("content").get("name").asString()).as("the default, filled in").isEqualTo("John Doe");
        }
    }
}
