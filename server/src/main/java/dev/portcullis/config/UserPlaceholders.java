package dev.portcullis.config;

import java.util.regex.Pattern;

/**
 * {@code {{NAME}}}: a value each user supplies (a {@code customUserVars} entry or one of
 * LibreChat's user fields), filled in per user at connect time. One definition for the validator,
 * the registry and the resolver, so none of them reads a placeholder another does not.
 */
public final class UserPlaceholders {
    /** Group 1 is the name. */
    public static final Pattern PATTERN = Pattern.compile("\\{\\{([A-Za-z_][A-Za-z0-9_]*)}}");

    private UserPlaceholders() {
    }

    /** The text with every placeholder stood in for by {@code x}: what a URL looks like to a parser before any user fills it. */
    public static String standIn(String text) {
        return PATTERN.matcher(text).replaceAll("x");
    }
}
