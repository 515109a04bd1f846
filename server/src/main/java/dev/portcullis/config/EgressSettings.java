package dev.portcullis.config;

import java.util.List;

/**
 * The operator's SSRF lists, per context, exactly as written (LibreChat's meaning):
 * {@code mcpSettings} for MCP servers and their OAuth endpoints, {@code endpoints} for custom
 * endpoint base URLs, {@code actions} for OpenAPI actions.
 */
public record EgressSettings(AllowLists mcp, AllowLists endpoints, AllowLists actions) {

    public record AllowLists(List<String> allowedDomains, List<String> allowedAddresses) {
        public static final AllowLists NONE = new AllowLists(List.of(), List.of());
    }
}
