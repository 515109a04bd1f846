package dev.portcullis.oauth;

import dev.portcullis.error.ErrorCode;

/**
 * Every way the OAuth client core can fail, each with the API error it maps to. The flow layer
 * switches on these: {@link #INVALID_GRANT} means "ask the user again", {@link #TRANSIENT} means
 * "keep the grant and retry later" (checklist #38); nothing is decided by reading a message.
 */
public enum OAuthFailure {
    /** The egress guard refused a URL; the exception's {@code egressCode} says why. */
    EGRESS_BLOCKED(ErrorCode.MCP_DOMAIN_NOT_ALLOWED),
    /** No protected resource or authorization server metadata could be found (checklist #4, #10). */
    METADATA_NOT_FOUND(ErrorCode.UPSTREAM_ERROR),
    /** A metadata document is not the JSON object its RFC describes. */
    INVALID_METADATA(ErrorCode.UPSTREAM_ERROR),
    /** The protected resource metadata names another resource than the server we asked (RFC 9728 §3.3, checklist #7). */
    RESOURCE_MISMATCH(ErrorCode.UPSTREAM_ERROR),
    /** The authorization server metadata names another issuer than the one we looked up (RFC 8414 §3.3, checklist #11). */
    ISSUER_MISMATCH(ErrorCode.UPSTREAM_ERROR),
    /** The authorization server does not advertise PKCE S256 (checklist #22). */
    PKCE_UNSUPPORTED(ErrorCode.UPSTREAM_ERROR),
    /** The authorization URL is not http(s), or is plain http to a non-loopback host (checklist #41). */
    UNSAFE_AUTHORIZATION_URL(ErrorCode.UPSTREAM_ERROR),
    /** None of pre-registration, a client ID metadata document or dynamic registration is possible (checklist #15). */
    NO_CLIENT_IDENTITY(ErrorCode.UPSTREAM_ERROR),
    /** Dynamic client registration was refused or answered nonsense (checklist #19). */
    REGISTRATION_FAILED(ErrorCode.UPSTREAM_ERROR),
    /** The authorization response's {@code state} is missing or not this attempt's (checklist #24). */
    STATE_MISMATCH(ErrorCode.BAD_REQUEST),
    /** The authorization response's {@code iss} is missing though advertised, or names another issuer (RFC 9207, checklist #25). */
    ISSUER_PARAMETER_MISMATCH(ErrorCode.BAD_REQUEST),
    /** The authorization server answered the authorization request with an error (the user declined, a bad scope). */
    AUTHORIZATION_DENIED(ErrorCode.OAUTH_REQUIRED),
    /** The code or refresh token is no longer good: re-authorize (RFC 6749 §5.2 {@code invalid_grant}). */
    INVALID_GRANT(ErrorCode.OAUTH_REQUIRED),
    /** The token or revocation endpoint refused the request for another reason (client, scope, request). */
    TOKEN_REJECTED(ErrorCode.UPSTREAM_ERROR),
    /**
     * {@code oauth.dpop: required} cannot be honoured: the authorization server takes no proof
     * algorithm Portcullis makes keys for, or it issued a Bearer token instead of a DPoP-bound one.
     */
    DPOP_UNSUPPORTED(ErrorCode.UPSTREAM_ERROR),
    /** The network or the server failed (I/O error, timeout, 5xx): the grant may still be good. */
    TRANSIENT(ErrorCode.UPSTREAM_UNAVAILABLE),
    /** An identity-provider ID token is not valid: signature, issuer, audience or expiry. */
    ID_TOKEN_INVALID(ErrorCode.ID_TOKEN_REJECTED),
    /** Step-up would not help: the retry cap is reached or the challenge asks for nothing new (checklist #33). */
    STEP_UP_EXHAUSTED(ErrorCode.FORBIDDEN);

    private final ErrorCode errorCode;

    OAuthFailure(ErrorCode errorCode) {
        this.errorCode = errorCode;
    }

    public ErrorCode errorCode() {
        return errorCode;
    }
}
