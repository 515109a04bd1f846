package dev.portcullis.egress;

import java.util.Set;

/**
 * Why an outbound request is made. The context selects the operator lists that apply and the schemes a
 * URL may use: MCP servers may speak WebSocket, everything else is plain HTTP(S).
 */
public enum EgressContext {
    /** Traffic to an MCP server (Streamable HTTP, SSE, WebSocket); lists from {@code mcpSettings}. */
    MCP(Set.of("http", "https", "ws", "wss")),
    /** OAuth discovery, registration, authorization, token and revocation URLs; the MCP lists with rule 7's precedence. */
    OAUTH(Set.of("http", "https")),
    /** Custom endpoint base URLs; {@code endpoints.allowedAddresses} only. */
    ENDPOINT(Set.of("http", "https")),
    /** OpenAPI actions; lists from {@code actions}. */
    ACTION(Set.of("http", "https"));

    private final Set<String> schemes;

    EgressContext(Set<String> schemes) {
        this.schemes = schemes;
    }

    /** The lower-case schemes a URL may use in this context. */
    public Set<String> allowedSchemes() {
        return schemes;
    }

    /** The context whose operator lists this one uses: OAuth URLs are governed by the MCP lists. */
    EgressContext listOwner() {
        return this == OAUTH ? MCP : this;
    }
}
