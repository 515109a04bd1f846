package dev.portcullis.oauth.dpop;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The latest DPoP nonce each server handed out (RFC 9449 §8 for an authorization server, §9 for a
 * resource server), so the next proof carries it and needs no extra round. Nonces are not secrets
 * and are per server, not per user. Kept in this replica's memory, bounded: a nonce this replica
 * has not seen costs one {@code use_dpop_nonce} round, nothing more.
 */
public final class DpopNonces {
    private final Cache<String, String> latest = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(Duration.ofMinutes(30))
            .build();

    /** The authorization server's latest nonce, by issuer. */
    public Optional<String> ofAuthorizationServer(String issuer) {
        return Optional.ofNullable(latest.getIfPresent("as " + issuer));
    }

    public void fromAuthorizationServer(String issuer, String nonce) {
        if (usable(nonce)) {
            latest.put("as " + issuer, nonce);
        }
    }

    /** The resource server's latest nonce, by the origin of {@code url}. */
    public Optional<String> ofResourceServer(URI url) {
        return Optional.ofNullable(latest.getIfPresent("rs " + origin(url)));
    }

    public void fromResourceServer(URI url, String nonce) {
        if (usable(nonce)) {
            latest.put("rs " + origin(url), nonce);
        }
    }

    /** RFC 9449 §8.1: a nonce is a non-empty NQCHAR string; anything else is not repeated into a proof. */
    private static boolean usable(String nonce) {
        return nonce != null && !nonce.isEmpty() && nonce.length() <= 512
                && nonce.chars().allMatch(c -> c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c <= 0x7E));
    }

    private static String origin(URI url) {
        String scheme = url.getScheme().toLowerCase(Locale.ROOT);
        int port = url.getPort() >= 0 ? url.getPort() : scheme.equals("https") || scheme.equals("wss") ? 443 : 80;
        return scheme + "://" + url.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }
}
