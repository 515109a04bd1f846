package dev.portcullis.upstream.transport;

import dev.portcullis.testing.EverythingServer;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Streamable HTTP server that behaves like the conformance suite's {@code sse-retry} scenario (SEP-1699):
 * it answers {@code tools/call} with an SSE stream holding only a priming event ({@code id}, {@code retry: 500})
 * and closes it; the response comes on a GET carrying {@code Last-Event-ID}. {@code /moved} answers 307 to
 * {@code /mcp} (same origin) and {@code /elsewhere} 307 to another loopback origin; {@code /legacy-sse} is a
 * legacy SSE stream naming a message endpoint on another origin. Loopback only.
 */
final class ResumptionFixture implements AutoCloseable {

    /** One request the fixture saw: when, how, and the headers that matter here. */
    record Seen(long nanos, String method, String path, String lastEventId, String sessionId, String protocolVersion,
                String apiKey) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final String CHALLENGE = "Bearer resource_metadata=\"http://127.0.0.1/.well-known/oauth-protected-resource\"";

    final List<Seen> seen = new CopyOnWriteArrayList<>();
    volatile long primingClosedNanos;
    /** Answers the resuming GET with 404, as a server that lost the session after accepting the request. */
    volatile boolean loseSessionOnResume;
    private volatile Object pendingId;
    private final Javalin app;

    ResumptionFixture() {
        app = Javalin.create(config -> {
            config.concurrency.useVirtualThreads = true;
            config.startup.showJavalinBanner = false;
            config.jetty.host = "127.0.0.1";
            config.jetty.port = 0;
            config.routes.post("/mcp", this::post);
            config.routes.post("/protected", ctx -> {
                if ("Bearer good-token".equals(ctx.header("Authorization"))) {
                    post(ctx);
                } else {
                    record(ctx).status(401).header("WWW-Authenticate", CHALLENGE);
                }
            });
            config.routes.get("/mcp", this::get);
            config.routes.get("/legacy-sse", ctx -> writeEvents(record(ctx),
                    "event: endpoint\ndata: http://127.0.0.1:" + EverythingServer.freePort() + "/message\n\n"));
            config.routes.delete("/mcp", ctx -> record(ctx).status(200));
            config.routes.post("/moved", ctx -> record(ctx).status(307).header("Location", "/mcp"));
            config.routes.post("/elsewhere", ctx -> record(ctx).status(307)
                    .header("Location", "http://127.0.0.1:" + EverythingServer.freePort() + "/mcp"));
        }).start();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + app.port() + path);
    }

    private Context record(Context ctx) {
        seen.add(new Seen(System.nanoTime(), ctx.method().name(), ctx.path(), ctx.header("Last-Event-ID"),
                ctx.header("Mcp-Session-Id"), ctx.header("MCP-Protocol-Version"), ctx.header("X-Api-Key")));
        return ctx;
    }

    @SuppressWarnings("unchecked")
    private void post(Context ctx) throws IOException {
        record(ctx);
        Map<String, Object> message = JSON.readValue(ctx.bodyAsBytes(), Map.class);
        Object id = message.get("id");
        switch ((String) message.get("method")) {
            case "initialize" -> {
                Map<String, Object> params = (Map<String, Object>) message.get("params");
                ctx.header("Mcp-Session-Id", "session-1").contentType("application/json")
                        .result(JSON.writeValueAsString(response(id, Map.of("protocolVersion", params.get("protocolVersion"),
                                "capabilities", Map.of("tools", Map.of()),
                                "serverInfo", Map.of("name", "resumption-fixture", "version", "1")))));
            }
            case "tools/call" -> {
                pendingId = id;
                writeEvents(ctx, "id: event-1\nretry: 500\ndata: \n\n");
                primingClosedNanos = System.nanoTime();
            }
            default -> ctx.status(202);
        }
    }

    private void get(Context ctx) throws IOException {
        record(ctx);
        if (ctx.header("Last-Event-ID") == null) {
            ctx.status(405); // no listening stream offered
            return;
        }
        if (loseSessionOnResume) {
            ctx.status(404);
            return;
        }
        Map<String, Object> result = Map.of("content", List.of(Map.of("type", "text", "text", "resumed")), "isError", false);
        writeEvents(ctx, "id: event-2\ndata: " + JSON.writeValueAsString(response(pendingId, result)) + "\n\n");
    }

    private static Map<String, Object> response(Object id, Object result) {
        return Map.of("jsonrpc", "2.0", "id", id, "result", result);
    }

    private static void writeEvents(Context ctx, String events) throws IOException {
        ctx.contentType("text/event-stream");
        OutputStream out = ctx.res().getOutputStream();
        out.write(events.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() {
        app.stop();
    }
}
