package dev.portcullis.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import dev.portcullis.config.AuthSettings;
import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies the platform's bearer tokens: signature (HS256 with the shared secret, or any
 * asymmetric algorithm with the configured JWKS), expiry with a small clock skew, and the
 * configured issuer and audience. Unsigned ({@code alg: none}) tokens are refused by the
 * processor itself; a token without {@code exp} is refused because a gateway credential that
 * never expires cannot be contained.
 */
public final class TokenVerifier {
    private static final Set<JWSAlgorithm> ASYMMETRIC = Set.of(
            JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
            JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512, JWSAlgorithm.Ed25519, JWSAlgorithm.EdDSA);

    private static final int CACHED_TOKENS = 10_000;

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final AuthSettings.ClaimNames claims;
    private final Duration clockSkew;
    /**
     * Tokens already verified, so a platform that sends the same token on every call pays the
     * signature check once. Only successes are kept, each no longer than its own expiry, and the
     * expiry is checked again on every hit.
     */
    private final Cache<String, Verified> verified = Caffeine.newBuilder().maximumSize(CACHED_TOKENS)
            .expireAfterWrite(Duration.ofMinutes(5)).build();

    private record Verified(Caller caller, Instant notAfter) {
    }

    private TokenVerifier(JWSVerificationKeySelector<SecurityContext> keys, AuthSettings settings) {
        this.claims = settings.claims();
        this.clockSkew = settings.clockSkew();
        processor.setJWSKeySelector(keys);
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        settings.issuer().ifPresent(exact::issuer);
        Set<String> required = new HashSet<>(Set.of("exp", claims.userId()));
        var verifier = new DefaultJWTClaimsVerifier<SecurityContext>(
                settings.audience().map(Set::of).orElse(null), exact.build(), required, null);
        verifier.setMaxClockSkew((int) settings.clockSkew().toSeconds());
        processor.setJWTClaimsSetVerifier(verifier);
    }

    /** HS256 with a shared secret, as LibreChat signs its tokens. */
    public static TokenVerifier sharedSecret(byte[] secret, AuthSettings settings) {
        return new TokenVerifier(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256,
                new com.nimbusds.jose.jwk.source.ImmutableSecret<>(secret)), settings);
    }

    /** Any asymmetric JWS whose key the identity provider's JWKS holds. */
    public static TokenVerifier jwks(JWKSource<SecurityContext> source, AuthSettings settings) {
        return new TokenVerifier(new JWSVerificationKeySelector<>(ASYMMETRIC, source), settings);
    }

    public Caller verify(String token) {
        Verified hit = verified.getIfPresent(token);
        if (hit != null && Instant.now().isBefore(hit.notAfter())) {
            return hit.caller();
        }
        return verifyUncached(token);
    }

    private Caller verifyUncached(String token) {
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
            jwt.getJWTClaimsSet(); // a payload that is not a JSON object is malformed, not merely untrusted
        } catch (ParseException e) {
            throw new GatewayException(ErrorCode.AUTH_TOKEN_MALFORMED,
                    "The bearer token is not a JWT; send Authorization: Bearer <token> with a token from your platform");
        }
        JWTClaimsSet set;
        try {
            set = processor.process(jwt, null);
        } catch (ExpiredJWTException e) {
            throw new GatewayException(ErrorCode.AUTH_TOKEN_EXPIRED, "The token has expired; get a new one and retry");
        } catch (BadJOSEException | JOSEException | RuntimeException e) {
            throw new GatewayException(ErrorCode.AUTH_TOKEN_INVALID,
                    "The token's signature or claims did not verify (" + e.getClass().getSimpleName()
                            + "); check that it was signed with the key this gateway trusts");
        }
        Caller caller = caller(set);
        verified.put(token, new Verified(caller, set.getExpirationTime().toInstant().plus(clockSkew)));
        return caller;
    }

    private Caller caller(JWTClaimsSet set) {
        String userId = stringClaim(set, claims.userId()).filter(s -> !s.isBlank()).orElseThrow(() ->
                new GatewayException(ErrorCode.AUTH_TOKEN_INVALID, "The token has no '" + claims.userId() + "' claim naming the user"));
        String role = stringClaim(set, claims.role()).filter(s -> !s.isBlank()).orElse(Caller.USER);
        List<String> groups;
        try {
            List<String> list = set.getStringListClaim(claims.groups());
            groups = list == null ? List.of() : list;
        } catch (ParseException e) {
            groups = stringClaim(set, claims.groups()).map(List::of).orElse(List.of());
        }
        return new Caller(userId, role, stringClaim(set, claims.email()), stringClaim(set, claims.tenant()), groups);
    }

    private static Optional<String> stringClaim(JWTClaimsSet set, String name) {
        Object value = set.getClaim(name);
        return value instanceof String || value instanceof Number ? Optional.of(value.toString()) : Optional.empty();
    }
}
