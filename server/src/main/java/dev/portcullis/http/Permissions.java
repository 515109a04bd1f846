package dev.portcullis.http;

import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import dev.portcullis.identity.Caller;
import dev.portcullis.identity.McpPermission;
import dev.portcullis.identity.RolePermissions;
import io.javalin.http.Context;

/** Role-permission checks of routes, answering as LibreChat does: 403 "Forbidden: Insufficient permissions". */
final class Permissions {
    private final RolePermissions roles;

    Permissions(RolePermissions roles) {
        this.roles = roles;
    }

    /** Whether the caller's role holds the permission, without refusing. */
    boolean allows(Caller caller, dev.portcullis.identity.RolePermission permission) {
        return roles.allows(caller, permission);
    }

    Caller require(Context ctx, McpPermission... needed) {
        return require(Authentication.caller(ctx), needed);
    }

    /** The same check for a caller already known (a console page reads its sign-in itself). */
    Caller require(Caller caller, McpPermission... needed) {
        for (McpPermission p : needed) {
            if (!roles.allows(caller, p)) {
                throw new GatewayException(ErrorCode.FORBIDDEN, "Forbidden: Insufficient permissions",
                        java.util.Map.of("permission", p.type() + "." + p.name()), null);
            }
        }
        return caller;
    }
}
