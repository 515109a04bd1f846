package dev.portcullis.oauth;

import com.nimbusds.jwt.JWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import dev.portcullis.config.OidcSettings;
import dev.portcullis.config.Secret;
import java.net.URI;
import java.net.URL;
import java.util.Map;
import java.util.Optional;

/**
 * The gateway as an OpenID Connect relying party, for people signing in to the console: the provider's
 * discovery document (its {@code issuer} must be the configured one), the authorization URL (code flow,
 * PKCE S256, state, nonce), the code exchange as a confidential client ({@code client_secret_basic}) and
 * the ID token's validation (signature by a key of the provider's JWKS, issuer, audience, expiry, nonce).
 * Every request — discovery, token, JWKS — goes through the egress guard.
 */
public final class OpenIdProvider {

    /** After a failed discovery, how long sign-ins fail at once instead of each asking the provider again. */
    static final java.time.Duration RETRY_DISCOVERY_AFTER = java.time.Duration.ofSeconds(30);

    private final OAuthHttp http;
    private final ProviderDocuments documents;
    private final OidcSettings settings;
    private final java.time.Clock clock;
    private volatile Provider provider;
    private volatile OAuthException lastFailure;
    private volatile java.time.Instant retryAt = java.time.Instant.MIN;

    /** What discovery found, and the validator built on its JWKS. */
    private record Provider(OIDCProviderMetadata metadata, IDTokenValidator validator) {
    }

    /**
     * A signed-in person: the validated ID token's claims, and the ID token itself (for enterprise-managed
     * servers, which exchange it; a {@link Secret}, so printing this prints no token).
     */
    public record SignedIn(IDTokenClaimsSet claims, Secret idToken) {
    }

    public OpenIdProvider(OAuthHttp http, OidcSettings settings, java.time.Clock clock) {
        this.http = http;
        this.documents = new ProviderDocuments(http);
        this.settings = settings;
        this.clock = clock;
    }

    /** Where to send the browser to sign in; {@code redirectUri} is the gateway's callback. */
    public URI authorizationUrl(URI redirectUri, String state, String nonce, String codeVerifier) {
        OIDCProviderMetadata metadata = provider().metadata();
        return new AuthenticationRequest.Builder(new ResponseType(ResponseType.Value.CODE),
                new Scope(settings.scopes().toArray(String[]::new)), new ClientID(settings.clientId()), redirectUri)
                .endpointURI(metadata.getAuthorizationEndpointURI())
                .state(new State(state))
                .nonce(new Nonce(nonce))
                .codeChallenge(new CodeVerifier(codeVerifier), CodeChallengeMethod.S256)
                .build()
                .toURI();
    }

    /** Redeems the code and validates the ID token it brings against the nonce of this sign-in. */
    public SignedIn signIn(String code, URI redirectUri, String codeVerifier, String nonce) {
        Provider p = provider();
        TokenRequest request = new TokenRequest.Builder(p.metadata().getTokenEndpointURI(),
                new ClientSecretBasic(new ClientID(settings.clientId()),
                        new com.nimbusds.oauth2.sdk.auth.Secret(settings.clientSecret().reveal())),
                new AuthorizationCodeGrant(new AuthorizationCode(code), redirectUri, new CodeVerifier(codeVerifier))).build();
        HTTPResponse response = NimbusCalls.send("the sign-in's code exchange", http.sender(Map.of()), request.toHTTPRequest());
        TokenResponse parsed;
        try {
            parsed = OIDCTokenResponseParser.parse(response);
        } catch (com.nimbusds.oauth2.sdk.ParseException e) {
            throw new OAuthException(OAuthFailure.TOKEN_REJECTED, "the identity provider's token response is not valid", e);
        }
        if (!parsed.indicatesSuccess()) {
            throw new OAuthException(OAuthFailure.TOKEN_REJECTED, "the identity provider refused the code: "
                    + NimbusCalls.safe(parsed.toErrorResponse().getErrorObject().getCode()));
        }
        JWT idToken = ((OIDCTokenResponse) parsed.toSuccessResponse()).getOIDCTokens().getIDToken();
        if (idToken == null) {
            throw new OAuthException(OAuthFailure.TOKEN_REJECTED, "the identity provider sent no ID token (is 'openid' among the scopes?)");
        }
        try {
            return new SignedIn(p.validator().validate(idToken, new Nonce(nonce)), Secret.of(idToken.serialize()));
        } catch (com.nimbusds.jose.JOSEException | com.nimbusds.jose.proc.BadJOSEException e) {
            throw new OAuthException(OAuthFailure.TOKEN_REJECTED, "the ID token is not valid: " + e.getMessage(), e);
        }
    }

    /**
     * The provider's logout page (RP-initiated logout 1.0), when it has one: with {@code client_id} and
     * where to come back. No ID token is kept to hint with; the provider may ask the person to confirm.
     */
    public Optional<URI> logoutUrl(URI afterLogout) {
        URI endSession = provider().metadata().getEndSessionEndpointURI();
        if (endSession == null) {
            return Optional.empty();
        }
        return Optional.of(URI.create(endSession + (endSession.getQuery() == null ? "?" : "&")
                + "client_id=" + encode(settings.clientId()) + "&post_logout_redirect_uri=" + encode(afterLogout.toString())));
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Discovered once, and again after a failure (a provider down at start must not need a restart), but
     * not more than once per {@link #RETRY_DISCOVERY_AFTER}: unauthenticated visitors must not be able to
     * make the gateway fetch from the provider at the rate they ask.
     */
    private Provider provider() {
        Provider p = provider;
        if (p == null) {
            synchronized (this) {
                if (provider == null) {
                    if (clock.instant().isBefore(retryAt)) {
                        throw lastFailure;
                    }
                    try {
                        provider = discover();
                    } catch (OAuthException e) {
                        lastFailure = e;
                        retryAt = clock.instant().plus(RETRY_DISCOVERY_AFTER);
                        throw e;
                    }
                }
                p = provider;
            }
        }
        return p;
    }

    private Provider discover() {
        String issuer = settings.issuer().toString();
        OIDCProviderMetadata metadata = documents.discover(issuer);
        if (metadata.getAuthorizationEndpointURI() == null) {
            throw new OAuthException(OAuthFailure.INVALID_METADATA,
                    "the identity provider's discovery document lacks an authorization endpoint");
        }
        return new Provider(metadata, documents.validator(metadata, issuer, settings.clientId()));
    }
}
