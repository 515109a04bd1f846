package dev.portcullis.mcp;

import java.util.List;
import java.util.Locale;

/** The syslog levels of {@code logging/setLevel}, least severe first. */
final class LogLevels {
    static final List<String> ORDER = List.of("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency");

    private LogLevels() {
    }

    static boolean isLevel(Object level) {
        return level instanceof String s && ORDER.contains(s);
    }

    /** Whether a message at {@code level} passes a session whose threshold is {@code threshold}. */
    static boolean passes(Object level, String threshold) {
        int at = ORDER.indexOf(String.valueOf(level).toLowerCase(Locale.ROOT));
        return at < 0 || at >= ORDER.indexOf(threshold);
    }
}
