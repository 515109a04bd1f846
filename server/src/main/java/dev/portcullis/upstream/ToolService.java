package dev.portcullis.upstream;

import dev.portcullis.config.McpServerConfig;
import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import dev.portcullis.identity.Caller;
import dev.portcullis.registry.RegisteredServer;
import dev.portcullis.registry.ServerRegistry;
import dev.portcullis.store.UserVariables;
import dev.portcullis.store.shared.PerMinuteLimit;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tool-call flow of DESIGN.md below the HTTP layer: find the server, resolve it for the
 * caller (their variables, their placeholders), get the session from the connection manager, and
 * list or call tools — refusing a tool the operator's policy denies and validating arguments
 * against the tool's input schema before anything is sent, re-initializing once when the server
 * lost our session, and dropping a session whose transport failed so the next call reconnects.
 */
public final class ToolService {
    private final ServerRegistry servers;
    private final UserVariables variables;
    private final ServerResolver resolver;
    private final ConnectionManager connections;
    private final JsonSchemaValidator schemas;
    private final Map<String, ResolvedServer> appResolutions = new java.util.concurrent.ConcurrentHashMap<>();
    private final ConnectionScopes scopes = new ConnectionScopes();
    private final UpstreamAuthorization authorization;
    private final PerMinuteLimit reinitializations;
    private final CallSlots slots;

    public ToolService(ServerRegistry servers, UserVariables variables, ServerResolver resolver,
                       ConnectionManager connections, JsonSchemaValidator schemas, UpstreamAuthorization authorization,
                       PerMinuteLimit reinitializations, CallLimits callLimits) {
        this.slots = new CallSlots(callLimits.perUserAndServer(), callLimits.sharedConnectionsPerOrigin());
        this.authorization = authorization;
        this.reinitializations = reinitializations;
        this.servers = servers;
        this.variables = variables;
        this.resolver = resolver;
        this.connections = connections;
        this.schemas = schemas;
    }

    /**
     * How many calls may run at once: per user and server, and the size of the shared connections'
     * pool per origin, of which one user and one tenant get a part (see {@link CallSlots}).
     */
    public record CallLimits(int perUserAndServer, int sharedConnectionsPerOrigin) {
    }

    /** The server as the caller may see it; 404 when it does not exist or is not theirs to see. */
    public McpServerConfig server(Caller caller, String name) {
        return servers.find(caller, name).map(RegisteredServer::config).orElseThrow(() -> new GatewayException(
                ErrorCode.NOT_FOUND, "MCP server '" + name + "' not found"));
    }

    /** Every server the caller uses, operator servers first (see {@link ServerRegistry#usable}). */
    public Map<String, McpServerConfig> servers(Caller caller) {
        Map<String, McpServerConfig> usable = new java.util.LinkedHashMap<>();
        servers.usable(caller).forEach((name, s) -> usable.put(name, s.config()));
        return usable;
    }

    public static UserVariables.Owner owner(Caller caller, String serverName) {
        return new UserVariables.Owner(caller.tenantId().orElse(""), caller.userId(), serverName);
    }

    /** Configured for OAuth, or found to need it when it answered 401. */
    public boolean requiresOAuth(McpServerConfig config) {
        if (config.machineGrant().isPresent()) {
            return false; // the gateway authenticates as itself: nothing for a user to do
        }
        return config.requiresOAuth().orElse(config.oauth().isPresent()) || scopes.foundToNeedOAuth(config);
    }

    /**
     * A look at a server (a listing) that would need the caller to authorize first: such a look starts
     * nothing and fails with {@code OAUTH_REQUIRED}.
     */
    private boolean unauthorizedLook(Caller caller, McpServerConfig config) {
        return requiresOAuth(config) && scopes.perUser(config) && !authorization.holdsGrant(caller, config);
    }

    public ResolvedServer resolve(Caller caller, McpServerConfig config) {
        ConnectionScope scope = scopes.of(caller, config);
        if (scope instanceof ConnectionScope.App) {
            // Nothing in an app-scoped resolution depends on the caller; resolve once per server.
            return appResolutions.computeIfAbsent(config.name(), n -> resolver.resolve(config, caller, Map.of(), scope));
        }
        Map<String, String> values = config.customUserVars().isEmpty() ? Map.of()
                : variables.values(owner(caller, config.name()));
        return resolver.resolve(config, caller, values, scope);
    }

    public ConnectionKey key(Caller caller, McpServerConfig config) {
        return scopes.key(caller, config);
    }

    /** The connection a caller's requests to a server go on, named (to count what its users share on it). */
    public String connectionOf(Caller caller, String serverName) {
        return key(caller, server(caller, serverName)).toString();
    }

