package dev.portcullis.config;

/**
 * {@code interface.mcpServers}: what the ordinary user role may do with MCP servers. The defaults
 * are LibreChat's: use and create yes, share and public sharing no.
 */
public record McpPermissionDefaults(boolean use, boolean create, boolean share, boolean sharePublic) {
    public static final McpPermissionDefaults LIBRECHAT = new McpPermissionDefaults(true, true, false, false);
}
