package dev.portcullis.http;

import dev.portcullis.upstream.UpstreamErrors;

import dev.portcullis.config.ServerSettings;
import dev.portcullis.egress.EgressPolicy;
import dev.portcullis.store.AuditLog;
import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import dev.portcullis.identity.RoleDocuments;
import dev.portcullis.identity.RolePermissions;
import dev.portcullis.identity.StoredRoleOverrides;
import dev.portcullis.people.PeopleDirectory;
import dev.portcullis.people.PrincipalSearch;
import dev.portcullis.identity.TokenVerifier;
import dev.portcullis.registry.ServerRegistry;
import dev.portcullis.registry.ServerSharing;
import dev.portcullis.registry.UserServerAdmin;
import dev.portcullis.store.UserVariables;
import dev.portcullis.upstream.ConnectionManager;
import dev.portcullis.upstream.MissingUserVariablesException;
import dev.portcullis.upstream.OAuthRequiredException;
import dev.portcullis.config.OAuthFlowSettings;
import dev.portcullis.oauth.flow.OAuthFlows;
import dev.portcullis.oauth.flow.OAuthTokens;
import dev.portcullis.oauth.flow.PresentedIdTokens;
import dev.portcullis.oauth.flow.TokenVault;
import dev.portcullis.upstream.ToolService;
import dev.portcullis.upstream.UpstreamException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.router.exception.HttpResponseExceptionMapper;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;