    /** A request on the caller's open connection to a server, if one is open: nothing connects for it. */
    public void relayIfConnected(Caller caller, String serverName, String method, Map<String, Object> params) {
        connections.existing(key(caller, server(caller, serverName)))
                .ifPresent(session -> session.relay(method, params, CallObserver.NONE).await());
    }

    public ToolList tools(Caller caller, String serverName) {
        McpServerConfig config = server(caller, serverName);
        remember(caller);
        return authorized(caller, config, () -> onSession(resolve(caller, config), UpstreamSession::tools));
    }

    /**
     * The tools for a listing of servers: like {@link #tools}, but a listing never starts an
     * authorization and never knocks on a server the caller has not authorized at — it is a look,
     * not a use. Such a server answers {@code 403 OAUTH_REQUIRED} without a flow; the caller starts
     * one by using the server (a call, a reinitialize, {@code oauth/initiate}).
     */
    public ToolList toolsForListing(Caller caller, String serverName) {
        McpServerConfig config = server(caller, serverName);
        remember(caller);
        if (unauthorizedLook(caller, config)) {
            throw notAuthorizedYet(config);
        }
        try {
            return onSession(resolve(caller, config), UpstreamSession::tools);
        } catch (UpstreamException.AuthorizationRequired e) {
            noteFoundToNeedOAuth(config);
            throw notAuthorizedYet(config);
        }
    }

    private static GatewayException notAuthorizedYet(McpServerConfig config) {
        return new GatewayException(ErrorCode.OAUTH_REQUIRED, "Authorize the gateway at '" + config.name()
                + "' to see its tools: use it once, or open /api/mcp/" + config.name() + "/oauth/initiate",
                Map.of("oauthRequired", true), null);
    }

    /**
     * The callers seen lately, by tenant and user: what a connection opened on a user's behalf when
     * they are not the one asking (right after their authorization completes) resolves placeholders
     * with. Per replica, bounded, forgotten after an hour.
     */
    private final com.github.benmanes.caffeine.cache.Cache<List<String>, Caller> recentCallers =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(100_000)
                    .expireAfterWrite(java.time.Duration.ofHours(1)).build();

    private void remember(Caller caller) {
        recentCallers.put(List.of(caller.tenantId().orElse(""), caller.userId()), caller);
    }

    /**
     * Runs work that needs the server; when the server refuses for want of authorization, starts
     * (or finds) the caller's OAuth attempt and reports it. A server not configured for OAuth that
     * refuses is remembered as needing it, so its connections become per user.
     */
    private <T> T authorized(Caller caller, McpServerConfig config, java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (UpstreamException.AuthorizationRequired e) {
            noteFoundToNeedOAuth(config);
            if (!scopes.perUser(config)) {
                throw e;
            }
            throw authorization.authorizationRequired(caller, config, e.wwwAuthenticate());
        }
    }

    /** A server not configured for OAuth answered 401: from now on its connections are per user. */
    private void noteFoundToNeedOAuth(McpServerConfig config) {
        if (scopes.noteNeedsOAuth(config)) {
            appResolutions.remove(config.name());
            connections.disconnect(new ConnectionKey(ConnectionScope.APP, config.name()));
        }
    }

    /**
     * Like {@link #call}, but when the caller must first authorize, waits up to {@code wait} for
     * the authorization to complete (in another tab, say) and then makes the call.
     */
    public McpSchema.CallToolResult callWaitingForAuthorization(Caller caller, String serverName, String toolName,
                                                                Map<String, Object> arguments,
                                                                Optional<ProgressListener> progress,
                                                                java.time.Duration wait) throws InterruptedException {
        return waitingForAuthorization(caller, serverName, wait, () -> call(caller, serverName, toolName, arguments, progress));
    }

    /**
     * A REST tool call whose caller hears the server's notifications and answers its requests (see
     * {@link #relayToolCall}), waiting as {@link #callWaitingForAuthorization} does.
     */
    public Map<String, Object> relayToolCallWaitingForAuthorization(Caller caller, String serverName, Map<String, Object> params,
                                                                    CallObserver observer, java.time.Duration wait)
            throws InterruptedException {
        return waitingForAuthorization(caller, serverName, wait, () -> relayToolCall(caller, serverName, params, observer, r -> { }));
    }

    private <T> T waitingForAuthorization(Caller caller, String serverName, java.time.Duration wait,
                                          java.util.function.Supplier<T> work) throws InterruptedException {
        try {
            return work.get();
        } catch (OAuthRequiredException required) {
            if (wait.isZero() || !authorization.awaitAuthorization(caller, server(caller, serverName), wait)) {
                throw required;
            }
            // The completed flow already dropped the old connection and its breaker (authorizationCompleted).
            return work.get();
        }
    }

