package dev.portcullis.store.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two replicas, each with connections of its own to the same Redis, see one shared state. */
class RedisAcrossReplicasTest {
    private static final Duration LEASE = Duration.ofSeconds(30);

    private SharedState first;
    private SharedState second;

    @BeforeEach
    void open() {
        String prefix = Backend.randomPrefix();
        first = Backend.openRedis(prefix);
        second = Backend.openRedis(prefix);
    }

    @AfterEach
    void close() {
        first.close();
        second.close();
    }

    @Test
    void a_lock_held_by_one_replica_excludes_the_other() {
        Lock held = first.locks().tryAcquire("refresh", LEASE).orElseThrow();

        assertThat(second.locks().tryAcquire("refresh", LEASE)).isEmpty();
        held.close();
        assertThat(second.locks().tryAcquire("refresh", LEASE)).isPresent();
        assertThat(first.locks().tryAcquire("refresh", LEASE)).isEmpty();
    }

    @Test
    void a_message_published_by_one_replica_reaches_the_other() throws Exception {
        BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
        second.pubSub().subscribe("flows", inbox::add);

        first.pubSub().publish("flows", "completed");

        assertThat(inbox.poll(5, TimeUnit.SECONDS)).isEqualTo("completed");
    }

    @Test
    void a_value_written_by_one_replica_is_read_and_swapped_by_the_other() {
        first.keyValues().put("flow", "pending", LEASE);

        assertThat(second.keyValues().compareAndSet("flow", "pending", "complete", LEASE)).isTrue();
        assertThat(first.keyValues().get("flow")).contains("complete");
    }

    @Test
    void replicas_with_different_prefixes_share_nothing() throws Exception {
        try (SharedState other = Backend.openRedis(Backend.randomPrefix())) {
            BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
            other.pubSub().subscribe("flows", inbox::add);
            first.keyValues().put("flow", "pending", LEASE);
            first.locks().tryAcquire("refresh", LEASE).orElseThrow();

            first.pubSub().publish("flows", "completed");

            assertThat(other.keyValues().get("flow")).isEmpty();
            assertThat(other.locks().tryAcquire("refresh", LEASE)).isPresent();
            assertThat(inbox.poll(300, TimeUnit.MILLISECONDS)).isNull();
        }
    }
}
