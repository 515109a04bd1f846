package dev.portcullis.oauth.dpop;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import com.nimbusds.openid.connect.sdk.Nonce;
import dev.portcullis.config.Secret;
import java.net.URI;
import java.util.Optional;

/**
 * Makes DPoP proofs (RFC 9449 §4.2) with one grant's key: a fresh {@code jti} and {@code iat} every
 * time (a proof is never sent twice, not even on a retry), {@code htm}, {@code htu} without query
 * and fragment, {@code ath} when an access token goes with it, and the server's latest nonce.
 */
public final class DpopProofs {
    private DpopProofs() {
    }

    /** A proof for the token endpoint (no access token yet). */
    public static String forTokenRequest(DpopKey key, URI tokenUrl, Optional<String> nonce) {
        return sign(key, "POST", tokenUrl, Optional.empty(), nonce);
    }

    /** A proof for one request to a resource server, bound to the access token by {@code ath}. */
    public static String forResource(DpopKey key, String method, URI url, Secret accessToken, Optional<String> nonce) {
        return sign(key, method, url, Optional.of(accessToken), nonce);
    }

    private static String sign(DpopKey key, String method, URI url, Optional<Secret> accessToken, Optional<String> nonce) {
        URI htu = htu(url);
        Nonce n = nonce.map(Nonce::new).orElse(null);
        try {
            return accessToken.isPresent()
                    ? key.proofFactory().createDPoPJWT(method, htu, new DPoPAccessToken(accessToken.get().reveal()), n).serialize()
                    : key.proofFactory().createDPoPJWT(method, htu, n).serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("signing a DPoP proof failed", e);
        }
    }

    /** RFC 9449 §4.2: the request's URI without query and fragment. */
    static URI htu(URI url) {
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        return URI.create(url.getScheme() + "://" + url.getRawAuthority() + path);
    }
}
