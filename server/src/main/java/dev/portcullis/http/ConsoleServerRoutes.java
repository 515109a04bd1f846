package dev.portcullis.http;

import dev.portcullis.access.AccessRole;
import dev.portcullis.access.Grant;
import dev.portcullis.access.PermissionBits;
import dev.portcullis.access.Principal;
import dev.portcullis.console.ServerDraft;
import dev.portcullis.console.SharingView;
import dev.portcullis.console.SignInSessions;
import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import dev.portcullis.identity.Caller;
import dev.portcullis.identity.McpPermission;
import dev.portcullis.people.PrincipalSearch;
import dev.portcullis.registry.RegisteredServer;
import dev.portcullis.registry.ServerSharing;
import dev.portcullis.registry.UserServerAdmin;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.ObjectMapper;

/**
 * The console's pages for a person's own servers: adding one (the API's create, with its messages next to
 * the fields) and sharing one (the API's permission change, with the API's permission checks).
 */
final class ConsoleServerRoutes {
    private static final int MAX_QUERY = 200;

    private final ConsoleRoutes console;
    private final UserServerAdmin admin;
    private final PermissionRoutes sharing;
    private final PeoplePickerRoutes people;
    private final Permissions permissions;
    private final ObjectMapper json;

    ConsoleServerRoutes(ConsoleRoutes console, UserServerAdmin admin, PermissionRoutes sharing, PeoplePickerRoutes people,
                        Permissions permissions, ObjectMapper json) {
        this.console = console;
        this.admin = admin;
        this.sharing = sharing;
        this.people = people;
        this.permissions = permissions;
        this.json = json;
    }

    /** "Add a server": the empty form. */
    void newServer(Context ctx) {
        Optional<SignInSessions.Session> session = console.signedIn(ctx);
        if (session.isEmpty()) {
            return;
        }
        try {
            permissions.require(session.get().caller(), McpPermission.USE, McpPermission.CREATE);
        } catch (GatewayException e) {
            console.problem(ctx, session.get(), e);
            return;
        }
        console.render(ctx, "console/new.jte", Map.of("page", console.page("Add a server", session.get(), "servers"),
                "draft", ServerDraft.empty(), "types", ServerDraft.TYPES));
    }

    /**
     * Creates the server as {@code POST /api/mcp/servers} does, then sends the browser to My servers; a refusal
     * comes back as the form, the person's input kept (but the secret) and each problem next to its field.
     */
    void create(Context ctx) {
        Caller caller = permissions.require(ctx, McpPermission.USE, McpPermission.CREATE);
        ServerDraft draft = ServerDraft.of(ctx.formParamMap());
        String secret = Optional.ofNullable(ctx.formParam("clientSecret")).orElse("");
        try {
            RegisteredServer created = admin.create(McpServerRoutes.actor(ctx, caller), draft.config(json, secret));
            ctx.header("HX-Redirect", console.base() + "/console/?added=" + dev.portcullis.config.ServerNames.encoded(created.name()));
            ctx.status(204);
        } catch (GatewayException e) {
            console.render(ctx, "console/new-form.jte", Map.of("page", console.page("Add a server", Authentication.signIn(ctx),
                    "servers"), "draft", draft.refusedWith(e), "types", ServerDraft.TYPES));
        }
    }

    /** A user server's sharing page, for a person holding SHARE on it (and the role's SHARE). */
    void sharingPage(Context ctx) {
        Optional<SignInSessions.Session> session = console.signedIn(ctx);
        if (session.isEmpty()) {
            return;
        }
        Caller caller = session.get().caller();
        SharingView view;
        try {
            permissions.require(caller, McpPermission.SHARE);
            RegisteredServer server = shareable(caller, ctx.pathParam("server"));
            view = view(ctx, caller, server, sharing.grants(ctx, caller, id(server)), "");
        } catch (GatewayException e) {
            console.problem(ctx, session.get(), e);
            return;
        }
        console.render(ctx, "console/sharing.jte", Map.of("page", console.page("Share " + view.title(), session.get(),
                "servers"), "view", view));
    }

    /** Whom to share with: the people, groups and roles the person may search for, as choices. */
    void findPeople(Context ctx) {
        Caller caller = permissions.require(ctx, McpPermission.SHARE);
        String query = Optional.ofNullable(ctx.queryParam("q")).orElse("");
        List<SharingView.Candidate> found = new ArrayList<>();
        if (query.length() <= MAX_QUERY) {
            for (PrincipalSearch.Found f : people.find(caller, query)) {
                found.add(switch (f) {
                    case PrincipalSearch.FoundUser u -> new SharingView.Candidate("user:" + u.person().id(), u.displayName(),
                            u.person().email().orElse(u.person().id()));
                    case PrincipalSearch.FoundGroup g -> new SharingView.Candidate("group:" + g.group().id(), g.displayName(), "Group");
                    case PrincipalSearch.FoundRole r -> new SharingView.Candidate("role:" + r.name(), r.displayName(),
                            "Everyone with this role");
                });
            }
        }
        console.render(ctx, "console/candidates.jte", Map.of("found", found, "query", query.strip(),
                "searched", query.strip().length() >= 2));
    }

