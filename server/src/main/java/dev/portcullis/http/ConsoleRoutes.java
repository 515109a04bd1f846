package dev.portcullis.http;

import dev.portcullis.config.McpServerConfig;
import dev.portcullis.console.Page;
import dev.portcullis.console.ServerCard;
import dev.portcullis.console.SignInSessions;
import dev.portcullis.identity.Caller;
import dev.portcullis.upstream.ToolService;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The console's pages, rendered on the server from templates compiled at build time (src/main/jte),
 * over the same services the API uses. A page needs a console sign-in; without one it sends the browser
 * to sign in. Every page and asset is served by the gateway itself, under a CSP that allows nothing else.
 */
final class ConsoleRoutes {
    /** Scripts and styles from the gateway only; no inline script or style; nothing may frame a page. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    /** The assets there are, by name: nothing else is read from the class path. */
    private static final Map<String, Asset> ASSETS = Map.of(
            "console.css", new Asset("/console/console.css", "text/css; charset=utf-8"),
            "console.js", new Asset("/console/console.js", "text/javascript; charset=utf-8"),
            "htmx.min.js", new Asset("/META-INF/resources/webjars/htmx.org/2.0.10/dist/htmx.min.js",
                    "text/javascript; charset=utf-8"));

    private record Asset(String resource, String contentType) {
    }

    private final TemplateEngine templates = TemplateEngine.createPrecompiled(ContentType.Html);
    private final SignInSessions sessions;
    private final ToolService tools;
    private final ConnectionRoutes connections;
    private final String base;
    private final String mcpEndpoint;
    private final boolean clientsAuthorizeThemselves;
    private final Permissions permissions;
    private final OAuthRoutes oauth;
    private final tools.jackson.databind.ObjectMapper json;
    private final RequestJson bodies;

    /**
     * @param mcpEndpoint the front door's address as clients reach it
     * @param clientsAuthorizeThemselves whether the front door names authorization servers (clients then sign in)
     */
    ConsoleRoutes(SignInSessions sessions, ToolService tools, ConnectionRoutes connections, URI publicUrl,
                  String mcpEndpoint, boolean clientsAuthorizeThemselves, Permissions permissions, OAuthRoutes oauth,
                  tools.jackson.databind.ObjectMapper json) {
        this.json = json;
        this.bodies = new RequestJson(json);
        this.permissions = permissions;
        this.oauth = oauth;
        this.sessions = sessions;
        this.tools = tools;
        this.connections = connections;
        this.mcpEndpoint = mcpEndpoint;
        this.clientsAuthorizeThemselves = clientsAuthorizeThemselves;
        this.base = MessagePage.basePath(publicUrl);
    }

    /** "My servers": every server the person may use, with their connection's state. */
    void servers(Context ctx) {
        Optional<SignInSessions.Session> session = signedIn(ctx);
        if (session.isEmpty()) {
            return;
        }
        Caller caller = session.get().caller();
        List<ServerCard> cards = new ArrayList<>();
        tools.servers(caller).forEach((name, config) -> cards.add(card(caller, name, config, "")));
        render(ctx, "console/servers.jte", Map.of("page", page("My servers", session.get(), "servers"), "servers", cards));
    }

    /** "MCP clients": how to connect a client to the front door, with this gateway's address filled in. */
    void clients(Context ctx) {
        Optional<SignInSessions.Session> session = signedIn(ctx);
        if (session.isEmpty()) {
            return;
        }
        String example = tools.servers(session.get().caller()).keySet().stream().findFirst().orElse("");
        render(ctx, "console/clients.jte", Map.of("page", page("MCP clients", session.get(), "clients"),
                "setup", dev.portcullis.console.ClientSetup.forEndpoint(mcpEndpoint, example, clientsAuthorizeThemselves)));
    }

