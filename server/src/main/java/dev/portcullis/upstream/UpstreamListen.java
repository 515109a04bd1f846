package dev.portcullis.upstream;

import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's {@code subscriptions/listen} stream to one stateless (2026-07-28) server: that revision
 * sends change notifications only on a stream the client opens and names what it wants on. It asks for
 * the list changes the server announces it sends and for the resources the gateway's clients subscribed
 * to (the revision's replacement for {@code resources/subscribe}); the notifications then reach the
 * session's listeners as a session server's would. A stream that ends — the server closed it, the
 * request's time ran out, the filter changed — is opened again, after a pause that grows while the
 * server keeps refusing, and what may have changed in the gap is listed again. The stream holds a
 * connection for as long as the session lives, so it takes a lease of the stream budget as a session
 * server's GET stream does; without one the gateway lists again now and then instead.
 */
final class UpstreamListen implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UpstreamListen.class);
    static final String ACKNOWLEDGED = "notifications/subscriptions/acknowledged";
    private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
    private static final Duration LONGEST_PAUSE = Duration.ofMinutes(1);
    /** How many resources one server's stream may be asked to watch (each is a client's subscription). */
    static final int MAX_RESOURCES = 256;

    private final ObservedTransport transport;
    private final String serverName;
    private final Map<String, Object> listChanges;
    private final boolean resourcesSubscribe;
    private final Runnable gap;
    private final java.util.function.Supplier<java.util.Optional<? extends AutoCloseable>> leases;
    private AutoCloseable lease;
    private final Set<String> resources = new TreeSet<>();
    private RelayedCalls.Pending current;
    private volatile boolean acknowledged;
    private Duration pause = FIRST_PAUSE;
    private long openedAt;
    private boolean closed;
    /** A stream that lasted this long was a working one: the next starts again from the first pause. */
    private static final Duration STEADY = Duration.ofSeconds(30);

    /**
     * @param gap run when a new stream is acknowledged: changes made while none was open were not heard
     */
    UpstreamListen(ObservedTransport transport, String serverName, McpSchema.ServerCapabilities capabilities, Runnable gap,
                   java.util.function.Supplier<java.util.Optional<? extends AutoCloseable>> leases) {
        this.leases = leases;
        this.transport = transport;
        this.serverName = serverName;
        this.gap = gap;
        this.listChanges = new LinkedHashMap<>();
        if (capabilities.tools() != null && Boolean.TRUE.equals(capabilities.tools().listChanged())) {
            listChanges.put("toolsListChanged", true);
        }
        if (capabilities.prompts() != null && Boolean.TRUE.equals(capabilities.prompts().listChanged())) {
            listChanges.put("promptsListChanged", true);
        }
        if (capabilities.resources() != null && Boolean.TRUE.equals(capabilities.resources().listChanged())) {
            listChanges.put("resourcesListChanged", true);
        }
        this.resourcesSubscribe = capabilities.resources() != null && Boolean.TRUE.equals(capabilities.resources().subscribe());
    }

    /** Opens the stream if the server announces anything worth listening for. */
    synchronized void start() {
        if (!listChanges.isEmpty()) {
            open();
        }
    }

    /** Whether a change to the tool list reaches the gateway when it happens. */
    boolean hearsToolChanges() {
        return acknowledged && listChanges.containsKey("toolsListChanged");
    }

    boolean takesResourceSubscriptions() {
        return resourcesSubscribe;
    }

    /** Adds a resource to the stream's filter (a client subscribed to it); false when the bound is reached or no stream may open. */
    synchronized boolean subscribe(String uri) {
        if (!resources.contains(uri) && resources.size() >= MAX_RESOURCES) {
            return false;
        }
        if (resources.add(uri)) {
            reopen();
            if (current == null) {
                resources.remove(uri);
                return false;
            }
        }
        return true;
    }

    synchronized void unsubscribe(String uri) {
        if (resources.remove(uri)) {
            reopen();
        }
    }

    /** The server's acknowledgement of a stream: what it will send. */
    void acknowledgedBy(Map<String, Object> params) {
        acknowledged = true;
        gap.run();
    }

    private void reopen() {
        RelayedCalls.Pending old = current;
        open();
        if (old != null) {
            transport.cancel(old, "the filter changed");
        }
    }

    private void open() {
        if (closed || (listChanges.isEmpty() && resources.isEmpty())) {
            current = null;
            return;
        }
        if (lease == null) {
            lease = leases.get().orElse(null);
            if (lease == null) {
                log.debug("no listen stream to '{}': the stream budget for its origin or owner is spent", serverName);
                current = null;
                return;
            }
        }
        Map<String, Object> filter = new LinkedHashMap<>(listChanges);
        if (!resources.isEmpty()) {
            filter.put("resourceSubscriptions", new ArrayList<>(resources));
        }
        acknowledged = false;
        openedAt = System.nanoTime();
        RelayedCalls.Pending opened = transport.send("subscriptions/listen", Map.of("notifications", filter), CallObserver.NONE);
        current = opened;
        opened.result().whenComplete((result, failure) -> ended(opened, failure));
    }

    /** A stream ended: if it is still the one wanted, another is opened after a pause. */
    private void ended(RelayedCalls.Pending stream, Throwable failure) {
        Duration wait;
        synchronized (this) {
            if (closed || stream != current) {
                return;
            }
            acknowledged = false;
            if (System.nanoTime() - openedAt >= STEADY.toNanos()) {
                pause = FIRST_PAUSE;
            }
            wait = pause;
            pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
        }
        log.debug("the listen stream to '{}' ended ({}); opening another in {} ms", serverName,
                failure == null ? "answered" : failure.toString(), wait.toMillis());
        Thread.ofVirtual().name("mcp-listen-reopen").start(() -> {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                return;
            }
            synchronized (this) {
                if (!closed && stream == current) {
                    open();
                }
            }
        });
    }

    @Override
    public synchronized void close() {
        closed = true;
        acknowledged = false;
        if (current != null) {
            transport.cancel(current, "the session closed");
            current = null;
        }
        if (lease != null) {
            try {
                lease.close();
            } catch (Exception e) {
                // a lease only gives back a count
            }
            lease = null;
        }
    }
}
