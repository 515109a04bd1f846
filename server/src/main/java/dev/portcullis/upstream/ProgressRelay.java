package dev.portcullis.upstream;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Hands one call's progress to its listener without ever making the connection wait for it. Progress
 * arrives on the thread that reads the server's messages — for a shared connection, the one thread
 * every user's answers come through — while the listener writes to one caller's HTTP response,
 * which blocks as long as that caller does not read. So the reader only records the latest
 * progress and wakes a virtual thread of this call's own to deliver it; updates that arrive while a
 * delivery is blocked are merged into the newest (progress only counts up). {@link #finish()} waits
 * for the last delivery, so the call's result is never written before its progress.
 */
final class ProgressRelay implements ProgressListener {
    private record Update(double progress, Double total, String message) {
    }

    private final ProgressListener listener;
    private final AtomicReference<Update> latest = new AtomicReference<>();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final Thread deliverer;

    ProgressRelay(ProgressListener listener) {
        this.listener = listener;
        this.deliverer = Thread.ofVirtual().name("mcp-progress").start(this::deliver);
    }

    /** Called on the connection's reading thread: records and returns at once. */
    @Override
    public void progress(double progress, Double total, String message) {
        latest.set(new Update(progress, total, message));
        LockSupport.unpark(deliverer);
    }

    private void deliver() {
        while (true) {
            Update next = latest.getAndSet(null);
            if (next != null) {
                try {
                    listener.progress(next.progress(), next.total(), next.message());
                } catch (RuntimeException e) {
                    // the caller went away; the call itself goes on
                }
                continue;
            }
            if (finished.get()) {
                if (latest.get() == null) {
                    return;
                }
                continue;
            }
            LockSupport.park(this);
        }
    }

    /** No more progress will come: delivers what is left, then returns (on the call's own thread). */
    void finish() {
        finished.set(true);
        LockSupport.unpark(deliverer);
        try {
            deliverer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
