package dev.portcullis.upstream;

import dev.portcullis.config.McpServerConfig;
import dev.portcullis.identity.Caller;
import dev.portcullis.upstream.transport.RequestAuthorizer;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What the upstream layer needs from OAuth, kept to an interface so connections do not depend on
 * how grants are obtained: the {@code Authorization} header for a user's requests, and starting an
 * authorization when a server refuses them.
 */
public interface UpstreamAuthorization {
    /** The header source for one resolved server; {@link RequestAuthorizer#NONE} for servers every user shares. */
    RequestAuthorizer authorizer(ResolvedServer server);

    /** Starts (or returns the pending) authorization of the caller at the server. */
    OAuthRequiredException authorizationRequired(Caller caller, McpServerConfig config, Optional<String> wwwAuthenticate);

    /** Whether the caller holds a grant at the server that could be used now (refreshed if need be). */
    boolean holdsGrant(Caller caller, McpServerConfig config);

    /** Waits for the caller's pending authorization to end; true when it completed. */
    boolean awaitAuthorization(Caller caller, McpServerConfig config, Duration timeout) throws InterruptedException;

    /**
     * A server the gateway reaches as itself (a machine grant) refused its token: obtains a new one
     * for the challenge, unless one was obtained after {@code sentAfter} (the refused request carried an
     * older one). True when the refused request is worth one more try; false when the server has no
     * machine grant. A token endpoint's refusal is thrown as a typed error.
     */
    default boolean renewAfterRefusal(McpServerConfig config, Optional<String> wwwAuthenticate, Instant sentAfter) {
        return false;
    }

    /** For a gateway without OAuth (tests, benchmarks): nothing to add, and authorization cannot be started. */
    UpstreamAuthorization NONE = new UpstreamAuthorization() {
        @Override
        public RequestAuthorizer authorizer(ResolvedServer server) {
            return RequestAuthorizer.NONE;
        }

        @Override
        public OAuthRequiredException authorizationRequired(Caller caller, McpServerConfig config, Optional<String> challenge) {
            throw new UpstreamException.AuthorizationRequired(401, challenge);
        }

        @Override
        public boolean holdsGrant(Caller caller, McpServerConfig config) {
            return false;
        }

        @Override
        public boolean awaitAuthorization(Caller caller, McpServerConfig config, Duration timeout) {
            return false;
        }
    };
}
