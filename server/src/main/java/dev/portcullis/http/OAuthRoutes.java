package dev.portcullis.http;

import dev.portcullis.config.McpServerConfig;
import dev.portcullis.config.OAuthFlowSettings;
import dev.portcullis.config.ServerNames;
import dev.portcullis.config.ServerSettings;
import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import dev.portcullis.identity.Caller;
import dev.portcullis.identity.McpPermission;
import dev.portcullis.oauth.ClientMetadataDocument;
import dev.portcullis.oauth.flow.FlowRecord;
import dev.portcullis.oauth.flow.FlowStatus;
import dev.portcullis.oauth.flow.GrantOwner;
import dev.portcullis.oauth.flow.OAuthFlows;
import dev.portcullis.oauth.flow.OAuthTokens;
import dev.portcullis.oauth.flow.OAuthUpstreamAuthorization;
import dev.portcullis.oauth.flow.TokenVault;
import dev.portcullis.registry.ServerRegistry;
import dev.portcullis.upstream.OAuthRequiredException;
import dev.portcullis.upstream.ToolService;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HttpStatus;
import io.javalin.http.SameSite;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * LibreChat's OAuth routes: start, bind, the provider's callback, status, cancel, token metadata,
 * and disconnect, plus the two small result pages.
 */
final class OAuthRoutes {
    /** The binding cookie lives as long as an attempt may stay pending. */
    private static final Duration BINDING_LIFETIME = OAuthFlows.PENDING_STALE;
    /** How long the callback waits for the user's first connection before redirecting anyway. */
    private static final Duration CONNECT_AFTER_CALLBACK = Duration.ofSeconds(10);

    /** What the OAuth routes work with. */
    record Services(OAuthFlows flows, OAuthTokens tokens, TokenVault vault, OAuthFlowSettings settings,
                    dev.portcullis.oauth.flow.AuthorizationLinks links) {
    }

    private final Services oauth;
    private final ToolService tools;
    private final Permissions permissions;
    private final ServerSettings server;
    private final ServerRegistry registry;

    OAuthRoutes(Services oauth, ToolService tools, ServerRegistry registry, Permissions permissions, ServerSettings server) {
        this.oauth = oauth;
        this.registry = registry;
        this.tools = tools;
        this.permissions = permissions;
        this.server = server;
    }

    private static GrantOwner owner(Caller caller, String serverName) {
        return OAuthUpstreamAuthorization.owner(caller, serverName);
    }

    /** LibreChat's {@code authorizationState} of a caller at an OAuth server. */
    String authorizationState(Caller caller, McpServerConfig config) {
        GrantOwner owner = owner(caller, config.name());
        if (oauth.tokens().usableGrant(owner, config).isPresent()) {
            return "authorized";
        }
        return oauth.flows().isPending(owner) ? "authorizing" : "needs_authorization";
    }

    /** {@code GET /api/mcp/{server}/oauth/initiate}: binds this browser to the attempt and sends it to the provider. */
    void initiate(Context ctx) {
        Caller caller = permissions.require(ctx, McpPermission.USE);
        McpServerConfig config = tools.server(caller, ctx.pathParam("server"));
        if (config.enterpriseManaged().isPresent()) {
            throw new GatewayException(ErrorCode.BAD_REQUEST, "'" + config.name() + "' is enterprise-managed: there is"
                    + " nothing to authorize in a browser; its tokens come from your identity provider sign-in");
        }
        String userId = ctx.queryParam("userId");
        if (userId == null || !userId.equals(caller.userId())) {
            // LibreChat's check: the link names the user it was made for, and starts only their authorization.
            throw new GatewayException(ErrorCode.FORBIDDEN, "User mismatch: add ?userId= with the signed-in user's id");
        }
        String expectedFlow = owner(caller, config.name()).flowId();
        String flowId = ctx.queryParam("flowId");
        if (flowId != null && !flowId.equals(expectedFlow)) {
            throw new GatewayException(ErrorCode.FORBIDDEN, "Flow mismatch: that flow is not yours for this server");
        }
        OAuthRequiredException started = tools.startAuthorization(caller, config);
        bindBrowser(ctx, caller, config.name());
        ctx.redirect(started.authorizationUrl().toString(), HttpStatus.FOUND);
    }

    /** {@code POST /api/mcp/{server}/oauth/bind}: called before opening an authorization URL received elsewhere. */
    void bind(Context ctx) {
        Caller caller = permissions.require(ctx, McpPermission.USE);
        McpServerConfig config = tools.server(caller, ctx.pathParam("server"));
        boolean bound = bindBrowser(ctx, caller, config.name());
        ctx.json(Map.of("success", true, "bound", bound));
    }

