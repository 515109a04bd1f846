package dev.portcullis.config;

import java.time.Duration;

/**
 * How long a console sign-in lasts ({@code auth.signIn}): it ends after {@code idle} without a request
 * and after {@code absolute} whatever happens, and the person signs in again.
 */
public record SignInSettings(Duration idle, Duration absolute) {
    public static final SignInSettings DEFAULTS = new SignInSettings(Duration.ofMinutes(60), Duration.ofHours(12));
}