    private ServerCard card(Caller caller, String name, McpServerConfig config, String message) {
        ConnectionRoutes.Status status = connections.statusOf(caller, config);
        String state = status.connection().wireName();
        String stateLabel = switch (status.connection()) {
            case CONNECTED -> "Connected";
            case CONNECTING -> "Connecting";
            case DISCONNECTED -> "Not connected";
            case ERROR -> "Failing";
        };
        String authorization = switch (status.authorization()) {
            case "not_required" -> "Not needed";
            case "authorized" -> "Authorized";
            case "authorizing" -> "Authorization under way";
            default -> "Needs your authorization";
        };
        String kind = config.url().isPresent() ? "Remote (" + config.type().map(t -> t.name().toLowerCase(java.util.Locale.ROOT)
                .replace('_', '-')).orElse("http") + ")" : "Local process";
        boolean authorized = "authorized".equals(status.authorization());
        boolean canConnect = status.requiresOAuth() && !authorized && config.url().isPresent();
        return new ServerCard(name, config.title().orElse(name), config.description().orElse(""), state, stateLabel,
                authorization, kind, canConnect, authorized, caller.userId(), message);
    }

    /**
     * Connects again (a reinitialize, with the API's rules and rate limit) and answers the server's card, with
     * what happened. A server that needs the person's authorization says so: Connect starts it.
     */
    void reconnect(Context ctx) {
        Caller caller = permissions.require(ctx, dev.portcullis.identity.McpPermission.USE);
        McpServerConfig config = tools.server(caller, ctx.pathParam("server"));
        String message;
        try {
            int count = tools.reinitialize(caller, config.name()).tools().size();
            message = "Connected again: " + count + (count == 1 ? " tool." : " tools.");
        } catch (dev.portcullis.upstream.OAuthRequiredException e) {
            message = "Needs your authorization first: use Connect.";
        } catch (dev.portcullis.error.GatewayException e) {
            message = e.getMessage();
        } catch (RuntimeException e) {
            message = dev.portcullis.upstream.UpstreamErrors.toGateway(e).getMessage();
        }
        renderCard(ctx, caller, config, message);
    }

    /** Ends the person's authorization at the server (revoked where it can be) and their connection. */
    void disconnect(Context ctx) {
        Caller caller = permissions.require(ctx, dev.portcullis.identity.McpPermission.USE);
        McpServerConfig config = tools.server(caller, ctx.pathParam("server"));
        boolean had = oauth.forget(caller, config);
        renderCard(ctx, caller, config, had ? "Disconnected: your authorization is withdrawn." : "You were not connected.");
    }

    /** One server's page: its state and its tools, each with a form made from its input schema. */
    void server(Context ctx) {
        Optional<SignInSessions.Session> session = signedIn(ctx);
        if (session.isEmpty()) {
            return;
        }
        if ("cross-site".equalsIgnoreCase(ctx.header("Sec-Fetch-Site"))) {
            // Opening this page lists the server's tools, which may connect: not for a link on another site.
            toStart(ctx);
            return;
        }
        Caller caller = session.get().caller();
        if (!permissions.allows(caller, dev.portcullis.identity.McpPermission.USE)) {
            forbidden(ctx, session.get(), "Not allowed", "Your role may not use MCP servers (MCP_SERVERS.USE);"
                    + " ask the gateway's operator if you need to.");
            return;
        }
        McpServerConfig config = tools.server(caller, ctx.pathParam("server"));
        List<dev.portcullis.console.ToolForm> forms = new ArrayList<>();
        String problem = "";
        try {
            tools.toolsForListing(caller, config.name()).tools().forEach(t -> forms.add(dev.portcullis.console.ToolForm.of(t)));
        } catch (dev.portcullis.error.GatewayException e) {
            problem = e.getMessage();
        } catch (RuntimeException e) {
            problem = dev.portcullis.upstream.UpstreamErrors.toGateway(e).getMessage();
        }
        render(ctx, "console/tools.jte", Map.of("page", page(config.title().orElse(config.name()), session.get(), "servers"),
                "server", card(caller, config.name(), config, ""), "forms", forms, "problem", problem));
    }