    /**
     * {@code GET /api/mcp/{server}/oauth/link/{ticket}}: the link an MCP client was given for its user
     * (see {@link dev.portcullis.oauth.flow.AuthorizationLinks}). Reached without a token: the one-time
     * ticket stands for the user. Shows whose account the authorization is for and asks for a click;
     * nothing is used up or bound until then.
     */
    void linkPage(Context ctx) {
        String serverName = ctx.pathParam("server");
        Optional<GrantOwner> owner = oauth.links().peek(serverName, ctx.pathParam("ticket"))
                .filter(o -> oauth.flows().pendingUrl(o).isPresent());
        if (owner.isEmpty()) {
            linkExpired(ctx);
            return;
        }
        ctx.header("Cache-Control", "no-store").header("Referrer-Policy", "no-referrer")
                .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' https: http:")
                .header("X-Content-Type-Options", "nosniff").header("X-Frame-Options", "DENY")
                .html("<!doctype html><html><head><meta charset=\"utf-8\"><title>Connect " + MessagePage.escape(serverName) + "</title>"
                        + "<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}"
                        + "button{font-size:1rem;padding:.5rem 1rem}</style></head><body>"
                        + "<h1>Connect " + MessagePage.escape(serverName) + "</h1>"
                        + "<p>You are about to connect your account at <strong>" + MessagePage.escape(serverName) + "</strong> to the "
                        + "Portcullis account <strong>" + MessagePage.escape(owner.get().userId()) + "</strong>"
                        + (owner.get().tenantId().isEmpty() ? "" : " (" + MessagePage.escape(owner.get().tenantId()) + ")") + ".</p>"
                        + "<p>Continue only if that is you. If someone sent you this link, close this page.</p>"
                        + "<form method=\"post\"><button type=\"submit\" id=\"continue\">Continue to " + MessagePage.escape(serverName)
                        + "</button></form></body></html>");
    }

    /**
     * {@code POST /api/mcp/{server}/oauth/link/{ticket}}: uses the ticket up, binds this browser to the
     * user's pending attempt and sends it to the provider.
     */
    void link(Context ctx) {
        String serverName = ctx.pathParam("server");
        Optional<GrantOwner> owner = oauth.links().redeem(serverName, ctx.pathParam("ticket"));
        Optional<URI> url = owner.flatMap(o -> oauth.flows().pendingUrl(o));
        if (url.isEmpty()) {
            linkExpired(ctx);
            return;
        }
        bindBrowser(ctx, owner.get());
        ctx.header("Cache-Control", "no-store").redirect(url.get().toString(), HttpStatus.SEE_OTHER);
    }

    private static void linkExpired(Context ctx) {
        ctx.status(HttpStatus.GONE);
        page(ctx, "Link expired", "Ask your MCP client again: it will give you a new link.",
                Optional.of("This authorization link was already used, or it has expired."));
    }

    /** Sets the per-attempt binding cookie; false when the user has no pending attempt at the server. */
    boolean bindBrowser(Context ctx, Caller caller, String serverName) {
        return bindBrowser(ctx, owner(caller, serverName));
    }

    private boolean bindBrowser(Context ctx, GrantOwner owner) {
        String serverName = owner.serverName();
        Optional<String> value = oauth.flows().bind(owner);
        value.ifPresent(v -> {
            Cookie cookie = new Cookie(cookieName(serverName), v, cookiePath(serverName), (int) BINDING_LIFETIME.toSeconds(),
                    "https".equals(server.publicUrl().getScheme()), true, null, SameSite.LAX);
            ctx.cookie(cookie);
        });
        return value.isPresent();
    }

    /**
     * {@code GET /api/mcp/{server}/oauth/callback}: no token travels with a provider's redirect, so
     * the attempt is found by its state and must match this browser's binding cookie.
     */
    void callback(Context ctx) {
        String serverName = ctx.pathParam("server");
        Map<String, String> params = new LinkedHashMap<>();
        ctx.queryParamMap().forEach((k, v) -> {
            if (!v.isEmpty()) {
                params.put(k, v.getFirst());
            }
        });
        Optional<String> binding = Optional.ofNullable(ctx.cookie(cookieName(serverName)));
        OAuthFlows.Outcome outcome = oauth.flows().complete(serverName,
                owner -> registry.findForCallback(owner.tenantId(), owner.serverName()), params, binding,
                oauth.settings().allowUnboundCallback());
        switch (outcome) {
            case OAuthFlows.Outcome.Completed c -> {
                // Only a completed attempt clears the cookie: a forged callback must not break the real one.
                ctx.removeCookie(cookieName(serverName), cookiePath(serverName));
                // Connected before the browser returns, as LibreChat does: status then reads connected.
                tools.connectAfterAuthorization(c.owner().tenantId(), c.owner().userId(), serverName, CONNECT_AFTER_CALLBACK);
                ctx.redirect(result("success", "serverName", serverName), HttpStatus.FOUND);
            }
            case OAuthFlows.Outcome.AlreadyCompleted a -> {
                ctx.removeCookie(cookieName(serverName), cookiePath(serverName));
                ctx.redirect(result("success", "serverName", serverName), HttpStatus.FOUND);
            }
            case OAuthFlows.Outcome.Failed f -> ctx.redirect(result("error", "error", f.error()), HttpStatus.FOUND);
        }
    }