/**
 * The gateway's HTTP surface: Javalin on virtual threads, one error shape, request ids, an access
 * log, health, readiness and metrics, and a shutdown that drains in-flight requests.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
    private static final Logger accessLog = LoggerFactory.getLogger("portcullis.access");
    private static final Duration READINESS_TIMEOUT = Duration.ofSeconds(2);
    /** Request line plus headers, Jetty's default made explicit: more is 414 or 431. */
    static final int MAX_REQUEST_HEADER_BYTES = 8 * 1024;
    /** A request body, Javalin's default made explicit: more is 413. */
    static final long MAX_REQUEST_BODY_BYTES = 1_000_000;

    /** Everything the routes need, wired by the composition root. */
    public record Dependencies(ServerSettings settings, TokenVerifier tokens, RolePermissions roles,
                               Registry registry, ToolService tools, ConnectionManager connections,
                               UserVariables variables, OAuthServices oauth, PrometheusMeterRegistry metrics,
                               List<ReadinessCheck> readiness, ObjectMapper json, People people, McpEndpoint mcp,
                               dev.portcullis.store.shared.ReplicaCalls replicas, SignIn signIn, Admin admin) {
    }

    /** What only the console's admin pages read: the audit trail, and the egress policy outbound requests go through. */
    public record Admin(AuditLog audit, EgressPolicy egress) {
    }

    /** Console sign-in: the sign-ins, the identity provider's flow when configured, the development link when allowed. */
    public record SignIn(dev.portcullis.console.SignInSessions sessions, Optional<dev.portcullis.console.OidcSignIn> oidc,
                         Optional<dev.portcullis.console.DevSignIn> dev, dev.portcullis.store.shared.PerMinuteLimit starts) {
    }

    /** The MCP front door and its settings; {@code issuer} is {@code auth.issuer}, named in the metadata by default. */
    public record McpEndpoint(dev.portcullis.mcp.FrontDoor door, dev.portcullis.config.McpEndpointSettings settings,
                              Optional<String> issuer) {
    }

    /**
     * Who is who: the people directory, role permissions an admin stored, and the roles the
     * configuration names ({@code auth.roles}).
     */
    public record People(PeopleDirectory directory, StoredRoleOverrides overrides, Set<String> configuredRoles) {
    }

    /** A route the server answers: an HTTP method and a path template such as {@code /api/mcp/{server}/...}. */
    public record Route(String method, String path) {
    }

    /** The registry and what changes it. */
    public record Registry(ServerRegistry servers, UserServerAdmin admin, ServerSharing sharing) {
    }

    /** The OAuth parts the routes use. */
    public record OAuthServices(OAuthFlows flows, OAuthTokens tokens, TokenVault vault, OAuthFlowSettings settings,
                                dev.portcullis.oauth.flow.AuthorizationLinks links,
                                Optional<PresentedIdTokens> presentedIdTokens) {
        /** Without enterprise-managed authorization: an ID token passed with a call is refused. */
        public OAuthServices(OAuthFlows flows, OAuthTokens tokens, TokenVault vault, OAuthFlowSettings settings,
                             dev.portcullis.oauth.flow.AuthorizationLinks links) {
            this(flows, tokens, vault, settings, links, Optional.empty());
        }
    }

    private final Javalin app;
    private final List<Route> routes;
    private final Runnable beforeStop;

    private HttpServer(Javalin app, List<Route> routes, Runnable beforeStop) {
        this.beforeStop = beforeStop;
        this.app = app;
        this.routes = List.copyOf(routes);
    }

    public static HttpServer start(Dependencies d) {
        Authentication authentication = new Authentication(d.tokens(), d.people().directory(),
                new dev.portcullis.identity.ServiceCredentials(d.mcp().settings().serviceCredentials()), d.signIn().sessions(),
                d.settings().publicUrl());
        SignInRoutes signIn = new SignInRoutes(d.signIn().sessions(), d.signIn().oidc(), d.signIn().dev(), d.signIn().starts(),
                d.settings().publicUrl());
        McpEndpointRoutes mcp = new McpEndpointRoutes(d.mcp().door(), d.tools(), authentication, d.mcp().settings(),
                d.settings(), d.mcp().issuer(), d.json());
        Permissions permissions = new Permissions(d.roles());
        RequestJson bodies = new RequestJson(d.json());
        McpServerRoutes servers = new McpServerRoutes(d.registry().servers(), d.registry().admin(), permissions, bodies, d.json());
        PermissionRoutes sharing = new PermissionRoutes(d.registry().servers(), d.registry().sharing(), permissions, bodies,
                d.people().directory());
        KnownRoles knownRoles = new KnownRoles(d.people().configuredRoles(), d.roles(), d.people().directory());
        PeoplePickerRoutes peoplePicker = new PeoplePickerRoutes(d.roles(), new PrincipalSearch(d.people().directory()),
                knownRoles);
        RoleRoutes roleRoutes = new RoleRoutes(new RoleDocuments(d.roles()), d.people().overrides(), knownRoles, bodies);
        IdTokenHeader idTokenHeader = new IdTokenHeader(d.oauth().presentedIdTokens());
        ToolRoutes toolRoutes = new ToolRoutes(d.tools(), d.variables(), permissions, d.json(), bodies,
                new CallInputs(d.replicas(), d.json()), idTokenHeader);
        OAuthRoutes oauthRoutes = new OAuthRoutes(new OAuthRoutes.Services(d.oauth().flows(), d.oauth().tokens(),
                d.oauth().vault(), d.oauth().settings(), d.oauth().links()), d.tools(), d.registry().servers(), permissions, d.settings());
        ConnectionRoutes connectionRoutes = new ConnectionRoutes(d.tools(), d.connections(), d.variables(), permissions,
                bodies, oauthRoutes, idTokenHeader);
        ConsoleRoutes console = new ConsoleRoutes(d.signIn().sessions(), d.tools(), d.registry().servers(), connectionRoutes,
                new ConsoleRoutes.Site(d.settings().publicUrl(),
                        d.settings().publicUrl().toString().replaceAll("/+$", "") + d.settings().basePath() + "/mcp",
                        !d.mcp().settings().authorizationServers().isEmpty()), permissions, oauthRoutes, d.json(),
                d.people().directory());
        ConsoleServerRoutes consoleServers = new ConsoleServerRoutes(console, d.registry().admin(), sharing, peoplePicker,
                permissions, d.json());
        AdminRoutes admin = new AdminRoutes(console, d.registry().servers(), d.connections(), d.admin().audit(),
                d.admin().egress());
        List<Route> routes = new java.util.ArrayList<>();
        Javalin app = Javalin.create(config -> {
            config.events.handlerAdded(info -> {
                if (info.getHttpMethod().isHttpMethod()) {
                    routes.add(new Route(info.getHttpMethod().name(), info.getPath()));
                }
            });
            config.concurrency.useVirtualThreads = true;
            config.http.prefer405over404 = true;
            config.startup.showJavalinBanner = false;
            config.jsonMapper(new JacksonJsonMapper(d.json()));
            config.jetty.host = d.settings().host();
            config.jetty.port = d.settings().port();
            config.http.maxRequestSize = MAX_REQUEST_BODY_BYTES;
            config.jetty.modifyHttpConfiguration(http -> http.setRequestHeaderSize(MAX_REQUEST_HEADER_BYTES));
            config.jetty.modifyServer(server -> {
                server.setStopTimeout(d.settings().shutdownTimeout().toMillis());
                server.setErrorHandler(new JsonErrorHandler(d.json())); // answers what Jetty refuses before any route
            });
            RequestMetrics requestMetrics = new RequestMetrics(d.metrics());
            config.requestLogger.http((ctx, ms) -> recordRequest(ctx, ms, requestMetrics));

            config.routes.before(RequestIds::assign);
            config.routes.before("/api/*", authentication::require);

            config.routes.get("/healthz", ctx -> ctx.json(Map.of("status", "ok")));
            config.routes.get("/console/login", signIn::login);
            config.routes.get("/console/callback", signIn::callback);
            config.routes.get("/console/dev-login", signIn::devLogin);
            config.routes.get("/console/session", signIn::session);
            config.routes.post("/console/logout", signIn::logout);
            config.routes.get("/console/signed-out", signIn::signedOut);
            config.routes.get("/console", console::servers);
            config.routes.get("/console/", console::servers);
            config.routes.get("/console/clients", console::clients);
            config.routes.get("/console/admin", admin::servers);
            config.routes.get("/console/admin/audit", admin::audit);
            config.routes.get("/console/admin/egress", admin::egress);
            config.routes.before("/console/servers/*", authentication::requireSignIn);
            config.routes.post("/console/servers/{server}/reconnect", console::reconnect);
            config.routes.post("/console/servers/{server}/disconnect", console::disconnect);
            config.routes.post("/console/servers/{server}/variables", console::variables);
            config.routes.get("/console/states", console::states);
            config.routes.get("/console/new", consoleServers::newServer);
            config.routes.post("/console/servers/new", consoleServers::create);
            config.routes.get("/console/sharing/{server}", consoleServers::sharingPage);
            config.routes.get("/console/servers/{server}/people", consoleServers::findPeople);
            config.routes.post("/console/servers/{server}/sharing", consoleServers::share);
            config.routes.post("/console/servers/{server}/tools/{tool}/call", console::call);
            config.routes.get("/console/tools/{server}", console::server);
            config.routes.get("/console/assets/{file}", console::asset);
            config.routes.get("/readyz", ctx -> readiness(ctx, d.readiness()));
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(d.metrics().scrape()));
            config.routes.get("/api/mcp/servers", servers::list);
            config.routes.post("/api/mcp/servers", servers::create);
            config.routes.get("/api/mcp/servers/{serverName}", servers::get);
            config.routes.patch("/api/mcp/servers/{serverName}", servers::update);
            config.routes.delete("/api/mcp/servers/{serverName}", servers::delete);
            config.routes.get("/api/permissions/mcpServer/roles", sharing::roles);
            config.routes.get("/api/permissions/mcpServer/effective/all", sharing::effectiveAll);
            config.routes.get("/api/permissions/mcpServer/{id}/effective", sharing::effective);
            config.routes.get("/api/permissions/mcpServer/{id}", sharing::get);
            config.routes.put("/api/permissions/mcpServer/{id}", sharing::put);
            config.routes.get("/api/permissions/search-principals", peoplePicker::search);
            config.routes.get("/api/roles/{roleName}", roleRoutes::get);
            config.routes.put("/api/roles/{roleName}/mcp-servers", roleRoutes::putMcpServers);
            config.routes.put("/api/roles/{roleName}/people-picker", roleRoutes::putPeoplePicker);
            config.routes.get("/api/mcp/tools", toolRoutes::list);
            config.routes.post("/api/mcp/{server}/tools/{tool}/call", toolRoutes::call);
            config.routes.post("/api/mcp/{server}/inputs/{inputId}", toolRoutes::answerInput);
            config.routes.post("/api/mcp/{server}/reinitialize", connectionRoutes::reinitialize);
            config.routes.get("/api/mcp/connection/status", connectionRoutes::statusAll);
            config.routes.get("/api/mcp/connection/status/{server}", connectionRoutes::statusOne);
            config.routes.get("/api/mcp/{server}/auth-values", connectionRoutes::authValues);
            config.routes.put("/api/mcp/{server}/auth-values", connectionRoutes::setAuthValues);
            config.routes.delete("/api/mcp/{server}/auth-values", connectionRoutes::clearAuthValues);
            config.routes.post("/api/user/plugins", connectionRoutes::userPlugins);
            config.routes.get("/api/mcp/{server}/oauth/initiate", oauthRoutes::initiate);
            config.routes.get("/api/mcp/{server}/oauth/callback", oauthRoutes::callback);
            config.routes.get("/api/mcp/{server}/oauth/client-metadata.json", oauthRoutes::clientMetadata);
            config.routes.post("/api/mcp/{server}/oauth/bind", oauthRoutes::bind);
            config.routes.delete("/api/mcp/{server}/oauth", oauthRoutes::disconnect);
            config.routes.get("/api/mcp/oauth/status/{flowId}", oauthRoutes::status);
            config.routes.post("/api/mcp/oauth/cancel/{server}", oauthRoutes::cancel);
            config.routes.get("/api/mcp/oauth/tokens/{flowId}", oauthRoutes::tokens);
            config.routes.get("/api/mcp/{server}/oauth/link/{ticket}", oauthRoutes::linkPage);
            config.routes.post("/api/mcp/{server}/oauth/link/{ticket}", oauthRoutes::link);
            if (d.mcp().settings().enabled()) {
                String path = mcp.path();
                config.routes.before(path, mcp::guard);
                config.routes.before(path + "/*", mcp::guard);
                config.routes.post(path, ctx -> mcp.post(ctx, Optional.empty()));
                config.routes.get(path, ctx -> mcp.get(ctx, Optional.empty()));
                config.routes.delete(path, ctx -> mcp.delete(ctx, Optional.empty()));
                config.routes.options(path, mcp::preflight);
                config.routes.post(path + "/{server}", ctx -> mcp.post(ctx, Optional.of(ctx.pathParam("server"))));
                config.routes.get(path + "/{server}", ctx -> mcp.get(ctx, Optional.of(ctx.pathParam("server"))));
                config.routes.delete(path + "/{server}", ctx -> mcp.delete(ctx, Optional.of(ctx.pathParam("server"))));
                config.routes.options(path + "/{server}", mcp::preflight);
                config.routes.get(mcp.metadataPath(path), ctx -> mcp.metadata(ctx, Optional.empty()));
                config.routes.get(mcp.metadataPath(path) + "/{server}", ctx -> mcp.metadata(ctx, Optional.of(ctx.pathParam("server"))));
            }
            config.routes.get(d.settings().basePath() + "/oauth/success", oauthRoutes::successPage);
            config.routes.get(d.settings().basePath() + "/oauth/error", oauthRoutes::errorPage);

            config.routes.exception(GatewayException.class, (e, ctx) -> ErrorBody.send(ctx, e));
            config.routes.exception(UpstreamException.class, (e, ctx) -> ErrorBody.send(ctx, UpstreamErrors.toGateway(e)));
            config.routes.exception(MissingUserVariablesException.class, (e, ctx) ->
                    ErrorBody.send(ctx, UpstreamErrors.toGateway(e)));
            config.routes.exception(OAuthRequiredException.class, (e, ctx) -> {
                oauthRoutes.bindBrowser(ctx, Authentication.caller(ctx), e.serverName());
                ErrorBody.send(ctx, UpstreamErrors.toGateway(e));
            });
            config.routes.exception(JacksonException.class, (e, ctx) ->
                    ErrorBody.send(ctx, ErrorCode.INVALID_JSON, "The request body is not valid JSON"));
            config.routes.exception(HttpResponseException.class, (e, ctx) -> javalinRefusal(e, ctx));
            config.routes.exception(Exception.class, (e, ctx) -> {
                if (isClientAbort(e)) {
                    // The client's doing, not a fault of ours: no stack trace, no 500, but counted.
                    requestMetrics.clientAborted(ctx);
                    log.debug("client closed the connection before the request body was complete: {} {}",
                            ctx.method(), loggablePath(ctx));
                    ErrorBody.send(ctx, ErrorCode.REQUEST_BODY_INCOMPLETE,
                            "The connection closed before the whole request body arrived; send the complete body");
                    return;
                }
                log.error("unhandled failure on {} {}", ctx.method(), loggablePath(ctx), e);
                ErrorBody.send(ctx, ErrorCode.INTERNAL_ERROR,
                        "An internal error occurred; quote the request id when you report it");
            });
            config.routes.error(404, ctx -> {
                if (!answeredItself(ctx)) { // a route answered its own 404: keep what it said
                    ErrorBody.send(ctx, ErrorCode.NOT_FOUND, "No route for " + ctx.method() + " " + ctx.path());
                }
            });
            config.routes.error(405, ctx -> ErrorBody.send(ctx, ErrorCode.METHOD_NOT_ALLOWED,
                    ctx.method() + " is not supported on " + ctx.path()));
        });
        disableNagle(app);
        app.start();
        log.info("listening on {}:{}", d.settings().host(), app.port());
        return new HttpServer(app, routes, mcp::endStreams);
    }

    /** Javalin's server already wraps its handlers in Jetty's GracefulHandler, which drains on stop. */
    private static void disableNagle(Javalin app) {
        Server server = app.jettyServer().server();
        for (var connector : server.getConnectors()) {
            if (connector instanceof ServerConnector sc) {
                sc.setAcceptedTcpNoDelay(true); // see DESIGN.md: no Nagle on the hot path
            }
        }
    }

    /**
     * Jetty's {@link EofException} (its subclasses included) is how a connection that ended early
     * surfaces while a handler reads the body, possibly wrapped; Javalin recognizes only the
     * exact class, so the subclass Jetty 12 throws ("Early EOF") reached the generic handler.
     */
    static boolean isClientAbort(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof EofException) {
                return true;
            }
        }
        return false;
    }

    /** Javalin's own refusals (a body over the size limit, 413) in the gateway's error shape. */
    private static void javalinRefusal(HttpResponseException e, Context ctx) {
        if (e.getStatus() < 400) {
            HttpResponseExceptionMapper.INSTANCE.handle(e, ctx);
            return;
        }
        ErrorCode code = JsonErrorHandler.codeFor(e.getStatus());
        String message = switch (code) {
            case NOT_FOUND -> "No route for " + ctx.method() + " " + ctx.path();
            case METHOD_NOT_ALLOWED -> ctx.method() + " is not supported on " + ctx.path();
            default -> JsonErrorHandler.messageFor(code);
        };
        ErrorBody.send(ctx, code, message);
    }

    /** A route answered its own 404 (the API's JSON, or a console page saying what was not found). */
    private static boolean answeredItself(Context ctx) {
        String type = ctx.res().getContentType();
        return type != null && (type.startsWith("application/json") || type.startsWith("text/html"));
    }

    private static void readiness(Context ctx, List<ReadinessCheck> checks) {
        Map<String, String> results = new LinkedHashMap<>();
        boolean ready = true;
        for (ReadinessCheck check : checks) {
            boolean ok = check.isReady(READINESS_TIMEOUT);
            results.put(check.name(), ok ? "up" : "down");
            ready &= ok;
        }
        ctx.status(ready ? 200 : 503).json(Map.of("status", ready ? "ready" : "unavailable", "checks", results));
    }

    /**
     * The path as logs may show it: an authorization link's ticket stands for a user while it lives, and
     * an input's id names a question waiting for one person's answer.
     */
    static String loggablePath(Context ctx) {
        return loggablePath(ctx.path());
    }

    static String loggablePath(String path) {
        // Every request is logged: no regular expression unless the path has something to hide.
        if (path.contains("/oauth/link/")) {
            path = LINK_TICKET.matcher(path).replaceFirst("/oauth/link/…");
        }
        if (path.contains("/inputs/")) {
            path = INPUT_ID.matcher(path).replaceFirst("/inputs/…");
        }
        return path;
    }

    private static final java.util.regex.Pattern LINK_TICKET = java.util.regex.Pattern.compile("/oauth/link/[^/]+$");
    private static final java.util.regex.Pattern INPUT_ID = java.util.regex.Pattern.compile("/inputs/[^/]+$");

    private static void recordRequest(Context ctx, Float ms, RequestMetrics metrics) {
        int status = ctx.statusCode();
        metrics.record(ctx, status, ms);
        accessLog.info("{} {} {} {}ms", ctx.method(), loggablePath(ctx), status, String.format(java.util.Locale.ROOT, "%.1f", ms));
        MDC.remove("requestId");
    }

    /** Every route registered, for the documentation check. */
    public List<Route> routes() {
        return routes;
    }

    public int port() {
        return app.port();
    }

    /**
     * Ends the MCP clients' event streams (they only wait for news, and reconnect to another replica),
     * then stops accepting and lets in-flight requests finish within the shutdown timeout.
     */
    @Override
    public void close() {
        beforeStop.run();
        app.stop();
    }
}
