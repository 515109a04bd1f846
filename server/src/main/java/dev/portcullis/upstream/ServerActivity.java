package dev.portcullis.upstream;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What one server's calls on this replica looked like lately, for the admin pages: how many calls and failures,
 * the latency of the last {@link #LATENCY_SAMPLES} calls, and the last {@link #RECENT_ERRORS} failures. Bounded
 * whatever the traffic, and cheap on the hot path: a success costs one sample written under an uncontended lock;
 * the percentiles are computed only when someone looks.
 */
public final class ServerActivity {
    static final int LATENCY_SAMPLES = 256;
    static final int RECENT_ERRORS = 20;
    /** Error messages are for a glance on a page; a long one is cut here rather than kept whole. */
    static final int MESSAGE_CHARS = 300;

    /** One failure: when, whose connection (the shared one or a user's), and what went wrong. */
    public record Failure(Instant at, ConnectionScope scope, String message) {
    }

    /**
     * What a look at the activity sees.
     *
     * @param samples how many latencies the percentiles are over (at most {@link #LATENCY_SAMPLES})
     * @param recentErrors newest first
     */
    public record Snapshot(long calls, long failures, int samples, Optional<Duration> p50, Optional<Duration> p95,
                           List<Failure> recentErrors) {
        public static final Snapshot NONE = new Snapshot(0, 0, 0, Optional.empty(), Optional.empty(), List.of());
    }

    private final long[] latencies = new long[LATENCY_SAMPLES];
    private int next;
    private int filled;
    private long calls;
    private long failures;
    private final ArrayDeque<Failure> errors = new ArrayDeque<>(RECENT_ERRORS);

    /** A call that answered, after {@code nanos}. */
    public synchronized void succeeded(long nanos) {
        calls++;
        sample(nanos);
    }

    /** A call that failed after {@code nanos}: counted and sampled like any call, and kept among the recent errors. */
    public void failed(long nanos, Failure failure) {
        Failure kept = new Failure(failure.at(), failure.scope(), shorten(failure.message()));
        synchronized (this) {
            calls++;
            failures++;
            sample(nanos);
            remember(kept);
        }
    }

    /** A connection that could not be opened: no call was made, so only the error is kept. */
    public void connectFailed(Failure failure) {
        Failure kept = new Failure(failure.at(), failure.scope(), shorten(failure.message()));
        synchronized (this) {
            remember(kept);
        }
    }

    private void sample(long nanos) {
        latencies[next] = nanos;
        next = (next + 1) % LATENCY_SAMPLES;
        filled = Math.min(filled + 1, LATENCY_SAMPLES);
    }

    private void remember(Failure failure) {
        if (errors.size() == RECENT_ERRORS) {
            errors.removeLast();
        }
        errors.addFirst(failure);
    }

    public Snapshot snapshot() {
        long[] sorted;
        long c;
        long f;
        List<Failure> recent;
        synchronized (this) {
            sorted = Arrays.copyOf(latencies, filled);
            c = calls;
            f = failures;
            recent = new ArrayList<>(errors);
        }
        Arrays.sort(sorted);
        return new Snapshot(c, f, sorted.length, percentile(sorted, 50), percentile(sorted, 95), List.copyOf(recent));
    }

    /** The nearest-rank percentile: the smallest sample with at least {@code p}% of the samples at or below it. */
    static Optional<Duration> percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return Optional.empty();
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return Optional.of(Duration.ofNanos(sorted[Math.max(0, rank - 1)]));
    }

    private static String shorten(String message) {
        String oneLine = message == null ? "" : message.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= MESSAGE_CHARS ? oneLine : oneLine.substring(0, MESSAGE_CHARS - 1) + "…";
    }
}
