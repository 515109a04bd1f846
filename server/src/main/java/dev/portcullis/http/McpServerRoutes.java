package dev.portcullis.http;

import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import dev.portcullis.identity.Caller;
import dev.portcullis.identity.McpPermission;
import dev.portcullis.registry.Actor;
import dev.portcullis.registry.RegisteredServer;
import dev.portcullis.registry.ServerPage;
import dev.portcullis.registry.ServerRegistry;
import dev.portcullis.registry.ServerView;
import dev.portcullis.registry.UserServerAdmin;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/mcp/servers}: the servers the caller can see (LibreChat's map keyed by name, with
 * the pagination and search LibreChat documents but never built), and creating, reading,
 * changing and deleting user servers with LibreChat's permissions.
 */
final class McpServerRoutes {
    private static final int MAX_SEARCH = 200;

    private final ServerRegistry registry;
    private final UserServerAdmin admin;
    private final Permissions permissions;
    private final RequestJson bodies;
    private final tools.jackson.databind.ObjectMapper json;

    McpServerRoutes(ServerRegistry registry, UserServerAdmin admin, Permissions permissions, RequestJson bodies,
                    tools.jackson.databind.ObjectMapper json) {
        this.json = json;
        this.registry = registry;
        this.admin = admin;
        this.permissions = permissions;
        this.bodies = bodies;
    }

    /**
     * {@code GET /api/mcp/servers?limit=&after=&search=}. Without {@code limit} every visible
     * server is returned (LibreChat's behaviour); with it, at most that many, and the cursor of
     * the next page in the {@code X-Next-Cursor} header and a {@code Link: <...>; rel="next"}.
     * The body keeps LibreChat's shape either way.
     */
    void list(Context ctx) {
        Caller caller = permissions.require(ctx, McpPermission.USE);
        Optional<String> search = Optional.ofNullable(ctx.queryParam("search")).filter(s -> !s.isBlank());
        if (search.map(s -> s.length() > MAX_SEARCH).orElse(false)) {
            throw new GatewayException(ErrorCode.BAD_REQUEST, "search is at most " + MAX_SEARCH + " characters");
        }
        Optional<String> after = Optional.ofNullable(ctx.queryParam("after")).filter(s -> !s.isBlank());
        int limit = limit(ctx.queryParam("limit"));
        ServerPage page;
        try {
            page = registry.page(caller, new ServerRegistry.Query(search, after, limit));
        } catch (ServerRegistry.InvalidCursor e) {
            throw new GatewayException(ErrorCode.INVALID_CURSOR, "after is not a cursor this gateway issued; "
                    + "start again without it");
        }
        Map<String, Object> servers = new LinkedHashMap<>();
        page.servers().forEach(s -> servers.put(s.name(), ServerView.of(s, json)));
        page.nextCursor().ifPresent(cursor -> {
            ctx.header("X-Next-Cursor", cursor);
            StringBuilder next = new StringBuilder(ctx.path()).append("?limit=").append(limit).append("&after=").append(cursor);
            search.ifPresent(s -> next.append("&search=").append(java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8)));
            ctx.header("Link", "<" + next + ">; rel=\"next\"");
        });
        ctx.json(servers);
    }

    private static int limit(String text) {
        if (text == null || text.isBlank()) {
            return Integer.MAX_VALUE;
        }
        try {
            int limit = Integer.parseInt(text.strip());
            if (limit >= 1 && limit <= ServerRegistry.MAX_PAGE) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new GatewayException(ErrorCode.BAD_REQUEST, "limit must be a whole number from 1 to " + ServerRegistry.MAX_PAGE);
    }

    /** {@code POST /api/mcp/servers} with {@code {config}}: 201 and the new server as its owner sees it. */
    void create(Context ctx) {
        Caller caller = permissions.require(ctx, McpPermission.USE, McpPermission.CREATE);
        RegisteredServer created = admin.create(actor(ctx, caller), config(ctx));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("serverName", created.name());
        body.putAll(ServerView.of(created, json));
        ctx.status(201).json(body);
    }

    void get(Context ctx) {
        Caller caller = permissions.require(ctx, McpPermission.USE);
        String name = ctx.pathParam("serverName");
        RegisteredServer server = registry.find(caller, name).orElseThrow(() ->
                new GatewayException(ErrorCode.NOT_FOUND, "MCP server '" + name + "' not found"));
        ctx.json(ServerView.of(server, json));
    }

    void update(Context ctx) {
        Caller caller = permissions.require(ctx, McpPermission.USE, McpPermission.CREATE);
        RegisteredServer updated = admin.update(actor(ctx, caller), ctx.pathParam("serverName"), config(ctx));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("serverName", updated.name());
        body.putAll(ServerView.of(updated, json));
        ctx.json(body);
    }

    void delete(Context ctx) {
        Caller caller = permissions.require(ctx, McpPermission.USE, McpPermission.CREATE);
        admin.delete(actor(ctx, caller), ctx.pathParam("serverName"));
        // LibreChat answers {message}; its client's type says {success}: both, so either reading works.
        ctx.json(Map.of("success", true, "message", "MCP server deleted successfully"));
    }

    static Actor actor(Context ctx, Caller caller) {
        return new Actor(caller, Optional.ofNullable(RequestIds.of(ctx)));
    }

    private JsonNode config(Context ctx) {
        JsonNode body = bodies.tree(ctx);
        JsonNode config = body.get("config");
        if (config == null || !config.isObject()) {
            throw UserServerAdmin.notAnObject();
        }
        return config;
    }
}
