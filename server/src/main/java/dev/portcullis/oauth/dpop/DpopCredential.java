package dev.portcullis.oauth.dpop;

import dev.portcullis.config.Secret;
import dev.portcullis.upstream.transport.RequestCredential;
import java.net.URI;
import java.util.Map;

/**
 * A DPoP-bound access token as the MCP server sees it (RFC 9449 §7.1): {@code Authorization: DPoP
 * <token>} and a fresh {@code DPoP} proof on every HTTP request, bound to the token by {@code ath},
 * carrying the server's latest nonce. Printing it prints no token and no key.
 */
public final class DpopCredential implements RequestCredential.ProofBound {
    private final Secret accessToken;
    private final DpopKey key;
    private final DpopNonces nonces;

    public DpopCredential(Secret accessToken, DpopKey key, DpopNonces nonces) {
        this.accessToken = accessToken;
        this.key = key;
        this.nonces = nonces;
    }

    @Override
    public Map<String, String> headers(String method, URI url) {
        return Map.of("Authorization", DpopPolicy.TOKEN_TYPE + " " + accessToken.reveal(),
                "DPoP", DpopProofs.forResource(key, method, url, accessToken, nonces.ofResourceServer(url)));
    }

    @Override
    public void nonce(URI url, String nonce) {
        nonces.fromResourceServer(url, nonce);
    }

    @Override
    public String toString() {
        return "DpopCredential[redacted]";
    }
}
