package dev.portcullis.mcp;

import dev.portcullis.identity.Caller;
import dev.portcullis.store.shared.ReplicaCalls;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One stateless (2026-07-28) client's request to a server of the session revisions that asks for
 * input while it runs: the server's request (elicitation, sampling, roots) cannot reach a client that
 * keeps no stream, so the gateway holds the server's request open, answers the client
 * {@code input_required} with the input requests and a {@code requestState} naming this bridge, and
 * when the client's retry brings the answers, gives them to the waiting server and goes on waiting for
 * its result. The server's request is held on this replica's connection, so the state names the replica
 * ({@code portcullis-input:<replica>.<random>}) and a retry that lands on another is carried here by
 * {@link InputBridges}.
 */
final class InputBridge {
    static final String STATE_PREFIX = "portcullis-input:";
    /** How long a client has to come back with the answers. */
    static final Duration ANSWER_WITHIN = Duration.ofMinutes(10);

    /** An input request of the server's, waiting for the client's answer. */
    record Asked(String key, String method, Map<String, Object> params, CompletableFuture<Map<String, Object>> answer) {
    }

    /** What the client's request gets now: the server's result (or failure), or input requests. */
    sealed interface Outcome {
        record Done(Map<String, Object> answer) implements Outcome {
        }

        record InputRequired(String requestState, Map<String, Object> inputRequests) implements Outcome {
        }
    }

    private final String token;
    private final String tenantId;
    private final String userId;
    private final Optional<String> endpoint;
    private final Instant expires;
    /** The request it continues: a retry must be the same request (method and name) as the first. */
    private final String method;
    private final String name;
    /** The keys of the input requests last handed to the client: the ones its retry answers. */
    private final java.util.Set<String> handedOut = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Map<String, Object>> upstream = new CompletableFuture<>();
    private final LinkedBlockingQueue<Asked> asked = new LinkedBlockingQueue<>();
    private final Map<String, Asked> open = new ConcurrentHashMap<>();
    private final AtomicInteger keys = new AtomicInteger();

    InputBridge(String addressedId, Caller caller, Optional<String> endpoint, String method, String name, Instant now) {
        this.method = method;
        this.name = name;
        this.token = STATE_PREFIX + addressedId;
        this.tenantId = caller.tenantId().orElse("");
        this.userId = caller.userId();
        this.endpoint = endpoint;
        this.expires = now.plus(ANSWER_WITHIN);
    }

    String token() {
        return token;
    }

    /** Only the user who made the request, at the endpoint it was made at, may continue it. */
    boolean belongsTo(Caller caller, Optional<String> at) {
        return belongsTo(caller.tenantId().orElse(""), caller.userId(), at);
    }

    boolean belongsTo(String tenant, String user, Optional<String> at) {
        return tenantId.equals(tenant) && userId.equals(user) && endpoint.equals(at);
    }

    /** Whether a retry is the request this bridge continues. */
    boolean continues(String retryMethod, String retryName) {
        return method.equals(retryMethod) && name.equals(retryName);
    }

    /** The replica a state was handed out by, if it is one of this gateway's. */
    static Optional<String> replicaOf(String requestState) {
        return requestState.startsWith(STATE_PREFIX)
                ? ReplicaCalls.replicaOf(requestState.substring(STATE_PREFIX.length())) : Optional.empty();
    }

    boolean expired(Instant now) {
        return now.isAfter(expires);
    }

    /** The server's final answer (its result message, or the error message the relay produced). */
    void finish(Map<String, Object> answer) {
        upstream.complete(answer);
    }

    /** The server asks the client for input: held until the client's retry answers it; at most {@value #MAX_ASKED} at once. */
    CompletableFuture<Map<String, Object>> ask(String method, Map<String, Object> params) {
        if (open.size() >= MAX_ASKED) {
            return CompletableFuture.failedFuture(new dev.portcullis.upstream.RpcError(dev.portcullis.upstream.RpcError.INTERNAL_ERROR,
                    "Too many requests for input are waiting for the client"));
        }
        Asked a = new Asked("input-" + keys.incrementAndGet(), method, params, new CompletableFuture<>());
        open.put(a.key(), a);
        asked.add(a);
        a.answer().whenComplete((r, e) -> open.remove(a.key()));
        return a.answer().orTimeout(ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The client's retry: its answers, by the keys it was given; a request it was given and left
     * unanswered is declined. Requests that came after the ones it saw wait for the next round.
     */
    void answer(Map<String, Object> inputResponses) {
        for (Asked a : open.values()) {
            if (!handedOut.remove(a.key())) {
                continue;
            }
            Object response = inputResponses.get(a.key());
            if (response instanceof Map<?, ?> r) {
                a.answer().complete(FrontDoor.asMap(r));
            } else {
                a.answer().completeExceptionally(new dev.portcullis.upstream.RpcError(dev.portcullis.upstream.RpcError.INVALID_PARAMS,
                        "The client gave no answer to " + a.method()));
            }
        }
    }

    /**
     * Waits for what comes first: the server's answer, or its input requests (those arriving within a
     * moment of each other go out together).
     */
    Outcome next() throws InterruptedException {
        long deadline = System.nanoTime() + ANSWER_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            if (upstream.isDone()) {
                return new Outcome.Done(upstream.join());
            }
            Asked first = asked.poll(50, TimeUnit.MILLISECONDS);
            if (first == null) {
                continue;
            }
            Map<String, Object> requests = new LinkedHashMap<>();
            long batchEnds = System.nanoTime() + BATCH.toNanos();
            for (Asked a = first; a != null && requests.size() < MAX_ASKED; ) {
                requests.put(a.key(), Map.of("method", a.method(), "params", a.params()));
                long left = batchEnds - System.nanoTime();
                a = left > 0 ? asked.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS) : null;
            }
            handedOut.clear();
            handedOut.addAll(requests.keySet());
            return new Outcome.InputRequired(token, requests);
        }
        return new Outcome.Done(Map.of("jsonrpc", "2.0", "error", Map.of("code", dev.portcullis.upstream.RpcError.INTERNAL_ERROR,
                "message", "The server did not answer within " + ANSWER_WITHIN.toMinutes() + " minutes")));
    }

    /** How many input requests one held request may have open at once, and how long one batch gathers. */
    static final int MAX_ASKED = 16;
    private static final Duration BATCH = Duration.ofSeconds(1);
}
