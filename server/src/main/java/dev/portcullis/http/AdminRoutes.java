package dev.portcullis.http;

import dev.portcullis.config.McpServerConfig;
import dev.portcullis.console.AdminServer;
import dev.portcullis.console.AuditFilter;
import dev.portcullis.console.EgressQuestion;
import dev.portcullis.console.SignInSessions;
import dev.portcullis.egress.EgressPolicy;
import dev.portcullis.identity.Caller;
import dev.portcullis.registry.RegisteredServer;
import dev.portcullis.registry.ServerRegistry;
import dev.portcullis.store.AuditLog;
import dev.portcullis.upstream.ConnectionManager;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The console's admin pages: every server with this replica's connections, breakers, errors and latency; the audit
 * trail, filtered and paged; and the egress check. Only for the ADMIN role: anyone else gets a 403 page. Each page
 * reads the services the API uses (the registry as an admin sees it, the connection manager, the audit log, the
 * egress policy); none changes anything, so they are GET pages with links for every view.
 */
final class AdminRoutes {
    private final ConsoleRoutes console;
    private final ServerRegistry registry;
    private final ConnectionManager connections;
    private final AuditLog audit;
    private final EgressPolicy egress;

    AdminRoutes(ConsoleRoutes console, ServerRegistry registry, ConnectionManager connections, AuditLog audit,
                EgressPolicy egress) {
        this.console = console;
        this.registry = registry;
        this.connections = connections;
        this.audit = audit;
        this.egress = egress;
    }

    /** Admin → Servers. */
    void servers(Context ctx) {
        Optional<SignInSessions.Session> session = admin(ctx);
        if (session.isEmpty()) {
            return;
        }
        Caller caller = session.get().caller();
        String tenant = ServerRegistry.tenant(caller);
        List<AdminServer> servers = new ArrayList<>();
        for (RegisteredServer s : registry.visible(caller).values()) {
            McpServerConfig config = s.config();
            String origin = s.isUserManaged() ? "A user's own" : "Configured by the operator";
            servers.add(AdminServer.of(s.name(), config.title().orElse(s.name()), origin, connections.report(tenant, s.name()), tenant));
        }
        // What needs attention first; the sort is stable, so the rest keep the registry's order.
        servers.sort(Comparator.comparing(s -> !s.needsAttention()));
        console.render(ctx, "console/admin/servers.jte", Map.of("page", console.page("Admin: servers", session.get(),
                "admin-servers"), "servers", servers));
    }

    /** Admin → Audit log: the filter is the query string, so every view (and every "Older" page) is a link. */
    void audit(Context ctx) {
        Optional<SignInSessions.Session> session = admin(ctx);
        if (session.isEmpty()) {
            return;
        }
        Caller caller = session.get().caller();
        String tenant = ServerRegistry.tenant(caller);
        AuditFilter filter = AuditFilter.read(tenant, ctx.queryParamMap(), name -> serverSubject(tenant, name));
        AuditLog.Page found = filter.query().map(audit::query).orElse(new AuditLog.Page(List.of(), Optional.empty()));
        if (!filter.problems().isEmpty()) {
            ctx.status(400);
        }
        console.render(ctx, "console/admin/audit.jte", Map.of("page", console.page("Admin: audit log", session.get(),
                "admin-audit"), "filter", filter, "found", found,
                "older", found.older().map(filter::olderQuery).orElse(""),
                "filtered", filter.values().values().stream().anyMatch(v -> !v.isEmpty())));
    }

    /**
     * The subject the trail records a server's events under ({@code mcpServer:<id>}, UserServerAdmin and
     * ServerSharing), found by the name a person knows in the admin's tenant.
     */
    private AuditFilter.Subject serverSubject(String tenant, String name) {
        if (registry.operators().find(name).isPresent()) {
            return new AuditFilter.Subject.Problem("“" + name + "” is configured by the operator: its changes are in the"
                    + " configuration file, not the audit log");
        }
        return registry.store().find(tenant, name)
                .<AuditFilter.Subject>map(s -> new AuditFilter.Subject.Of("mcpServer:" + s.id()))
                .orElseGet(() -> new AuditFilter.Subject.Problem("No server is named “" + name + "” now; a deleted"
                        + " server's events are found by its subject, mcpServer:<id>"));
    }

    /** Admin → Egress check: the form, and the answer when a URL was given. */
    void egress(Context ctx) {
        Optional<SignInSessions.Session> session = admin(ctx);
        if (session.isEmpty()) {
            return;
        }
        String url = ctx.queryParam("url");
        EgressQuestion question = url == null ? EgressQuestion.blank() : EgressQuestion.ask(egress, url, ctx.queryParam("context"));
        if (!question.problems().isEmpty()) {
            ctx.status(400);
        }
        console.render(ctx, "console/admin/egress.jte", Map.of("page", console.page("Admin: egress check", session.get(),
                "admin-egress"), "q", question));
    }

    /**
     * The sign-in, when it is an admin's. Not signed in: to the sign-in page. Signed in without the role: a 403 page.
     * A link from another site is sent to the console's start: an admin page may resolve host names, and nothing on
     * another site should make it do so.
     */
    private Optional<SignInSessions.Session> admin(Context ctx) {
        Optional<SignInSessions.Session> session = console.signedIn(ctx);
        if (session.isEmpty()) {
            return session;
        }
        if (!session.get().caller().isAdmin()) {
            console.forbidden(ctx, session.get(), "Admins only", "These pages are for people with the ADMIN role."
                    + " Ask the gateway's operator if you need them (auth.admins in the configuration).");
            return Optional.empty();
        }
        if ("cross-site".equalsIgnoreCase(ctx.header("Sec-Fetch-Site"))) {
            console.toStart(ctx);
            return Optional.empty();
        }
        return session;
    }
}
