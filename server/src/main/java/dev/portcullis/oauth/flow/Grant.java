package dev.portcullis.oauth.flow;

import dev.portcullis.oauth.OAuthClient;
import dev.portcullis.oauth.ResourceUri;
import dev.portcullis.oauth.TokenSet;
import java.time.Instant;
import java.util.Optional;

/**
 * A user's standing authorization at one server: the tokens, the client they were issued to, and
 * where to refresh and revoke them. Printing it prints no token or secret.
 */
public record Grant(TokenSet tokens, OAuthClient client, String tokenUrl, Optional<String> revocationUrl,
                    ResourceUri resource, Instant updatedAt) {

    /** True when the access token expires within {@code skewSeconds} (or already has). */
    public boolean expiresWithin(Instant now, long skewSeconds) {
        return tokens.expiresAt().map(at -> !now.plusSeconds(skewSeconds).isBefore(at)).orElse(false);
    }
}
