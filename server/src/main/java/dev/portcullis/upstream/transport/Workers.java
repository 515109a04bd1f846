package dev.portcullis.upstream.transport;

import dev.portcullis.upstream.UpstreamException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;

/**
 * The Reactor boundary on the way out: each piece of blocking transport work runs on its own virtual thread
 * behind a Mono, and closing the transport interrupts whatever still runs (a read blocked on a stream then
 * fails, and its exchange is aborted).
 */
final class Workers {

    private final Set<Thread> running = ConcurrentHashMap.newKeySet();

    /**
     * A Mono that runs {@code body} on a new virtual thread when subscribed. The body receives a callback that
     * completes the Mono early (a request's thread keeps draining its stream after the response passed); a
     * thrown {@link UpstreamException} fails the Mono, anything else fails it as a protocol violation.
     * Cancelling the subscription interrupts the thread.
     */
    Mono<Void> run(String name, Consumer<Runnable> body) {
        return Mono.create(sink -> {
            Thread worker = Thread.ofVirtual().name(name).unstarted(() -> {
                try {
                    body.accept(sink::success);
                    sink.success();
                } catch (UpstreamException e) {
                    sink.error(e);
                } catch (RuntimeException e) {
                    sink.error(new UpstreamException.ProtocolViolation("the exchange failed unexpectedly", e));
                } finally {
                    running.remove(Thread.currentThread());
                }
            });
            running.add(worker);
            sink.onCancel(worker::interrupt);
            worker.start();
        });
    }

    /** Starts background work (a listening stream) that nobody awaits. */
    void start(String name, Runnable body) {
        Thread worker = Thread.ofVirtual().name(name).unstarted(() -> {
            try {
                body.run();
            } finally {
                running.remove(Thread.currentThread());
            }
        });
        running.add(worker);
        worker.start();
    }

    /** Interrupts all running work but the caller's own (closing may itself run here). */
    void interruptAll() {
        running.stream().filter(t -> t != Thread.currentThread()).forEach(Thread::interrupt);
    }
}
