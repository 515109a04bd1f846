package dev.portcullis.console;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Times and durations as the admin pages print them: UTC, to the second, the same on every replica. */
public final class Times {
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private Times() {
    }

    public static String utc(Instant instant) {
        return UTC.format(instant);
    }

    /** Milliseconds with one decimal below ten seconds ("0.8 ms", "12.3 ms"), whole seconds above. */
    public static String latency(Duration d) {
        double ms = d.toNanos() / 1_000_000.0;
        return ms < 10_000 ? String.format(Locale.ROOT, "%.1f ms", ms) : String.format(Locale.ROOT, "%d s", d.toSeconds());
    }

    /** A wait, rounded up to the second: "retry in 3 s" never reads "0 s" while the wait lasts. */
    public static String seconds(Duration d) {
        long s = (d.toMillis() + 999) / 1000;
        return s + " s";
    }
}
