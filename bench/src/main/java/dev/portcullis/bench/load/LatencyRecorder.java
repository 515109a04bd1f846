package dev.portcullis.bench.load;

import java.util.Arrays;

/** Call latencies of one mode, in nanoseconds, and the wall time they took. */
final class LatencyRecorder {
    private long[] samples = new long[1 << 16];
    private int count;
    private long wallNanos;

    synchronized void add(long nanos) {
        if (count == samples.length) {
            samples = Arrays.copyOf(samples, samples.length * 2);
        }
        samples[count++] = nanos;
    }

    synchronized void addWall(long nanos) {
        wallNanos += nanos;
    }

    synchronized Summary summary() {
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        return new Summary(count, percentile(sorted, 0.50), percentile(sorted, 0.99),
                wallNanos == 0 ? 0 : count / (wallNanos / 1e9));
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }

    /** Milliseconds and calls per second. */
    record Summary(int calls, double p50Millis, double p99Millis, double callsPerSecond) {
    }
}
