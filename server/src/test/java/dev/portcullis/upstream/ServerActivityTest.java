package dev.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The admin pages' figures for one server: counts, percentiles over the recent calls, the recent errors. */
class ServerActivityTest {
    private static final ConnectionScope ALICE = new ConnectionScope.User("", "alice");

    private static ServerActivity.Failure failure(int n) {
        return new ServerActivity.Failure(Instant.ofEpochSecond(n), ALICE, "failure " + n);
    }

    @Test
    void nothing_recorded_has_no_percentiles() {
        ServerActivity.Snapshot s = new ServerActivity().snapshot();
        assertThat(s.calls()).isZero();
        assertThat(s.p50()).isEmpty();
        assertThat(s.p95()).isEmpty();
        assertThat(s.recentErrors()).isEmpty();
    }

    @Test
    void percentiles_are_nearest_rank_over_the_samples() {
        ServerActivity activity = new ServerActivity();
        for (int ms = 100; ms >= 1; ms--) { // out of order: the snapshot sorts
            activity.succeeded(Duration.ofMillis(ms).toNanos());
        }
        ServerActivity.Snapshot s = activity.snapshot();
        assertThat(s.calls()).isEqualTo(100);
        assertThat(s.samples()).isEqualTo(100);
        assertThat(s.p50()).contains(Duration.ofMillis(50));
        assertThat(s.p95()).contains(Duration.ofMillis(95));
    }

    @Test
    void one_sample_is_every_percentile() {
        ServerActivity activity = new ServerActivity();
        activity.succeeded(7_000_000);
        assertThat(activity.snapshot().p50()).contains(Duration.ofMillis(7));
        assertThat(activity.snapshot().p95()).contains(Duration.ofMillis(7));
    }

    @Test
    void only_the_latest_calls_count_for_latency_but_every_call_is_counted() {
        ServerActivity activity = new ServerActivity();
        for (int i = 0; i < ServerActivity.LATENCY_SAMPLES; i++) {
            activity.succeeded(Duration.ofSeconds(10).toNanos()); // old and slow
        }
        for (int i = 0; i < ServerActivity.LATENCY_SAMPLES; i++) {
            activity.succeeded(Duration.ofMillis(2).toNanos()); // recent and fast: the old samples are gone
        }
        ServerActivity.Snapshot s = activity.snapshot();
        assertThat(s.calls()).isEqualTo(2L * ServerActivity.LATENCY_SAMPLES);
        assertThat(s.samples()).isEqualTo(ServerActivity.LATENCY_SAMPLES);
        assertThat(s.p95()).contains(Duration.ofMillis(2));
    }

    @Test
    void failures_are_counted_sampled_and_kept_newest_first_up_to_the_bound() {
        ServerActivity activity = new ServerActivity();
        activity.succeeded(1_000_000);
        for (int n = 1; n <= ServerActivity.RECENT_ERRORS + 5; n++) {
            activity.failed(3_000_000, failure(n));
        }
        ServerActivity.Snapshot s = activity.snapshot();
        assertThat(s.calls()).isEqualTo(ServerActivity.RECENT_ERRORS + 6);
        assertThat(s.failures()).isEqualTo(ServerActivity.RECENT_ERRORS + 5);
        assertThat(s.recentErrors()).hasSize(ServerActivity.RECENT_ERRORS);
        assertThat(s.recentErrors().getFirst().message()).isEqualTo("failure " + (ServerActivity.RECENT_ERRORS + 5));
        assertThat(s.recentErrors().getLast().message()).isEqualTo("failure 6");
        assertThat(s.recentErrors().getFirst().scope()).isEqualTo(ALICE);
    }

    @Test
    void a_failed_connect_is_an_error_but_not_a_call() {
        ServerActivity activity = new ServerActivity();
        activity.connectFailed(failure(1));
        ServerActivity.Snapshot s = activity.snapshot();
        assertThat(s.calls()).isZero();
        assertThat(s.failures()).isZero();
        assertThat(s.recentErrors()).extracting(ServerActivity.Failure::message).containsExactly("failure 1");
    }

    @Test
    void long_messages_are_cut_to_one_line() {
        ServerActivity activity = new ServerActivity();
        activity.connectFailed(new ServerActivity.Failure(Instant.EPOCH, ConnectionScope.APP, "a\nb " + "x".repeat(1000)));
        String kept = activity.snapshot().recentErrors().getFirst().message();
        assertThat(kept).startsWith("a b x").hasSize(ServerActivity.MESSAGE_CHARS).endsWith("…").doesNotContain("\n");
    }
}
