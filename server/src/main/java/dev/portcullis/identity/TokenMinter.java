package dev.portcullis.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.config.AuthSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/** Signs LibreChat-shaped HS256 tokens, for development and scripts ({@code portcullis token}). */
public final class TokenMinter {
    private final byte[] secret;
    private final AuthSettings settings;
    private final Clock clock;

    public TokenMinter(byte[] secret, AuthSettings settings, Clock clock) {
        this.secret = secret.clone();
        this.settings = settings;
        this.clock = clock;
    }

    /** What goes into a token. */
    public record Claims(String userId, String role, Optional<String> email, Optional<String> tenantId, List<String> groups,
                         java.util.Map<String, String> profile, Duration ttl) {
        public Claims {
            groups = List.copyOf(groups);
            profile = java.util.Map.copyOf(profile);
        }

        public Claims(String userId, String role, Optional<String> email, Optional<String> tenantId, List<String> groups,
                      Duration ttl) {
            this(userId, role, email, tenantId, groups, java.util.Map.of(), ttl);
        }

        public Claims(String userId, String role, Optional<String> email, Optional<String> tenantId, Duration ttl) {
            this(userId, role, email, tenantId, List.of(), ttl);
        }
    }

    public String mint(Claims claims) {
        Instant now = clock.instant();
        AuthSettings.ClaimNames names = settings.claims();
        JWTClaimsSet.Builder set = new JWTClaimsSet.Builder()
                .claim(names.userId(), claims.userId())
                .claim(names.role(), claims.role())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(claims.ttl())));
        claims.email().ifPresent(e -> set.claim(names.email(), e));
        claims.tenantId().ifPresent(t -> set.claim(names.tenant(), t));
        claims.profile().forEach(set::claim); // username, provider, name, ...: LibreChat's user fields
        if (!claims.groups().isEmpty()) {
            set.claim(names.groups(), claims.groups());
        }
        settings.issuer().ifPresent(set::issuer);
        settings.audience().ifPresent(set::audience);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), set.build());
        try {
            jwt.sign(new MACSigner(secret));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign with the configured secret", e);
        }
        return jwt.serialize();
    }
}
