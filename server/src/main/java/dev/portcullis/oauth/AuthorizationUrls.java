package dev.portcullis.oauth;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/**
 * Decides whether a URL may be shown to a user as an authorization URL (SBP §OAuth Authorization
 * URL Validation, checklist #41): https, or http to a loopback host for development; never
 * {@code javascript:}, {@code data:}, {@code file:} or anything else a browser would execute or open
 * locally. The URL comes from a server's metadata, so it is untrusted.
 */
final class AuthorizationUrls {
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private AuthorizationUrls() {
    }

    static URI require(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw refused(url, "it is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw refused(url, "only https (or http to a loopback host) is allowed");
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null) {
            throw refused(url, "it needs a host and no user info");
        }
        if (!secure(uri)) {
            throw refused(url, "plain http is allowed only to a loopback host");
        }
        return uri;
    }

    /**
     * https, or http to a loopback host (development). Authorization server endpoints must be
     * HTTPS (checklist #23, #40; RFC 8414 §2 for the issuer).
     */
    static boolean secure(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return scheme.equals("https")
                || (scheme.equals("http") && uri.getHost() != null && LOOPBACK.contains(uri.getHost().toLowerCase(Locale.ROOT)));
    }

    private static OAuthException refused(String url, String why) {
        // Only the scheme is repeated: the rest of a hostile URL is not worth echoing into logs and pages.
        int colon = url.indexOf(':');
        String scheme = colon > 0 && colon < 16 ? url.substring(0, colon) : "?";
        return new OAuthException(OAuthFailure.UNSAFE_AUTHORIZATION_URL,
                "the authorization URL (scheme '" + scheme + "') is refused: " + why);
    }
}
