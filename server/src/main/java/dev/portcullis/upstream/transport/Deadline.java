package dev.portcullis.upstream.transport;

import dev.portcullis.upstream.UpstreamException;
import java.time.Duration;

/** The time one request has left, across its POST, retry pauses and resumed streams. */
final class Deadline {

    private final Duration total;
    private final long endNanos;

    private Deadline(Duration total) {
        this.total = total;
        this.endNanos = System.nanoTime() + total.toNanos();
    }

    static Deadline after(Duration total) {
        return new Deadline(total);
    }

    Duration total() {
        return total;
    }

    /** What is left; a Timeout once nothing is. */
    Duration remaining() {
        long left = endNanos - System.nanoTime();
        if (left <= 0) {
            throw Failures.timeout(total);
        }
        return Duration.ofNanos(left);
    }

    long remainingMillis() {
        return Math.max(1, remaining().toMillis());
    }

    /** Waits before a reconnect; a Timeout if the wait would outlast the deadline. */
    void sleep(long millis) {
        if (Duration.ofMillis(millis).compareTo(remaining()) >= 0) {
            throw Failures.timeout(total);
        }
        if (!pause(millis)) {
            throw new UpstreamException.Unreachable("the request was cancelled", null);
        }
    }

    /** Sleeps; false when interrupted (the transport is closing). */
    static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
