package dev.portcullis.console;

import dev.portcullis.upstream.ConnectionScope;
import dev.portcullis.upstream.ServerActivity;
import dev.portcullis.upstream.ServerReport;
import java.util.List;
import java.util.Optional;

/**
 * One server on the Admin → Servers page: what it is, and what this replica knows of it — connections and their
 * breakers, recent errors, latency. Only the admin's tenant's users appear; nothing secret is in it (the report
 * holds states, times, user ids and the API's error messages, never configuration values).
 */
public record AdminServer(String name, String title, String origin, List<Connection> connections, long calls,
                          long failures, int samples, String p50, String p95, List<Error> errors) {

    /** One connection: whose, its state, when it connected and was last used, and its breaker. */
    public record Connection(String who, String state, String stateLabel, String since, String lastUsed,
                             boolean breakerOpen, String breaker) {
    }

    /** One recent failure. */
    public record Error(String at, String who, String message) {
    }

    /** Whether any connection's breaker refuses attempts now. */
    public boolean anyBreakerOpen() {
        return connections.stream().anyMatch(Connection::breakerOpen);
    }

    /** An open breaker or recent errors: what an admin looks at first. */
    public boolean needsAttention() {
        return anyBreakerOpen() || !errors.isEmpty();
    }

    /**
     * @param tenantId the admin's tenant: users of other tenants (a user server of the same name there) are left out
     */
    public static AdminServer of(String name, String title, String origin, ServerReport report, String tenantId) {
        List<Connection> connections = report.connections().stream().filter(c -> ours(c.scope(), tenantId))
                .map(AdminServer::connection).toList();
        ServerActivity.Snapshot a = report.activity();
        List<Error> errors = a.recentErrors().stream().filter(f -> ours(f.scope(), tenantId))
                .map(f -> new Error(Times.utc(f.at()), who(f.scope()), f.message())).toList();
        return new AdminServer(name, title, origin, connections, a.calls(), a.failures(), a.samples(),
                a.p50().map(Times::latency).orElse("—"), a.p95().map(Times::latency).orElse("—"), errors);
    }

    private static Connection connection(ServerReport.Connection c) {
        String label = switch (c.state()) {
            case CONNECTED -> "Connected";
            case CONNECTING -> "Connecting";
            case DISCONNECTED -> "Not connected";
            case ERROR -> "Failing";
        };
        Optional<ServerReport.OpenBreaker> open = c.breaker();
        String breaker = open.map(b -> "Open, retry in " + Times.seconds(b.retryAfter()) + ": " + b.lastFailure())
                .orElse("Closed");
        return new Connection(who(c.scope()), c.state().wireName(), label, c.connectedAt().map(Times::utc).orElse("—"),
                c.lastUsed().map(Times::utc).orElse("—"), open.isPresent(), breaker);
    }

    private static boolean ours(ConnectionScope scope, String tenantId) {
        return !(scope instanceof ConnectionScope.User u) || u.tenantId().equals(tenantId);
    }

    private static String who(ConnectionScope scope) {
        return switch (scope) {
            case ConnectionScope.App app -> "Shared (every user)";
            case ConnectionScope.User u -> u.userId();
        };
    }
}
