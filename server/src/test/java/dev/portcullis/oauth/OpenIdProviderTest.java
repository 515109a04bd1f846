package dev.portcullis.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import dev.portcullis.config.OidcSettings;
import dev.portcullis.config.Secret;
import io.javalin.Javalin;
import java.net.URI;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ID token is believed only when it is signed by a key of the provider's JWKS with an asymmetric
 * algorithm, for this client, by this issuer, unexpired, with this sign-in's nonce; and the provider is
 * the configured issuer. A provider inside the test hands out exactly the token each case needs.
 */
class OpenIdProviderTest {
    private static final String CLIENT = "portcullis-console";
    private static final String SECRET = "console-secret-0123456789abcdef0123456789";
    private static final String NONCE = "the-nonce";

    private final LoopbackHttp loopback = new LoopbackHttp();
    private final RSAKey key = generate();
    private volatile String issuerOverride;
    private volatile Function<String, String> idToken = issuer -> "";
    private final Javalin idp = Javalin.create(config -> {
        config.startup.showJavalinBanner = false;
        config.jetty.host = "127.0.0.1";
        config.jetty.port = 0;
        config.routes.get("/.well-known/openid-configuration", ctx -> ctx.json(Map.of(
                "issuer", issuerOverride != null ? issuerOverride : issuer(),
                "authorization_endpoint", issuer() + "/authorize", "token_endpoint", issuer() + "/token",
                "jwks_uri", issuer() + "/jwks", "response_types_supported", List.of("code"),
                "subject_types_supported", List.of("public"), "id_token_signing_alg_values_supported", List.of("RS256"))));
        config.routes.get("/jwks", ctx -> ctx.contentType("application/json").result(new JWKSet(key.toPublicJWK()).toString()));
        config.routes.post("/token", ctx -> ctx.json(Map.of("access_token", "at", "token_type", "Bearer",
                "id_token", idToken.apply(issuer()))));
    }).start();

    private static RSAKey generate() {
        try {
            return new RSAKeyGenerator(2048).keyID("k1").generate();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() throws Exception {
        idp.stop();
        loopback.close();
    }

    private String issuer() {
        return "http://127.0.0.1:" + idp.port();
    }

    private OpenIdProvider provider() {
        return new OpenIdProvider(loopback.http, new OidcSettings(URI.create(issuer()), CLIENT, Secret.of(SECRET),
                OidcSettings.DEFAULT_SCOPES, OidcSettings.Claims.DEFAULTS), java.time.Clock.systemUTC());
    }

    private static JWTClaimsSet.Builder claims(String issuer) {
        return new JWTClaimsSet.Builder().issuer(issuer).subject("alice").audience(CLIENT).claim("nonce", NONCE)
                .issueTime(new Date()).expirationTime(new Date(System.currentTimeMillis() + 300_000));
    }

    private static String rs256(RSAKey by, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(by.getKeyID()).build(), claims);
            jwt.sign(new RSASSASigner(by));
            return jwt.serialize();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private OpenIdProvider.SignedIn signIn() {
        return provider().signIn("code", URI.create("http://localhost:3080/console/callback"), "v".repeat(43), NONCE);
    }

    private void refused(Function<String, String> token) {
        idToken = token;
        assertThatThrownBy(this::signIn).isInstanceOfSatisfying(OAuthException.class,
                e -> assertThat(e.failure()).isEqualTo(OAuthFailure.TOKEN_REJECTED));
    }

    @Test
    void a_token_signed_by_the_providers_key_for_this_client_and_nonce_is_believed() {
        idToken = issuer -> rs256(key, claims(issuer).build());
        assertThat(signIn().claims().getSubject().getValue()).isEqualTo("alice");
    }

    @Test
    void the_authorization_url_is_the_providers_with_pkce() {
        URI url = provider().authorizationUrl(URI.create("http://localhost:3080/console/callback"), "s", NONCE, "v".repeat(43));
        assertThat(url.toString()).startsWith(issuer() + "/authorize?").contains("code_challenge_method=S256", "nonce=" + NONCE);
    }

    @Test
    void another_nonce_is_refused() {
        refused(issuer -> rs256(key, claims(issuer).claim("nonce", "someone-elses").build()));
    }

    @Test
    void another_audience_is_refused() {
        refused(issuer -> rs256(key, claims(issuer).audience("another-client").build()));
    }

    @Test
    void another_issuer_is_refused() {
        refused(issuer -> rs256(key, claims("https://evil.example").build()));
    }

    @Test
    void an_expired_token_is_refused() {
        refused(issuer -> rs256(key, claims(issuer).expirationTime(new Date(System.currentTimeMillis() - 600_000)).build()));
    }

    @Test
    void a_token_signed_by_another_key_is_refused() {
        RSAKey other = generate();
        refused(issuer -> rs256(other, claims(issuer).build()));
    }

    @Test
    void a_token_signed_with_the_client_secret_is_refused() {
        refused(issuer -> {
            try {
                SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims(issuer).build());
                jwt.sign(new MACSigner(SECRET));
                return jwt.serialize();
            } catch (com.nimbusds.jose.JOSEException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void an_unsigned_token_is_refused() {
        refused(issuer -> new PlainJWT(claims(issuer).build()).serialize());
    }

    @Test
    void a_discovery_document_naming_another_issuer_is_refused() {
        issuerOverride = "https://evil.example";
        assertThatThrownBy(() -> provider().authorizationUrl(URI.create("http://localhost/cb"), "s", NONCE, "v".repeat(43)))
                .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.failure()).isEqualTo(OAuthFailure.ISSUER_MISMATCH));
    }
}
