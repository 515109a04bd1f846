package dev.portcullis.upstream.stdio;

import dev.portcullis.upstream.UpstreamException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * Writes lines to a child's stdin from one platform thread, in order. Callers enqueue and get a
 * future that completes once the line is in the pipe; they never block on the pipe themselves (a
 * child that stops reading fills it, and a write to a full pipe pins a virtual thread's carrier).
 * The queue is bounded: a child that has stopped reading gets an error, not unbounded memory.
 */
final class StdinWriter {
    static final int MAX_QUEUED = 1024;

    private record Line(byte[] bytes, CompletableFuture<Void> written) {
    }

    private static final Line END = new Line(new byte[0], CompletableFuture.completedFuture(null));

    private final String serverName;
    private final OutputStream stdin;
    private final Consumer<UpstreamException> failed;
    private final BlockingQueue<Line> queue = new LinkedBlockingQueue<>(MAX_QUEUED);
    private final Thread thread;
    private volatile UpstreamException failure;

    StdinWriter(String serverName, OutputStream stdin, Consumer<UpstreamException> failed) {
        this.serverName = serverName;
        this.stdin = stdin;
        this.failed = failed;
        this.thread = PipeThreads.start("mcp-stdin-" + serverName, this::drain);
    }

    CompletableFuture<Void> write(byte[] line) {
        UpstreamException broken = failure;
        if (broken != null) {
            return CompletableFuture.failedFuture(broken);
        }
        Line entry = new Line(line, new CompletableFuture<>());
        if (!queue.offer(entry)) {
            return CompletableFuture.failedFuture(new UpstreamException.Unreachable("the stdio server '" + serverName
                    + "' is not reading its input (" + MAX_QUEUED + " messages waiting)", null));
        }
        UpstreamException closed = failure; // set before the writer drains the queue for the last time
        if (closed != null) {
            entry.written().completeExceptionally(closed);
        }
        return entry.written();
    }

    /** Closes the child's stdin after what is already queued has been written. */
    void close() {
        if (!queue.offer(END)) {
            thread.interrupt(); // the child is not reading: waiting for the queue to drain would wait forever
        }
    }

    private void drain() {
        try {
            for (Line line = queue.take(); line != END; line = queue.take()) {
                try {
                    stdin.write(line.bytes());
                    stdin.flush();
                    line.written().complete(null);
                } catch (IOException e) {
                    fail(new UpstreamException.Unreachable("cannot write to the stdio server '" + serverName + "'", e), line);
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly();
            UpstreamException closed = new UpstreamException.Unreachable("the stdio server '" + serverName
                    + "' connection is closed", null);
            failure = failure == null ? closed : failure;
            for (Line left; (left = queue.poll()) != null; ) {
                left.written().completeExceptionally(failure);
            }
        }
    }

    private void fail(UpstreamException e, Line line) {
        failure = e;
        line.written().completeExceptionally(e);
        failed.accept(e);
    }

    private void closeQuietly() {
        try {
            stdin.close();
        } catch (IOException e) {
            // the child is gone; its end of the pipe closed first
        }
    }
}
