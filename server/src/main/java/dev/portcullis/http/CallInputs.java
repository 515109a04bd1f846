package dev.portcullis.http;

import dev.portcullis.identity.Caller;
import dev.portcullis.store.shared.ReplicaCalls;
import dev.portcullis.upstream.ElicitationAnswers;
import dev.portcullis.upstream.RpcError;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.ObjectMapper;

/**
 * What MCP servers asked the callers of the REST call route while their calls ran (an elicitation, a
 * sampling request — directly, or in a 2026-07-28 server's {@code input_required}), each waiting for the
 * caller to answer with {@code POST /api/mcp/{server}/inputs/{inputId}}. The call's event stream is held
 * by one replica, so an input's id names it and an answer that lands on another replica is carried there.
 */
final class CallInputs {
    /** How long a person has to answer. */
    static final Duration ANSWER_WITHIN = Duration.ofMinutes(10);
    /** Per caller: each holds a call (and its connection's slot) open. */
    static final int MAX_OPEN_PER_CALLER = 32;
    private static final String ANSWER = "rest.input.answer";

    /** One question ({@code method} with its {@code params}), for one caller about one server. */
    record Input(String id, String tenantId, String userId, String server, String method, Map<String, Object> params,
                 CompletableFuture<Map<String, Object>> answer) {
    }

    /** What became of an answer: taken, no such question waiting, or refused ({@code problem} says why; the question stays open). */
    record Delivery(Kind kind, String problem) {
        enum Kind { DELIVERED, UNKNOWN, REFUSED }

        static final Delivery DELIVERED = new Delivery(Kind.DELIVERED, "");
        static final Delivery UNKNOWN = new Delivery(Kind.UNKNOWN, "");

        /** Between replicas: the kind's name, and a refusal's problem after a newline. */
        String encoded() {
            return kind == Kind.REFUSED ? kind.name() + "\n" + problem : kind.name();
        }

        static Delivery decoded(String reply) {
            if (reply.startsWith(Kind.REFUSED.name() + "\n")) {
                return new Delivery(Kind.REFUSED, reply.substring(Kind.REFUSED.name().length() + 1));
            }
            return Kind.DELIVERED.name().equals(reply) ? DELIVERED : UNKNOWN;
        }
    }

    private final Map<String, Input> open = new ConcurrentHashMap<>();
    private final ReplicaCalls replicas;
    private final ObjectMapper json;

    CallInputs(ReplicaCalls replicas, ObjectMapper json) {
        this.replicas = replicas;
        this.json = json;
        replicas.handle(ANSWER, this::answerHere);
    }

    /**
     * A new question ({@code method} with its {@code params}) for the caller about the server; its answer
     * completes the input's future (or its time runs out).
     */
    Input ask(Caller caller, String server, String method, Map<String, Object> params) {
        String tenant = caller.tenantId().orElse("");
        String id = replicas.addressedId();
        Input input = new Input(id, tenant, caller.userId(), server, method, params, new CompletableFuture<>());
        synchronized (open) {
            long mine = open.values().stream().filter(i -> i.tenantId().equals(tenant) && i.userId().equals(caller.userId())).count();
            if (mine >= MAX_OPEN_PER_CALLER) {
                throw new RpcError(RpcError.INTERNAL_ERROR, "Too many questions are waiting for the caller's answers");
            }
            open.put(id, input);
        }
        input.answer().orTimeout(ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS).whenComplete((r, e) -> open.remove(id));
        return input;
    }

    /** The call ended: whatever it still waits for is answered with a refusal, so nothing lingers. */
    void abandon(Input input) {
        input.answer().completeExceptionally(new RpcError(RpcError.INTERNAL_ERROR, "The call ended before the answer came"));
    }

    /** The caller's answer, on whichever replica holds the question. */
    Delivery answer(Caller caller, String server, String inputId, Map<String, Object> answer) throws InterruptedException {
        Optional<String> replica = ReplicaCalls.replicaOf(inputId);
        if (replica.isEmpty()) {
            return Delivery.UNKNOWN;
        }
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("id", inputId);
        message.put("tenant", caller.tenantId().orElse(""));
        message.put("user", caller.userId());
        message.put("server", server);
        message.put("answer", answer);
        try {
            return Delivery.decoded(replicas.call(replica.get(), ANSWER, json.writeValueAsString(message), Duration.ofSeconds(10)));
        } catch (ReplicaCalls.Unavailable e) {
            return Delivery.UNKNOWN;
        }
    }

    @SuppressWarnings("unchecked")
    private String answerHere(String payload) {
        Map<String, Object> message = json.readValue(payload, Map.class);
        Input input = open.get(String.valueOf(message.get("id")));
        // Only the caller asked, about the server named in the route, may answer.
        if (input == null || !input.tenantId().equals(message.get("tenant")) || !input.userId().equals(message.get("user"))
                || !input.server().equals(message.get("server"))) {
            return Delivery.UNKNOWN.encoded();
        }
        Map<String, Object> answer = (Map<String, Object>) message.get("answer");
        boolean taken;
        if (answer.get("error") instanceof Map<?, ?> error) {
            taken = input.answer().completeExceptionally(new RpcError(error.get("code") instanceof Number n ? n.intValue()
                    : RpcError.INTERNAL_ERROR, String.valueOf(Optional.ofNullable(error.get("message")).orElse("Refused"))));
        } else {
            // Checked here, where the question is known, so that the caller hears what to fix and may answer again.
            Map<String, Object> result;
            try {
                result = ElicitationAnswers.complete(input.method(), input.params(), (Map<String, Object>) answer.get("result"));
            } catch (ElicitationAnswers.Invalid e) {
                return new Delivery(Delivery.Kind.REFUSED, e.getMessage()).encoded();
            }
            taken = input.answer().complete(result);
        }
        return (taken ? Delivery.DELIVERED : Delivery.UNKNOWN).encoded();
    }
}
