package dev.portcullis.mcp;

import dev.portcullis.identity.Caller;
import dev.portcullis.store.shared.ReplicaCalls;
import dev.portcullis.upstream.RpcError;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;

/**
 * The {@link InputBridge}s of this replica, and the way to them from any replica: a stateless client's
 * retry carries the bridge's {@code requestState}, which names the replica holding the server's request;
 * a retry that lands on another replica is run there through {@link ReplicaCalls} and its outcome comes
 * back. Only the user who made the request, at the endpoint it was made at, may continue it.
 */
final class InputBridges {
    private static final Logger log = LoggerFactory.getLogger(InputBridges.class);
    private static final String CONTINUE = "mcp.input.continue";
    /** Per user and endpoint: each holds a server request (and a connection's slot) open. */
    static final int MAX_PER_USER = 16;

    /** Bridges waiting for the client's retry, by state. */
    private final Map<String, InputBridge> bridges = new ConcurrentHashMap<>();
    /** Every bridge from its start until its answer is handed out or it expires: what the per-user bound counts. */
    private final java.util.Set<InputBridge> live = ConcurrentHashMap.newKeySet();
    private final ReplicaCalls replicas;
    private final ObjectMapper json;
    private final Clock clock;

    InputBridges(ReplicaCalls replicas, ObjectMapper json, Clock clock) {
        this.replicas = replicas;
        this.json = json;
        this.clock = clock;
        replicas.handle(CONTINUE, this::continueHere);
    }

    /**
     * Runs {@code work} (the request, with the bridge its server requests go to) on a thread of its own
     * and returns what comes first: its answer or its input requests. Throws {@link RpcError} when the
     * caller already has {@value #MAX_PER_USER} requests waiting for input here.
     */
    InputBridge.Outcome start(Caller caller, Optional<String> endpoint, String method, String name,
                              Function<InputBridge, Map<String, Object>> work) throws InterruptedException {
        var now = clock.instant();
        InputBridge bridge = new InputBridge(replicas.addressedId(), caller, endpoint, method, name, now);
        synchronized (live) {
            live.removeIf(b -> b.expired(now));
            bridges.values().removeIf(b -> b.expired(now));
            if (live.stream().filter(b -> b.belongsTo(caller, endpoint)).count() >= MAX_PER_USER) {
                throw new RpcError(RpcError.INTERNAL_ERROR, "Too many requests are waiting for your input; answer or drop some first");
            }
            live.add(bridge);
        }
        Thread.ofVirtual().name("mcp-stateless-request").start(() -> {
            Map<String, Object> answer;
            try {
                answer = work.apply(bridge);
            } catch (Throwable t) { // whatever happens, the waiting client gets an answer
                log.warn("a stateless request failed", t);
                answer = Map.of("jsonrpc", "2.0", "error", Map.of("code", RpcError.INTERNAL_ERROR,
                        "message", "The request failed inside the gateway"));
            }
            bridge.finish(answer);
        });
        return step(bridge);
    }

    /**
     * The client's retry with its answers, on whichever replica holds the request. Empty when the state
     * is unknown, expired, someone else's, or its replica is gone: the client must start again.
     */
    Optional<InputBridge.Outcome> continueWith(String requestState, Caller caller, Optional<String> endpoint, String method,
                                               String name, Map<String, Object> inputResponses) throws InterruptedException {
        Optional<String> replica = InputBridge.replicaOf(requestState);
        if (replica.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("state", requestState);
        request.put("method", method);
        request.put("name", name);
        request.put("tenant", caller.tenantId().orElse(""));
        request.put("user", caller.userId());
        request.put("endpoint", endpoint.orElse(null));
        request.put("responses", inputResponses);
        try {
            String answer = replicas.call(replica.get(), CONTINUE, json.writeValueAsString(request),
                    InputBridge.ANSWER_WITHIN.plusMinutes(1));
            Map<String, Object> outcome = FrontDoor.asMap(json.readValue(answer, Map.class));
            return switch (String.valueOf(outcome.get("outcome"))) {
                case "input" -> Optional.of(new InputBridge.Outcome.InputRequired(requestState, FrontDoor.asMap(outcome.get("requests"))));
                case "done" -> Optional.of(new InputBridge.Outcome.Done(FrontDoor.asMap(outcome.get("answer"))));
                default -> Optional.empty();
            };
        } catch (ReplicaCalls.Unavailable e) {
            log.debug("a retry could not continue its request: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /** On the replica holding the bridge: gives it the answers and waits for its next step. */
    private String continueHere(String payload) throws InterruptedException {
        Map<String, Object> request = FrontDoor.asMap(json.readValue(payload, Map.class));
        String state = String.valueOf(request.get("state"));
        InputBridge bridge = bridges.get(state);
        Optional<String> endpoint = Optional.ofNullable(request.get("endpoint")).map(String::valueOf);
        // Checked before it is taken, so that nobody else's retry disturbs it; taken out while it runs, so
        // that of two retries with the same state only one continues the request.
        if (bridge == null || bridge.expired(clock.instant())
                || !bridge.belongsTo(String.valueOf(request.get("tenant")), String.valueOf(request.get("user")), endpoint)
                || !bridge.continues(String.valueOf(request.get("method")), String.valueOf(request.get("name")))
                || !bridges.remove(state, bridge)) {
            return json.writeValueAsString(Map.of("outcome", "unknown"));
        }
        bridge.answer(FrontDoor.asMap(request.get("responses")));
        InputBridge.Outcome outcome = step(bridge);
        Map<String, Object> answer = new LinkedHashMap<>();
        switch (outcome) {
            case InputBridge.Outcome.InputRequired required -> {
                answer.put("outcome", "input");
                answer.put("requests", required.inputRequests());
            }
            case InputBridge.Outcome.Done done -> {
                answer.put("outcome", "done");
                answer.put("answer", done.answer());
            }
        }
        return json.writeValueAsString(answer);
    }

    /** The bridge's next step; one that asks for input stays registered for the retry, one that is done does not. */
    private InputBridge.Outcome step(InputBridge bridge) throws InterruptedException {
        InputBridge.Outcome outcome = bridge.next();
        if (outcome instanceof InputBridge.Outcome.InputRequired) {
            bridges.put(bridge.token(), bridge);
        } else {
            bridges.remove(bridge.token());
            live.remove(bridge);
        }
        return outcome;
    }
}