    public McpSchema.CallToolResult call(Caller caller, String serverName, String toolName, Map<String, Object> arguments,
                                         Optional<ProgressListener> progress) {
        McpServerConfig config = server(caller, serverName);
        remember(caller);
        // Decided by configuration alone, before anything connects: a denied tool is never sent upstream.
        if (!config.toolPolicy().permits(toolName)) {
            throw new GatewayException(ErrorCode.TOOL_NOT_ALLOWED, "The operator's tool policy for '" + serverName
                    + "' does not allow the tool '" + toolName + "'; ask the gateway's operator if you need it");
        }
        return authorized(caller, config, () -> onSession(resolve(caller, config), session -> {
            checkCall(session, toolName, arguments);
            try (CallSlots.Slot slot = slots.acquire(caller, session.server())) {
                return connections.measured(session.server(), () -> session.call(toolName, arguments, progress));
            }
        }));
    }

    /** A tool the server lists, called with arguments that match its input schema: checked before anything is sent. */
    private void checkCall(UpstreamSession session, String toolName, Map<String, Object> arguments) {
        ToolList listed = session.tools();
        McpSchema.Tool tool = listed.find(toolName).orElseThrow(() -> listed.noSuchTool(session.server().name(), toolName));
        validate(tool, arguments);
    }

    /**
     * Whether a front-door request may start the caller's authorization at a server: a use may (a tool
     * call, a read, a prompt), a look never does (a listing), as for the REST API's listings.
     */
    public enum Intent { USE, LOOK }

    /**
     * Runs work on the caller's session with a server for the MCP front door, with the same access,
     * resolution, breaker and authorization rules as the REST API. A look at a server the caller has
     * not authorized at fails with {@code OAUTH_REQUIRED} and starts nothing; a use starts (or finds)
     * the caller's authorization and throws {@link OAuthRequiredException}.
     */
    public <T> T withServer(Caller caller, String serverName, Intent intent, java.util.function.Function<UpstreamSession, T> work) {
        McpServerConfig config = server(caller, serverName);
        remember(caller);
        if (intent == Intent.LOOK) {
            if (unauthorizedLook(caller, config)) {
                throw notAuthorizedYet(config);
            }
            try {
                return onSession(resolve(caller, config), work);
            } catch (UpstreamException.AuthorizationRequired e) {
                noteFoundToNeedOAuth(config);
                throw notAuthorizedYet(config);
            }
        }
        return authorized(caller, config, () -> onSession(resolve(caller, config), work));
    }

    /** Whether the caller could use the server without authorizing first (a look, which starts nothing). */
    public boolean needsAuthorization(Caller caller, String serverName) {
        return unauthorizedLook(caller, server(caller, serverName));
    }

    /**
     * A request of the front door's, relayed as the client wrote it; {@code started} receives the
     * request under way (to cancel it). Waits for the answer.
     */
    public Map<String, Object> relay(Caller caller, String serverName, String method, Map<String, Object> params,
                                     CallObserver observer, Intent intent,
                                     java.util.function.Consumer<UpstreamSession.Relayed> started) {
        return withServer(caller, serverName, intent, session -> {
            try (CallSlots.Slot slot = slots.acquire(caller, session.server())) {
                return connections.measured(session.server(), () -> {
                    UpstreamSession.Relayed relayed = session.relay(method, params, observer);
                    started.accept(relayed);
                    return relayed.await();
                });
            }
        });
    }

