package dev.portcullis.http;

import dev.portcullis.upstream.UpstreamErrors;

import dev.portcullis.config.HeaderValues;
import dev.portcullis.config.McpServerConfig;
import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import dev.portcullis.identity.Caller;
import dev.portcullis.identity.McpPermission;
import dev.portcullis.store.UserVariables;
import dev.portcullis.upstream.ConnectionManager;
import dev.portcullis.upstream.ConnectionState;
import dev.portcullis.upstream.MissingUserVariablesException;
import dev.portcullis.upstream.OAuthRequiredException;
import dev.portcullis.upstream.ToolService;
import dev.portcullis.upstream.UpstreamException;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * A user's connections and their per-user values: reinitialize, connection status, and the
 * {@code customUserVars} values (flags only ever leave the gateway, never the values).
 */
final class ConnectionRoutes {
    /** LibreChat's OAUTH_HANDLING_TIMEOUT, reported as {@code oauthTimeout}. */
    private static final long OAUTH_TIMEOUT_MS = 120_000;

    private final ToolService tools;
    private final ConnectionManager connections;
    private final UserVariables variables;
    private final Permissions permissions;
    private final RequestJson bodies;

    private final OAuthRoutes oauth;
    private final IdTokenHeader idTokens;

    ConnectionRoutes(ToolService tools, ConnectionManager connections, UserVariables variables, Permissions permissions,
                     RequestJson bodies, OAuthRoutes oauth, IdTokenHeader idTokens) {
        this.oauth = oauth;
        this.idTokens = idTokens;
        this.tools = tools;
        this.connections = connections;
        this.variables = variables;
        this.permissions = permissions;
        this.bodies = bodies;
    }

    /** Drops the caller's connection and connects again, reporting why it failed if it does. */
    void reinitialize(Context ctx) {
        Caller caller = permissions.require(ctx, McpPermission.USE);
        String name = ctx.pathParam("server");
        McpServerConfig config = tools.server(caller, name);
        idTokens.take(ctx, caller, () -> config);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("serverName", name);
        body.put("oauthRequired", false);
        body.put("oauthUrl", null);
        try {
            tools.reinitialize(caller, name);
            body.put("success", true);
            body.put("message", "MCP server '" + name + "' reinitialized successfully");
        } catch (MissingUserVariablesException e) {
            body.put("success", false);
            body.put("message", e.getMessage());
            body.put("failureReason", "missing_custom_user_vars");
            body.put("missingUserVars", e.missing());
        } catch (OAuthRequiredException e) {
            body.put("success", false);
            body.put("oauthRequired", true);
            body.put("oauthUrl", e.authorizationUrl().toString());
            body.put("flowId", e.flowId());
            body.put("message", "MCP server '" + name + "' requires OAuth authentication");
            body.put("failureReason", "oauth_required");
            body.put("oauthTimeout", e.timeLeft().toMillis());
            oauth.bindBrowser(ctx, caller, name);
        } catch (UpstreamException.AuthorizationRequired e) {
            body.put("success", false);
            body.put("oauthRequired", true);
            body.put("message", "MCP server '" + name + "' requires OAuth authentication");
            body.put("failureReason", "oauth_required");
        } catch (UpstreamException e) {
            body.put("success", false);
            body.put("message", UpstreamErrors.toGateway(e).getMessage());
            body.put("failureReason", e instanceof UpstreamException.Unreachable || e instanceof UpstreamException.Timeout
                    ? "unreachable" : "initialization_failed");
        }
        body.putIfAbsent("oauthTimeout", OAUTH_TIMEOUT_MS);
        body.put("requiresOAuth", tools.requiresOAuth(config));
        ctx.json(body);
    }

    void statusAll(Context ctx) {
        Caller caller = Authentication.caller(ctx);
        Map<String, Object> status = new LinkedHashMap<>();
        tools.servers(caller).forEach((name, config) -> status.put(name, status(caller, config)));
        ctx.json(Map.of("success", true, "connectionStatus", status, "oauthTimeout", OAUTH_TIMEOUT_MS));
    }

