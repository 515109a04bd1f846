package dev.portcullis.upstream.transport;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * A tiny MCP server over WebSocket for the transport test: it answers initialize, tools/list and
 * tools/call echo, and answers {@code echo} of {@code "big"} with a result far over any small limit.
 * Loopback only.
 */
final class WebSocketFixtureServer implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);
    volatile String offeredSubprotocols;
    volatile String apiKey;

    WebSocketFixtureServer() throws Exception {
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(WebSocketUpgradeHandler.from(server, container -> container.addMapping("/mcp", (rq, rs, cb) -> {
            offeredSubprotocols = String.join(",", rq.getSubProtocols());
            apiKey = rq.getHeaders().get("X-Api-Key");
            if (rq.hasSubProtocol("mcp")) {
                rs.setAcceptedSubProtocol("mcp");
            }
            return new Endpoint();
        })));
        server.start();
    }

    URI uri() {
        return URI.create("ws://127.0.0.1:" + connector.getLocalPort() + "/mcp");
    }

    /** Public because Jetty calls listener methods through method handles. */
    public static final class Endpoint implements Session.Listener.AutoDemanding {
        private Session session;

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
        }

        @Override
        @SuppressWarnings("unchecked")
        public void onWebSocketText(String text) {
            Map<String, Object> request = JSON.readValue(text, Map.class);
            Object id = request.get("id");
            if (id == null) {
                return; // a notification
            }
            Map<String, Object> params = (Map<String, Object>) request.getOrDefault("params", Map.of());
            Object result = switch ((String) request.get("method")) {
                case "initialize" -> Map.of("protocolVersion", params.get("protocolVersion"),
                        "capabilities", Map.of("tools", Map.of()),
                        "serverInfo", Map.of("name", "websocket-fixture", "version", "1"));
                case "tools/list" -> Map.of("tools", List.of(Map.of("name", "echo",
                        "inputSchema", Map.of("type", "object", "properties", Map.of("message", Map.of("type", "string"))))));
                case "tools/call" -> {
                    String message = (String) ((Map<String, Object>) params.get("arguments")).get("message");
                    String echoed = "big".equals(message) ? "x".repeat(100_000) : "Echo: " + message;
                    yield Map.of("content", List.of(Map.of("type", "text", "text", echoed)), "isError", false);
                }
                default -> Map.of();
            };
            session.sendText(JSON.writeValueAsString(Map.of("jsonrpc", "2.0", "id", id, "result", result)), Callback.NOOP);
        }
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