    private String result(String page, String param, String value) {
        String base = oauth.settings().resultUrl().map(URI::toString)
                .orElse(server.publicUrl().toString() + server.basePath());
        return base + "/oauth/" + page + "?" + param + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    void status(Context ctx) {
        Caller caller = Authentication.caller(ctx);
        FlowRecord r = oauth.flows().view(owner(caller, ""), ctx.pathParam("flowId"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", r.status().name());
        body.put("completed", r.status() == FlowStatus.COMPLETED);
        body.put("failed", r.status() == FlowStatus.FAILED);
        if (r.status() == FlowStatus.FAILED && r.error() != null) {
            body.put("error", r.error()); // LibreChat's type: a string, or absent — never null
        }
        ctx.json(body);
    }

    void cancel(Context ctx) {
        Caller caller = Authentication.caller(ctx);
        String serverName = ctx.pathParam("server");
        boolean cancelled = oauth.flows().cancel(owner(caller, serverName));
        ctx.json(Map.of("success", true, "message", cancelled
                ? "OAuth flow for " + serverName + " cancelled successfully" : "No active OAuth flow to cancel"));
    }

    /**
     * {@code GET /api/mcp/oauth/tokens/{flowId}}: token metadata only. LibreChat returns the raw
     * tokens here; Portcullis never lets a token leave the vault through its API.
     */
    void tokens(Context ctx) {
        Caller caller = Authentication.caller(ctx);
        FlowRecord r = oauth.flows().view(owner(caller, ""), ctx.pathParam("flowId"));
        if (r.status() != FlowStatus.COMPLETED) {
            throw new GatewayException(ErrorCode.BAD_REQUEST, "Flow not completed");
        }
        var grant = oauth.vault().find(r.owner()).filter(g -> g.binding().equals(r.serverRef())).orElseThrow(() ->
                new GatewayException(ErrorCode.NOT_FOUND, "No tokens are stored for this flow any more"));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("token_type", grant.tokens().tokenType());
        meta.put("scope", String.join(" ", grant.tokens().scopes()));
        meta.put("expires_at", grant.tokens().expiresAt().map(Object::toString).orElse(null));
        meta.put("has_refresh_token", grant.tokens().refreshToken().isPresent());
        meta.put("obtained_at", grant.updatedAt().toString());
        ctx.json(Map.of("tokens", meta));
    }

    /** {@code DELETE /api/mcp/{server}/oauth}: revoke at the server when it offers revocation, then forget. */
    void disconnect(Context ctx) {
        Caller caller = permissions.require(ctx, McpPermission.USE);
        McpServerConfig config = tools.server(caller, ctx.pathParam("server"));
        boolean had = forget(caller, config);
        ctx.json(Map.of("success", true, "serverName", config.name(), "disconnected", had));
    }

    /**
     * Everything of the caller's authorization at the server goes: the grant is revoked where the
     * server offers revocation and deleted, a pending attempt is cancelled, and their connection is
     * closed. True when there was a grant.
     */
    boolean forget(Caller caller, McpServerConfig config) {
        GrantOwner owner = owner(caller, config.name());
        boolean had = oauth.tokens().disconnect(owner, config);
        oauth.flows().cancel(owner);
        tools.disconnect(caller, config.name());
        return had;
    }

    /**
     * The Client ID Metadata Document: the gateway's client identity at authorization servers that
     * support it, fetched by them from this URL (which is the client id).
     */
    void clientMetadata(Context ctx) {
        String name = ctx.pathParam("server");
        // Public route: answered for any well-formed name, so it says nothing about which servers
        // exist in which tenant. The document only names this gateway's own callback for that name.
        if (!ServerNames.isValid(name)) {
            throw new GatewayException(ErrorCode.NOT_FOUND, "Not found");
        }
        ctx.header("Cache-Control", "public, max-age=3600").contentType("application/json")
                .result(ClientMetadataDocument.forServer(server.publicUrl(), name).json());
    }

    void successPage(Context ctx) {
        page(ctx, "Authorized", "You can close this window and return to the chat.",
                Optional.ofNullable(ctx.queryParam("serverName")).map(s -> "Portcullis is now authorized at " + s + "."));
    }

    void errorPage(Context ctx) {
        page(ctx, "Authorization failed", "Close this window and try again from the chat.",
                Optional.ofNullable(ctx.queryParam("error")).map(e -> "Reason: " + e));
    }

    private static void page(Context ctx, String title, String hint, Optional<String> detail) {
        java.util.List<String> paragraphs = new java.util.ArrayList<>();
        detail.ifPresent(paragraphs::add);
        paragraphs.add(hint);
        MessagePage.send(ctx, 200, title, paragraphs);
    }


    /**
     * A cookie name is an RFC 6265 token (no spaces, parentheses, non-ASCII), and the path must be
     * the callback's path as the browser sends it: both use the name as the redirect URI writes it.
     */
    private static String cookieName(String serverName) {
        return "portcullis_oauth_" + ServerNames.encoded(serverName);
    }

    private String cookiePath(String serverName) {
        return server.publicUrl().getPath() + "/api/mcp/" + ServerNames.encoded(serverName) + "/oauth";
    }
}
