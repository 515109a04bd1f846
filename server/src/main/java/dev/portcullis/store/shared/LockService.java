package dev.portcullis.store.shared;

import java.time.Duration;
import java.util.Optional;

/**
 * Mutual exclusion across replicas, for work that must happen once: refreshing a token, completing
 * an OAuth flow. Every lock is a lease: if its holder dies without releasing it, the lock frees
 * itself after {@code lease}, so pick a lease comfortably longer than the guarded work.
 */
public interface LockService {

    /** The lock if it is free now, otherwise empty at once. */
    Optional<Lock> tryAcquire(String key, Duration lease);

    /**
     * The lock, waiting up to {@code wait} for it to become free.
     *
     * <p>An interrupted waiter stops waiting at once and keeps its interrupt flag; it gets this
     * exception, or the Redis client's own if the interrupt arrived during a command.
     *
     * @throws LockTimeoutException if it is still held by someone else after {@code wait}
     */
    default Lock acquire(String key, Duration lease, Duration wait) {
        return Backoff.retry(wait, () -> tryAcquire(key, lease))
                .orElseThrow(() -> new LockTimeoutException(key, wait));
    }
}
