package dev.portcullis.upstream.transport;

import dev.portcullis.upstream.UpstreamException;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.ProtocolVersions;
import java.io.IOException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;

/**
 * The specification's backwards-compatibility probe for a server URL configured without a {@code type}: POST
 * an initialize; 400, 404 or 405 means a legacy HTTP+SSE server, anything successful a Streamable HTTP one.
 * A session the probe opened is ended with DELETE at once, so probing leaves nothing behind. Blocking.
 */
public final class TransportProbe {

    /** The transport a server speaks. */
    public enum Kind {
        STREAMABLE_HTTP,
        SSE
    }

    private TransportProbe() {
    }

    /**
     * @throws UpstreamException Blocked, Unreachable, Timeout, AuthorizationRequired (a 401 is not a transport
     *                           answer: authorize first, then probe), or ProtocolViolation for other statuses
     */
    public static Kind probe(HttpClient client, McpJsonMapper json, HttpTransportSettings settings) {
        Hop hop = Hop.configured(settings.endpoint());
        Outgoing post = Outgoing.builder("POST", settings)
                .header(HttpHeader.ACCEPT.asString(), "application/json, text/event-stream")
                .json(initialize(json))
                .build();
        String sessionId;
        try (HttpExchange exchange = HttpExchange.open(client, hop, post, settings.requestTimeout(),
                settings.requestTimeout().toMillis(), settings.requestTimeout())) {
            int status = exchange.status();
            if (status == 400 || status == 404 || status == 405) {
                exchange.discard();
                return Kind.SSE;
            }
            if (status / 100 != 2) {
                exchange.discard();
                throw Statuses.failure(exchange);
            }
            sessionId = exchange.header("Mcp-Session-Id");
        } // closing aborts an initialize answer still streaming: the probe needs only the status
        if (sessionId != null) {
            endSession(client, hop, settings, sessionId);
        }
        return Kind.STREAMABLE_HTTP;
    }

    private static byte[] initialize(McpJsonMapper json) {
        var params = new McpSchema.InitializeRequest(ProtocolVersions.MCP_2025_11_25,
                McpSchema.ClientCapabilities.builder().build(), new McpSchema.Implementation("portcullis-probe", "1"));
        try {
            return json.writeValueAsBytes(new McpSchema.JSONRPCRequest(McpSchema.METHOD_INITIALIZE, "probe", params));
        } catch (IOException e) {
            throw new UpstreamException.ProtocolViolation("the probe's initialize could not be encoded", e);
        }
    }

    private static void endSession(HttpClient client, Hop hop, HttpTransportSettings settings, String sessionId) {
        Outgoing delete = Outgoing.builder("DELETE", settings).header("Mcp-Session-Id", sessionId).build();
        try (HttpExchange exchange = HttpExchange.open(client, hop, delete, settings.requestTimeout(),
                settings.requestTimeout().toMillis(), settings.requestTimeout())) {
            exchange.discard(); // 405: the server keeps the session until it expires it; nothing more to do
        }
    }
}
