package dev.portcullis.store.shared;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;

/**
 * A request to one named replica and its answer, over {@link PubSub}: for state that lives in one
 * replica's memory and cannot move (a server request held open on this replica's connection, a call's
 * event stream), so that a request which lands on another replica behind a round-robin balancer still
 * reaches it. Each replica listens on a channel of its own; the replica called acknowledges at once (so
 * a replica that is gone is known within {@link #ACK_WITHIN}), says it is still working every
 * {@link #HEARTBEAT} (so one that stops mid-call is known within {@link #SILENCE}) and answers when its
 * handler returns. A call carries its deadline: one that arrives too late to be answered in time is not
 * run, so nothing happens for a caller who has already been told it failed. Calls to this replica run
 * the handler directly.
 */
public final class ReplicaCalls implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplicaCalls.class);
    /** How soon the replica called must say it has the request. */
    static final Duration ACK_WITHIN = Duration.ofSeconds(3);
    /** How often a replica running a call says so. */
    static final Duration HEARTBEAT = Duration.ofSeconds(15);
    /** How long a caller waits without hearing from the replica running its call. */
    static final Duration SILENCE = Duration.ofSeconds(50);
    private static final String CHANNEL_PREFIX = "replica:";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What one kind of call does on the replica it reaches: the payload in, the answer out. */
    @FunctionalInterface
    public interface Handler {
        String handle(String payload) throws Exception;
    }

    /** The replica called is not there (stopped, or never was), or did not answer in time. */
    public static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message);
        }
    }

    private static final class Waiting {
        final CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        final CompletableFuture<String> answered = new CompletableFuture<>();
        volatile long heardAt = System.nanoTime();

        void heard() {
            heardAt = System.nanoTime();
            acknowledged.complete(null);
        }
    }

    /** Whether a string can be a replica id: what {@link #randomId} makes of 12 bytes. */
    public static boolean isReplicaId(String s) {
        return s.length() == 16 && s.chars().allMatch(c -> Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '_');
    }

    private final PubSub pubSub;
    private final ObjectMapper json;
    private final String replicaId;
    private final Map<String, Handler> handlers = new ConcurrentHashMap<>();
    private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();
    private final Subscription subscription;

    public ReplicaCalls(PubSub pubSub, ObjectMapper json) {
        this.pubSub = Objects.requireNonNull(pubSub, "pubSub");
        this.json = Objects.requireNonNull(json, "json");
        this.replicaId = randomId(12);
        this.subscription = pubSub.subscribe(CHANNEL_PREFIX + replicaId, this::received);
    }

    /** This replica's name for the lifetime of the process: random, so a restarted replica is a new one. */
    public String replicaId() {
        return replicaId;
    }

    /**
     * A new unguessable id that names this replica ({@code <replica>.<256 random bits>}): what is handed
     * to a client for something only this replica holds, so that whichever replica the client's next
     * request lands on knows where to carry it ({@link #replicaOf}).
     */
    public String addressedId() {
        return replicaId + "." + randomId(32);
    }

    /** The replica an {@link #addressedId} names; empty for anything that is not one. */
    public static Optional<String> replicaOf(String addressedId) {
        int dot = addressedId.indexOf('.');
        return dot > 0 && isReplicaId(addressedId.substring(0, dot)) && dot < addressedId.length() - 1
                ? Optional.of(addressedId.substring(0, dot)) : Optional.empty();
    }

    public void handle(String kind, Handler handler) {
        if (handlers.putIfAbsent(kind, handler) != null) {
            throw new IllegalStateException("a handler for " + kind + " is already registered");
        }
    }

    /**
     * Runs {@code kind} with {@code payload} on {@code replica} and returns its answer. The handler's
     * failure comes back as {@link Unavailable} with its message; so does a replica that does not
     * acknowledge within {@link #ACK_WITHIN} or answer within {@code within}.
     */
    public String call(String replica, String kind, String payload, Duration within) throws Unavailable, InterruptedException {
        if (replica.equals(replicaId)) {
            return runLocally(kind, payload);
        }
        if (!isReplicaId(replica)) {
            throw new Unavailable("no such replica");
        }
        String id = randomId(12);
        Waiting w = new Waiting();
        waiting.put(id, w);
        long deadline = System.nanoTime() + within.toNanos();
        try {
            pubSub.publish(CHANNEL_PREFIX + replica, json.writeValueAsString(Map.of("t", "call", "id", id, "from", replicaId,
                    "kind", kind, "body", payload, "until", System.currentTimeMillis() + within.toMillis())));
            try {
                w.acknowledged.get(ACK_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new Unavailable("the replica holding it is not running");
            }
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new Unavailable("the replica holding it did not answer in time");
                }
                if (System.nanoTime() - w.heardAt > SILENCE.toNanos()) {
                    throw new Unavailable("the replica holding it stopped answering");
                }
                try {
                    return w.answered.get(Math.min(left, HEARTBEAT.toNanos()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    // still waiting: check the replica is alive, then wait on
                }
            }
        } catch (ExecutionException e) {
            throw new Unavailable(e.getCause().getMessage());
        } finally {
            waiting.remove(id);
        }
    }

    private String runLocally(String kind, String payload) throws Unavailable {
        Handler handler = handlers.get(kind);
        if (handler == null) {
            throw new Unavailable("this replica does not handle " + kind);
        }
        try {
            return handler.handle(payload);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("the replica is stopping");
        } catch (Exception e) {
            throw new Unavailable(Optional.ofNullable(e.getMessage()).orElse(e.getClass().getSimpleName()));
        }
    }

    /** Messages on this replica's channel: calls to run, and acknowledgements and answers of calls it made. */
    private void received(String message) {
        Map<?, ?> m = json.readValue(message, Map.class);
        String id = String.valueOf(m.get("id"));
        switch (String.valueOf(m.get("t"))) {
            case "call" -> {
                String from = String.valueOf(m.get("from"));
                long until = m.get("until") instanceof Number n ? n.longValue() : 0;
                // Acknowledged and run off the subscription's thread, which delivers the rest: a slow publish
                // or a handler that waits for minutes holds up no other call.
                Thread.ofVirtual().name("replica-call").start(() -> run(from, id, until, String.valueOf(m.get("kind")),
                        String.valueOf(m.get("body"))));
            }
            case "ack", "working" -> Optional.ofNullable(waiting.get(id)).ifPresent(Waiting::heard);
            case "answer" -> Optional.ofNullable(waiting.get(id)).ifPresent(w -> {
                w.heard();
                w.answered.complete(String.valueOf(m.get("body")));
            });
            case "failed" -> Optional.ofNullable(waiting.get(id)).ifPresent(w -> {
                w.heard();
                w.answered.completeExceptionally(new IllegalStateException(String.valueOf(m.get("message"))));
            });
            default -> log.debug("ignored a replica message of unknown type");
        }
    }

    /** Runs a call of another replica's, unless its caller has stopped waiting, saying it works while it does. */
    private void run(String from, String id, long until, String kind, String body) {
        if (System.currentTimeMillis() >= until) {
            return; // the caller has given up: running it now would do what it was told had failed
        }
        reply(from, Map.of("t", "ack", "id", id));
        var heartbeat = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().factory());
        heartbeat.scheduleAtFixedRate(() -> reply(from, Map.of("t", "working", "id", id)), HEARTBEAT.toMillis(),
                HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", id);
        try {
            answer.put("body", runLocally(kind, body));
            answer.put("t", "answer");
        } catch (Unavailable e) {
            answer.put("t", "failed");
            answer.put("message", e.getMessage());
        } finally {
            heartbeat.shutdownNow();
        }
        reply(from, answer);
    }

    private void reply(String replica, Map<String, Object> message) {
        try {
            pubSub.publish(CHANNEL_PREFIX + replica, json.writeValueAsString(message));
        } catch (RuntimeException e) {
            log.warn("could not answer replica {}: {}", replica, e.toString());
        }
    }

    private static String randomId(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    @Override
    public void close() {
        subscription.close();
        waiting.values().forEach(w -> {
            w.acknowledged.complete(null);
            w.answered.completeExceptionally(new IllegalStateException("the replica is stopping"));
        });
    }
}
