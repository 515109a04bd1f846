package dev.portcullis.store.shared;

import java.time.Duration;
import java.util.Objects;

/** Checks a time to live once, so both implementations agree on what they accept. */
final class Ttl {
    private Ttl() {
    }

    /**
     * The TTL in whole milliseconds, rounded up: Redis' PX counts milliseconds, and rounding a
     * sub-millisecond TTL down to zero would be an error there and "already expired" in memory.
     */
    static long millis(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("a time to live must be positive, got " + ttl);
        }
        long millis = ttl.toMillis();
        return ttl.equals(Duration.ofMillis(millis)) ? millis : millis + 1;
    }
}
