package dev.portcullis.upstream.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class StreamBudgetTest {
    private static final String ORIGIN = "https://mcp.example:443";

    @Test
    void an_owner_gets_at_most_its_share_and_gets_it_back_on_close() {
        StreamBudget budget = new StreamBudget(10, 2);
        Optional<StreamBudget.Lease> first = budget.tryAcquire("user:a", ORIGIN);
        Optional<StreamBudget.Lease> second = budget.tryAcquire("user:a", "https://other.example:443");
        assertThat(first).isPresent();
        assertThat(second).isPresent();
        assertThat(budget.tryAcquire("user:a", ORIGIN)).as("per owner, across origins").isEmpty();
        assertThat(budget.tryAcquire("user:b", ORIGIN)).as("another owner has their own share").isPresent();

        first.get().close();
        first.get().close(); // twice gives back once
        assertThat(budget.open()).isEqualTo(2);
        assertThat(budget.tryAcquire("user:a", ORIGIN)).isPresent();
    }

    @Test
    void an_origin_gets_at_most_its_share_of_every_owner_together() {
        StreamBudget budget = new StreamBudget(2, 10);
        assertThat(budget.tryAcquire("user:a", ORIGIN)).isPresent();
        assertThat(budget.tryAcquire(StreamBudget.APP, ORIGIN)).isPresent();
        assertThat(budget.tryAcquire("user:b", ORIGIN)).isEmpty();
        assertThat(budget.tryAcquire(StreamBudget.APP, ORIGIN)).as("the shared connections too").isEmpty();
    }

    @Test
    void the_shared_connections_are_not_held_to_a_users_share() {
        StreamBudget budget = new StreamBudget(10, 1);
        assertThat(budget.tryAcquire(StreamBudget.APP, ORIGIN)).isPresent();
        assertThat(budget.tryAcquire(StreamBudget.APP, ORIGIN)).isPresent();
    }

    @Test
    void a_stream_that_is_the_whole_connection_is_counted_even_over_the_caps() {
        StreamBudget budget = new StreamBudget(1, 1);
        budget.acquire("user:a", ORIGIN);
        budget.acquire("user:a", ORIGIN);
        assertThat(budget.open()).isEqualTo(2);
        assertThat(budget.tryAcquire("user:c", ORIGIN)).isEmpty();
    }
}