    /** A call from a tool's form: the same checks and call as the REST API's; the result as a person reads it. */
    void call(Context ctx) {
        Caller caller = permissions.require(ctx, dev.portcullis.identity.McpPermission.USE);
        McpServerConfig config = tools.server(caller, ctx.pathParam("server"));
        String toolName = ctx.pathParam("tool");
        dev.portcullis.console.CallOutcome outcome;
        try {
            io.modelcontextprotocol.spec.McpSchema.Tool tool = tools.toolsForListing(caller, config.name()).find(toolName)
                    .orElseThrow(() -> new dev.portcullis.error.GatewayException(dev.portcullis.error.ErrorCode.NOT_FOUND,
                            "'" + config.name() + "' has no tool '" + toolName + "'"));
            dev.portcullis.console.ToolForm.Read read = dev.portcullis.console.ToolForm.of(tool).read(ctx.formParamMap(),
                    bodies::value);
            outcome = !read.problems().isEmpty() ? dev.portcullis.console.CallOutcome.problems(read.problems())
                    : dev.portcullis.console.CallOutcome.of(tools.call(caller, config.name(), toolName, read.arguments(),
                    Optional.empty()), json);
        } catch (dev.portcullis.upstream.OAuthRequiredException e) {
            outcome = dev.portcullis.console.CallOutcome.failed("Needs your authorization first: use Connect on My servers.");
        } catch (dev.portcullis.error.GatewayException e) {
            outcome = dev.portcullis.console.CallOutcome.failed(e.getMessage());
        } catch (RuntimeException e) {
            outcome = dev.portcullis.console.CallOutcome.failed(dev.portcullis.upstream.UpstreamErrors.toGateway(e).getMessage());
        }
        render(ctx, "console/result.jte", Map.of("outcome", outcome));
    }

    private void renderCard(Context ctx, Caller caller, McpServerConfig config, String message) {
        render(ctx, "console/card.jte", Map.of("page", page("My servers", Authentication.signIn(ctx), "servers"),
                "s", card(caller, config.name(), config, message)));
    }

    void asset(Context ctx) throws IOException {
        Asset asset = ASSETS.get(ctx.pathParam("file"));
        InputStream in = asset == null ? null : ConsoleRoutes.class.getResourceAsStream(asset.resource());
        if (in == null) {
            ctx.status(404).contentType("text/plain").result("No such asset");
            return;
        }
        try (in) {
            ctx.contentType(asset.contentType()).header("Cache-Control", "public, max-age=3600")
                    .header("X-Content-Type-Options", "nosniff").result(in.readAllBytes());
        }
    }

    /** The sign-in of a page's request; without one, the browser is sent to sign in and the result is empty. */
    Optional<SignInSessions.Session> signedIn(Context ctx) {
        Optional<SignInSessions.Session> session = sessions.find(ctx.cookie(SignInRoutes.SESSION_COOKIE));
        if (session.isEmpty()) {
            ctx.redirect(base + "/console/login", io.javalin.http.HttpStatus.SEE_OTHER);
        }
        return session;
    }

    Page page(String title, SignInSessions.Session session, String section) {
        Caller caller = session.caller();
        String person = Optional.ofNullable(caller.profile().get("name")).or(caller::email).orElse(caller.userId());
        return new Page(title, base, session.csrfToken(), person, section, caller.isAdmin());
    }

    /** A page the person may not see: 403, as a page of the console that says why (a browser shows it, not JSON). */
    void forbidden(Context ctx, SignInSessions.Session session, String title, String message) {
        ctx.status(403);
        render(ctx, "console/problem.jte", Map.of("page", page(title, session, ""), "message", message));
    }

    /** Back to the console's first page: where a request that must not come from another site is sent. */
    void toStart(Context ctx) {
        ctx.redirect(base + "/console/", io.javalin.http.HttpStatus.SEE_OTHER);
    }

    void render(Context ctx, String template, Map<String, Object> params) {
        StringOutput out = new StringOutput();
        templates.render(template, params, out);
        secure(ctx);
        ctx.contentType("text/html; charset=utf-8").result(out.toString());
    }

    /** The headers of every console page. */
    static void secure(Context ctx) {
        ctx.header("Content-Security-Policy", CSP).header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer").header("X-Frame-Options", "DENY")
                .header("Cache-Control", "no-store");
    }
}
