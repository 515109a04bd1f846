package dev.portcullis.oauth.dpop;

import com.nimbusds.jose.JWSAlgorithm;
import dev.portcullis.config.McpServerConfig.OAuthSettings.DpopMode;
import dev.portcullis.oauth.OAuthException;
import java.util.List;
import java.util.Optional;

/**
 * Whether a grant is bound to a DPoP key, as {@code oauth.dpop} and the authorization server's
 * {@code dpop_signing_alg_values_supported} decide together — the one place that decides it.
 */
public final class DpopPolicy {
    /** The token type of a DPoP-bound access token (RFC 9449 §5); compared without case. */
    public static final String TOKEN_TYPE = "DPoP";

    private DpopPolicy() {
    }

    /**
     * The algorithm a new grant's key is made for, or empty for a plain Bearer grant.
     *
     * @param supported the server's {@code dpop_signing_alg_values_supported} (empty when absent)
     */
    public static Optional<JWSAlgorithm> forNewGrant(DpopMode mode, String issuer, List<String> supported) {
        return switch (mode) {
            case OFF -> Optional.empty();
            case AUTO -> supported.isEmpty() ? Optional.empty() : DpopKey.choose(supported);
            case REQUIRED -> Optional.of(DpopKey.choose(supported).orElseThrow(() -> OAuthException.dpopUnsupported(
                    "oauth.dpop is required, but the authorization server " + issuer
                    + " signs DPoP proofs only with " + supported + ", none of which Portcullis makes keys for ("
                    + DpopKey.MADE.stream().map(JWSAlgorithm::getName).toList() + ")")));
        };
    }

    /**
     * What the token endpoint issued for a grant with a key: under {@code required} it must be a
     * DPoP-bound token, because a Bearer token would travel without the binding the operator asked for.
     */
    public static void checkIssued(DpopMode mode, String issuer, String tokenType) {
        if (mode == DpopMode.REQUIRED && !isDpop(tokenType)) {
            throw OAuthException.dpopUnsupported("oauth.dpop is required, but the authorization server "
                    + issuer + " issued a token of type '" + tokenType + "' instead of a DPoP-bound one");
        }
    }

    public static boolean isDpop(String tokenType) {
        return TOKEN_TYPE.equalsIgnoreCase(tokenType);
    }
}
