package dev.portcullis.upstream;

import dev.portcullis.upstream.transport.RequestOrigin;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * Wraps a transport so the session learns at once when it dies, and so the front door's relayed
 * requests, their notifications and the server's requests to a client are handled here, before the
 * SDK. The SDK keeps a request pending until its timeout even after the transport failed; the session
 * uses the failure signal to fail every pending call immediately (502 in milliseconds, not 504 after a
 * minute) and to reconnect next time.
 */
final class ObservedTransport implements McpClientTransport {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ObservedTransport.class);

    /** What the session wants to hear about. */
    record Listeners(Consumer<Throwable> onFailure, java.util.function.BiConsumer<String, Map<String, Object>> onNotification,
                     java.util.function.BooleanSupplier onlyOneUsersCall,
                     java.util.function.Supplier<java.util.Optional<CallObserver>> ownersClient) {
    }

    private final McpClientTransport delegate;
    private final Listeners listeners;
    private final RelayedCalls relayed = new RelayedCalls();

    ObservedTransport(McpClientTransport delegate, Listeners listeners) {
        this.delegate = delegate;
        this.listeners = listeners;
        delegate.setExceptionHandler(this::failed);
    }

    private void failed(Throwable failure) {
        relayed.failAll(failure instanceof UpstreamException ? failure
                : new UpstreamException.Unreachable("the connection to the MCP server failed", failure));
        listeners.onFailure().accept(failure);
    }

    RelayedCalls relayed() {
        return relayed;
    }

    /**
     * Messages are taken here, on the transport's reading thread, in the order they arrived: the SDK
     * dispatches notifications asynchronously, so the last progress notification could otherwise be
     * delivered after the response it precedes and be lost or reordered.
     */
    @Override
    public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        return delegate.connect(messages -> handler.apply(messages.filter(this::passOn)));
    }

    /** False for what is handled here and must not reach the SDK. */
    private boolean passOn(McpSchema.JSONRPCMessage message) {
        return switch (message) {
            case McpSchema.JSONRPCResponse response -> !relayed.answer(response);
            case McpSchema.JSONRPCRequest request when ServerRequests.RELAYED.contains(request.method()) -> {
                answerServerRequest(request);
                yield false;
            }
            case McpSchema.JSONRPCNotification n -> notification(n);
            default -> true;
        };
    }

    private boolean notification(McpSchema.JSONRPCNotification n) {
        if (McpSchema.METHOD_NOTIFICATION_PROGRESS.equals(n.method())) {
            relayed.progress(n); // every call is relayed: progress that matches none of them is late, and dropped
            return false;
        }
        Map<String, Object> params = RelayedCalls.asMap(n.params());
        if (McpSchema.METHOD_NOTIFICATION_MESSAGE.equals(n.method())) {
            var origin = relayed.originOfCurrentMessage(listeners.onlyOneUsersCall());
            if (origin.isPresent()) {
                origin.get().observer().notification(n.method(), params);
                return false;
            }
        }
        listeners.onNotification().accept(n.method(), params);
        // List changes stop here: the SDK would re-list on its own, and one that arrives while it
        // initializes makes it initialize again, on a second connection (a second stdio child).
        return !LIST_CHANGES.contains(n.method());
    }

    private static final java.util.Set<String> LIST_CHANGES = java.util.Set.of(
            McpSchema.METHOD_NOTIFICATION_TOOLS_LIST_CHANGED, McpSchema.METHOD_NOTIFICATION_RESOURCES_LIST_CHANGED,
            McpSchema.METHOD_NOTIFICATION_PROMPTS_LIST_CHANGED);

    /** Asks the client whose call caused the request, on a thread of its own: the reading thread must go on. */
    private void answerServerRequest(McpSchema.JSONRPCRequest request) {
        // The call it came with; else, on a user's own connection outside any call, that user's client.
        CallObserver observer = relayed.originOfCurrentMessage(listeners.onlyOneUsersCall())
                .map(RelayedCalls.Pending::observer)
                .or(() -> RequestOrigin.current().isEmpty() && relayed.size() == 0 ? listeners.ownersClient().get()
                        : java.util.Optional.empty())
                .orElse(CallObserver.NONE);
        Map<String, Object> params = RelayedCalls.asMap(request.params());
        Thread.ofVirtual().name("mcp-server-request").start(() -> {
            McpSchema.JSONRPCResponse response;
            try {
                Map<String, Object> result = ElicitationAnswers.ask(observer, request.method(), params).join();
                response = new McpSchema.JSONRPCResponse(McpSchema.JSONRPC_VERSION, request.id(), result, null);
            } catch (RuntimeException e) {
                RpcError error = e.getCause() instanceof RpcError r ? r : e instanceof RpcError r2 ? r2
                        : new RpcError(RpcError.INTERNAL_ERROR, "The client did not answer");
                response = new McpSchema.JSONRPCResponse(McpSchema.JSONRPC_VERSION, request.id(), null,
                        new McpSchema.JSONRPCResponse.JSONRPCError(error.code(), error.getMessage(), error.data().orElse(null)));
            }
            try {
                delegate.sendMessage(response).block();
            } catch (RuntimeException e) {
                log.debug("could not answer the MCP server's {}: {}", request.method(), e.getMessage());
            }
        });
    }

    /** Sends a relayed request; its answer completes the pending result. */
    RelayedCalls.Pending send(String method, Map<String, Object> params, CallObserver observer) {
        return send(method, params, observer, Map.of());
    }

    /** As {@link #send(String, Map, CallObserver)}, the request carrying these headers too (HTTP transports). */
    RelayedCalls.Pending send(String method, Map<String, Object> params, CallObserver observer, Map<String, String> headers) {
        var started = relayed.start(method, params, observer);
        RelayedCalls.Pending p = started.getKey();
        if (!headers.isEmpty() && delegate instanceof dev.portcullis.upstream.transport.StreamableHttpClientTransport http) {
            http.headersFor(p.id(), headers);
        }
        delegate.sendMessage(started.getValue()).subscribe(null, e -> p.result().completeExceptionally(e));
        return p;
    }

    /**
     * Sends a request that is answered with a stream that may last (a stateless server's
     * {@code subscriptions/listen}); on other transports, as any request.
     */
    RelayedCalls.Pending sendLongLived(String method, Map<String, Object> params, CallObserver observer) {
        var started = relayed.start(method, params, observer);
        RelayedCalls.Pending p = started.getKey();
        if (delegate instanceof dev.portcullis.upstream.transport.StreamableHttpClientTransport http) {
            http.longLived(p.id());
        }
        delegate.sendMessage(started.getValue()).subscribe(null, e -> p.result().completeExceptionally(e));
        return p;
    }

    void cancel(RelayedCalls.Pending p, String reason) {
        if (delegate instanceof dev.portcullis.upstream.transport.StreamableHttpClientTransport http && http.isStateless()) {
            // 2026-07-28 over HTTP: closing the request's stream is the cancellation; no notification is expected.
            relayed.cancel(p, reason, n -> http.abort(p.id()));
            return;
        }
        relayed.cancel(p, reason, n -> delegate.sendMessage(n).subscribe(null,
                e -> log.debug("could not tell the MCP server of a cancellation: {}", e.getMessage())));
    }

    @Override
    public void setExceptionHandler(Consumer<Throwable> handler) {
        delegate.setExceptionHandler(failure -> {
            failed(failure);
            handler.accept(failure);
        });
    }

    @Override
    public Mono<Void> closeGracefully() {
        return delegate.closeGracefully();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        return delegate.sendMessage(message);
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return delegate.unmarshalFrom(data, typeRef);
    }

    @Override
    public List<String> protocolVersions() {
        return delegate.protocolVersions();
    }
}
