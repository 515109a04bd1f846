package dev.portcullis.egress;

import java.net.URI;
import java.util.Objects;

/**
 * A URL as the guard parsed it, and the only form a request should be built from: connect to
 * {@link #host()}:{@link #port()} (through the decision's addresses) and send {@link #pathAndQuery()}, so the
 * guard and the HTTP client can never read the same text differently.
 *
 * @param scheme       lower-case: http, https, ws or wss
 * @param host         lower-case ASCII name without trailing dot, or an IP literal in canonical text (IPv6 without
 *                     brackets)
 * @param port         the effective port, 1–65535 (the scheme's default when the URL named none)
 * @param pathAndQuery the raw path and query, starting with {@code /}; the fragment is dropped
 */
public record EgressTarget(String scheme, String host, int port, String pathAndQuery) {

    public EgressTarget {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(pathAndQuery, "pathAndQuery");
        if (defaultPort(scheme) < 0) {
            throw new IllegalArgumentException("scheme must be http, https, ws or wss: " + scheme);
        }
        // A hand-built target must not smuggle in a host the parser would have refused or read differently.
        if (!Hosts.isNormalized(host)) {
            throw new IllegalArgumentException("host is not in normalized form (use EgressTarget.of): " + host);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (!pathAndQuery.startsWith("/")) {
            throw new IllegalArgumentException("pathAndQuery must start with '/': " + pathAndQuery);
        }
    }

    /**
     * Parses an absolute http(s) or ws(s) URL strictly (rule 1).
     *
     * @throws EgressTargetException with the reason the URL is refused
     */
    public static EgressTarget parse(String url) throws EgressTargetException {
        return UrlParser.parse(url);
    }

    /**
     * A target from parts another component already split, such as the host and port Jetty is about to connect
     * to; the host goes through the same normalization and refusals as a parsed URL's.
     */
    public static EgressTarget of(String scheme, String host, int port, String pathAndQuery) throws EgressTargetException {
        return new EgressTarget(scheme, Hosts.normalize(host), port, pathAndQuery);
    }

    /** 80 for http and ws, 443 for https and wss, -1 for anything else. */
    public static int defaultPort(String scheme) {
        return switch (scheme) {
            case "http", "ws" -> 80;
            case "https", "wss" -> 443;
            default -> -1;
        };
    }

    /** {@code host[:port]} as a Host header or URL authority: IPv6 bracketed, default port left out. */
    public String authority() {
        String h = Hosts.forUri(host);
        return port == defaultPort(scheme) ? h : h + ":" + port;
    }

    /** {@code scheme://host:port}, always with the port, for same-origin comparisons. */
    public String origin() {
        return scheme + "://" + Hosts.forUri(host) + ":" + port;
    }

    /** The URL rebuilt from the parsed parts. */
    public String uri() {
        return scheme + "://" + authority() + pathAndQuery;
    }

    /**
     * Resolves a redirect's {@code Location} against this target (RFC 9110 section 10.2.2, RFC 3986 section 5)
     * and parses the result as strictly as any other URL.
     */
    public EgressTarget resolve(String location) throws EgressTargetException {
        if (location == null || location.isEmpty()) {
            throw new EgressTargetException(BlockReason.REDIRECT_INVALID, "the redirect has no Location");
        }
        if (UrlParser.hasScheme(location)) {
            return parse(location);
        }
        if (location.startsWith("//")) {
            return parse(scheme + ":" + location);
        }
        UrlParser.checkCharacters(location);
        if (!Hosts.isAscii(location)) {
            throw new EgressTargetException(BlockReason.NON_ASCII,
                    "the redirect Location contains non-ASCII characters; they must be percent-encoded");
        }
        String withoutFragment = location.indexOf('#') >= 0 ? location.substring(0, location.indexOf('#')) : location;
        String path = pathAndQuery.indexOf('?') >= 0 ? pathAndQuery.substring(0, pathAndQuery.indexOf('?')) : pathAndQuery;
        UrlParser.checkPathAndQuery(withoutFragment);
        if (withoutFragment.isEmpty() || withoutFragment.startsWith("?")) {
            // java.net.URI follows RFC 2396 here and would drop the last path segment; RFC 3986 keeps the path.
            return new EgressTarget(scheme, host, port, withoutFragment.isEmpty() ? pathAndQuery : path + withoutFragment);
        }
        try {
            URI merged = URI.create("http://h" + pathAndQuery).resolve(location);
            String mergedPath = merged.getRawPath() == null || merged.getRawPath().isEmpty() ? "/" : merged.getRawPath();
            String query = merged.getRawQuery() == null ? "" : "?" + merged.getRawQuery();
            return new EgressTarget(scheme, host, port, mergedPath + query);
        } catch (IllegalArgumentException e) {
            throw new EgressTargetException(BlockReason.REDIRECT_INVALID,
                    "the redirect Location '" + location + "' is not a valid relative reference");
        }
    }

    @Override
    public String toString() {
        return uri();
    }
}
