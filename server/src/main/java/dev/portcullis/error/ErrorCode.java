package dev.portcullis.error;

/**
 * The closed set of failures the API reports. Each code is stable (clients may switch on it) and
 * carries its HTTP status, so no layer ever classifies an error by reading its message.
 */
public enum ErrorCode {
    BAD_REQUEST(400),
    INVALID_JSON(400),
    DUPLICATE_JSON_KEY(400),
    REQUEST_BODY_INCOMPLETE(400),
    INVALID_ARGUMENTS(400),
    INVALID_INPUT_ANSWER(400),
    MISSING_USER_VARS(400),
    INVALID_AUTH_VALUE(400),
    PLACEHOLDER_UNAVAILABLE(400),
    INVALID_SERVER_CONFIG(400),
    MCP_INSPECTION_FAILED(400),
    MCP_OAUTH_SECRET_REENTRY_REQUIRED(400),
    MCP_CREDENTIAL_REENTRY_REQUIRED(400),
    INVALID_CURSOR(400),
    INVALID_PERMISSIONS(400),
    INVALID_ROLE_PERMISSIONS(400),
    AUTH_TOKEN_MISSING(401),
    AUTH_TOKEN_MALFORMED(401),
    AUTH_TOKEN_EXPIRED(401),
    AUTH_TOKEN_INVALID(401),
    SIGN_IN_ENDED(401),
    FORBIDDEN(403),
    CSRF_TOKEN_INVALID(403),
    ORIGIN_NOT_ALLOWED(403),
    HOST_NOT_ALLOWED(403),
    MCP_DOMAIN_NOT_ALLOWED(403),
    OAUTH_REQUIRED(403),
    /** An enterprise-managed server needs the person's identity-provider ID token, and none usable is held. */
    IDP_SIGN_IN_REQUIRED(403),
    /** An ID token passed with a request is not valid, not from the configured provider, or not the caller's. */
    ID_TOKEN_REJECTED(403),
    /** The identity provider or the server's authorization server refused the enterprise-managed (ID-JAG) grant. */
    ENTERPRISE_AUTHORIZATION_FAILED(403),
    SERVER_READ_ONLY(403),
    ROLE_READ_ONLY(403),
    TOOL_NOT_ALLOWED(403),
    NOT_FOUND(404),
    METHOD_NOT_ALLOWED(405),
    CONFLICT(409),
    LAST_OWNER(409),
    PAYLOAD_TOO_LARGE(413),
    URI_TOO_LONG(414),
    UNSUPPORTED_MEDIA_TYPE(415),
    TOO_MANY_CONNECTIONS(429),
    TOO_MANY_CALLS(429),
    RATE_LIMITED(429),
    REQUEST_HEADERS_TOO_LARGE(431),
    UPSTREAM_UNAVAILABLE(502),
    UPSTREAM_ERROR(502),
    UPSTREAM_TIMEOUT(504),
    SERVICE_UNAVAILABLE(503),
    INTERNAL_ERROR(500);

    private final int status;

    ErrorCode(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }
}
