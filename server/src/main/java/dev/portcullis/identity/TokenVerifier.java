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
import dev.portcullis.config.UserPlaceholders;
import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies the platform's bearer tokens: signature (HS256 with the shared secret, or any
 * asymmetric algorithm with the configured JWKS), expiry with a small clock skew, and the
 * configured issuer and audience. Unsigned ({@code alg: none}) tokens are refused by the
 * processor itself; a token without {@code exp} is refused because a gateway credential that
 * never expires cannot be contained, and so is one that expires more than {@link #MAX_LIFETIME}
 * from now, or was issued ({@code iat}) in the future beyond the clock skew. Claims the gateway
 * reads must have the type it expects: a tenant given as a number or an object is refused, not
 * mistaken for the default tenant. The operator's {@code auth.roles} and {@code auth.groups} are
 * applied to the verified claims here, so every caller the routes see is already mapped.
 */
public final class TokenVerifier {
    private static final Set<JWSAlgorithm> ASYMMETRIC = Set.of(
            JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
            JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512, JWSAlgorithm.Ed25519, JWSAlgorithm.EdDSA);

    private static final int CACHED_TOKENS = 10_000;
    /**
     * The user fields of LibreChat's placeholders that are not read through {@code auth.claims}
     * (id, email, role, tenant): LibreChat's tokens carry {@code username} and {@code provider};
     * other platforms' may carry more.
     */
    private static final List<String> PROFILE_FIELDS = UserPlaceholders.USER_FIELDS.values().stream()
            .filter(field -> !Set.of("id", "email", "role", "tenantId").contains(field)).toList();

    /**
     * The longest a token may still be valid. LibreChat's tokens live 15 minutes (refresh tokens,
     * which never reach the gateway, 7 days); {@code portcullis token --ttl} mints service tokens
     * of at most this. A longer {@code exp} is a mistake or a token minted to outlive its revocation.
     */
    public static final Duration MAX_LIFETIME = Duration.ofDays(365);

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final AuthSettings.ClaimNames claims;
    private final Duration clockSkew;
    private final PrincipalMapper mapper;
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
        this.mapper = new PrincipalMapper(settings.mapping());
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
        checkTimes(set, Instant.now());
        Caller caller = caller(set);
        verified.put(token, new Verified(caller, set.getExpirationTime().toInstant().plus(clockSkew)));
        return caller;
    }

    /** What the processor leaves out: {@code iat} in the future, and an {@code exp} no platform would set. */
    private void checkTimes(JWTClaimsSet set, Instant now) {
        Instant latest = now.plus(clockSkew);
        if (set.getIssueTime() != null && set.getIssueTime().toInstant().isAfter(latest)) {
            long ahead = Duration.between(now, set.getIssueTime().toInstant()).toSeconds();
            throw new GatewayException(ErrorCode.AUTH_TOKEN_INVALID, "The token was issued " + ahead
                    + " s in the future ('iat'), more than the allowed clock skew of " + clockSkew.toSeconds()
                    + " s; check the clocks of the platform and the gateway");
        }
        if (set.getExpirationTime().toInstant().isAfter(latest.plus(MAX_LIFETIME))) {
            throw new GatewayException(ErrorCode.AUTH_TOKEN_INVALID, "The token expires more than "
                    + MAX_LIFETIME.toDays() + " days from now ('exp'); the gateway refuses tokens that long-lived, so issue"
                    + " shorter ones");
        }
    }

    private Caller caller(JWTClaimsSet set) {
        String userId = stringClaim(set, claims.userId()).filter(s -> !s.isBlank()).orElseThrow(() ->
                new GatewayException(ErrorCode.AUTH_TOKEN_INVALID, "The token has no '" + claims.userId() + "' claim naming the user"));
        String role = stringClaim(set, claims.role()).filter(s -> !s.isBlank()).orElse(Caller.USER);
        Optional<String> tenant = stringClaim(set, claims.tenant());
        if (tenant.isPresent() && tenant.get().isBlank()) {
            // A blank tenant would read as no tenant at all: the default tenant, whose servers are not its to see.
            throw new GatewayException(ErrorCode.AUTH_TOKEN_INVALID, "The token's '" + claims.tenant()
                    + "' claim is blank; leave it out for the default tenant, or name the tenant");
        }
        return mapper.apply(new Caller(userId, role, stringClaim(set, claims.email()), tenant, groups(set), profile(set)));
    }

    /**
     * LibreChat's user fields from claims of the same name, for {@code {{LIBRECHAT_USER_*}}}.
     * A string is taken as it is, a boolean or number as its JSON text; any other type is left out
     * rather than refusing the token, because no access decision reads these fields.
     */
    private static Map<String, String> profile(JWTClaimsSet set) {
        Map<String, String> profile = new LinkedHashMap<>();
        for (String field : PROFILE_FIELDS) {
            Object value = set.getClaim(field);
            if (value instanceof String || value instanceof Boolean || value instanceof Number) {
                profile.put(field, value.toString());
            }
        }
        return profile;
    }

    /** Absent (or null) reads as empty; present, it must be a string: a number or object is a malformed claim. */
    private static Optional<String> stringClaim(JWTClaimsSet set, String name) {
        Object value = set.getClaim(name);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof String s) {
            return Optional.of(s);
        }
        throw wrongType(name, "a string");
    }

    /** A list of strings, or one string for a single group. */
    private List<String> groups(JWTClaimsSet set) {
        Object value = set.getClaim(claims.groups());
        if (value == null) {
            return List.of();
        }
        if (value instanceof String group) {
            return List.of(group);
        }
        if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw wrongType(claims.groups(), "a list of strings");
    }

    private static GatewayException wrongType(String claim, String expected) {
        return new GatewayException(ErrorCode.AUTH_TOKEN_INVALID, "The token's '" + claim + "' claim must be " + expected
                + "; check how the platform fills it in");
    }
}
