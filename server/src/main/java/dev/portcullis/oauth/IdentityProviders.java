package dev.portcullis.oauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Resource;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import dev.portcullis.config.McpServerConfig.EnterpriseManaged;
import dev.portcullis.config.Secret;
import dev.portcullis.egress.EgressBlockedException;
import dev.portcullis.egress.jetty.GuardedResponse;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The identity providers of enterprise-managed servers, as the gateway needs them: the token endpoint
 * where ID tokens are exchanged for ID-JAGs (unless the operator pinned it), and the provider's keys, to
 * verify an ID token a platform passes with a request. Discovery (OpenID Connect Discovery 1.0; the
 * document must name the configured issuer exactly) and the JWKS go through the egress guard; what was
 * discovered is kept per issuer and client, and a failed discovery is tried again at the next need.
 */
public final class IdentityProviders {
    /** Asymmetric algorithms only: no shared-secret HS*, no {@code none}. */
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384,
            JWSAlgorithm.ES512, JWSAlgorithm.EdDSA);

    private final OAuthHttp http;
    private final ConcurrentMap<String, Provider> providers = new ConcurrentHashMap<>();

    /** What discovery found for one issuer, with the validator for ID tokens issued to one client. */
    private record Provider(OIDCProviderMetadata metadata, IDTokenValidator validator) {
    }

    /**
     * An ID token whose signature, issuer, audience and expiry were checked.
     *
     * @param claims every claim, to match the caller against {@code user_claim}
     */
    public record VerifiedIdToken(String issuer, String subject, Instant expiresAt, Map<String, Object> claims) {
    }

    public IdentityProviders(OAuthHttp http) {
        this.http = http;
    }

    /** Where ID tokens are exchanged: the pinned {@code idp_token_url}, else the provider's discovered token endpoint. */
    public String tokenEndpoint(EnterpriseManaged settings) {
        return settings.idpTokenUrl().orElseGet(() -> provider(settings).metadata().getTokenEndpointURI().toString());
    }

    /**
     * Verifies an ID token against the provider of {@code settings}: signed by a key of its JWKS, issued by
     * it, to the gateway's client ({@code idp_client_id}), not expired (one minute of clock skew).
     */
    public VerifiedIdToken verify(Secret idToken, EnterpriseManaged settings) {
        JWT jwt;
        try {
            jwt = JWTParser.parse(idToken.reveal());
        } catch (java.text.ParseException e) {
            throw new OAuthException(OAuthFailure.ID_TOKEN_INVALID, "the ID token is not a JWT");
        }
        try {
            IDTokenClaimsSet claims = provider(settings).validator().validate(jwt, null);
            return new VerifiedIdToken(claims.getIssuer().getValue(), claims.getSubject().getValue(),
                    claims.getExpirationTime().toInstant(), claims.toJWTClaimsSet().getClaims());
        } catch (BadJOSEException | JOSEException | ParseException e) {
            // Nimbus says which check failed (issuer, audience, expiry, signature); it never repeats the token.
            throw new OAuthException(OAuthFailure.ID_TOKEN_INVALID, "the ID token is not valid for the identity provider '"
                    + settings.idpIssuer() + "' and client '" + settings.idpClientId() + "': " + e.getMessage());
        }
    }

    private Provider provider(EnterpriseManaged settings) {
        String key = settings.idpIssuer() + "\n" + settings.idpClientId();
        Provider known = providers.get(key);
        if (known != null) {
            return known;
        }
        Provider found = discover(settings);
        providers.putIfAbsent(key, found);
        return found;
    }

    private Provider discover(EnterpriseManaged settings) {
        String issuer = settings.idpIssuer();
        String url = issuer.replaceAll("/+$", "") + "/.well-known/openid-configuration";
        GuardedResponse response = get(url);
        if (response.status() != 200) {
            throw new OAuthException(OAuthFailure.METADATA_NOT_FOUND, "the identity provider's discovery document at " + url
                    + " answered HTTP " + response.status());
        }
        OIDCProviderMetadata metadata;
        try {
            metadata = OIDCProviderMetadata.parse(response.contentAsString());
        } catch (ParseException e) {
            throw new OAuthException(OAuthFailure.INVALID_METADATA, "the identity provider's discovery document at " + url
                    + " is not valid: " + e.getMessage(), e);
        }
        if (!metadata.getIssuer().getValue().equals(issuer)) {
            throw new OAuthException(OAuthFailure.ISSUER_MISMATCH, "the discovery document names the issuer '"
                    + metadata.getIssuer().getValue() + "', not the configured idp_issuer '" + issuer + "'");
        }
        if (metadata.getJWKSetURI() == null || metadata.getTokenEndpointURI() == null) {
            throw new OAuthException(OAuthFailure.INVALID_METADATA,
                    "the identity provider's discovery document lacks a token endpoint or a jwks_uri");
        }
        URL jwks;
        try {
            jwks = metadata.getJWKSetURI().toURL();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new OAuthException(OAuthFailure.INVALID_METADATA, "the identity provider's jwks_uri is not a URL", e);
        }
        JWKSource<SecurityContext> keys = JWKSourceBuilder.<SecurityContext>create(jwks, this::retrieve).build();
        IDTokenValidator validator = new IDTokenValidator(new Issuer(issuer), new ClientID(settings.idpClientId()),
                new JWSVerificationKeySelector<>(ALGORITHMS, keys), null);
        return new Provider(metadata, validator);
    }

    /** The JWKS, fetched like every other document of the provider: guarded, bounded, with a timeout. */
    private Resource retrieve(URL url) throws IOException {
        GuardedResponse response = get(url.toString());
        if (response.status() != 200) {
            throw new IOException("the JWKS answered HTTP " + response.status());
        }
        return new Resource(response.contentAsString(), "application/json");
    }

    private GuardedResponse get(String url) {
        try {
            return http.getJson(url, Map.of());
        } catch (EgressBlockedException e) {
            throw OAuthException.blocked("the identity provider's URL '" + url + "'", e);
        } catch (InterruptedException | InterruptedIOException e) {
            Thread.currentThread().interrupt();
            throw new OAuthException(OAuthFailure.TRANSIENT, "interrupted while reaching the identity provider", e);
        } catch (IOException e) {
            EgressBlockedException blocked = EgressBlockedException.find(e);
            if (blocked != null) {
                throw OAuthException.blocked("the identity provider's URL '" + url + "'", blocked);
            }
            throw new OAuthException(OAuthFailure.TRANSIENT, "the identity provider at " + URI.create(url).getHost()
                    + " could not be reached: " + e.getClass().getSimpleName(), e);
        }
    }
}