    /**
     * One change from the sharing page: share with a principal ({@code principal=type:id}, {@code role}), stop
     * sharing with one ({@code action=remove}), or share with everyone or stop ({@code action=public|private}).
     */
    void share(Context ctx) {
        Caller caller = permissions.require(ctx, McpPermission.SHARE);
        RegisteredServer server = shareable(caller, ctx.pathParam("server"));
        String message;
        List<Grant> grants;
        try {
            ServerSharing.Change change = change(ctx);
            grants = sharing.apply(ctx, caller, id(server), change);
            message = describe(change);
        } catch (GatewayException e) {
            grants = sharing.grants(ctx, caller, id(server));
            message = e.getMessage();
        }
        console.render(ctx, "console/sharing-panel.jte", Map.of("page", console.page("Share", Authentication.signIn(ctx),
                "servers"), "view", view(ctx, caller, server, grants, message)));
    }

    private static ServerSharing.Change change(Context ctx) {
        String action = Optional.ofNullable(ctx.formParam("action")).orElse("share");
        Optional<AccessRole> role = Optional.ofNullable(ctx.formParam("role")).flatMap(AccessRole::byId);
        return switch (action) {
            case "share" -> new ServerSharing.Change(List.of(new ServerSharing.Assignment(principal(ctx),
                    role.orElseThrow(() -> invalid("Choose a role: viewer, editor or owner.")))), List.of(), Optional.empty(),
                    Optional.empty());
            case "remove" -> new ServerSharing.Change(List.of(), List.of(principal(ctx)), Optional.empty(), Optional.empty());
            case "public" -> new ServerSharing.Change(List.of(), List.of(), Optional.of(true),
                    Optional.of(role.orElseThrow(() -> invalid("Choose a role for everyone."))));
            case "private" -> new ServerSharing.Change(List.of(), List.of(), Optional.of(false), Optional.empty());
            default -> throw invalid("Unknown action: use share, remove, public or private.");
        };
    }

    private static Principal principal(Context ctx) {
        String value = Optional.ofNullable(ctx.formParam("principal")).orElse("");
        int colon = value.indexOf(':');
        String id = colon <= 0 ? "" : value.substring(colon + 1).strip();
        // The API's limit on an id (the grant's column holds no more).
        Optional<Principal> principal = colon <= 0 || id.length() > PermissionRoutes.MAX_PRINCIPAL_ID ? Optional.empty()
                : Principal.of(value.substring(0, colon), id);
        return principal.filter(p -> !(p instanceof Principal.Public))
                .orElseThrow(() -> invalid("Choose whom to share with: search, then pick a person, group or role."));
    }

    private static GatewayException invalid(String message) {
        return new GatewayException(ErrorCode.INVALID_PERMISSIONS, message);
    }

    private static String describe(ServerSharing.Change change) {
        if (change.makePublic().isPresent()) {
            return change.makePublic().get() ? "Shared with everyone as " + change.publicRole().orElseThrow().title() + "."
                    : "No longer shared with everyone.";
        }
        if (!change.removed().isEmpty()) {
            return "No longer shared with " + change.removed().getFirst().id() + ".";
        }
        ServerSharing.Assignment a = change.updated().getFirst();
        return "Shared with " + a.principal().id() + " as " + a.role().title() + ".";
    }

    private SharingView view(Context ctx, Caller caller, RegisteredServer server, List<Grant> grants, String message) {
        List<SharingView.Holder> holders = new ArrayList<>();
        List<Map<String, Object>> described = sharing.principals(caller, grants);
        for (Map<String, Object> p : described) {
            boolean self = "user".equals(p.get("type")) && caller.userId().equals(p.get("id"));
            holders.add(new SharingView.Holder(String.valueOf(p.get("type")), String.valueOf(p.get("id")),
                    p.get("name") + (self ? " (you)" : ""), String.valueOf(p.getOrDefault("email", "")),
                    AccessRole.byId(String.valueOf(p.get("accessRoleId"))).orElse(AccessRole.VIEWER), self));
        }
        Optional<AccessRole> everyone = grants.stream().filter(g -> g.principal() instanceof Principal.Public)
                .map(Grant::role).findFirst();
        String title = server.config().title().orElse(server.name());
        return new SharingView(server.name(), dev.portcullis.config.ServerNames.encoded(server.name()), title, holders,
                everyone, permissions.allows(caller, McpPermission.SHARE_PUBLIC), people.maySearch(caller), message);
    }

    /** A user server the caller holds SHARE on; others are not found, as the API answers. */
    private RegisteredServer shareable(Caller caller, String name) {
        RegisteredServer server = console.usable(caller, name);
        if (!server.isUserManaged()) {
            throw new GatewayException(ErrorCode.SERVER_READ_ONLY, "MCP server '" + name
                    + "' is configured by the operator: it is shared by the gateway's configuration, not here");
        }
        UserServerAdmin.requireBits(server, PermissionBits.SHARE);
        return server;
    }

    private static String id(RegisteredServer server) {
        return server.stored().orElseThrow().id();
    }
}
