package dev.portcullis.store.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Backend.class)
class LockServiceContractTest {
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Duration SHORT_LEASE = Duration.ofMillis(200);
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @Parameter
    Backend backend;

    private SharedState state;
    private LockService locks;

    @BeforeEach
    void open() {
        state = backend.open();
        locks = state.locks();
    }

    @AfterEach
    void close() {
        state.close();
    }

    @Test
    void a_held_lock_cannot_be_taken_until_it_is_released() {
        Lock held = locks.tryAcquire("refresh", LEASE).orElseThrow();

        assertThat(locks.tryAcquire("refresh", LEASE)).isEmpty();
        held.close();
        assertThat(locks.tryAcquire("refresh", LEASE)).isPresent();
    }

    @Test
    void locks_on_different_keys_are_independent() {
        assertThat(locks.tryAcquire("a", LEASE)).isPresent();
        assertThat(locks.tryAcquire("b", LEASE)).isPresent();
    }

    @Test
    void fifty_threads_incrementing_under_the_lock_lose_no_update() throws Exception {
        KeyValueStore values = state.keyValues();
        values.put("counter", "0", LEASE);
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger mostHoldersAtOnce = new AtomicInteger();

        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 50; i++) {
                executor.submit(() -> {
                    try (Lock lock = locks.acquire("counter", LEASE, PATIENCE)) {
                        mostHoldersAtOnce.accumulateAndGet(holders.incrementAndGet(), Math::max);
                        // Read, pause, write: without exclusion, concurrent holders overwrite each other.
                        int seen = Integer.parseInt(values.get("counter").orElseThrow());
                        Thread.sleep(1);
                        values.put("counter", Integer.toString(seen + 1), LEASE);
                        holders.decrementAndGet();
                    }
                    return null;
                });
            }
        }

        assertThat(values.get("counter")).contains("50");
        assertThat(mostHoldersAtOnce).hasValue(1);
    }

    @Test
    void the_lease_frees_a_lock_whose_holder_never_released_it() {
        Optional<Lock> abandoned = locks.tryAcquire("refresh", SHORT_LEASE);
        assertThat(abandoned).isPresent();
        assertThat(locks.tryAcquire("refresh", LEASE)).isEmpty();

        long start = System.nanoTime();
        locks.acquire("refresh", LEASE, PATIENCE).close();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PATIENCE);
    }

    @Test
    void releasing_a_lock_whose_lease_passed_to_another_holder_does_nothing() {
        Lock expired = locks.tryAcquire("refresh", SHORT_LEASE).orElseThrow();
        Lock current = locks.acquire("refresh", LEASE, PATIENCE);

        expired.close();

        assertThat(locks.tryAcquire("refresh", LEASE)).as("the current holder still holds it").isEmpty();
        current.close();
        assertThat(locks.tryAcquire("refresh", LEASE)).isPresent();
    }

    @Test
    void closing_a_lock_twice_does_not_release_the_next_holder() {
        Lock first = locks.tryAcquire("refresh", LEASE).orElseThrow();
        first.close();
        Lock second = locks.tryAcquire("refresh", LEASE).orElseThrow();

        first.close();

        assertThat(locks.tryAcquire("refresh", LEASE)).isEmpty();
        second.close();
    }

    @Test
    void acquire_gives_up_with_a_typed_exception_after_the_wait() {
        locks.tryAcquire("refresh", LEASE).orElseThrow();
        Duration wait = Duration.ofMillis(300);

        long start = System.nanoTime();
        assertThatThrownBy(() -> locks.acquire("refresh", LEASE, wait))
                .isInstanceOfSatisfying(LockTimeoutException.class, e -> {
                    assertThat(e.key()).isEqualTo("refresh");
                    assertThat(e.waited()).isEqualTo(wait);
                    assertThat(e.status()).isEqualTo(503);
                });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(wait).isLessThan(PATIENCE);
    }

    @Test
    void acquire_takes_the_lock_as_soon_as_its_holder_releases_it() throws Exception {
        Lock held = locks.tryAcquire("refresh", LEASE).orElseThrow();
        Thread releaser = Thread.ofVirtual().start(() -> {
            sleep(Duration.ofMillis(100));
            held.close();
        });

        long start = System.nanoTime();
        locks.acquire("refresh", LEASE, PATIENCE).close();
        releaser.join();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void an_interrupted_waiter_stops_waiting_and_keeps_its_interrupt() {
        locks.tryAcquire("refresh", LEASE).orElseThrow();
        Thread.currentThread().interrupt();
        long start = System.nanoTime();
        try {
            assertThatThrownBy(() -> locks.acquire("refresh", LEASE, PATIENCE)).isInstanceOf(RuntimeException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        } finally {
            Thread.interrupted();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
