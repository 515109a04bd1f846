package dev.portcullis.oauth;

import dev.portcullis.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/**
 * Checks the authorization response at the callback before anything acts on it: the state must be
 * this attempt's (checklist #24), then RFC 9207 {@code iss} (checklist #25): when present it must
 * equal the recorded issuer by simple string comparison, and when the server advertised it, it
 * must be present. On an issuer mismatch the response's {@code error} fields are not acted on or
 * repeated — they may come from the attacker's server in a mix-up attack.
 */
public final class AuthorizationCallback {
    private AuthorizationCallback() {
    }

    /** The authorization code, or the reason the response must be discarded. */
    public static Secret code(AuthorizationRequest pending, Map<String, String> params) {
        String state = params.get("state");
        if (state == null || !MessageDigest.isEqual(state.getBytes(StandardCharsets.UTF_8),
                pending.state().getBytes(StandardCharsets.UTF_8))) {
            throw new OAuthException(OAuthFailure.STATE_MISMATCH,
                    "the authorization response's state is " + (state == null ? "missing" : "not this attempt's"));
        }
        String iss = params.get("iss");
        if (iss != null && !iss.equals(pending.issuer())) {
            throw new OAuthException(OAuthFailure.ISSUER_PARAMETER_MISMATCH,
                    "the authorization response comes from another issuer than " + pending.issuer() + " (RFC 9207)");
        }
        if (iss == null && pending.issParameterRequired()) {
            throw new OAuthException(OAuthFailure.ISSUER_PARAMETER_MISMATCH, "the authorization response has no 'iss', "
                    + "which " + pending.issuer() + " promised (authorization_response_iss_parameter_supported, RFC 9207)");
        }
        String error = params.get("error");
        if (error != null) {
            throw new OAuthException(OAuthFailure.AUTHORIZATION_DENIED,
                    "the authorization server answered " + NimbusCalls.safe(error));
        }
        String code = params.get("code");
        if (code == null || code.isEmpty()) {
            throw new OAuthException(OAuthFailure.AUTHORIZATION_DENIED, "the authorization response has no code");
        }
        return Secret.of(code);
    }
}
