package dev.portcullis.upstream;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One server as this replica sees it, for the admin pages: its connections (the shared one and users' own), each
 * with its breaker when that is open, and its recent activity. A copy: nothing in it changes the connections.
 */
public record ServerReport(String serverName, List<Connection> connections, ServerActivity.Snapshot activity) {
    public ServerReport {
        connections = List.copyOf(connections);
    }

    /**
     * One connection, or one that failed to open (its breaker open and no session).
     *
     * @param connectedAt when the open session connected; empty without one
     * @param lastUsed when the open session was last used; empty without one
     */
    public record Connection(ConnectionScope scope, ConnectionState state, Optional<Instant> connectedAt,
                             Optional<Instant> lastUsed, Optional<OpenBreaker> breaker) {
    }

    /** A breaker refusing attempts: for how much longer, and the failure that opened it. */
    public record OpenBreaker(Duration retryAfter, String lastFailure) {
    }
}
