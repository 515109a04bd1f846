package dev.portcullis.store.shared;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Locks of a single replica. Leases are honoured here too, so code that forgets to close a lock
 * behaves the same embedded as it does against Redis. An abandoned lease stays in the map until its
 * key is taken again; within one process that is rare and bounded by the keys in use.
 */
public final class MemoryLockService implements LockService {
    private record Lease(String token, Instant expiresAt) {
    }

    private final Clock clock;
    private final Map<String, Lease> leases = new ConcurrentHashMap<>();

    public MemoryLockService(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Optional<Lock> tryAcquire(String key, Duration lease) {
        Lease mine = new Lease(UUID.randomUUID().toString(), clock.instant().plusMillis(Ttl.millis(lease)));
        Lease holder = leases.compute(key, (k, current) ->
                current != null && current.expiresAt().isAfter(clock.instant()) ? current : mine);
        if (holder != mine) {
            return Optional.empty();
        }
        // remove(key, value) is the in-memory compare-and-delete: it removes only our own lease.
        return Optional.of(() -> leases.remove(key, mine));
    }
}
