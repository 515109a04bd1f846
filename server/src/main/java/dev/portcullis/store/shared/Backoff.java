package dev.portcullis.store.shared;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Retries an attempt with exponential backoff and jitter until it succeeds or time runs out.
 *
 * <p>Waiters on a lock poll rather than being woken, because a wake-up needs a channel every
 * replica listens on, and a lost wake-up would stall a waiter until its deadline. Polling must not
 * spin, though: the delay doubles from {@link #FIRST} to {@link #MAX}, and each sleep is drawn at
 * random from its upper half, so fifty waiters released together do not stampede Redis in step.
 */
final class Backoff {
    private static final long FIRST = TimeUnit.MILLISECONDS.toNanos(2);
    private static final long MAX = TimeUnit.MILLISECONDS.toNanos(100);

    private Backoff() {
    }

    static <T> Optional<T> retry(Duration wait, Supplier<Optional<T>> attempt) {
        long deadline = System.nanoTime() + wait.toNanos();
        long delay = FIRST;
        while (true) {
            Optional<T> result = attempt.get();
            long remaining = deadline - System.nanoTime();
            if (result.isPresent() || remaining <= 0) {
                return result;
            }
            long sleep = Math.min(remaining, ThreadLocalRandom.current().nextLong(delay / 2, delay + 1));
            try {
                TimeUnit.NANOSECONDS.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
            delay = Math.min(MAX, delay * 2);
        }
    }
}
