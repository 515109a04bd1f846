package dev.portcullis.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    /**
     * The variables LibreChat never resolves in {@code mcpServers} (data-provider's
     * {@code isSensitiveEnvVar}): a server's settings must not be able to carry the platform's own
     * secrets to an MCP server. Portcullis adds the variables its own secret settings read.
     */
    static final Set<String> LIBRECHAT_SENSITIVE = Set.of("JWT_SECRET", "JWT_REFRESH_SECRET", "CREDS_KEY", "CREDS_IV",
            "MEILI_MASTER_KEY", "MONGO_URI", "REDIS_URI", "REDIS_PASSWORD");

    /** Which rules a value is substituted under. */
    enum Scope {
        /**
         * Portcullis' own sections: an unset variable without a default is an error (a literal
         * {@code ${TOKEN}} would fail far from its cause); an empty one is used as it is.
         */
        GATEWAY,
        /**
         * {@code mcpServers}, with LibreChat's meaning: an unset or empty variable leaves the
         * reference as written, and the gateway's secrets are never resolved. Portcullis keeps
         * its {@code :-default} here too; LibreChat would look up a variable named {@code A:-b}.
         */
        MCP_SERVERS
    }

    /**
     * The substituted text and what could not be substituted: variables that are unset (or, for
     * {@code mcpServers}, empty) without a default, and references to withheld variables.
     */
    record Outcome(String text, List<String> unset, List<String> withheld) {
    }

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

    /** The names of the variables a text refers to, resolved or not. */
    static Set<String> references(String text) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = REFERENCE.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /**
     * Replaces every reference in one pass: a value that itself contains {@code ${...}} is not
     * expanded again.
     *
     * @param withheld variables never resolved under {@link Scope#MCP_SERVERS}
     */
    Outcome apply(String text, Scope scope, Set<String> withheld) {
        if (!substitutes || text.indexOf("${") < 0) {
            return new Outcome(text, List.of(), List.of());
        }
        List<String> unset = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        Matcher m = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String fallback = m.group(2);
            String value = environment.get(name);
            if (scope == Scope.MCP_SERVERS) {
                if (withheld.contains(name)) {
                    kept.add(name);
                    value = m.group();
                } else if (value == null || value.isEmpty()) {
                    value = fallback;
                    if (value == null) {
                        unset.add(name);
                        value = m.group();
                    }
                }
            } else {
                if (value == null || (value.isEmpty() && fallback != null)) {
                    value = fallback;
                }
                if (value == null) {
                    unset.add(name);
                    value = "";
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return new Outcome(out.toString(), List.copyOf(unset), List.copyOf(kept));
    }
}
