package dev.portcullis.upstream;

import dev.portcullis.egress.EgressPolicy;
import dev.portcullis.upstream.stdio.StdioProcessTransport;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import org.eclipse.jetty.client.HttpClient;

/** The transports of the gateway: stdio children, and remote servers through the one guarded client. */
public final class Transports implements TransportFactory {
    private final HttpClient client;
    private final EgressPolicy egress;
    private final McpJsonMapper json;

    public Transports(HttpClient client, EgressPolicy egress, McpJsonMapper json) {
        this.client = client;
        this.egress = egress;
        this.json = json;
    }

    @Override
    public McpClientTransport create(ResolvedServer server) {
        return switch (server.endpoint()) {
            case ResolvedServer.Stdio stdio -> new StdioProcessTransport(stdio.launch(), json);
            case ResolvedServer.Remote remote -> throw new UpstreamException.Unreachable(
                    "remote transports are being added; '" + server.name() + "' cannot be reached yet", null);
        };
    }
}
