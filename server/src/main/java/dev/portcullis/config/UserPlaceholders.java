package dev.portcullis.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code {{NAME}}}: a value filled in per user at connect time — a {@code customUserVars} entry,
 * or one of LibreChat's placeholders. One definition for the validator, the registry and the
 * resolver, so none of them reads a placeholder another does not.
 *
 * <p>LibreChat's names and what Portcullis makes of them (packages/api/src/utils/env.ts and
 * oidc.ts of LibreChat, read for data-provider 0.8.524):
 * <ul>
 *   <li>{@code {{LIBRECHAT_USER_<FIELD>}}}: a field of the user, from the platform's token
 *       ({@link #USER_FIELDS}); a claim the token does not carry is filled in as empty;</li>
 *   <li>{@code {{LIBRECHAT_BODY_<FIELD>}}}: a field of the chat request; always empty, because
 *       Portcullis' API carries no chat request;</li>
 *   <li>{@code {{LIBRECHAT_OPENID_*}}} and {@code {{LIBRECHAT_GRAPH_*}}}: the user's identity
 *       provider tokens, which Portcullis never sees; a server that needs one cannot be called
 *       (never is the placeholder sent as written);</li>
 *   <li>any other {@code {{LIBRECHAT_...}}}: not a name LibreChat knows; sent as written, as
 *       LibreChat does.</li>
 * </ul>
 */
public final class UserPlaceholders {
    /** Group 1 is the name. */
    public static final Pattern PATTERN = Pattern.compile("\\{\\{([A-Za-z_][A-Za-z0-9_]*)}}");

    public static final String USER_PREFIX = "LIBRECHAT_USER_";
    public static final String BODY_PREFIX = "LIBRECHAT_BODY_";
    private static final String LIBRECHAT_PREFIX = "LIBRECHAT_";
    private static final List<String> UNAVAILABLE_PREFIXES = List.of("LIBRECHAT_OPENID_", "LIBRECHAT_GRAPH_");

    /**
     * The user fields LibreChat fills in ({@code ALLOWED_USER_FIELDS}), by placeholder suffix, to
     * the field's name in LibreChat's user record, which is also the token claim Portcullis reads
     * it from. {@code ID}, {@code EMAIL} and {@code ROLE} come from the claims {@code auth.claims}
     * names; {@code TENANTID} is Portcullis' own.
     */
    public static final Map<String, String> USER_FIELDS = userFields();

    /** Fields LibreChat sends as {@code b64:<base64 of UTF-8>} in a header when a character is above U+00FF. */
    public static final Set<String> ENCODED_IN_HEADERS = Set.of("NAME", "USERNAME", "EMAIL");

    /** The chat request fields LibreChat offers ({@code ALLOWED_BODY_FIELDS}). */
    public static final Set<String> BODY_FIELDS = Set.of("CONVERSATIONID", "PARENTMESSAGEID", "MESSAGEID");

    /** What a placeholder's name stands for. */
    public enum Kind {
        /** Not LibreChat's: a {@code customUserVars} entry (or the user's {@code apiKey}). */
        USER_VARIABLE,
        /** {@code {{LIBRECHAT_USER_<FIELD>}}}, from the caller's token. */
        USER_FIELD,
        /** {@code {{LIBRECHAT_BODY_<FIELD>}}}: empty here. */
        REQUEST_BODY,
        /** An identity provider token Portcullis does not have. */
        UNAVAILABLE,
        /** A {@code LIBRECHAT_} name neither LibreChat nor Portcullis knows. */
        UNKNOWN
    }

    private UserPlaceholders() {
    }

    public static Kind kind(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        if (!upper.startsWith(LIBRECHAT_PREFIX)) {
            return Kind.USER_VARIABLE;
        }
        // Matched in any case: a token placeholder is never sent, however it is spelled.
        if (UNAVAILABLE_PREFIXES.stream().anyMatch(upper::startsWith)) {
            return Kind.UNAVAILABLE;
        }
        if (name.startsWith(USER_PREFIX) && USER_FIELDS.containsKey(name.substring(USER_PREFIX.length()))) {
            return Kind.USER_FIELD;
        }
        if (name.startsWith(BODY_PREFIX) && BODY_FIELDS.contains(name.substring(BODY_PREFIX.length()))) {
            return Kind.REQUEST_BODY;
        }
        return Kind.UNKNOWN;
    }

    /** The names of the placeholders in a text, in order, repeats included. */
    public static List<String> names(String text) {
        return PATTERN.matcher(text).results().map(m -> m.group(1)).toList();
    }

    /** The text with every placeholder stood in for by {@code x}: what a URL looks like to a parser before any user fills it. */
    /**
     * Whether a {@code {{VAR}}} sits in the scheme or authority of a URL, before the path begins:
     * there a value would choose the host the server's credentials are sent to.
     */
    public static boolean placeholderBeforePath(String url) {
        int authority = url.indexOf("//");
        int start = authority < 0 ? 0 : authority + 2;
        int end = url.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int at = url.indexOf(c, start);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        return url.substring(0, end).contains("{{");
    }

    public static String standIn(String text) {
        return PATTERN.matcher(text).replaceAll("x");
    }

    private static Map<String, String> userFields() {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String field : List.of("id", "name", "username", "email", "provider", "role", "googleId", "facebookId",
                "openidId", "samlId", "ldapId", "githubId", "discordId", "appleId", "emailVerified", "twoFactorEnabled",
                "termsAccepted", "termsAcceptedAt", "tenantId")) {
            fields.put(field.toUpperCase(Locale.ROOT), field);
        }
        return java.util.Collections.unmodifiableMap(fields);
    }
}
