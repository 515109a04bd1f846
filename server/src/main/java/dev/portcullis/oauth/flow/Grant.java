package dev.portcullis.oauth.flow;

import dev.portcullis.oauth.OAuthClient;
import dev.portcullis.oauth.ResourceUri;
import dev.portcullis.oauth.TokenSet;
import dev.portcullis.oauth.dpop.DpopKey;
import java.time.Instant;
import java.util.Optional;

/**
 * A user's standing authorization at one server: the tokens, the client they were issued to, and
 * where to refresh and revoke them. Printing it prints no token or secret.
 *
 * @param dpopKey the key the grant's tokens are bound to (RFC 9449), used for its refreshes and every
 *                request to the server; empty for a Bearer grant
 */
public record Grant(TokenSet tokens, OAuthClient client, String tokenUrl, Optional<String> revocationUrl,
                    ResourceUri resource, Instant updatedAt, String binding, Optional<DpopKey> dpopKey) {

    /** A grant without a DPoP key. */
    public Grant(TokenSet tokens, OAuthClient client, String tokenUrl, Optional<String> revocationUrl,
                 ResourceUri resource, Instant updatedAt, String binding) {
        this(tokens, client, tokenUrl, revocationUrl, resource, updatedAt, binding, Optional.empty());
    }

    /** Whether this grant may be used with the server as it is configured now. */
    public boolean isFor(dev.portcullis.config.McpServerConfig config) {
        return binding.equals(config.credentialBinding());
    }

    Grant withTokens(TokenSet next, Instant at) {
        return new Grant(next, client, tokenUrl, revocationUrl, resource, at, binding, dpopKey);
    }

    /** True when the access token expires within {@code skewSeconds} (or already has). */
    public boolean expiresWithin(Instant now, long skewSeconds) {
        return tokens.expiresAt().map(at -> !now.plusSeconds(skewSeconds).isBefore(at)).orElse(false);
    }
}
