package dev.portcullis.oauth;

import dev.portcullis.config.Secret;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the token endpoint issued. Tokens are {@link Secret}s, so printing this prints no token.
 *
 * @param refreshToken empty when none was issued — on a refresh, keep the old one (checklist #37)
 * @param expiresAt    empty when the server did not say
 * @param scopes       as granted; the requested ones when the response omits {@code scope} (RFC 6749 §5.1)
 */
public record TokenSet(Secret accessToken, Optional<Secret> refreshToken, Optional<Instant> expiresAt,
                       List<String> scopes, String tokenType) {
    public TokenSet {
        scopes = List.copyOf(scopes);
    }
}
