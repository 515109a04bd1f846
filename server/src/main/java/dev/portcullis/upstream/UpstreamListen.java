package dev.portcullis.upstream;

import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's {@code subscriptions/listen} stream to one stateless (2026-07-28) server: that revision
 * sends change notifications only on a stream the client opens and names what it wants on. It asks for
 * the list changes the server announces it sends and for the resources the gateway's clients watch (the
 * revision's replacement for {@code resources/subscribe}; each resource once, however many clients watch
 * it); the notifications then reach the session's listeners as a session server's would.
 *
 * <p>The stream is sent as a long-lived one (the stream connections, no overall time limit). When it
 * ends — the server closed it, it fell silent past the SSE read timeout — another is opened after a
 * pause that grows while the server keeps refusing (1 s doubling to 1 minute, from the start again
 * after a stream that lasted), and since a change may have fallen in the gap, the listeners hear that
 * every list and watched resource may have changed. Changes to the watched resources are gathered for
 * a moment and then the stream is replaced, no more than once a second. It holds a connection for as
 * long as the session lives, so it takes a lease of the stream budget as a session server's GET stream
 * does; without one the gateway lists again now and then and watches no resources.
 */
final class UpstreamListen implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UpstreamListen.class);
    static final String ACKNOWLEDGED = "notifications/subscriptions/acknowledged";
    private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
    private static final Duration LONGEST_PAUSE = Duration.ofMinutes(1);
    /** A stream that lasted this long was a working one: the next starts again from the first pause. */
    private static final Duration STEADY = Duration.ofSeconds(30);
    /** How long changes to the watched resources are gathered, and the least time between two streams. */
    private static final Duration GATHER = Duration.ofMillis(250);
    private static final Duration BETWEEN_STREAMS = Duration.ofSeconds(1);
    /** How many resources of one server the gateway watches at once, and how long a URI may be. */
    static final int MAX_RESOURCES = 128;
    static final int MAX_URI = 1024;
    private static final Map<String, String> LIST_CHANGES = Map.of("toolsListChanged", McpSchema.METHOD_NOTIFICATION_TOOLS_LIST_CHANGED,
            "promptsListChanged", McpSchema.METHOD_NOTIFICATION_PROMPTS_LIST_CHANGED,
            "resourcesListChanged", McpSchema.METHOD_NOTIFICATION_RESOURCES_LIST_CHANGED);

    private final ObservedTransport transport;
    private final String serverName;
    private final Map<String, Object> listChanges = new LinkedHashMap<>();
    private final boolean resourcesSubscribe;
    private final BiConsumer<String, Map<String, Object>> notify;
    private final Supplier<Optional<? extends AutoCloseable>> leases;
    private final Set<String> resources = new TreeSet<>();
    private AutoCloseable lease;
    private RelayedCalls.Pending current;
    private volatile boolean acknowledged;
    /** A stream ended while it was wanted: what changed before the next was acknowledged was not heard. */
    private boolean unheard;
    private boolean reopenPlanned;
    private Duration pause = FIRST_PAUSE;
    private long openedAt;
    private boolean closed;

    /**
     * @param notify how notifications reach the session's listeners (those the gateway makes up after a gap too)
     * @param leases a lease of the stream budget, or empty when it is spent
     */
    UpstreamListen(ObservedTransport transport, String serverName, McpSchema.ServerCapabilities capabilities,
                   BiConsumer<String, Map<String, Object>> notify, Supplier<Optional<? extends AutoCloseable>> leases) {
        this.transport = transport;
        this.serverName = serverName;
        this.notify = notify;
        this.leases = leases;
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
        open();
    }

    /** Whether a change to the tool list reaches the gateway when it happens. */
    boolean hearsToolChanges() {
        return acknowledged && listChanges.containsKey("toolsListChanged");
    }

    boolean takesResourceSubscriptions() {
        return resourcesSubscribe;
    }

    /** Whether the gateway's clients watch any resource of the server (the session is then in use, idle or not). */
    synchronized boolean watchesResources() {
        return !resources.isEmpty();
    }

    /** Adds a resource to the stream's filter; false when the bounds are reached or no stream may open. */
    synchronized boolean subscribe(String uri) {
        if (resources.contains(uri)) {
            return true;
        }
        if (uri.length() > MAX_URI || resources.size() >= MAX_RESOURCES) {
            return false;
        }
        if (lease == null && (lease = leases.get().orElse(null)) == null) {
            return false;
        }
        resources.add(uri);
        planReopen();
        return true;
    }

    synchronized void unsubscribe(String uri) {
        if (resources.remove(uri)) {
            planReopen();
        }
    }

    /** The server acknowledged a stream: if it is the current one, the gateway hears changes again. */
    void acknowledgedBy(Map<String, Object> params) {
        boolean gap;
        synchronized (this) {
            Object subscription = params.get("_meta") instanceof Map<?, ?> meta ? meta.get("io.modelcontextprotocol/subscriptionId") : null;
            if (current == null || !String.valueOf(current.id()).equals(String.valueOf(subscription))) {
                return; // a late acknowledgement of a stream already replaced
            }
            acknowledged = true;
            gap = unheard;
            unheard = false;
        }
        if (gap) {
            // Whatever changed while no stream was open was not heard: tell the listeners it may have.
            listChanges.keySet().forEach(k -> notify.accept(LIST_CHANGES.get(k), Map.of()));
            watchedNow().forEach(uri -> notify.accept(McpSchema.METHOD_NOTIFICATION_RESOURCES_UPDATED, Map.of("uri", uri)));
        }
    }

    private synchronized java.util.List<String> watchedNow() {
        return new ArrayList<>(resources);
    }

    /** Changes to the filter are gathered for a moment, and streams are not replaced more than once a second. */
    private void planReopen() {
        if (reopenPlanned || closed) {
            return;
        }
        reopenPlanned = true;
        long sinceOpened = System.nanoTime() - openedAt;
        Duration wait = GATHER.plusNanos(Math.max(0, BETWEEN_STREAMS.toNanos() - sinceOpened));
        Thread.ofVirtual().name("mcp-listen-refilter").start(() -> {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                return;
            }
            synchronized (this) {
                reopenPlanned = false;
                if (!closed) {
                    RelayedCalls.Pending old = current;
                    open();
                    if (old != null && old != current) {
                        transport.cancel(old, "the filter changed");
                    }
                }
            }
        });
    }

    private void open() {
        if (closed || (listChanges.isEmpty() && resources.isEmpty())) {
            current = null;
            acknowledged = false;
            releaseLease(); // nothing to listen for: the connection goes back to the budget
            return;
        }
        if (lease == null && (lease = leases.get().orElse(null)) == null) {
            log.debug("no listen stream to '{}': the stream budget for its origin or owner is spent", serverName);
            current = null;
            return;
        }
        Map<String, Object> filter = new LinkedHashMap<>(listChanges);
        if (!resources.isEmpty()) {
            filter.put("resourceSubscriptions", new ArrayList<>(resources));
        }
        acknowledged = false;
        openedAt = System.nanoTime();
        RelayedCalls.Pending opened = transport.sendLongLived("subscriptions/listen", Map.of("notifications", filter),
                CallObserver.NONE);
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
            unheard = true;
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

    private void releaseLease() {
        if (lease != null) {
            try {
                lease.close();
            } catch (Exception e) {
                // a lease only gives back a count
            }
            lease = null;
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        acknowledged = false;
        if (current != null) {
            transport.cancel(current, "the session closed");
            current = null;
        }
        releaseLease();
    }
}
