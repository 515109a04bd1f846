package dev.portcullis.mcp;

import dev.portcullis.config.ServerNames;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How the aggregate endpoint ({@code /mcp}) names what it gathers from many servers.
 *
 * <p>Tools and prompts: {@code <server>__<name>} when both parts are made of {@code [A-Za-z0-9_-]},
 * the server part has no {@code __} and the whole fits in 64 characters. Otherwise the parts are
 * cleaned (each other character becomes {@code _}), cut to fit, and followed by {@code _} and eight
 * hex digits of the SHA-256 of the server and the name: still unique, the same after every restart,
 * and within {@code ^[a-zA-Z0-9_-]{1,64}$}, which the major model APIs accept. A name is turned back
 * into its server and original name by the listing it came from.
 *
 * <p>Resources: {@code portcullis://<server, percent-encoded>/<original URI>}; templates likewise.
 */
final class AggregateNames {
    static final String SEPARATOR = "__";
    static final int MAX = 64;
    private static final Pattern CLEAN = Pattern.compile("[A-Za-z0-9_-]+");
    static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    static final String RESOURCE_SCHEME = "portcullis://";

    private AggregateNames() {
    }

    static String name(String server, String item) {
        String plain = server + SEPARATOR + item;
        if (CLEAN.matcher(server).matches() && !server.contains(SEPARATOR) && CLEAN.matcher(item).matches()
                && plain.length() <= MAX) {
            return plain;
        }
        String suffix = "_" + hash(server, item);
        String cleaned = clean(server) + SEPARATOR + clean(item);
        return cleaned.substring(0, Math.min(cleaned.length(), MAX - suffix.length())) + suffix;
    }

    /** The server and name a plain aggregate name stands for; a hashed one needs its listing. */
    static Optional<String[]> split(String name) {
        int at = name.indexOf(SEPARATOR);
        if (at <= 0 || at + SEPARATOR.length() >= name.length()) {
            return Optional.empty();
        }
        return Optional.of(new String[] {name.substring(0, at), name.substring(at + SEPARATOR.length())});
    }

    static String resourceUri(String server, String uri) {
        return RESOURCE_SCHEME + ServerNames.encoded(server) + "/" + uri;
    }

    /** The server and original URI of an aggregate resource URI. */
    static Optional<String[]> splitResourceUri(String uri) {
        if (uri == null || !uri.startsWith(RESOURCE_SCHEME)) {
            return Optional.empty();
        }
        String rest = uri.substring(RESOURCE_SCHEME.length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            return Optional.empty();
        }
        String server = URLDecoder.decode(rest.substring(0, slash).replace("+", "%2B"), StandardCharsets.UTF_8);
        return Optional.of(new String[] {server, rest.substring(slash + 1)});
    }

    private static String clean(String part) {
        String cleaned = part.replaceAll("[^A-Za-z0-9_-]", "_");
        return cleaned.isEmpty() ? "_" : cleaned;
    }

    private static String hash(String server, String item) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((server + "\n" + item).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
