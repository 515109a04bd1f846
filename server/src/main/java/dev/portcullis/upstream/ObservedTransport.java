package dev.portcullis.upstream;

import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * Wraps a transport so the session learns at once when it dies. The SDK keeps a request pending
 * until its timeout even after the transport failed; the session uses this signal to fail every
 * pending call immediately (502 in milliseconds, not 504 after a minute) and to reconnect next time.
 */
final class ObservedTransport implements McpClientTransport {
    private final McpClientTransport delegate;
    private final Consumer<Throwable> onFailure;
    private final Consumer<McpSchema.JSONRPCNotification> onProgress;

    ObservedTransport(McpClientTransport delegate, Consumer<Throwable> onFailure,
                      Consumer<McpSchema.JSONRPCNotification> onProgress) {
        this.delegate = delegate;
        this.onFailure = onFailure;
        this.onProgress = onProgress;
        delegate.setExceptionHandler(onFailure);
    }

    /**
     * Progress notifications are taken here, on the transport's reading thread, in the order they
     * arrived: the SDK dispatches notifications asynchronously, so the last one could otherwise be
     * delivered after the response it precedes and be lost or reordered.
     */
    @Override
    public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        return delegate.connect(messages -> handler.apply(messages.doOnNext(message -> {
            if (message instanceof McpSchema.JSONRPCNotification n && McpSchema.METHOD_NOTIFICATION_PROGRESS.equals(n.method())) {
                onProgress.accept(n);
            }
        })));
    }

    @Override
    public void setExceptionHandler(Consumer<Throwable> handler) {
        delegate.setExceptionHandler(failure -> {
            onFailure.accept(failure);
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
