package dev.portcullis.oauth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Resource;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import dev.portcullis.egress.EgressBlockedException;
import dev.portcullis.egress.jetty.GuardedResponse;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.util.Map;
import java.util.Set;

/**
 * An OpenID provider's documents, as the console's sign-in and enterprise-managed servers both read them: the
 * discovery document (fetched through the egress guard and checked to name the issuer it was fetched for) and
 * an ID token validator over the provider's JWKS (fetched the same way, asymmetric algorithms only).
 */
final class ProviderDocuments {
    /** Asymmetric algorithms only: no shared-secret HS*, no {@code none}. */
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384,
            JWSAlgorithm.ES512, JWSAlgorithm.EdDSA);

    private final OAuthHttp http;

    ProviderDocuments(OAuthHttp http) {
        this.http = http;
    }

    /** The provider's discovery document; OpenID Connect Discovery §4.3: it must name this issuer, exactly. */
    OIDCProviderMetadata discover(String issuer) {
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
                    + metadata.getIssuer().getValue() + "', not the configured '" + issuer + "'");
        }
        if (metadata.getJWKSetURI() == null || metadata.getTokenEndpointURI() == null) {
            throw new OAuthException(OAuthFailure.INVALID_METADATA,
                    "the identity provider's discovery document lacks a token endpoint or a jwks_uri");
        }
        return metadata;
    }

    /** A validator of ID tokens this provider issued to this client, with the keys of its JWKS. */
    IDTokenValidator validator(OIDCProviderMetadata metadata, String issuer, String clientId) {
        URL jwks;
        try {
            jwks = metadata.getJWKSetURI().toURL();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new OAuthException(OAuthFailure.INVALID_METADATA, "the identity provider's jwks_uri is not a URL", e);
        }
        JWKSource<SecurityContext> keys = JWKSourceBuilder.<SecurityContext>create(jwks, this::retrieve).build();
        return new IDTokenValidator(new Issuer(issuer), new ClientID(clientId), new JWSVerificationKeySelector<>(ALGORITHMS, keys),
                null);
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
