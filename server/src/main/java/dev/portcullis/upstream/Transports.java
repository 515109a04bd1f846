package dev.portcullis.upstream;

import dev.portcullis.config.McpServerConfig;
import dev.portcullis.upstream.stdio.ChildProcesses;
import dev.portcullis.upstream.stdio.StdioProcessTransport;
import dev.portcullis.upstream.transport.ConnectionPool;
import dev.portcullis.upstream.transport.HttpTransportSettings;
import dev.portcullis.upstream.transport.StreamBudget;
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
    private final StreamBudget streams;
    private final Map<String, TransportProbe.Kind> probed = new ConcurrentHashMap<>();

    public Transports(HttpClient client, McpJsonMapper json, int maxMessageBytes, UpstreamAuthorization authorization,
                      ChildProcesses children, StreamBudget streams) {
        this.children = children;
        this.streams = streams;
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
                server.config().sseReadTimeout(), maxMessageBytes, authorization.authorizer(server), pool(server.scope()));
        McpServerConfig.Transport type = remote.transport().orElseGet(() -> probe(server, settings));
        return switch (type) {
            case STREAMABLE_HTTP -> new StreamableHttpClientTransport(client, json, settings);
            case SSE -> new SseClientTransport(client, json, settings);
            case WEBSOCKET -> new WebSocketClientTransport(client, json, settings);
            case STDIO -> throw new IllegalStateException("a remote endpoint cannot be stdio");
        };
    }

    /**
     * The shared app sessions use one pool; each user's own sessions use a pool of their own, named
     * by a digest so that no user id sits in connection bookkeeping or logs.
     */
    private ConnectionPool pool(ConnectionScope scope) {
        String owner = switch (scope) {
            case ConnectionScope.App app -> StreamBudget.APP;
            case ConnectionScope.User user -> "user:" + digest(user.tenantId() + "\u0000" + user.userId());
        };
        return new ConnectionPool(owner, owner, streams);
    }

    private static String digest(String text) {
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(hash, 0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private McpServerConfig.Transport probe(ResolvedServer server, HttpTransportSettings settings) {
        TransportProbe.Kind kind = probed.computeIfAbsent(server.fingerprint(), f -> TransportProbe.probe(client, json, settings));
        return kind == TransportProbe.Kind.SSE ? McpServerConfig.Transport.SSE : McpServerConfig.Transport.STREAMABLE_HTTP;
    }
}
