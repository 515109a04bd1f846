package dev.portcullis.config;

import dev.portcullis.egress.EgressContext;
import dev.portcullis.egress.EgressLists;
import dev.portcullis.egress.EgressPolicy;
import dev.portcullis.egress.HostResolver;

/**
 * The operator's SSRF lists, per context, exactly as written (LibreChat's meaning):
 * {@code mcpSettings} for MCP servers and their OAuth endpoints, {@code endpoints} for custom
 * endpoint base URLs (and the operator's own URLs such as {@code auth.jwksUrl}), {@code actions}
 * for OpenAPI actions. The loader has already validated every entry.
 */
public record EgressSettings(EgressLists mcp, EgressLists endpoints, EgressLists actions) {
    public static final EgressSettings NONE = new EgressSettings(EgressLists.none(), EgressLists.none(), EgressLists.none());

    public EgressPolicy policy(HostResolver resolver) {
        return EgressPolicy.builder()
                .lists(EgressContext.MCP, mcp)
                .lists(EgressContext.ENDPOINT, endpoints)
                .lists(EgressContext.ACTION, actions)
                .resolver(resolver)
                .build();
    }
}
