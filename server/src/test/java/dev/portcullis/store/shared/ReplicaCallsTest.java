package dev.portcullis.store.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Two replicas on one message bus: a call reaches the replica it names, and a missing one is known quickly. */
class ReplicaCallsTest {
    private final MemoryPubSub bus = new MemoryPubSub();
    private final ReplicaCalls a = new ReplicaCalls(bus, JsonMapper.builder().build());
    private final ReplicaCalls b = new ReplicaCalls(bus, JsonMapper.builder().build());

    @AfterEach
    void close() {
        a.close();
        b.close();
        bus.close();
    }

    @Test
    void an_addressed_id_names_its_replica_and_nothing_else_names_one() {
        String id = a.addressedId();
        assertThat(ReplicaCalls.replicaOf(id)).contains(a.replicaId());
        assertThat(id.substring(id.indexOf('.') + 1)).as("256 random bits, base64url").hasSize(43);
        assertThat(a.addressedId()).isNotEqualTo(id);
        assertThat(ReplicaCalls.replicaOf(a.replicaId() + ".")).isEmpty();
        assertThat(ReplicaCalls.replicaOf("." + id)).isEmpty();
        assertThat(ReplicaCalls.replicaOf("not/a-replica-id.x")).isEmpty();
        assertThat(ReplicaCalls.replicaOf(a.replicaId())).isEmpty();
    }

    @Test
    void a_call_runs_on_the_replica_it_names_and_its_answer_comes_back() throws Exception {
        a.handle("echo", payload -> "a:" + payload);
        b.handle("echo", payload -> "b:" + payload);
        assertThat(a.call(b.replicaId(), "echo", "hi", Duration.ofSeconds(5))).isEqualTo("b:hi");
        assertThat(b.call(a.replicaId(), "echo", "there", Duration.ofSeconds(5))).isEqualTo("a:there");
        assertThat(a.call(a.replicaId(), "echo", "self", Duration.ofSeconds(5))).as("run directly").isEqualTo("a:self");
    }

    @Test
    void a_failing_handler_and_an_unknown_kind_come_back_as_unavailable_with_the_reason() {
        b.handle("fail", payload -> {
            throw new IllegalArgumentException("no such state");
        });
        assertThatThrownBy(() -> a.call(b.replicaId(), "fail", "x", Duration.ofSeconds(5)))
                .isInstanceOf(ReplicaCalls.Unavailable.class).hasMessage("no such state");
        assertThatThrownBy(() -> a.call(b.replicaId(), "nobody-handles-this", "x", Duration.ofSeconds(5)))
                .isInstanceOf(ReplicaCalls.Unavailable.class).hasMessageContaining("does not handle");
    }

    @Test
    void a_replica_that_is_not_running_is_known_within_the_acknowledgement_time() {
        long started = System.nanoTime();
        assertThatThrownBy(() -> a.call("AAAAAAAAAAAAAAAA", "echo", "x", Duration.ofMinutes(10)))
                .isInstanceOf(ReplicaCalls.Unavailable.class).hasMessageContaining("not running");
        assertThatThrownBy(() -> a.call("not a replica id", "echo", "x", Duration.ofMinutes(10)))
                .as("what cannot be a replica's id is not sent at all")
                .isInstanceOf(ReplicaCalls.Unavailable.class).hasMessageContaining("no such replica");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMinutes(1));
    }

    @Test
    void a_replica_that_acknowledges_but_does_not_answer_in_time_is_reported() {
        b.handle("slow", payload -> {
            Thread.sleep(2_000);
            return "late";
        });
        assertThatThrownBy(() -> a.call(b.replicaId(), "slow", "x", Duration.ofMillis(200)))
                .isInstanceOf(ReplicaCalls.Unavailable.class).hasMessageContaining("did not answer in time");
    }
}
