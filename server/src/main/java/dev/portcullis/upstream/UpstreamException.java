package dev.portcullis.upstream;

import java.time.Duration;
import java.util.Optional;

/**
 * Why talking to an MCP server failed, as a closed set: transports raise these, the connection
 * manager decides from the kind alone whether to reconnect, re-initialize or trip a breaker, and
 * the HTTP layer maps each kind to a status and a stable code. Nothing is classified by message.
 * Messages never carry header values, tokens or response bodies.
 */
public abstract sealed class UpstreamException extends RuntimeException {
    UpstreamException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The server could not be reached, or the connection broke (502 {@code UPSTREAM_UNAVAILABLE}). */
    public static final class Unreachable extends UpstreamException {
        /**
         * Why, as far as the failure's type tells; {@code reason} in the API's error body. Listed
         * from the most to the least telling: when a failure's causes suggest several, the first wins.
         */
        public enum Reason {
            /** Nothing accepts connections at the address and port. */
            CONNECTION_REFUSED,
            /** The host name did not resolve. */
            DNS_FAILURE,
            /** No network path to the host. */
            NO_ROUTE,
            /** The TLS handshake failed: plain HTTP behind an https:// URL, or a certificate not trusted. */
            TLS_FAILURE,
            /** An established connection broke. */
            CONNECTION_LOST,
            /** Anything else: a process that exited, a 5xx, a failure of unknown type. */
            OTHER
        }

        private final Reason reason;

        public Unreachable(String message, Throwable cause) {
            this(Reason.OTHER, message, cause);
        }

        public Unreachable(Reason reason, String message, Throwable cause) {
            super(message, cause);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }

    /** No answer within the configured time (504 {@code UPSTREAM_TIMEOUT}). */
    public static final class Timeout extends UpstreamException {
        private final Duration after;

        public Timeout(String message, Duration after) {
            super(message, null);
            this.after = after;
        }

        public Duration after() {
            return after;
        }
    }

    /**
     * The server answered 401, or 403 with {@code insufficient_scope}: the caller must authorize
     * (OAuth). Carries the raw {@code WWW-Authenticate} value for discovery.
     */
    public static final class AuthorizationRequired extends UpstreamException {
        private final int status;
        private final Optional<String> wwwAuthenticate;

        public AuthorizationRequired(int status, Optional<String> wwwAuthenticate) {
            super("the MCP server requires authorization (HTTP " + status + ")", null);
            this.status = status;
            this.wwwAuthenticate = wwwAuthenticate;
        }

        public int status() {
            return status;
        }

        public Optional<String> wwwAuthenticate() {
            return wwwAuthenticate;
        }
    }

    /** The server no longer knows our session (404 on a request with a session id): re-initialize. */
    public static final class SessionExpired extends UpstreamException {
        public SessionExpired(String message) {
            super(message, null);
        }
    }

    /** A message or line exceeded the configured limit; the request failed instead of hanging. */
    public static final class MessageTooLarge extends UpstreamException {
        public MessageTooLarge(String message) {
            super(message, null);
        }
    }

    /** The egress guard refused the URL or an address it resolved to (403 {@code MCP_DOMAIN_NOT_ALLOWED}). */
    public static final class Blocked extends UpstreamException {
        private final String reasonCode;

        public Blocked(String reasonCode, String message) {
            super(message, null);
            this.reasonCode = reasonCode;
        }

        public String reasonCode() {
            return reasonCode;
        }
    }

    /**
     * The gateway stopped waiting for this one request (a listing's budget ran out, the caller went
     * away, the gateway is stopping): nothing is known to be wrong with the connection (504).
     */
    public static final class Cancelled extends UpstreamException {
        public Cancelled(String message) {
            super(message, null);
        }
    }

    /** The server broke the protocol: a bad status, content type or message (502). */
    public static final class ProtocolViolation extends UpstreamException {
        public ProtocolViolation(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
