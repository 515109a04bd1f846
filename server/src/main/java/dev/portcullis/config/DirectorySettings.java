package dev.portcullis.config;

import java.time.Duration;

/**
 * {@code auth.directory}: whether the gateway remembers the people it sees in verified tokens (for
 * the sharing dialog's people picker and the names in sharing lists), and for how long someone it
 * has not seen since stays remembered.
 */
public record DirectorySettings(boolean enabled, Duration retention) {
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(90);
    public static final DirectorySettings DEFAULTS = new DirectorySettings(true, DEFAULT_RETENTION);
}
