package dev.portcullis.upstream;

import dev.portcullis.upstream.transport.RequestOrigin;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The requests the MCP front door relays to a server, sent as they came (every field kept, not only
 * what the SDK's types know) under ids of the gateway's own, and matched with their answers before
 * the SDK sees them. Each request's progress notifications and the server's requests made while it
 * runs go to its {@link CallObserver}; a client's progress token is swapped for one of the gateway's,
 * so two clients' tokens can never collide on a shared connection.
 */
final class RelayedCalls {
    private static final String ID_PREFIX = "portcullis-";

    /** One request under way. */
    record Pending(String id, CompletableFuture<Map<String, Object>> result, CallObserver observer,
                   Object clientToken, String token) {
    }

    private final AtomicLong ids = new AtomicLong();
    /** The stateless revision's per-request {@code _meta}; null on a session. */
    private volatile Map<String, Object> requestMeta;

    void requestMeta(Map<String, Object> meta) {
        this.requestMeta = meta;
    }
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Map<String, Pending> byToken = new ConcurrentHashMap<>();

    /** Registers a request and returns it with the message to send. */
    Map.Entry<Pending, McpSchema.JSONRPCRequest> start(String method, Map<String, Object> params, CallObserver observer) {
        String id = ID_PREFIX + ids.incrementAndGet();
        Map<String, Object> sent = new LinkedHashMap<>(params);
        Object clientToken = null;
        String token = null;
        if (params.get("_meta") instanceof Map<?, ?> meta && meta.get("progressToken") != null) {
            clientToken = meta.get("progressToken");
            token = id + "-progress";
            Map<String, Object> newMeta = new LinkedHashMap<>();
            meta.forEach((k, v) -> newMeta.put(String.valueOf(k), v));
            newMeta.put("progressToken", token);
            sent.put("_meta", newMeta);
        }
        Map<String, Object> meta = requestMeta;
        if (meta != null) {
            sent.put("_meta", protocolMeta(asMap(sent.get("_meta")), meta));
        }
        Pending p = new Pending(id, new CompletableFuture<>(), observer, clientToken, token);
        pending.put(id, p);
        if (token != null) {
            byToken.put(token, p);
        }
        p.result().whenComplete((r, e) -> forget(p));
        return Map.entry(p, new McpSchema.JSONRPCRequest(McpSchema.JSONRPC_VERSION, method, id, sent));
    }

    /**
     * The gateway speaks for itself upstream: its protocol version and identity replace whatever a
     * client put under those keys. The capabilities are what both can answer: a client's request says
     * what that client declared (and the gateway relays all of it); without a client, the gateway's.
     */
    static Map<String, Object> protocolMeta(Map<String, Object> clientMeta, Map<String, Object> gateway) {
        Map<String, Object> merged = new LinkedHashMap<>();
        clientMeta.forEach((k, v) -> {
            if (!k.startsWith("io.modelcontextprotocol/")) {
                merged.put(k, v);
            }
        });
        merged.putAll(gateway);
        String capabilitiesKey = "io.modelcontextprotocol/clientCapabilities";
        if (clientMeta.get(capabilitiesKey) instanceof Map<?, ?> declared) {
            Map<String, Object> ours = asMap(gateway.get(capabilitiesKey));
            Map<String, Object> both = new LinkedHashMap<>();
            declared.forEach((k, v) -> {
                if (ours.containsKey(String.valueOf(k))) {
                    both.put(String.valueOf(k), v);
                }
            });
            merged.put(capabilitiesKey, both);
        }
        return merged;
    }

    private void forget(Pending p) {
        pending.remove(p.id());
        if (p.token() != null) {
            byToken.remove(p.token());
        }
    }

    /** Takes the answer to one of these requests; false for every other message. */
    boolean answer(McpSchema.JSONRPCMessage message) {
        if (!(message instanceof McpSchema.JSONRPCResponse response) || response.id() == null) {
            return false;
        }
        Pending p = pending.get(String.valueOf(response.id()));
        if (p == null) {
            return false;
        }
        if (response.error() != null) {
            p.result().completeExceptionally(new RpcError(response.error().code(), response.error().message(),
                    response.error().data()));
        } else {
            p.result().complete(asMap(response.result()));
        }
        return true;
    }

    /** Passes a progress notification for one of these requests on, under the client's token; false otherwise. */
    boolean progress(McpSchema.JSONRPCNotification notification) {
        if (!(notification.params() instanceof Map<?, ?> params) || params.get("progressToken") == null) {
            return false;
        }
        Pending p = byToken.get(String.valueOf(params.get("progressToken")));
        if (p == null) {
            return false;
        }
        Map<String, Object> relayed = asMap(params);
        relayed.put("progressToken", p.clientToken());
        p.observer().notification(notification.method(), relayed);
        return true;
    }

    /**
     * The request a server message belongs to: the one whose response stream carried it, or, where
     * that cannot be told (stdio, legacy SSE, WebSocket, a Streamable HTTP session's own stream), the
     * only request under way on a connection that is one user's — when {@code onlyOneUsersCall} says
     * so. Anything else is nobody's: on a shared connection, or with two calls running, it cannot be
     * told whose it is, and guessing could show one user another's data or ask them another's question.
     */
    Optional<Pending> originOfCurrentMessage(java.util.function.BooleanSupplier onlyOneUsersCall) {
        Optional<Object> origin = RequestOrigin.current();
        if (origin.isPresent()) {
            return Optional.ofNullable(pending.get(String.valueOf(origin.get())));
        }
        return pending.size() == 1 && onlyOneUsersCall.getAsBoolean() ? pending.values().stream().findFirst() : Optional.empty();
    }

    int size() {
        return pending.size();
    }

    /** Tells the server a request is no longer wanted, and fails it locally at once. */
    void cancel(Pending p, String reason, Consumer<McpSchema.JSONRPCNotification> send) {
        if (p.result().isDone()) {
            return;
        }
        p.result().completeExceptionally(new java.util.concurrent.CancellationException(reason));
        send.accept(new McpSchema.JSONRPCNotification(McpSchema.JSONRPC_VERSION, "notifications/cancelled",
                Map.of("requestId", p.id(), "reason", reason)));
    }

    void failAll(Throwable cause) {
        pending.values().forEach(p -> p.result().completeExceptionally(cause));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), v));
            return copy;
        }
        return new LinkedHashMap<>();
    }
}
