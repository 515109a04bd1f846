package dev.portcullis.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.config.AuthSettings;
import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import dev.portcullis.testing.TestConfigs;
import io.javalin.Javalin;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.Test;

class TokenVerifierTest {
    private static final byte[] SECRET = TestConfigs.SECRET.getBytes(StandardCharsets.UTF_8);
    private static final AuthSettings SETTINGS = new AuthSettings(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), AuthSettings.ClaimNames.LIBRECHAT, Duration.ofSeconds(60));

    private final TokenVerifier verifier = TokenVerifier.sharedSecret(SECRET, SETTINGS);

    private static String hs256(JWTClaimsSet claims, byte[] key) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(key));
        return jwt.serialize();
    }

    private static JWTClaimsSet.Builder librechatClaims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().claim("id", "6650a1b2c3d4e5f6a7b8c9d0").claim("username", "ada")
                .claim("provider", "local").claim("email", "ada@example.com")
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(900)));
    }

    private ErrorCode rejection(String token) {
        try {
            verifier.verify(token);
        } catch (GatewayException e) {
            assertThat(e.status()).isEqualTo(401);
            return e.code();
        }
        throw new AssertionError("token was accepted");
    }

    @Test
    void accepts_a_librechat_token_and_defaults_the_role_to_user() throws Exception {
        Caller caller = verifier.verify(hs256(librechatClaims().build(), SECRET));
        assertThat(caller.userId()).isEqualTo("6650a1b2c3d4e5f6a7b8c9d0");
        assertThat(caller.role()).isEqualTo("USER");
        assertThat(caller.email()).contains("ada@example.com");
        assertThat(caller.tenantId()).isEmpty();
        assertThat(caller.isAdmin()).isFalse();
    }

    /** LibreChat's {{LIBRECHAT_USER_*}} fields: its token carries username and provider; other platforms' may carry more. */
    @Test
    void reads_librechats_user_fields_as_text_and_leaves_out_other_types() throws Exception {
        Caller librechat = verifier.verify(hs256(librechatClaims().build(), SECRET));
        assertThat(librechat.username()).contains("ada");
        assertThat(librechat.provider()).contains("local");
        assertThat(librechat.name()).isEmpty();
        assertThat(librechat.profile()).containsOnlyKeys("username", "provider");

        Caller rich = verifier.verify(hs256(librechatClaims().claim("name", "Ada Lovelace").claim("googleId", "g-1")
                .claim("emailVerified", true).claim("termsAcceptedAt", 1700000000L).claim("openidId", java.util.Map.of("x", 1))
                .claim("somethingElse", "ignored").build(), SECRET));
        assertThat(rich.name()).contains("Ada Lovelace");
        assertThat(rich.profile()).containsEntry("googleId", "g-1").containsEntry("emailVerified", "true")
                .containsEntry("termsAcceptedAt", "1700000000").doesNotContainKeys("openidId", "somethingElse", "id", "email");
    }

    @Test
    void reads_role_tenant_and_groups() throws Exception {
        Caller caller = verifier.verify(hs256(librechatClaims().claim("role", "ADMIN").claim("tenantId", "t1")
                .claim("groups", List.of("eng", "ops")).build(), SECRET));
        assertThat(caller.isAdmin()).isTrue();
        assertThat(caller.tenantId()).contains("t1");
        assertThat(caller.groups()).containsExactly("eng", "ops");
    }

    @Test
    void a_minted_token_verifies() {
        String token = new TokenMinter(SECRET, SETTINGS, Clock.systemUTC()).mint(new TokenMinter.Claims("u1", "ADMIN",
                Optional.of("a@b.c"), Optional.empty(), Duration.ofMinutes(5)));
        assertThat(verifier.verify(token)).isEqualTo(new Caller("u1", "ADMIN", Optional.of("a@b.c"), Optional.empty(), List.of()));
    }

    @Test
    void rejects_an_expired_token() throws Exception {
        Instant past = Instant.now().minusSeconds(3600);
        assertThat(rejection(hs256(librechatClaims().expirationTime(Date.from(past)).build(), SECRET)))
                .isEqualTo(ErrorCode.AUTH_TOKEN_EXPIRED);
    }

    @Test
    void tolerates_clock_skew_within_a_minute() throws Exception {
        Instant justExpired = Instant.now().minusSeconds(20);
        assertThat(verifier.verify(hs256(librechatClaims().expirationTime(Date.from(justExpired)).build(), SECRET)).userId())
                .isNotEmpty();
    }

    @Test
    void a_token_issued_in_the_future_beyond_the_skew_is_refused() throws Exception {
        Instant now = Instant.now();
        GatewayException e = refused(hs256(librechatClaims().issueTime(Date.from(now.plusSeconds(600))).build(), SECRET));
        assertThat(e.getMessage()).contains("'iat'").contains("clocks");
        assertThat(verifier.verify(hs256(librechatClaims().issueTime(Date.from(now.plusSeconds(30))).build(), SECRET)).userId())
                .as("within the 60 s skew").isNotEmpty();
    }

    @Test
    void a_token_valid_for_more_than_a_year_is_refused() throws Exception {
        Instant now = Instant.now();
        GatewayException e = refused(hs256(librechatClaims().expirationTime(Date.from(now.plus(Duration.ofDays(366))))
                .build(), SECRET));
        assertThat(e.getMessage()).contains("'exp'").contains("365 days");
        assertThat(refused(hs256(librechatClaims().expirationTime(Date.from(Instant.parse("9999-12-31T00:00:00Z"))).build(),
                SECRET)).code()).isEqualTo(ErrorCode.AUTH_TOKEN_INVALID);
        String longest = new TokenMinter(SECRET, SETTINGS, Clock.systemUTC()).mint(new TokenMinter.Claims("svc", "USER",
                Optional.empty(), Optional.empty(), TokenVerifier.MAX_LIFETIME));
        assertThat(verifier.verify(longest).userId()).as("the longest token 'portcullis token' mints").isEqualTo("svc");
    }

    @Test
    void claims_of_the_wrong_type_are_refused_not_read_as_absent() throws Exception {
        java.util.Map<String, Object> wrong = new java.util.LinkedHashMap<>();
        wrong.put("tenantId", 42);
        wrong.put("role", List.of("ADMIN"));
        wrong.put("groups", List.of("eng", 7));
        wrong.put("email", java.util.Map.of("address", "a@b.c"));
        wrong.put("id", 12345);
        for (var claim : wrong.entrySet()) {
            GatewayException e = refused(hs256(librechatClaims().claim(claim.getKey(), claim.getValue()).build(), SECRET));
            assertThat(e.code()).as(claim.getKey()).isEqualTo(ErrorCode.AUTH_TOKEN_INVALID);
            assertThat(e.getMessage()).as(claim.getKey()).contains("'" + claim.getKey() + "'");
        }
        assertThat(refused(hs256(librechatClaims().claim("groups", java.util.Map.of("a", "b")).build(), SECRET)).getMessage())
                .contains("a list of strings");
    }

    @Test
    void a_blank_tenant_is_refused_not_read_as_the_default_tenant() throws Exception {
        for (String blank : List.of("", "  ")) {
            GatewayException e = refused(hs256(librechatClaims().claim("tenantId", blank).build(), SECRET));
            assertThat(e.code()).isEqualTo(ErrorCode.AUTH_TOKEN_INVALID);
            assertThat(e.getMessage()).contains("'tenantId'").contains("blank");
        }
    }

    @Test
    void a_single_group_may_be_a_string_and_a_null_claim_is_absent() throws Exception {
        Caller caller = verifier.verify(hs256(librechatClaims().claim("groups", "eng").claim("tenantId", null).build(), SECRET));
        assertThat(caller.groups()).containsExactly("eng");
        assertThat(caller.tenantId()).isEmpty();
    }

    private GatewayException refused(String token) {
        try {
            verifier.verify(token);
        } catch (GatewayException e) {
            assertThat(e.status()).isEqualTo(401);
            return e;
        }
        throw new AssertionError("token was accepted");
    }

    @Test
    void a_cached_token_still_expires() throws Exception {
        AuthSettings noSkew = new AuthSettings(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                AuthSettings.ClaimNames.LIBRECHAT, Duration.ZERO);
        TokenVerifier v = TokenVerifier.sharedSecret(SECRET, noSkew);
        String token = hs256(librechatClaims().expirationTime(Date.from(Instant.now().plusMillis(1500))).build(), SECRET);
        assertThat(v.verify(token).userId()).isNotEmpty();
        assertThat(v.verify(token).userId()).as("served from the cache").isNotEmpty();
        Thread.sleep(1700);
        assertThatThrownBy(() -> v.verify(token)).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.AUTH_TOKEN_EXPIRED));
    }

    @Test
    void rejects_an_unsigned_token() {
        String none = new PlainJWT(librechatClaims().build()).serialize();
        assertThat(rejection(none)).isEqualTo(ErrorCode.AUTH_TOKEN_INVALID);
    }

    @Test
    void rejects_alg_none_with_a_signature_part() throws Exception {
        String signed = hs256(librechatClaims().build(), SECRET);
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        String forged = header + signed.substring(signed.indexOf('.'));
        assertThat(rejection(forged)).isIn(ErrorCode.AUTH_TOKEN_INVALID, ErrorCode.AUTH_TOKEN_MALFORMED);
    }

    @Test
    void rejects_a_token_signed_with_another_secret() throws Exception {
        byte[] other = "another-secret-0123456789abcdef0123456789".getBytes(StandardCharsets.UTF_8);
        assertThat(rejection(hs256(librechatClaims().build(), other))).isEqualTo(ErrorCode.AUTH_TOKEN_INVALID);
    }

    @Test
    void rejects_a_tampered_payload() throws Exception {
        String[] parts = hs256(librechatClaims().build(), SECRET).split("\\.");
        String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                librechatClaims().claim("role", "ADMIN").build().toString().getBytes(StandardCharsets.UTF_8));
        assertThat(rejection(parts[0] + "." + payload + "." + parts[2])).isEqualTo(ErrorCode.AUTH_TOKEN_INVALID);
    }

    @Test
    void rejects_an_asymmetric_token_when_configured_for_a_shared_secret() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), librechatClaims().build());
        jwt.sign(new RSASSASigner(key));
        assertThat(rejection(jwt.serialize())).isEqualTo(ErrorCode.AUTH_TOKEN_INVALID);
    }

    @Test
    void rejects_malformed_tokens() {
        assertThat(rejection("not-a-jwt")).isEqualTo(ErrorCode.AUTH_TOKEN_MALFORMED);
        assertThat(rejection("a.b.c")).isEqualTo(ErrorCode.AUTH_TOKEN_MALFORMED);
        assertThat(rejection("")).isEqualTo(ErrorCode.AUTH_TOKEN_MALFORMED);
    }

    @Test
    void rejects_a_token_without_expiry_or_user() throws Exception {
        assertThat(rejection(hs256(new JWTClaimsSet.Builder().claim("id", "u").build(), SECRET)))
                .isEqualTo(ErrorCode.AUTH_TOKEN_INVALID);
        assertThat(rejection(hs256(librechatClaims().claim("id", null).build(), SECRET)))
                .isEqualTo(ErrorCode.AUTH_TOKEN_INVALID);
    }

    @Test
    void checks_issuer_and_audience_when_configured() throws Exception {
        AuthSettings strict = new AuthSettings(Optional.empty(), Optional.empty(), Optional.of("https://chat.example.com"),
                Optional.of("portcullis"), AuthSettings.ClaimNames.LIBRECHAT, Duration.ofSeconds(60));
        TokenVerifier v = TokenVerifier.sharedSecret(SECRET, strict);
        assertThat(v.verify(hs256(librechatClaims().issuer("https://chat.example.com").audience("portcullis").build(), SECRET))
                .userId()).isNotEmpty();
        assertThatThrownBy(() -> v.verify(hs256(librechatClaims().issuer("https://evil.example.com").audience("portcullis").build(), SECRET)))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.AUTH_TOKEN_INVALID));
        assertThatThrownBy(() -> v.verify(hs256(librechatClaims().issuer("https://chat.example.com").audience("other").build(), SECRET)))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.AUTH_TOKEN_INVALID));
    }

    @Test
    void verifies_with_a_jwks_served_over_http() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("k1").generate();
        String jwks = new JWKSet(key.toPublicJWK()).toString();
        Javalin idp = Javalin.create(c -> c.routes.get("/jwks", ctx -> ctx.contentType("application/json").result(jwks)))
                .start("127.0.0.1", 0);
        var policy = dev.portcullis.egress.EgressPolicy.builder().lists(dev.portcullis.egress.EgressContext.ENDPOINT,
                dev.portcullis.egress.EgressLists.addressesOnly(List.of("127.0.0.1:" + idp.port()))).build();
        HttpClient client = dev.portcullis.egress.jetty.GuardedHttpClients.create(policy);
        client.start();
        try {
            AuthSettings settings = new AuthSettings(Optional.empty(),
                    Optional.of(URI.create("http://127.0.0.1:" + idp.port() + "/jwks")), Optional.empty(), Optional.empty(),
                    new AuthSettings.ClaimNames("sub", "role", "email", "tenantId", "groups"), Duration.ofSeconds(60));
            var config = TestConfigs.fromYaml("auth:\n  jwksUrl: " + settings.jwksUrl().get() + "\n  claims: {userId: sub}\n",
                    java.nio.file.Path.of("."));
            TokenVerifier v = TokenVerifiers.forConfig(config, client);

            Instant now = Instant.now();
            JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("oidc-user").expirationTime(Date.from(now.plusSeconds(60))).build();
            SignedJWT good = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").type(JOSEObjectType.JWT).build(), claims);
            good.sign(new RSASSASigner(key));
            assertThat(v.verify(good.serialize()).userId()).isEqualTo("oidc-user");

            SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), claims);
            forged.sign(new RSASSASigner(stranger));
            assertThatThrownBy(() -> v.verify(forged.serialize())).isInstanceOfSatisfying(GatewayException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.AUTH_TOKEN_INVALID));
            assertThatThrownBy(() -> v.verify(hs256(librechatClaims().claim("sub", "x").build(), SECRET)))
                    .as("an HS256 token must not pass against a JWKS (algorithm confusion)")
                    .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.AUTH_TOKEN_INVALID));
        } finally {
            client.stop();
            idp.stop();
        }
    }
}
