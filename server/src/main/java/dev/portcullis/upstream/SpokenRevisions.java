package dev.portcullis.upstream;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which Streamable HTTP servers answered the 2026-07-28 {@code server/discover} probe with "no" (they
 * speak only the session revisions), remembered per URL for a while: a server with a connection per
 * user would otherwise be asked once for every user who connects, a round trip that fails every time.
 * A server is asked again when the memory is older than {@link #REMEMBERED} and whenever a connection
 * to it broke (a reconnect may find it upgraded). A server that speaks the revision is not remembered:
 * each connection asks anyway, for the capabilities the answer carries.
 */
final class SpokenRevisions {
    static final Duration REMEMBERED = Duration.ofMinutes(10);
    /** Enough for every server of a large deployment; beyond it the memory starts over. */
    private static final int MAX_REMEMBERED = 10_000;

    private final Map<URI, Instant> sessionsOnly = new ConcurrentHashMap<>();
    private final Clock clock;

    SpokenRevisions(Clock clock) {
        this.clock = clock;
    }

    /** Whether the server was found to speak only the session revisions, recently enough to skip asking. */
    boolean sessionsOnly(URI url) {
        Instant at = sessionsOnly.get(url);
        return at != null && at.plus(REMEMBERED).isAfter(clock.instant());
    }

    void foundSessionsOnly(URI url) {
        if (sessionsOnly.size() >= MAX_REMEMBERED) {
            sessionsOnly.clear();
        }
        sessionsOnly.put(url, clock.instant());
    }

    void forget(URI url) {
        sessionsOnly.remove(url);
    }
}
