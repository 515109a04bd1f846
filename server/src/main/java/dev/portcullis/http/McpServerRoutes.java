package dev.portcullis.http;

import dev.portcullis.identity.Caller;
import dev.portcullis.identity.McpPermission;
import dev.portcullis.registry.OperatorServers;
import dev.portcullis.registry.ServerView;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET /api/mcp/servers}: the servers the caller can see, keyed by name (LibreChat's shape). */
final class McpServerRoutes {
    private final OperatorServers operatorServers;
    private final Permissions permissions;

    McpServerRoutes(OperatorServers operatorServers, Permissions permissions) {
        this.operatorServers = operatorServers;
        this.permissions = permissions;
    }

    void list(Context ctx) {
        Caller caller = permissions.require(ctx, McpPermission.USE);
        Map<String, Object> servers = new LinkedHashMap<>();
        operatorServers.all().forEach((name, config) -> servers.put(name, ServerView.of(config, caller.isAdmin())));
        ctx.json(servers);
    }
}
