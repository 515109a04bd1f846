package dev.portcullis.oauth;

import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import dev.portcullis.egress.EgressBlockedException;
import java.io.IOException;
import java.io.InterruptedIOException;

/**
 * Sends one Nimbus request through our sender and turns every way it can go wrong into an
 * {@link OAuthException}. Error codes from the server are passed on only as their RFC 6749 §5.2
 * token ({@code invalid_client}); descriptions are untrusted text and stay out of messages.
 */
final class NimbusCalls {
    private NimbusCalls() {
    }

    static HTTPResponse send(String what, GuardedSender sender, HTTPRequest request) {
        try {
            return request.send(sender);
        } catch (InterruptedIOException e) {
            Thread.currentThread().interrupt();
            throw new OAuthException(OAuthFailure.TRANSIENT, what + " was interrupted", e);
        } catch (IOException e) {
            EgressBlockedException blocked = EgressBlockedException.find(e);
            if (blocked != null) {
                throw OAuthException.blocked("the " + what + " URL '" + request.getURI() + "'", blocked);
            }
            throw new OAuthException(OAuthFailure.TRANSIENT, what + " at " + request.getURI().getHost() + " failed: "
                    + e.getClass().getSimpleName(), e);
        }
    }

    /** An error response: 5xx is transient, anything else is {@code otherwise}. */
    static OAuthException failed(String what, HTTPResponse response, ErrorObject error, OAuthFailure otherwise) {
        String code = error == null || error.getCode() == null ? "no error code" : safe(error.getCode());
        OAuthFailure failure = response.getStatusCode() >= 500 ? OAuthFailure.TRANSIENT : otherwise;
        return new OAuthException(failure, what + " refused: HTTP " + response.getStatusCode() + ", " + code);
    }

    /** A response Nimbus cannot read. Redirects land here too: these requests never follow them. */
    static OAuthException unreadable(String what, HTTPResponse response, OAuthFailure otherwise) {
        int status = response.getStatusCode();
        OAuthFailure failure = status >= 500 ? OAuthFailure.TRANSIENT : otherwise;
        String why = status >= 300 && status < 400 ? " (a redirect, which is not followed for this request)" : "";
        return new OAuthException(failure, what + " answered HTTP " + status + " that is not a valid response" + why);
    }

    /** An error code is a token of printable ASCII; anything else is not repeated. */
    static String safe(String code) {
        return code.matches("[\\x20-\\x7E&&[^\"\\\\]]{1,64}") ? code : "an unreadable error code";
    }
}
