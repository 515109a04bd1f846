package dev.portcullis.upstream.transport;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Caps the long-lived streams the gateway holds open to MCP servers (Streamable HTTP's optional GET
 * stream, legacy SSE's one stream): each holds a connection for as long as the session lives, so a
 * user with many servers on one origin could otherwise pin that origin's connections for everyone.
 * At most {@code perOrigin} streams to one origin, all owners together, and at most {@code perOwner}
 * for one owner (a user's own connections, all origins together). The shared app connections are
 * the operator's and count only against the origin's cap.
 */
public final class StreamBudget {
    /** The owner of the shared app connections. */
    public static final String APP = "app";
    /** No caps: for tests and tools that hold one connection. */
    public static final StreamBudget UNLIMITED = new StreamBudget(Integer.MAX_VALUE, Integer.MAX_VALUE);

    private final int perOrigin;
    private final int perOwner;
    private final Map<String, Integer> byOrigin = new ConcurrentHashMap<>();
    private final Map<String, Integer> byOwner = new ConcurrentHashMap<>();

    public StreamBudget(int perOrigin, int perOwner) {
        this.perOrigin = perOrigin;
        this.perOwner = perOwner;
    }

    /** One stream, given back when closed (closing twice gives back once). */
    public final class Lease implements AutoCloseable {
        private final String owner;
        private final String origin;
        private final AtomicBoolean open = new AtomicBoolean(true);

        private Lease(String owner, String origin) {
            this.owner = owner;
            this.origin = origin;
        }

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                release(owner, origin);
            }
        }
    }

    /** A lease for one more stream of {@code owner} to {@code origin}, or empty when a cap is reached. */
    public synchronized Optional<Lease> tryAcquire(String owner, String origin) {
        if (byOrigin.getOrDefault(origin, 0) >= perOrigin
                || (!APP.equals(owner) && byOwner.getOrDefault(owner, 0) >= perOwner)) {
            return Optional.empty();
        }
        byOrigin.merge(origin, 1, Integer::sum);
        byOwner.merge(owner, 1, Integer::sum);
        return Optional.of(new Lease(owner, origin));
    }

    /**
     * A lease counted even over the caps, for a stream that is the whole connection (legacy SSE): the
     * number of those is bounded by the sessions' own caps, and counting them leaves less room for
     * optional streams.
     */
    public synchronized Lease acquire(String owner, String origin) {
        byOrigin.merge(origin, 1, Integer::sum);
        byOwner.merge(owner, 1, Integer::sum);
        return new Lease(owner, origin);
    }

    private synchronized void release(String owner, String origin) {
        byOrigin.computeIfPresent(origin, (k, n) -> n <= 1 ? null : n - 1);
        byOwner.computeIfPresent(owner, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** The origin key of a target: scheme, host and port as the egress guard normalized them. */
    static String originOf(dev.portcullis.egress.EgressTarget target) {
        return target.scheme() + "://" + target.host().toLowerCase(java.util.Locale.ROOT) + ":" + target.port();
    }

    /** Streams open now, all origins together. */
    public synchronized int open() {
        return byOrigin.values().stream().mapToInt(Integer::intValue).sum();
    }
}
