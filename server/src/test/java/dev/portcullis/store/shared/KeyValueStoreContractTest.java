package dev.portcullis.store.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Backend.class)
class KeyValueStoreContractTest {
    private static final Duration LONG = Duration.ofMinutes(1);
    private static final Duration SHORT = Duration.ofMillis(200);

    @Parameter
    Backend backend;

    private SharedState state;
    private KeyValueStore store;

    @BeforeEach
    void open() {
        state = backend.open();
        store = state.keyValues();
    }

    @AfterEach
    void close() {
        state.close();
    }

    @Test
    void a_missing_key_reads_as_empty() {
        assertThat(store.get("nothing")).isEmpty();
    }

    @Test
    void put_stores_and_replaces() {
        store.put("k", "one", LONG);
        store.put("k", "two", LONG);

        assertThat(store.get("k")).contains("two");
    }

    @Test
    void a_value_disappears_after_its_ttl() {
        store.put("k", "v", SHORT);

        assertThat(store.get("k")).contains("v");
        await().atMost(Duration.ofSeconds(3)).until(() -> store.get("k").isEmpty());
        assertThat(store.delete("k")).as("an expired key is not there to delete").isFalse();
    }

    @Test
    void put_if_absent_stores_only_into_an_empty_key() {
        assertThat(store.putIfAbsent("k", "first", LONG)).isTrue();
        assertThat(store.putIfAbsent("k", "second", LONG)).isFalse();

        assertThat(store.get("k")).contains("first");
    }

    @Test
    void put_if_absent_succeeds_again_once_the_value_expired() {
        assertThat(store.putIfAbsent("k", "first", SHORT)).isTrue();

        await().atMost(Duration.ofSeconds(3)).until(() -> store.putIfAbsent("k", "second", LONG));
        assertThat(store.get("k")).contains("second");
    }

    @Test
    void of_many_racing_put_if_absent_calls_exactly_one_wins() throws Exception {
        List<Boolean> results = race(64, i -> store.putIfAbsent("k", "writer-" + i, LONG));

        assertThat(results).containsOnlyOnce(true);
        int winner = results.indexOf(true);
        assertThat(store.get("k")).contains("writer-" + winner);
    }

    @Test
    void compare_and_set_replaces_the_expected_value() {
        store.put("k", "pending", LONG);

        assertThat(store.compareAndSet("k", "pending", "complete", LONG)).isTrue();
        assertThat(store.get("k")).contains("complete");
    }

    @Test
    void compare_and_set_leaves_another_value_alone() {
        store.put("k", "complete", LONG);

        assertThat(store.compareAndSet("k", "pending", "failed", LONG)).isFalse();
        assertThat(store.get("k")).contains("complete");
    }

    @Test
    void compare_and_set_does_not_create_a_missing_key() {
        assertThat(store.compareAndSet("k", "pending", "complete", LONG)).isFalse();
        assertThat(store.get("k")).isEmpty();
    }

    @Test
    void compare_and_set_does_not_match_an_expired_value() {
        store.put("k", "pending", SHORT);
        await().atMost(Duration.ofSeconds(3)).until(() -> store.get("k").isEmpty());

        assertThat(store.compareAndSet("k", "pending", "complete", LONG)).isFalse();
        assertThat(store.get("k")).isEmpty();
    }

    @Test
    void compare_and_set_gives_the_new_value_its_own_ttl() {
        store.put("k", "pending", LONG);

        assertThat(store.compareAndSet("k", "pending", "complete", SHORT)).isTrue();
        await().atMost(Duration.ofSeconds(3)).until(() -> store.get("k").isEmpty());
    }

    @Test
    void of_many_racing_compare_and_set_calls_from_the_same_value_exactly_one_wins() throws Exception {
        store.put("k", "pending", LONG);

        List<Boolean> results = race(64, i -> store.compareAndSet("k", "pending", "taken-by-" + i, LONG));

        assertThat(results).containsOnlyOnce(true);
        assertThat(store.get("k")).contains("taken-by-" + results.indexOf(true));
    }

    @Test
    void delete_reports_whether_there_was_a_value() {
        store.put("k", "v", LONG);

        assertThat(store.delete("k")).isTrue();
        assertThat(store.delete("k")).isFalse();
        assertThat(store.get("k")).isEmpty();
    }

    @Test
    void a_ttl_must_be_positive() {
        assertThatThrownBy(() -> store.put("k", "v", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.putIfAbsent("k", "v", Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.get("k")).isEmpty();
    }

    @Test
    void a_sub_millisecond_ttl_still_stores_the_value_briefly() {
        assertThat(store.putIfAbsent("k", "v", Duration.ofNanos(1))).isTrue();
        await().atMost(Duration.ofSeconds(3)).until(() -> store.get("k").isEmpty());
    }

    /** Runs {@code attempt} on {@code threads} virtual threads released together; results by thread index. */
    private static List<Boolean> race(int threads, IntPredicate attempt) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> futures = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < threads; i++) {
                int index = i;
                futures.add(executor.submit(() -> {
                    start.await();
                    return attempt.test(index);
                }));
            }
            start.countDown();
        }
        List<Boolean> results = new ArrayList<>();
        for (Future<Boolean> future : futures) {
            results.add(future.get());
        }
        return results;
    }
}