    void statusOne(Context ctx) {
        Caller caller = Authentication.caller(ctx);
        McpServerConfig config = tools.server(caller, ctx.pathParam("server"));
        Map<String, Object> s = status(caller, config);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("serverName", config.name());
        body.put("connectionStatus", s.get("connectionState"));
        body.put("requiresOAuth", s.get("requiresOAuth"));
        body.put("authorizationState", s.get("authorizationState"));
        ctx.json(body);
    }

    /**
     * Reachable and authorized are separate facts: a server can be connected for the app while a
     * user still has to authorize, and a user can hold a grant for a server that is down.
     */
    private Map<String, Object> status(Caller caller, McpServerConfig config) {
        Status status = statusOf(caller, config);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("requiresOAuth", status.requiresOAuth());
        s.put("connectionState", status.connection().wireName());
        s.put("authorizationState", status.authorization());
        return s;
    }

    /** One server's state for one caller: what the API's status routes and the console show alike. */
    record Status(ConnectionState connection, boolean requiresOAuth, String authorization) {
    }

    Status statusOf(Caller caller, McpServerConfig config) {
        ConnectionState state = connections.state(tools.key(caller, config), config.name());
        boolean needsOAuth = tools.requiresOAuth(config);
        return new Status(state, needsOAuth, needsOAuth ? oauth.authorizationState(caller, config) : "not_required");
    }

    void authValues(Context ctx) {
        Caller caller = permissions.require(ctx, McpPermission.USE);
        McpServerConfig config = tools.server(caller, ctx.pathParam("server"));
        ctx.json(flags(caller, config));
    }

    /** Sets the caller's values ({@code {VAR: value}}); an empty value clears one. Replaces their connection. */
    void setAuthValues(Context ctx) {
        Caller caller = permissions.require(ctx, McpPermission.USE);
        McpServerConfig config = tools.server(caller, ctx.pathParam("server"));
        store(caller, config, values(bodies.tree(ctx), config));
        ctx.json(flags(caller, config));
    }

    void clearAuthValues(Context ctx) {
        Caller caller = permissions.require(ctx, McpPermission.USE);
        McpServerConfig config = tools.server(caller, ctx.pathParam("server"));
        clearValues(caller, config);
        ctx.json(flags(caller, config));
    }

    /**
     * LibreChat's {@code POST /api/user/plugins} for MCP servers: {@code pluginKey: "mcp_<server>"},
     * {@code action: install} with {@code auth: {VAR: value}} sets values. {@code uninstall}, as
     * LibreChat does it: with {@code auth: {}} (what its front end sends) every value of the caller's
     * at the server is deleted and their OAuth grant revoked and deleted, with any attempt under way;
     * with {@code auth} naming variables, only those are deleted; without {@code auth}, nothing changes
     * here (LibreChat only updates its own plugin list then). Answers 200 with no body, as LibreChat.
     */
    void userPlugins(Context ctx) {
        Caller caller = permissions.require(ctx, McpPermission.USE);
        JsonNode body = bodies.tree(ctx);
        String pluginKey = body.path("pluginKey").asString("");
        String action = body.path("action").asString("");
        if (!pluginKey.startsWith("mcp_")) {
            throw new GatewayException(ErrorCode.BAD_REQUEST, "Portcullis handles MCP plugin keys only: 'mcp_<server>'");
        }
        McpServerConfig config = tools.server(caller, pluginKey.substring(4));
        switch (action) {
            case "install" -> store(caller, config, values(body.path("auth"), config));
            case "uninstall" -> uninstall(caller, config, body.path("auth"));
            default -> throw new GatewayException(ErrorCode.BAD_REQUEST, "'action' must be install or uninstall");
        }
        ctx.status(200);
    }

