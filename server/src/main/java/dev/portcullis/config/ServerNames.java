package dev.portcullis.config;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * What a server's name may be, and how it is written where a name must be encoded. LibreChat
 * takes any string as a name ({@code Notion (work)}, {@code 日本}); Portcullis refuses only what
 * cannot work or is unsafe:
 * <ul>
 *   <li>{@code / \ ? # %}: LibreChat's client puts names into URL paths without encoding them,
 *       so a name with one of these reaches another route, loses its tail, or is decoded into
 *       another name ({@code \} is a {@code /} to browsers); {@code .} and {@code ..} are
 *       removed from paths;</li>
 *   <li>control characters, invisible formatting characters (bidirectional overrides, zero
 *       widths), line separators and broken surrogates: a name is printed in logs, audit records
 *       and user interfaces, where these forge or hide text;</li>
 *   <li>{@code _mcp_} anywhere and {@code mcp_} at the start: tool keys are
 *       {@code <tool>_mcp_<server>} and must have one reading ({@link ToolKey});</li>
 *   <li>blank names, and names over {@value #MAX_LENGTH} characters: a name is a key in stores,
 *       cookies and every log line about the server.</li>
 * </ul>
 * Anything else, spaces and parentheses included, is a name; where a name goes into a URL path or
 * a cookie name it is written with {@link #encoded}.
 */
public final class ServerNames {
    static final int MAX_LENGTH = 128;

    private ServerNames() {
    }

    public static boolean isValid(String name) {
        return problem(name).isEmpty();
    }

    /** What is wrong with a name, in words that say why; empty when it is a valid name. */
    public static Optional<String> problem(String name) {
        if (name.isBlank()) {
            return Optional.of("a server needs a name that is not blank");
        }
        if (name.codePointCount(0, name.length()) > MAX_LENGTH) {
            return Optional.of("server names are at most " + MAX_LENGTH + " characters");
        }
        if (name.equals(".") || name.equals("..")) {
            return Optional.of("'.' and '..' cannot be server names: URL paths drop them");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if ("/\\?#%".indexOf(c) >= 0) {
                return Optional.of("server names may not contain '/', '\\', '?', '#' or '%': LibreChat's client puts names"
                        + " into URL paths as they are, so such a server could not be reached");
            }
            if (Character.isSurrogate(c) ? !wellPaired(name, i) : invisible(c)) {
                return Optional.of("server names may not contain control characters, line separators or invisible"
                        + " formatting characters");
            }
            if (Character.isHighSurrogate(c)) {
                i++; // the pair was checked as a whole
            }
        }
        if (!ToolKey.admitsServerName(name)) {
            return Optional.of("server names " + ToolKey.SERVER_NAME_RULE);
        }
        return Optional.empty();
    }

    /**
     * The name as one URL path segment, which is also a valid cookie-name token: every byte of
     * its UTF-8 form other than RFC 3986's unreserved characters is percent-encoded. A name
     * already made of letters, digits, {@code -._~} is unchanged.
     */
    public static String encoded(String name) {
        StringBuilder out = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
                    || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }

    private static boolean invisible(char c) {
        int type = Character.getType(c);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }

    private static boolean wellPaired(String s, int i) {
        if (!Character.isHighSurrogate(s.charAt(i)) || i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
            return false;
        }
        return Character.getType(s.codePointAt(i)) != Character.FORMAT; // tag characters hide text too
    }
}
