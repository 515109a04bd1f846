package dev.portcullis.oauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import dev.portcullis.config.McpServerConfig.EnterpriseManaged;
import dev.portcullis.config.Secret;
import java.time.Instant;
import java.util.Map;
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
    private final ProviderDocuments documents;
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
        this.documents = new ProviderDocuments(http);
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
        OIDCProviderMetadata metadata = documents.discover(settings.idpIssuer());
        return new Provider(metadata, documents.validator(metadata, settings.idpIssuer(), settings.idpClientId()));
    }
}