    private void uninstall(Caller caller, McpServerConfig config, JsonNode auth) {
        if (auth.isMissingNode() || auth.isNull()) {
            return;
        }
        if (!auth.isObject()) {
            throw new GatewayException(ErrorCode.BAD_REQUEST, "'auth' must be an object: {} to remove everything, or the variables to remove");
        }
        if (auth.isEmpty()) {
            variables.clear(ToolService.owner(caller, config.name()));
            oauth.forget(caller, config);
            return;
        }
        Map<String, String> removed = new LinkedHashMap<>();
        for (String name : auth.propertyNames()) {
            requireDeclared(config, name);
            removed.put(name, "");
        }
        variables.set(ToolService.owner(caller, config.name()), removed);
        tools.disconnect(caller, config.name());
    }

    private void store(Caller caller, McpServerConfig config, Map<String, String> values) {
        if (values.isEmpty()) {
            return;
        }
        variables.set(ToolService.owner(caller, config.name()), values);
        tools.disconnect(caller, config.name()); // the connection was built with the old values
    }

    private static Map<String, String> values(JsonNode node, McpServerConfig config) {
        if (node.isMissingNode() || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new GatewayException(ErrorCode.BAD_REQUEST, "Send the values as a JSON object: {\"VAR\": \"value\"}");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            requireDeclared(config, e.getKey());
            if (!e.getValue().isString()) {
                throw new GatewayException(ErrorCode.BAD_REQUEST, "The value of '" + e.getKey() + "' must be a string");
            }
            values.put(e.getKey(), e.getValue().asString());
        }
        return checked(config, values);
    }

    /** The values, if each is one the server declares and fits where it goes; the first problem otherwise. */
    private static Map<String, String> checked(McpServerConfig config, Map<String, String> values) {
        values.forEach((name, value) -> {
            requireDeclared(config, name);
            if (value.length() > 4096) {
                throw new GatewayException(ErrorCode.BAD_REQUEST, "The value of '" + name + "' is longer than 4096 characters");
            }
            if (!fitsWhereItGoes(config, value)) {
                throw new GatewayException(ErrorCode.INVALID_AUTH_VALUE, "The value of '" + name + "' "
                        + HeaderValues.PROBLEM + ": it is sent in a header or the URL of '" + config.name() + "'");
            }
        });
        return values;
    }

    private static void requireDeclared(McpServerConfig config, String name) {
        if (!config.customUserVars().containsKey(name)) {
            throw new GatewayException(ErrorCode.BAD_REQUEST, "'" + name + "' is not a variable of '" + config.name()
                    + "'; it declares: " + String.join(", ", config.customUserVars().keySet()));
        }
    }

    /** Sets some of the caller's values (the console's form; the API's PUT), with the API's checks and messages. */
    void setValues(Caller caller, McpServerConfig config, Map<String, String> values) {
        store(caller, config, checked(config, values));
    }

    /** Deletes every value of the caller's at the server, and the connection made with them. */
    void clearValues(Caller caller, McpServerConfig config) {
        variables.clear(ToolService.owner(caller, config.name()));
        tools.disconnect(caller, config.name());
    }

    /** The names of the variables the caller has set at the server. */
    Set<String> valuesSet(Caller caller, McpServerConfig config) {
        return variables.namesWithValues(ToolService.owner(caller, config.name()));
    }

    /**
     * A remote server's values stand in its URL and headers ({@code {{VAR}}}), where a line break
     * would end the header and start another. A stdio server's stand in arguments and environment,
     * where only NUL cannot pass (a multi-line key file in a variable is fine there).
     */
    private static boolean fitsWhereItGoes(McpServerConfig config, String value) {
        return config.url().isPresent() ? HeaderValues.isSendable(value) : value.indexOf('\0') < 0;
    }

    private Map<String, Object> flags(Caller caller, McpServerConfig config) {
        Set<String> set = valuesSet(caller, config);
        Map<String, Boolean> flags = new LinkedHashMap<>();
        config.customUserVars().keySet().forEach(name -> flags.put(name, set.contains(name)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("serverName", config.name());
        body.put("authValueFlags", flags);
        return body;
    }
}
