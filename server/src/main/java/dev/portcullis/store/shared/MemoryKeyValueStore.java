package dev.portcullis.store.shared;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The embedded key-value store of a single replica. Each operation is one atomic step of a
 * {@link ConcurrentHashMap} on one key, which is what makes {@code putIfAbsent} and
 * {@code compareAndSet} safe under contention without a global lock.
 *
 * <p>Expiry is lazy: an expired entry reads as absent and is replaced by the next write. Entries
 * nobody touches again are removed by a sweep that runs every {@value #WRITES_PER_SWEEP} writes,
 * so the map's size stays bounded by the live entries plus one sweep interval, with no thread.
 */
public final class MemoryKeyValueStore implements KeyValueStore {
    private static final int WRITES_PER_SWEEP = 1024;

    private record Entry(String value, Instant expiresAt) {
    }

    private final Clock clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicInteger writesSinceSweep = new AtomicInteger();

    public MemoryKeyValueStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Optional<String> get(String key) {
        return Optional.ofNullable(live(entries.get(key))).map(Entry::value);
    }

    @Override
    public void put(String key, String value, Duration ttl) {
        Entry next = entry(value, ttl);
        entries.put(key, next);
        wrote();
    }

    @Override
    public boolean putIfAbsent(String key, String value, Duration ttl) {
        Entry next = entry(value, ttl);
        boolean[] stored = {false};
        entries.compute(key, (k, current) -> {
            if (live(current) != null) {
                return current;
            }
            stored[0] = true;
            return next;
        });
        wrote();
        return stored[0];
    }

    @Override
    public boolean compareAndSet(String key, String expected, String next, Duration ttl) {
        Objects.requireNonNull(expected, "expected");
        Entry replacement = entry(next, ttl);
        boolean[] swapped = {false};
        entries.computeIfPresent(key, (k, current) -> {
            Entry live = live(current);
            if (live == null) {
                return null;
            }
            if (!live.value().equals(expected)) {
                return live;
            }
            swapped[0] = true;
            return replacement;
        });
        wrote();
        return swapped[0];
    }

    @Override
    public boolean delete(String key) {
        return live(entries.remove(key)) != null;
    }

    /** The number of entries held, expired ones included until they are swept; for tests. */
    int size() {
        return entries.size();
    }

    /** Removes every expired entry. */
    void sweep() {
        Instant now = clock.instant();
        entries.values().removeIf(entry -> !entry.expiresAt().isAfter(now));
    }

    private Entry entry(String value, Duration ttl) {
        Objects.requireNonNull(value, "value");
        return new Entry(value, clock.instant().plusMillis(Ttl.millis(ttl)));
    }

    private Entry live(Entry entry) {
        return entry != null && entry.expiresAt().isAfter(clock.instant()) ? entry : null;
    }

    private void wrote() {
        if (writesSinceSweep.incrementAndGet() >= WRITES_PER_SWEEP) {
            writesSinceSweep.set(0);
            sweep();
        }
    }
}
