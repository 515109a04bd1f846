package dev.portcullis.upstream;

import dev.portcullis.config.McpServerConfig;
import dev.portcullis.upstream.stdio.ChildProcesses;
import dev.portcullis.upstream.stdio.StdioProcessTransport;
import dev.portcullis.upstream.transport.HttpTransportSettings;
import dev.portcullis.upstream.transport.SseClientTransport;
import dev.portcullis.upstream.transport.StreamableHttpClientTransport;
import dev.portcullis.upstream.transport.TransportProbe;
import dev.portcullis.upstream.transport.WebSocketClientTransport;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.client.HttpClient;

/**
 * The transports of the gateway: stdio children, and remote servers through the one guarded
 * client (each transport asks the egress guard before it connects). A URL configured without a
 * type is probed once per configuration, as the specification's backwards-compatibility section
 * describes, and the answer remembered.
 */
public final class Transports implements TransportFactory {
    private final HttpClient client;
    private final McpJsonMapper json;
    private final int maxMessageBytes;
    private final UpstreamAuthorization authorization;
    private final ChildProcesses children;
    private final Map<String, TransportProbe.Kind> probed = new ConcurrentHashMap<>();

    public Transports(HttpClient client, McpJsonMapper json, int maxMessageBytes, UpstreamAuthorization authorization,
                      ChildProcesses children) {
        this.children = children;
        this.client = client;
        this.json = json;
        this.maxMessageBytes = maxMessageBytes;
        this.authorization = authorization;
    }

    @Override
    public McpClientTransport create(ResolvedServer server) {
        return switch (server.endpoint()) {
            case ResolvedServer.Stdio stdio -> new StdioProcessTransport(stdio.launch(), json, children);
            case ResolvedServer.Remote remote -> remote(server, remote);
        };
    }

    private McpClientTransport remote(ResolvedServer server, ResolvedServer.Remote remote) {
        HttpTransportSettings settings = new HttpTransportSettings(remote.url(), remote.headers(), server.requestTimeout(),
                server.config().sseReadTimeout(), maxMessageBytes, authorization.authorizer(server));
        McpServerConfig.Transport type = remote.transport().orElseGet(() -> probe(server, settings));
        return switch (type) {
            case STREAMABLE_HTTP -> new StreamableHttpClientTransport(client, json, settings);
            case SSE -> new SseClientTransport(client, json, settings);
            case WEBSOCKET -> new WebSocketClientTransport(client, json, settings);
            case STDIO -> throw new IllegalStateException("a remote endpoint cannot be stdio");
        };
    }

    private McpServerConfig.Transport probe(ResolvedServer server, HttpTransportSettings settings) {
        TransportProbe.Kind kind = probed.computeIfAbsent(server.fingerprint(), f -> TransportProbe.probe(client, json, settings));
        return kind == TransportProbe.Kind.SSE ? McpServerConfig.Transport.SSE : McpServerConfig.Transport.STREAMABLE_HTTP;
    }
}
