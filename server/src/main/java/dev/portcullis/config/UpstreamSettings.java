package dev.portcullis.config;

import java.time.Duration;

/**
 * Limits on connections to MCP servers (Portcullis' own {@code upstream} section).
 *
 * @param idleTimeout           a connection unused this long is closed by the reaper
 * @param maxConnections        connections open at once, all users together
 * @param maxConnectionsPerUser user-scoped connections one user may hold
 * @param maxMessageBytes       the largest message (or SSE line) accepted from a server
 * @param maxToolPages          {@code tools/list} pages read per listing
 * @param maxTools              tools kept per listing
 * @param maxToolBytes          serialized size of one listing
 * @param toolListTimeout       time allowed for one whole listing
 * @param serverChangesPerMinute creates and updates of user servers one user may make per minute:
 *                              each one connects to the server to inspect it
 * @param reinitializePerMinute reinitializations one user may ask for per minute
 * @param connectionsPerOrigin  HTTP connections one pool may hold to one origin: the shared connections
 *                              have a pool, each user's own connections another, long-lived streams others
 * @param streamsPerOrigin      long-lived streams (listening GET streams, legacy SSE) to one origin, all users together
 * @param streamsPerUser        long-lived streams one user's own connections may hold, all origins together
 * @param callsInFlightPerUser  calls one user may have running at once on one server
 */
public record UpstreamSettings(Duration idleTimeout, int maxConnections, int maxConnectionsPerUser, int maxMessageBytes,
                               int maxToolPages, int maxTools, int maxToolBytes, Duration toolListTimeout,
                               int serverChangesPerMinute, int reinitializePerMinute, int connectionsPerOrigin,
                               int streamsPerOrigin, int streamsPerUser, int callsInFlightPerUser) {
    public static final UpstreamSettings DEFAULTS = new UpstreamSettings(Duration.ofMinutes(15), 1000, 25,
            8 * 1024 * 1024, 20, 1000, 4 * 1024 * 1024, Duration.ofSeconds(30), 30, 10, 64, 256, 10, 16);
}
