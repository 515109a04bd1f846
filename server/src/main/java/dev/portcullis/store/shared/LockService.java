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
     * @throws LockTimeoutException if it is still held by someone else after {@code wait}, or if the
     *     waiting thread is interrupted (its interrupt flag is then set again)
     */
    default Lock acquire(String key, Duration lease, Duration wait) {
        return Backoff.retry(wait, () -> tryAcquire(key, lease))
                .orElseThrow(() -> new LockTimeoutException(key, wait));
    }
}
