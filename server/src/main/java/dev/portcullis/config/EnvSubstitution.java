package dev.portcullis.config;

import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ${VAR}} and {@code ${VAR:-default}} in operator configuration, resolved once at load.
 * User placeholders ({@code {{VAR}}}) are a different syntax and pass through untouched; they are
 * resolved per user at connect time, after this, so a user value that contains {@code ${SECRET}}
 * is never expanded.
 */
final class EnvSubstitution {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private final Map<String, String> environment;
    private final boolean substitutes;

    EnvSubstitution(Map<String, String> environment) {
        this(environment, true);
    }

    private EnvSubstitution(Map<String, String> environment, boolean substitutes) {
        this.environment = Map.copyOf(environment);
        this.substitutes = substitutes;
    }

    /** For user input, where {@code ${...}} is refused outright: text stays as written, nothing is looked up. */
    static EnvSubstitution none() {
        return new EnvSubstitution(Map.of(), false);
    }

    /** Returns the text with every reference replaced; reports each unset variable without a default. */
    String apply(String text, Consumer<String> unsetVariable) {
        if (!substitutes || text.indexOf("${") < 0) {
            return text;
        }
        Matcher m = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value = environment.get(name);
            if (value == null || (value.isEmpty() && m.group(2) != null)) {
                value = m.group(2);
            }
            if (value == null) {
                unsetVariable.accept(name);
                value = "";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
