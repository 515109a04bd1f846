package dev.portcullis.oauth;

import dev.portcullis.egress.EgressBlockedException;
import dev.portcullis.error.GatewayException;
import java.util.Map;
import java.util.Optional;

/**
 * A failure of the OAuth client core. {@link #failure()} is what callers switch on; the message
 * says what happened in words an operator can act on and never carries a token, a secret or a
 * code. For {@link OAuthFailure#EGRESS_BLOCKED} the guard's reason code is in {@link #egressCode()}
 * (and in the API details as {@code egressCode}).
 */
public final class OAuthException extends GatewayException {
    private final OAuthFailure failure;
    private final String egressCode;

    OAuthException(OAuthFailure failure, String message) {
        this(failure, message, null, null);
    }

    OAuthException(OAuthFailure failure, String message, Throwable cause) {
        this(failure, message, null, cause);
    }

    private OAuthException(OAuthFailure failure, String message, String egressCode, Throwable cause) {
        super(failure.errorCode(), message, egressCode == null ? Map.of("oauthFailure", failure.name())
                : Map.of("oauthFailure", failure.name(), "egressCode", egressCode), cause);
        this.failure = failure;
        this.egressCode = egressCode;
    }

    /** For the DPoP rules ({@code oauth.dpop}), which live in their own package. */
    public static OAuthException dpopUnsupported(String message) {
        return new OAuthException(OAuthFailure.DPOP_UNSUPPORTED, message);
    }

    static OAuthException blocked(String what, EgressBlockedException blocked) {
        return new OAuthException(OAuthFailure.EGRESS_BLOCKED, what + " is refused: " + blocked.block().describe(),
                blocked.block().code(), blocked);
    }

    public OAuthFailure failure() {
        return failure;
    }

    /** The egress guard's stable reason code, when the guard refused a URL. */
    public Optional<String> egressCode() {
        return Optional.ofNullable(egressCode);
    }
}
