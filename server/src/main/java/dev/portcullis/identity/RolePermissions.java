package dev.portcullis.identity;

import dev.portcullis.config.McpPermissionDefaults;

/**
 * What a role may do with MCP servers. {@code ADMIN} may do everything; every other role gets
 * the operator's {@code interface.mcpServers} settings (LibreChat applies those to its USER role
 * and has no other built-in role).
 */
public final class RolePermissions {
    private final McpPermissionDefaults defaults;

    public RolePermissions(McpPermissionDefaults defaults) {
        this.defaults = defaults;
    }

    public boolean allows(Caller caller, McpPermission permission) {
        if (caller.isAdmin()) {
            return true;
        }
        return switch (permission) {
            case USE -> defaults.use();
            case CREATE -> defaults.create();
            case SHARE -> defaults.share();
            case SHARE_PUBLIC -> defaults.sharePublic();
        };
    }
}
