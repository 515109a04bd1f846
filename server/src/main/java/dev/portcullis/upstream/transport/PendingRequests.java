package dev.portcullis.upstream.transport;

import dev.portcullis.upstream.UpstreamException;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Requests sent on a transport whose answers arrive on a shared channel (the legacy SSE stream, a WebSocket).
 * A sender blocks on its entry until the answer passes through, the time runs out, or the channel fails —
 * then every waiter fails at once with the channel's typed error instead of hanging until its timeout.
 */
final class PendingRequests {

    private final Map<String, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();
    private volatile UpstreamException broken;

    CompletableFuture<Void> register(Object id) {
        CompletableFuture<Void> answered = new CompletableFuture<>();
        waiting.put(String.valueOf(id), answered);
        UpstreamException failure = broken;
        if (failure != null) {
            answered.completeExceptionally(failure);
        }
        return answered;
    }

    /** Marks the request answered if the message is a response to one. */
    void passed(JSONRPCMessage message) {
        if (message instanceof JSONRPCResponse response && response.id() != null) {
            CompletableFuture<Void> answered = waiting.remove(String.valueOf(response.id()));
            if (answered != null) {
                answered.complete(null);
            }
        }
    }

    /** Blocks until the answer arrived; the entry is gone afterwards whatever happened. */
    void await(Object id, CompletableFuture<Void> answered, Duration timeout) {
        try {
            answered.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw Failures.timeout(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException.Unreachable("the request was cancelled", e);
        } catch (ExecutionException e) {
            throw Failures.classify(e.getCause(), timeout);
        } finally {
            waiting.remove(String.valueOf(id));
        }
    }

    /** Fails every waiter, and every later request, with the channel's error. */
    void breakAll(UpstreamException failure) {
        broken = failure;
        waiting.values().forEach(f -> f.completeExceptionally(failure));
        waiting.clear();
    }

    /** The error the channel broke with, or null while it works. */
    UpstreamException broken() {
        return broken;
    }
}
