package dev.portcullis.http;

import dev.portcullis.config.McpServerConfig;
import dev.portcullis.console.CallOutcome;
import dev.portcullis.console.ClientSetup;
import dev.portcullis.console.Page;
import dev.portcullis.console.ServerCard;
import dev.portcullis.console.SignInSessions;
import dev.portcullis.console.ToolForm;
import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import dev.portcullis.identity.Caller;
import dev.portcullis.identity.McpPermission;
import dev.portcullis.people.PeopleDirectory;
import dev.portcullis.registry.RegisteredServer;
import dev.portcullis.registry.ServerRegistry;
import dev.portcullis.upstream.OAuthRequiredException;
import dev.portcullis.upstream.ProgressListener;
import dev.portcullis.upstream.ToolService;
import dev.portcullis.upstream.UpstreamErrors;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import tools.jackson.databind.ObjectMapper;

/**
 * The console's pages, rendered on the server from templates compiled at build time (src/main/jte),
 * over the same services the API uses. A page needs a console sign-in; without one it sends the browser
 * to sign in. Every page and asset is served by the gateway itself, under a CSP that allows nothing else.
 */
final class ConsoleRoutes {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ConsoleRoutes.class);
    /** Scripts and styles from the gateway only; no inline script or style; nothing may frame a page. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    /** The assets there are, by name: nothing else is read from the class path. */
    private static final Map<String, Asset> ASSETS = Map.of(
            "console.css", new Asset("/console/console.css", "text/css; charset=utf-8"),
            "console.js", new Asset("/console/console.js", "text/javascript; charset=utf-8"),
            "theme.js", new Asset("/console/theme.js", "text/javascript; charset=utf-8"),
            "htmx.min.js", new Asset("/META-INF/resources/webjars/htmx.org/2.0.10/dist/htmx.min.js",
                    "text/javascript; charset=utf-8"));

    private record Asset(String resource, String contentType) {
    }

    /** What the console needs of the gateway's address and front door. */
    record Site(URI publicUrl, String mcpEndpoint, boolean clientsAuthorizeThemselves) {
    }

    private final TemplateEngine templates = TemplateEngine.createPrecompiled(ContentType.Html);
    private final SignInSessions sessions;
    private final ToolService tools;
    private final ServerRegistry registry;
    private final ConnectionRoutes connections;
    private final ConsoleCards cards;
    private final Site site;
    private final String base;
    private final Permissions permissions;
    private final OAuthRoutes oauth;
    private final ObjectMapper json;
    private final RequestJson bodies;
    private final PeopleDirectory directory;

    ConsoleRoutes(SignInSessions sessions, ToolService tools, ServerRegistry registry, ConnectionRoutes connections,
                  Site site, Permissions permissions, OAuthRoutes oauth, ObjectMapper json, PeopleDirectory directory) {
        this.directory = directory;
        this.sessions = sessions;
        this.tools = tools;
        this.registry = registry;
        this.connections = connections;
        this.cards = new ConsoleCards(connections, permissions);
        this.site = site;
        this.base = MessagePage.basePath(site.publicUrl());
        this.permissions = permissions;
        this.oauth = oauth;
        this.json = json;
        this.bodies = new RequestJson(json);
    }

    /** "My servers": every server the person may use, with their connection's state. */
    void servers(Context ctx) {
        Optional<SignInSessions.Session> session = signedIn(ctx);
        if (session.isEmpty()) {
            return;
        }
        Caller caller = session.get().caller();
        // Where "Add a server" sends the browser: the new server's card says so.
        String added = Optional.ofNullable(ctx.queryParam("added")).orElse("");
        List<ServerCard> list = new ArrayList<>();
        registry.usable(caller).values().forEach(s -> list.add(cards.of(caller, s, s.name().equals(added)
                ? "Added. You can use it now" + (s.isUserManaged() ? ", and share it." : ".") : "")));
        render(ctx, "console/servers.jte", Map.of("page", page("My servers", session.get(), "servers"), "servers", list,
                "canCreate", permissions.allows(caller, McpPermission.CREATE)));
    }

    /**
     * The live part of My servers: each card's state and authorization, as elements htmx swaps in by id. The
     * page asks every few seconds; a sign-in that has ended answers 401, and the page stops asking.
     */
    void states(Context ctx) {
        Optional<SignInSessions.Session> session = sessions.peek(ctx.cookie(SignInRoutes.SESSION_COOKIE));
        if (session.isEmpty()) {
            // A 401 names its scheme: the console's is a cookie, so a browser has nothing to retry with.
            ctx.status(401).header("WWW-Authenticate", "Cookie realm=\"portcullis\"").contentType("text/plain")
                    .result("Your sign-in has ended");
            return;
        }
        Caller caller = session.get().caller();
        List<ServerCard> list = new ArrayList<>();
        registry.usable(caller).values().forEach(s -> list.add(cards.of(caller, s, "")));
        render(ctx, "console/states.jte", Map.of("servers", list));
    }

    /** "MCP clients": how to connect a client to the front door, with this gateway's address filled in. */
    void clients(Context ctx) {
        Optional<SignInSessions.Session> session = signedIn(ctx);
        if (session.isEmpty()) {
            return;
        }
        String example = tools.servers(session.get().caller()).keySet().stream().findFirst().orElse("");
        render(ctx, "console/clients.jte", Map.of("page", page("MCP clients", session.get(), "clients"),
                "setup", ClientSetup.forEndpoint(site.mcpEndpoint(), example, site.clientsAuthorizeThemselves())));
    }

    /**
     * Connects again (a reinitialize, with the API's rules and rate limit) and answers the server's card, with
     * what happened. A server that needs the person's authorization says so: Connect starts it.
     */
    void reconnect(Context ctx) {
        Caller caller = permissions.require(ctx, McpPermission.USE);
        RegisteredServer server = usable(caller, ctx.pathParam("server"));
        String message = attempt(ctx, () -> {
            int count = tools.reinitialize(caller, server.name()).tools().size();
            return "Connected again: " + count + (count == 1 ? " tool." : " tools.");
        }, "Needs your authorization first: use Connect.");
        renderCard(ctx, caller, server, message);
    }

    /** Ends the person's authorization at the server (revoked where it can be) and their connection. */
    void disconnect(Context ctx) {
        Caller caller = permissions.require(ctx, McpPermission.USE);
        RegisteredServer server = usable(caller, ctx.pathParam("server"));
        boolean had = oauth.forget(caller, server.config());
        renderCard(ctx, caller, server, had ? "Disconnected: your authorization is withdrawn." : "You were not connected.");
    }

    /**
     * The person's values for the server's {@code customUserVars}: a field left empty keeps its value (the
     * form never shows one back); the API's checks and messages apply. {@code clear} deletes them all.
     */
    void variables(Context ctx) {
        Caller caller = permissions.require(ctx, McpPermission.USE);
        RegisteredServer server = usable(caller, ctx.pathParam("server"));
        McpServerConfig config = server.config();
        String message;
        if ("clear".equals(ctx.formParam("action"))) {
            connections.clearValues(caller, config);
            message = "Your values are deleted.";
        } else {
            Map<String, String> values = new LinkedHashMap<>();
            config.customUserVars().keySet().forEach(name -> Optional.ofNullable(ctx.formParam(ServerCard.FIELD_PREFIX + name))
                    .filter(v -> !v.isEmpty()).ifPresent(v -> values.put(name, v)));
            message = attempt(ctx, () -> {
                connections.setValues(caller, config, values);
                return values.isEmpty() ? "Nothing to save: every field was empty." : "Saved: "
                        + values.size() + (values.size() == 1 ? " value." : " values.") + " The next call uses them.";
            }, "");
        }
        renderCard(ctx, caller, server, message);
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
        if (!permissions.allows(caller, McpPermission.USE)) {
            forbidden(ctx, session.get(), "Not allowed", "Your role may not use MCP servers (MCP_SERVERS.USE);"
                    + " ask the gateway's operator if you need to.");
            return;
        }
        RegisteredServer server;
        try {
            server = usable(caller, ctx.pathParam("server"));
        } catch (GatewayException e) {
            problem(ctx, session.get(), e);
            return;
        }
        List<ToolForm> forms = new ArrayList<>();
        String problem = attempt(ctx, () -> {
            tools.toolsForListing(caller, server.name()).tools().forEach(t -> forms.add(ToolForm.of(t)));
            return "";
        }, "Needs your authorization first: use Connect on My servers.");
        render(ctx, "console/tools.jte", Map.of("page", page(server.config().title().orElse(server.name()), session.get(),
                "servers"), "server", cards.of(caller, server, ""), "forms", forms, "problem", problem));
    }

    /**
     * A call from a tool's form: the same checks and call as the REST API's; the result as a person reads it.
     * Asked for {@code text/event-stream} (the console's script does), the server's progress comes first as
     * {@code progress} events, then the result's HTML as one {@code result} event.
     */
    void call(Context ctx) throws IOException {
        Caller caller = permissions.require(ctx, McpPermission.USE);
        RegisteredServer server = usable(caller, ctx.pathParam("server"));
        String toolName = ctx.pathParam("tool");
        boolean stream = Optional.ofNullable(ctx.header("Accept")).orElse("").contains("text/event-stream");
        if (!stream) {
            render(ctx, "console/result.jte", Map.of("outcome", callOutcome(ctx, caller, server, toolName, Optional.empty())));
            return;
        }
        secure(ctx);
        ctx.status(200).contentType("text/event-stream").header("Cache-Control", "no-store");
        OutputStream out = ctx.res().getOutputStream();
        ProgressListener progress = (done, total, message) -> ToolRoutes.writeEvent(out, json, "progress",
                ToolRoutes.progressEvent(done, total, message));
        CallOutcome outcome = callOutcome(ctx, caller, server, toolName, Optional.of(progress));
        ToolRoutes.writeEvent(out, json, "result", Map.of("html", html("console/result.jte", Map.of("outcome", outcome))));
    }

    private CallOutcome callOutcome(Context ctx, Caller caller, RegisteredServer server, String toolName,
                                    Optional<ProgressListener> progress) {
        try {
            McpSchema.Tool tool = tools.toolsForListing(caller, server.name()).find(toolName)
                    .orElseThrow(() -> new GatewayException(ErrorCode.NOT_FOUND,
                            "'" + server.name() + "' has no tool '" + toolName + "'"));
            ToolForm.Read read = ToolForm.of(tool).read(ctx.formParamMap(), bodies::value);
            return !read.problems().isEmpty() ? CallOutcome.problems(read.problems())
                    : CallOutcome.of(tools.call(caller, server.name(), toolName, read.arguments(), progress), json);
        } catch (OAuthRequiredException e) {
            return CallOutcome.failed("Needs your authorization first: use Connect on My servers.");
        } catch (RuntimeException e) {
            return CallOutcome.failed(failure(ctx, e));
        }
    }

    /**
     * What a person reads for a failure: the API's message, or, for one the gateway does not expect, that it
     * happened and the request id to quote (logged in full). A page or a stream already under way must say
     * something: the API's error handler can no longer answer for it.
     */
    private static String failure(Context ctx, RuntimeException e) {
        if (e instanceof GatewayException g) {
            return g.getMessage();
        }
        try {
            return UpstreamErrors.toGateway(e).getMessage();
        } catch (RuntimeException unexpected) {
            log.error("unhandled failure on {} {}", ctx.method(), ctx.path(), unexpected);
            return "An internal error occurred; quote the request id " + RequestIds.of(ctx) + " when you report it.";
        }
    }

    /**
     * Runs an action on the person's behalf and says how it went: its own message, {@code needsAuthorization}
     * when the server wants the person's grant first, or the API's message for what failed.
     */
    private static String attempt(Context ctx, Supplier<String> action, String needsAuthorization) {
        try {
            return action.get();
        } catch (OAuthRequiredException e) {
            return needsAuthorization;
        } catch (RuntimeException e) {
            return failure(ctx, e);
        }
    }

    /** A server the caller may use, found as the API finds it (ToolService.server), or the API's 404. */
    RegisteredServer usable(Caller caller, String name) {
        return registry.find(caller, name).orElseThrow(() ->
                new GatewayException(ErrorCode.NOT_FOUND, "MCP server '" + name + "' not found"));
    }

    void renderCard(Context ctx, Caller caller, RegisteredServer server, String message) {
        render(ctx, "console/card.jte", Map.of("page", page("My servers", Authentication.signIn(ctx), "servers"),
                "s", cards.of(caller, server, message)));
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

    /** The gateway's base path, for the console's links. */
    String base() {
        return base;
    }

    /** The person's sign-in; without one the browser is sent to sign in, and the answer is empty. */
    Optional<SignInSessions.Session> signedIn(Context ctx) {
        Optional<SignInSessions.Session> session = sessions.find(ctx.cookie(SignInRoutes.SESSION_COOKIE));
        if (session.isEmpty()) {
            ctx.redirect(base + "/console/login", HttpStatus.SEE_OTHER);
        } else {
            // A person who signed in can be found to share with, as one who used the API can (throttled).
            directory.seen(session.get().caller());
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

    /**
     * A page that cannot be shown, as a page of the console with the API's status and message: a browser
     * that opened a link shows it, not the API's JSON.
     */
    void problem(Context ctx, SignInSessions.Session session, GatewayException e) {
        String title = switch (e.status()) {
            case 403 -> "Not allowed";
            case 404 -> "Not found";
            default -> "Not possible";
        };
        ctx.status(e.status());
        render(ctx, "console/problem.jte", Map.of("page", page(title, session, ""), "message", e.getMessage()));
    }

    /** Back to the console's first page: where a request that must not come from another site is sent. */
    void toStart(Context ctx) {
        ctx.redirect(base + "/console/", HttpStatus.SEE_OTHER);
    }

    void render(Context ctx, String template, Map<String, Object> params) {
        secure(ctx);
        ctx.contentType("text/html; charset=utf-8").result(html(template, params));
    }

    private String html(String template, Map<String, Object> params) {
        StringOutput out = new StringOutput();
        templates.render(template, params, out);
        return out.toString();
    }

    /** The headers of every console page. */
    static void secure(Context ctx) {
        ctx.header("Content-Security-Policy", CSP).header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer").header("X-Frame-Options", "DENY")
                .header("Cache-Control", "no-store");
    }
}
