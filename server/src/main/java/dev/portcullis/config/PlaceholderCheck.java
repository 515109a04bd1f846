package dev.portcullis.config;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Warns, when a file is loaded, about placeholders of an operator server that will not be filled
 * in the way the operator may expect: identity provider tokens Portcullis does not have (calls
 * then fail with {@code PLACEHOLDER_UNAVAILABLE}), chat request fields (always empty), and names
 * nobody knows (sent as written). Found at load, not at the first call of some user.
 */
final class PlaceholderCheck {
    private PlaceholderCheck() {
    }

    /**
     * @param texts    every value placeholders are resolved in: URL, command, args, env, headers
     * @param declared the server's {@code customUserVars} (and {@code MCP_API_KEY} for a user key)
     */
    static void warn(ConfigNode server, List<String> texts, Collection<String> declared) {
        Set<String> names = new LinkedHashSet<>();
        texts.forEach(t -> names.addAll(UserPlaceholders.names(t)));
        for (String name : names) {
            String placeholder = "{{" + name + "}}";
            switch (UserPlaceholders.kind(name)) {
                case UNAVAILABLE -> server.warning(placeholder + " cannot be filled in: it is the user's identity provider"
                        + " token, which Portcullis never sees (it receives the platform's token only); calls to this"
                        + " server will fail with 400 PLACEHOLDER_UNAVAILABLE rather than send it");
                case REQUEST_BODY -> server.warning(placeholder + " is always empty: Portcullis' API carries no chat"
                        + " request to take it from");
                case UNKNOWN -> server.warning(placeholder + " is not a placeholder LibreChat or Portcullis knows; it is"
                        + " sent as written (LibreChat does the same). Known: {{LIBRECHAT_USER_<FIELD>}} for "
                        + String.join(", ", UserPlaceholders.USER_FIELDS.keySet()));
                case USER_VARIABLE -> {
                    if (!declared.contains(name)) {
                        server.warning(placeholder + " is not declared in customUserVars, so it is sent as written;"
                                + " declare " + name + " for each user to fill it in");
                    }
                }
                case USER_FIELD -> {
                    // filled in from the caller's token
                }
            }
        }
    }

    /** Placeholders where Portcullis fills none in: they would go out as written, so the operator hears of it. */
    static void warnNotFilled(ConfigNode server, List<String> texts, String where) {
        Set<String> names = new LinkedHashSet<>();
        texts.forEach(t -> names.addAll(UserPlaceholders.names(t)));
        for (String name : names) {
            server.warning("{{" + name + "}} in " + where + " is sent as written: Portcullis fills placeholders in"
                    + " url, headers, apiKey, command, args and env only");
        }
    }
}
