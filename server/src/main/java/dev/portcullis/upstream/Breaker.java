package dev.portcullis.upstream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A circuit breaker with exponential backoff and jitter. After a failure, attempts are refused
 * until the backoff has passed (1 s, 2 s, 4 s ... up to a cap, each ±20%), so a dead server is not
 * hammered by every request; the first success closes it again.
 */
final class Breaker {
    private static final Duration BASE = Duration.ofSeconds(1);
    private static final Duration CAP = Duration.ofMinutes(1);

    private final Clock clock;
    private int failures;
    private Instant openUntil = Instant.MIN;
    private UpstreamException lastFailure;

    Breaker(Clock clock) {
        this.clock = clock;
    }

    /** Throws the last failure again while the breaker is open. */
    synchronized void check() {
        if (lastFailure != null && clock.instant().isBefore(openUntil)) {
            throw lastFailure;
        }
    }

    synchronized Duration retryAfter() {
        Duration left = Duration.between(clock.instant(), openUntil);
        return left.isNegative() ? Duration.ZERO : left;
    }

    synchronized void failed(UpstreamException failure) {
        failures++;
        long base = Math.min(CAP.toMillis(), BASE.toMillis() << Math.min(failures - 1, 16));
        long jittered = (long) (base * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
        openUntil = clock.instant().plusMillis(jittered);
        lastFailure = failure;
    }

    synchronized void succeeded() {
        failures = 0;
        lastFailure = null;
        openUntil = Instant.MIN;
    }

    /** The breaker as the admin pages show it, while it is open. */
    synchronized java.util.Optional<ServerReport.OpenBreaker> whenOpen() {
        return isOpen() ? java.util.Optional.of(new ServerReport.OpenBreaker(retryAfter(),
                UpstreamErrors.summary(lastFailure))) : java.util.Optional.empty();
    }

    synchronized boolean isOpen() {
        return lastFailure != null && clock.instant().isBefore(openUntil);
    }
}
