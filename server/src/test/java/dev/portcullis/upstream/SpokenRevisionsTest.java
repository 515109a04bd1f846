package dev.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.portcullis.Gateway;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.testing.ApiClient;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.MutableClock;
import dev.portcullis.testing.TestConfigs;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * A server of the session revisions is asked {@code server/discover} once, not once per user who
 * connects; the memory fades, and a broken connection forgets it at once.
 */
class SpokenRevisionsTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    @Test
    void the_memory_lasts_its_time_and_is_forgotten_on_demand() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-05T00:00:00Z"));
        SpokenRevisions revisions = new SpokenRevisions(clock);
        URI url = URI.create("http://127.0.0.1:1/mcp");
        assertThat(revisions.sessionsOnly(url)).isFalse();
        revisions.foundSessionsOnly(url);
        assertThat(revisions.sessionsOnly(url)).isTrue();
        clock.advance(SpokenRevisions.REMEMBERED.plusSeconds(1));
        assertThat(revisions.sessionsOnly(url)).as("asked again after a while").isFalse();
        revisions.foundSessionsOnly(url);
        revisions.forget(url);
        assertThat(revisions.sessionsOnly(url)).isFalse();
    }

    @Test
    void two_users_connections_to_a_session_server_ask_it_once() throws Exception {
        AtomicInteger discovers = new AtomicInteger();
        AtomicInteger initializes = new AtomicInteger();
        HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/mcp", exchange -> answerAsSessionServer(exchange, discovers, initializes));
        upstream.start();
        PortcullisConfig config = TestConfigs.fromYaml("""
                server: {port: 0}
                auth: {secret: %s}
                mcpSettings: {allowedAddresses: ['127.0.0.1']}
                mcpServers:
                  older:
                    type: streamable-http
                    url: "http://127.0.0.1:%d/mcp"
                    headers: {X-User: "{{LIBRECHAT_USER_ID}}"}
                """.formatted(TestConfigs.SECRET, upstream.getAddress().getPort()), dir);
        try (Gateway gateway = Gateway.start(config); Http http = new Http(gateway.port())) {
            ApiClient api = new ApiClient(http, config);
            for (String user : List.of("alice", "bob")) {
                var r = api.send(ApiClient.As.user(user), "POST", "/api/mcp/older/tools/hello/call", "{\"arguments\":{}}");
                assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(200);
            }
            assertThat(initializes.get()).as("a connection per user").isEqualTo(2);
            assertThat(discovers.get()).as("the second user's connection was not asked").isEqualTo(1);
        } finally {
            upstream.stop(0);
        }
    }

    /** A 2025-11-25 server: a request without a session other than initialize is a 400, as the transport says. */
    @SuppressWarnings("unchecked")
    private static void answerAsSessionServer(HttpExchange exchange, AtomicInteger discovers, AtomicInteger initializes)
            throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            exchange.sendResponseHeaders(405, -1);
            exchange.close();
            return;
        }
        Map<String, Object> request = JSON.readValue(exchange.getRequestBody().readAllBytes(), Map.class);
        String method = String.valueOf(request.get("method"));
        Object result = switch (method) {
            case "initialize" -> {
                initializes.incrementAndGet();
                exchange.getResponseHeaders().add("Mcp-Session-Id", "s-" + initializes.get());
                yield Map.of("protocolVersion", "2025-11-25", "capabilities", Map.of("tools", Map.of()),
                        "serverInfo", Map.of("name", "older", "version", "1"));
            }
            case "tools/list" -> Map.of("tools", List.of(Map.of("name", "hello", "inputSchema", Map.of("type", "object"))));
            case "tools/call" -> Map.of("content", List.of(Map.of("type", "text", "text", "hi")));
            default -> null;
        };
        if ("server/discover".equals(method)) {
            discovers.incrementAndGet();
        }
        if (request.get("id") == null) { // a notification
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
            return;
        }
        int status = result == null ? 400 : 200;
        Map<String, Object> body = result != null ? Map.of("jsonrpc", "2.0", "id", request.get("id"), "result", result)
                : Map.of("jsonrpc", "2.0", "id", request.get("id"), "error", Map.of("code", -32600, "message", "Bad Request: no session"));
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
