package dev.portcullis.oauth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code WWW-Authenticate} (RFC 9110 §11.6.1): one or more challenges per header line, each
 * a scheme with either a token68 or comma-separated {@code name=value} parameters whose values are
 * tokens or quoted strings with backslash escapes. A comma separates both parameters and
 * challenges; a name not followed by {@code =} starts the next challenge. Malformed input yields
 * what could be read, never an exception: a 401 from an untrusted server must not break the caller.
 */
public final class WwwAuthenticate {
    private WwwAuthenticate() {
    }

    /**
     * One challenge; the scheme keeps its case, parameter names are lower case, the first of a
     * duplicate wins, and a token68 (Basic credentials) sits under the empty name.
     */
    public record Challenge(String scheme, Map<String, String> params) {
        public Challenge {
            params = Map.copyOf(params);
        }
    }

    /** All challenges of all the header lines, in order. */
    public static List<Challenge> parse(List<String> headerLines) {
        List<Challenge> out = new ArrayList<>();
        for (String line : headerLines) {
            out.addAll(new Reader(line).challenges());
        }
        return out;
    }

    /**
     * The first {@code Bearer} challenge (checklist #2–3), else the first {@code DPoP} one: a server
     * that takes only DPoP-bound tokens challenges with that scheme (RFC 9449 §7.1), with the same
     * {@code resource_metadata}, {@code scope} and {@code error} parameters.
     */
    public static Optional<BearerChallenge> bearer(List<String> headerLines) {
        List<Challenge> all = parse(headerLines);
        return all.stream().filter(c -> c.scheme().equalsIgnoreCase("Bearer")).findFirst()
                .or(() -> all.stream().filter(c -> c.scheme().equalsIgnoreCase("DPoP")).findFirst())
                .map(BearerChallenge::of);
    }

    private static final class Reader {
        private final String s;
        private int pos;

        Reader(String s) {
            this.s = s;
        }

        List<Challenge> challenges() {
            List<Challenge> out = new ArrayList<>();
            while (true) {
                skipSeparators();
                String scheme = token();
                if (scheme.isEmpty()) {
                    return out; // end of input, or a character no challenge can start with
                }
                out.add(new Challenge(scheme, params()));
            }
        }

        private Map<String, String> params() {
            Map<String, String> params = new LinkedHashMap<>();
            while (true) {
                int start = pos;
                skipSeparators();
                String name = token();
                skipWhitespace();
                if (name.isEmpty() || peek() != '=') {
                    pos = start; // a new challenge (or the end): let the caller read it
                    return params;
                }
                int equalsSigns = 0;
                while (peek() == '=') {
                    pos++;
                    equalsSigns++;
                }
                skipWhitespace();
                if (atEnd() || peek() == ',') {
                    // "name=" or "abc==" before a comma: a token68 (Basic credentials), not a parameter
                    params.putIfAbsent("", name + "=".repeat(equalsSigns));
                    continue;
                }
                String value = peek() == '"' ? quoted() : token();
                params.putIfAbsent(name.toLowerCase(Locale.ROOT), value);
            }
        }

        private String quoted() {
            StringBuilder out = new StringBuilder();
            pos++; // opening quote
            while (!atEnd()) {
                char c = s.charAt(pos++);
                if (c == '"') {
                    return out.toString();
                }
                if (c == '\\' && !atEnd()) {
                    c = s.charAt(pos++);
                }
                out.append(c);
            }
            return out.toString(); // unterminated: keep what was there
        }

        private String token() {
            int start = pos;
            while (!atEnd() && isTokenChar(s.charAt(pos))) {
                pos++;
            }
            return s.substring(start, pos);
        }

        /** RFC 9110 tchar, plus '/' so that token68 values and unquoted URLs survive. */
        private static boolean isTokenChar(char c) {
            return c < 127 && (Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~/:".indexOf(c) >= 0);
        }

        private void skipSeparators() {
            while (!atEnd() && (s.charAt(pos) == ',' || Character.isWhitespace(s.charAt(pos)))) {
                pos++;
            }
        }

        private void skipWhitespace() {
            while (!atEnd() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private char peek() {
            return atEnd() ? 0 : s.charAt(pos);
        }

        private boolean atEnd() {
            return pos >= s.length();
        }
    }
}
