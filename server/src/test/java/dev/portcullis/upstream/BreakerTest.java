package dev.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import dev.portcullis.testing.MutableClock;
import org.junit.jupiter.api.Test;

class BreakerTest {
    @Test
    void a_failure_refuses_attempts_for_a_growing_jittered_backoff() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
        Breaker breaker = new Breaker(clock);
        breaker.check();
        UpstreamException down = new UpstreamException.Unreachable("down", null);
        breaker.failed(down);
        assertThatThrownBy(breaker::check).isSameAs(down);
        assertThat(breaker.retryAfter()).isBetween(Duration.ofMillis(800), Duration.ofMillis(1200));
        clock.advance(Duration.ofMillis(1300));
        breaker.check();
        breaker.failed(down);
        assertThat(breaker.retryAfter()).isBetween(Duration.ofMillis(1600), Duration.ofMillis(2400));
        for (int i = 0; i < 20; i++) {
            breaker.failed(down);
        }
        assertThat(breaker.retryAfter()).isLessThanOrEqualTo(Duration.ofSeconds(72));
        breaker.succeeded();
        breaker.check();
        assertThat(breaker.isOpen()).isFalse();
    }
}
