package dev.portcullis.upstream.transport;

/**
 * What the server told us at initialize and every later request must repeat: the {@code Mcp-Session-Id}
 * (null for a stateless server) and the negotiated {@code MCP-Protocol-Version} (null until the initialize
 * result passed through).
 */
record StreamableSession(String id, String protocolVersion) {

    static final StreamableSession NONE = new StreamableSession(null, null);

    StreamableSession withProtocolVersion(String version) {
        return new StreamableSession(id, version);
    }
}
