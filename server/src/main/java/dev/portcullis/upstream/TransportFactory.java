package dev.portcullis.upstream;

import io.modelcontextprotocol.spec.McpClientTransport;

/** Builds the transport a resolved server needs. */
@FunctionalInterface
public interface TransportFactory {
    McpClientTransport create(ResolvedServer server);
}
