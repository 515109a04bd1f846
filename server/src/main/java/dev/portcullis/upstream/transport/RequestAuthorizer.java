package dev.portcullis.upstream.transport;

import java.util.Optional;

/**
 * Supplies the credential for each outgoing request. Called for every request rather than once, so a
 * refreshed OAuth token is picked up without rebuilding the transport.
 */
@FunctionalInterface
public interface RequestAuthorizer {

    /** No credentials: requests go out without an Authorization header. */
    RequestAuthorizer NONE = Optional::empty;

    /** The credential for the next request, or empty to send none. */
    Optional<RequestCredential> credential();
}
