package dev.portcullis.store.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Expiry in memory, on a clock the test moves, so the edges are exact. */
class MemoryExpiryTest {
    private final MutableClock clock = new MutableClock();

    @Test
    void a_value_lives_until_its_ttl_and_not_a_millisecond_longer() {
        MemoryKeyValueStore store = new MemoryKeyValueStore(clock);
        store.put("k", "v", Duration.ofSeconds(10));

        clock.advance(Duration.ofMillis(9_999));
        assertThat(store.get("k")).contains("v");
        clock.advance(Duration.ofMillis(1));
        assertThat(store.get("k")).isEmpty();
    }

    @Test
    void writes_sweep_away_entries_nobody_reads_again() {
        MemoryKeyValueStore store = new MemoryKeyValueStore(clock);
        for (int i = 0; i < 1000; i++) {
            store.put("abandoned-" + i, "v", Duration.ofSeconds(1));
        }
        clock.advance(Duration.ofSeconds(2));

        for (int i = 0; i < 100; i++) {
            store.put("live-" + i, "v", Duration.ofMinutes(1));
        }

        assertThat(store.size()).isLessThanOrEqualTo(100);
        assertThat(store.get("live-99")).contains("v");
    }

    @Test
    void a_lease_lives_until_its_end_and_then_frees_the_lock() {
        MemoryLockService locks = new MemoryLockService(clock);
        locks.tryAcquire("refresh", Duration.ofSeconds(30)).orElseThrow();

        clock.advance(Duration.ofMillis(29_999));
        assertThat(locks.tryAcquire("refresh", Duration.ofSeconds(30))).isEmpty();
        clock.advance(Duration.ofMillis(1));
        assertThat(locks.tryAcquire("refresh", Duration.ofSeconds(30))).isPresent();
    }
}