    /**
     * A tool call from the front door: the same checks as {@link #call} (the operator's policy, a
     * tool the server lists, arguments that match its input schema, the caller's share of call
     * slots), then relayed with every field of the request and of the result kept.
     */
    public Map<String, Object> relayToolCall(Caller caller, String serverName, Map<String, Object> params,
                                             CallObserver observer,
                                             java.util.function.Consumer<UpstreamSession.Relayed> started) {
        McpServerConfig config = server(caller, serverName);
        String toolName = String.valueOf(params.get("name"));
        if (!config.toolPolicy().permits(toolName)) {
            throw new GatewayException(ErrorCode.TOOL_NOT_ALLOWED, "The operator's tool policy for '" + serverName
                    + "' does not allow the tool '" + toolName + "'");
        }
        Object given = params.get("arguments");
        if (given != null && !(given instanceof Map<?, ?>)) {
            throw new GatewayException(ErrorCode.INVALID_ARGUMENTS, "The arguments of '" + toolName + "' must be an object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> arguments = given == null ? Map.of() : (Map<String, Object>) given;
        return withServer(caller, serverName, Intent.USE, session -> {
            checkCall(session, toolName, arguments);
            try (CallSlots.Slot slot = slots.acquire(caller, session.server())) {
                return connections.measured(session.server(), () -> {
                    UpstreamSession.Relayed relayed = session.relay(McpSchema.METHOD_TOOLS_CALL, params, observer);
                    started.accept(relayed);
                    return relayed.await();
                });
            }
        });
    }

    private void validate(McpSchema.Tool tool, Map<String, Object> arguments) {
        if (tool.inputSchema() != null && !tool.inputSchema().isEmpty()) {
            JsonSchemaValidator.ValidationResponse check = schemas.validate(tool.inputSchema(),
                    withoutNullOptionals(tool.inputSchema(), arguments));
            if (!check.valid()) {
                throw new GatewayException(ErrorCode.INVALID_ARGUMENTS, "The arguments do not match the input schema of '"
                        + tool.name() + "': " + check.errorMessage(), Map.of("tool", tool.name()), null);
            }
        }
    }

    /**
     * The arguments as validated: a null given for an optional parameter counts as not given. Models send
     * null for parameters they leave out, and 2026-07-28 says a null parameter's header is left out, so such
     * a call is valid; the server still receives the arguments exactly as they were sent.
     */
    static Map<String, Object> withoutNullOptionals(Map<String, Object> inputSchema, Map<String, Object> arguments) {
        if (arguments.values().stream().noneMatch(java.util.Objects::isNull)) {
            return arguments;
        }
        java.util.Set<String> required = new java.util.HashSet<>();
        if (inputSchema.get("required") instanceof java.util.List<?> names) {
            names.forEach(n -> required.add(String.valueOf(n)));
        }
        Map<String, Object> validated = new java.util.LinkedHashMap<>(arguments);
        validated.entrySet().removeIf(e -> e.getValue() == null && !required.contains(e.getKey()));
        return validated;
    }

    /**
     * Connects, in the background, the shared app connection of every server whose {@code startup}
     * is not false (LibreChat's boot-time initialization), so the first user does not wait for a
     * cold start. Failures are only logged: the breaker and the next request handle them.
     */
    public void warmUp() {
        Caller system = new Caller("system", Caller.ADMIN, Optional.empty(), Optional.empty(), java.util.List.of());
        servers.operators().all().values().stream()
                .filter(c -> c.startup() && !scopes.perUser(c))
                .forEach(c -> Thread.ofVirtual().name("mcp-startup-" + c.name()).start(() -> {
                    try {
                        onSession(resolve(system, c), UpstreamSession::tools);
                    } catch (UpstreamException.AuthorizationRequired e) {
                        noteFoundToNeedOAuth(c); // found at start, like LibreChat's inspection
                    } catch (RuntimeException e) {
                        org.slf4j.LoggerFactory.getLogger(ToolService.class)
                                .warn("startup connection to '{}' failed: {}", c.name(), e.getMessage());
                    }
                }));
    }

    /** The caller's pending authorization at the server, started if there is none. */
    public OAuthRequiredException startAuthorization(Caller caller, McpServerConfig config) {
        if (config.url().isEmpty()) {
            throw new GatewayException(ErrorCode.BAD_REQUEST, "'" + config.name() + "' is not a remote server; it has no OAuth");
        }
        return authorization.authorizationRequired(caller, config, Optional.empty());
    }

    /** A user just authorized: their next use connects afresh, with the new token and no open breaker. */
    public void authorizationCompleted(String tenantId, String userId, String serverName) {
        connections.disconnect(new ConnectionKey(new ConnectionScope.User(tenantId, userId), serverName));
    }

    /**
     * Right after a user's authorization completes, connects them (as LibreChat does before its
     * callback redirects), so the connection status reads connected without a reinitialize. Waits at
     * most {@code within}; a failure is only logged — the grant is stored either way, and the next use
     * connects. Needs the caller as a recent request of theirs showed them (placeholders may use their
     * claims); when this replica has not seen them, the next use connects instead.
     */
    public void connectAfterAuthorization(String tenantId, String userId, String serverName, java.time.Duration within) {
        Caller caller = recentCallers.getIfPresent(List.of(tenantId, userId));
        if (caller == null) {
            return;
        }
        Thread connecting = Thread.ofVirtual().name("mcp-connect-after-oauth").start(() -> {
            try {
                toolsForListing(caller, serverName); // connects; never starts another authorization
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(ToolService.class)
                        .info("connecting '{}' after authorization failed: {}", serverName, e.getMessage());
            }
        });
        try {
            connecting.join(within);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * {@code POST /api/mcp/{server}/reinitialize}: connect again, and list the tools afresh. A
     * caller's own connection is replaced. A shared (app) connection is everyone's: a user who is not
     * an admin gets a fresh tool list, and a new connection only when the shared one is dead or built
     * from an older configuration (the connection manager replaces those on use anyway); an admin's
     * request replaces it. A replaced connection closes after the calls running on it finish, so no
     * one's call is cut short. Limited per user, since each one may reconnect to the server.
     */
    public ToolList reinitialize(Caller caller, String serverName) {
        McpServerConfig config = server(caller, serverName);
        reinitializations.acquire(java.util.List.of(caller.tenantId().orElse(""), caller.userId())).ifPresent(retryAfter -> {
            throw new GatewayException(ErrorCode.RATE_LIMITED, "You may reinitialize at most "
                    + reinitializations.perMinute() + " MCP connections per minute; try again in " + retryAfter + " s",
                    Map.of("retryAfterSeconds", retryAfter), null);
        });
        ConnectionKey key = key(caller, config);
        if (key.scope() instanceof ConnectionScope.User || caller.isAdmin()) {
            connections.retire(key);
        } else {
            connections.existing(key).ifPresent(UpstreamSession::refreshTools);
        }
        return tools(caller, serverName);
    }

    /**
     * Closes the caller's own session to the server (their values, their grant changed); the next
     * use connects afresh. A shared (app) session is not the caller's: it was built from nothing of
     * theirs, so nothing they change makes it stale, and closing it would cut every other user's
     * calls. It is left alone.
     */
    public void disconnect(Caller caller, String serverName) {
        ConnectionKey key = key(caller, server(caller, serverName));
        if (key.scope() instanceof ConnectionScope.User) {
            connections.disconnect(key);
        }
        userServerChanged.changed(caller.tenantId().orElse(""), caller.userId(), serverName);
    }

    /** Hears that what one user has at a server changed (their grant, their values): their clients list again. */
    public interface UserServerListener {
        void changed(String tenantId, String userId, String serverName);
    }

    private volatile UserServerListener userServerChanged = (t, u, s) -> { };

    public void onUserServerChanged(UserServerListener listener) {
        this.userServerChanged = listener;
    }

    /**
     * Runs work on the server's session, fetched once. The one retry: a session the server no longer
     * knows (it rejected it before doing anything) is replaced and the work run again on the new one.
     * After any other failure the session is dropped only when its transport is dead, or when it is the
     * caller's own: one request's failure (an HTTP error status, an oversized answer, a cancelled call)
     * must not close a connection other users' calls run on. Only that very session is dropped, never a
     * replacement another call already opened.
     */
    private <T> T onSession(ResolvedServer server, java.util.function.Function<UpstreamSession, T> work) {
        if (server.config().machineGrant().isEmpty()) {
            return onSessionOnce(server, work);
        }
        Instant sent = Instant.now();
        try {
            return onSessionOnce(server, work);
        } catch (UpstreamException.AuthorizationRequired refused) {
            // The gateway's own token was refused (expired early, revoked, or too few scopes): one new
            // token and one more try; a token endpoint's refusal is thrown from here as its own error.
            if (!authorization.renewAfterRefusal(server.config(), refused.wwwAuthenticate(), sent)) {
                throw refused;
            }
            try {
                return onSessionOnce(server, work);
            } catch (UpstreamException.AuthorizationRequired again) {
                throw new GatewayException(ErrorCode.UPSTREAM_ERROR, "'" + server.name() + "' refused the gateway's own"
                        + " token (HTTP " + again.status() + ") even after a new one was obtained; check the server's"
                        + " oauth settings (client, scope, audience)", Map.of("status", again.status()), again);
            }
        }
    }

    private <T> T onSessionOnce(ResolvedServer server, java.util.function.Function<UpstreamSession, T> work) {
        UpstreamSession session = connections.session(server);
        try {
            return work.apply(session);
        } catch (UpstreamException.SessionExpired expired) {
            // The server rejected the session before doing anything (a request it accepted and then lost the
            // session of fails as Unreachable, never as this): reconnecting and retrying is safe.
            connections.discard(session);
            return work.apply(connections.session(server));
        } catch (UpstreamException.Unreachable | UpstreamException.ProtocolViolation | UpstreamException.MessageTooLarge e) {
            if (!session.isAlive() || server.scope() instanceof ConnectionScope.User) {
                connections.discard(session);
            }
            throw e;
        }
    }
}
