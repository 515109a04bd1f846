package dev.portcullis.oauth;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Token;
import com.nimbusds.oauth2.sdk.token.Tokens;
import dev.portcullis.config.Secret;
import dev.portcullis.oauth.dpop.DpopKey;
import dev.portcullis.oauth.dpop.DpopNonces;
import dev.portcullis.oauth.dpop.DpopProofs;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The token endpoint and the revocation endpoint: code exchange with the PKCE verifier, refresh,
 * and RFC 7009 revocation, each authenticated as the client says ({@code client_secret_basic},
 * {@code client_secret_post} or {@code none}) and each carrying the RFC 8707 {@code resource}
 * where the grant has one (checklist #26, #28). Failures are typed: {@code INVALID_GRANT} means
 * re-authorize, {@code TRANSIENT} means keep the grant and try later (checklist #38).
 *
 * <p>A grant bound to a DPoP key (RFC 9449 §5) sends a fresh proof with each code exchange and
 * refresh; an authorization server's {@code use_dpop_nonce} is answered once with its nonce, and
 * its latest nonce is kept for the next request.
 */
public final class TokenClient {
    private static final String USE_DPOP_NONCE = "use_dpop_nonce";

    private final OAuthHttp http;
    private final Clock clock;
    private final DpopNonces nonces;

    public TokenClient(OAuthHttp http, Clock clock) {
        this(http, clock, new DpopNonces());
    }

    public TokenClient(OAuthHttp http, Clock clock, DpopNonces nonces) {
        this.http = http;
        this.clock = clock;
        this.nonces = nonces;
    }

    /** Which kind of token to revoke; sent as RFC 7009 {@code token_type_hint}. */
    public enum TokenKind { ACCESS_TOKEN, REFRESH_TOKEN }

    /** Redeems the code from {@link AuthorizationCallback#code} for the attempt that produced it. */
    public TokenSet exchange(AuthorizationRequest pending, Secret code, OAuthClient client, TokenEndpoint endpoint) {
        return exchange(pending, code, client, endpoint, Optional.empty());
    }

    /** @param dpop the grant's key when its tokens are to be DPoP-bound */
    public TokenSet exchange(AuthorizationRequest pending, Secret code, OAuthClient client, TokenEndpoint endpoint,
                             Optional<DpopKey> dpop) {
        requireSameIssuer(client, endpoint);
        if (!pending.issuer().equals(endpoint.issuer())) {
            throw new IllegalArgumentException("the attempt was for " + pending.issuer() + ", not " + endpoint.issuer());
        }
        AuthorizationGrant grant = new AuthorizationCodeGrant(new AuthorizationCode(code.reveal()),
                URI.create(pending.redirectUri()), new CodeVerifier(pending.codeVerifier().reveal()));
        TokenRequest.Builder exchange = builder(endpoint, client, grant);
        if (!pending.resource().isOmitted()) {
            exchange.resources(pending.resource().toUri());
        }
        TokenRequest request = exchange.build();
        return tokens("the code exchange", request::toHTTPRequest, endpoint, pending.scopes(), dpop);
    }

    /**
     * Refreshes a grant. {@code scope} is not sent, so the grant keeps exactly its scopes (RFC 6749
     * §6; some servers reject it); a step-up needs a new authorization, not a refresh (checklist #32).
     *
     * @param grantedScopes what the grant holds, reported when the response omits {@code scope}
     */
    public TokenSet refresh(Secret refreshToken, ResourceUri resource, List<String> grantedScopes, OAuthClient client,
                            TokenEndpoint endpoint) {
        return refresh(refreshToken, resource, grantedScopes, client, endpoint, Optional.empty());
    }

    /** @param dpop the grant's key: a DPoP-bound grant is refreshed with a proof of the same key (RFC 9449 §5) */
    public TokenSet refresh(Secret refreshToken, ResourceUri resource, List<String> grantedScopes, OAuthClient client,
                            TokenEndpoint endpoint, Optional<DpopKey> dpop) {
        requireSameIssuer(client, endpoint);
        TokenRequest.Builder builder = builder(endpoint, client, new RefreshTokenGrant(new RefreshToken(refreshToken.reveal())));
        if (!resource.isOmitted()) {
            builder.resources(resource.toUri());
        }
        endpoint.audience().ifPresent(audience -> builder.customParameter("audience", audience));
        TokenRequest request = builder.build();
        return tokens("the token refresh", request::toHTTPRequest, endpoint, grantedScopes, dpop);
    }

    /**
     * Revokes a token at the server (RFC 7009 §2). Returns false, having sent nothing, when the
     * server offers no revocation endpoint. A server that does not know the token answers 200.
     */
    public boolean revoke(Secret token, TokenKind kind, OAuthClient client, TokenEndpoint endpoint) {
        requireSameIssuer(client, endpoint);
        if (endpoint.revocationUrl().isEmpty()) {
            return false;
        }
        URI url = URI.create(endpoint.revocationUrl().get());
        Token nimbusToken = kind == TokenKind.ACCESS_TOKEN ? new BearerAccessToken(token.reveal())
                : new RefreshToken(token.reveal());
        TokenRevocationRequest request = authentication(client)
                .map(auth -> new TokenRevocationRequest(url, auth, nimbusToken))
                .orElseGet(() -> new TokenRevocationRequest(url, new ClientID(client.clientId()), nimbusToken));
        HTTPResponse response = send("the token revocation", request.toHTTPRequest(), endpoint);
        if (response.getStatusCode() == 200) {
            return true;
        }
        ErrorObject error = response.getStatusCode() >= 400 ? ErrorObject.parse(response) : null;
        throw error == null ? NimbusCalls.unreadable("the token revocation", response, OAuthFailure.TOKEN_REJECTED)
                : NimbusCalls.failed("the token revocation", response, error, OAuthFailure.TOKEN_REJECTED);
    }

    TokenRequest.Builder builder(TokenEndpoint endpoint, OAuthClient client, AuthorizationGrant grant) {
        URI tokenUrl = URI.create(endpoint.tokenUrl());
        return authentication(client).map(auth -> new TokenRequest.Builder(tokenUrl, auth, grant))
                .orElseGet(() -> new TokenRequest.Builder(tokenUrl, new ClientID(client.clientId()), grant));
    }

    private static Optional<ClientAuthentication> authentication(OAuthClient client) {
        ClientID id = new ClientID(client.clientId());
        return client.clientSecret().map(s -> new com.nimbusds.oauth2.sdk.auth.Secret(s.reveal())).map(secret ->
                switch (client.authMethod()) {
                    case CLIENT_SECRET_BASIC -> new ClientSecretBasic(id, secret);
                    case CLIENT_SECRET_POST -> new ClientSecretPost(id, secret);
                    case NONE -> null;
                });
    }

    /** Sends a token request without a proof and reads the answer; also the machine grants' ({@link MachineTokenClient}). */
    TokenSet tokens(String what, HTTPRequest request, TokenEndpoint endpoint, List<String> requestedScopes) {
        return tokens(what, () -> request, endpoint, requestedScopes, Optional.empty());
    }

    private TokenSet tokens(String what, Supplier<HTTPRequest> request, TokenEndpoint endpoint, List<String> requestedScopes,
                            Optional<DpopKey> dpop) {
        HTTPResponse response = dpop.isPresent() ? sendWithProof(what, request, endpoint, dpop.get())
                : send(what, request.get(), endpoint);
        TokenResponse parsed;
        try {
            parsed = TokenResponse.parse(response);
        } catch (ParseException e) {
            throw NimbusCalls.unreadable(what, response, OAuthFailure.TOKEN_REJECTED);
        }
        if (parsed instanceof TokenErrorResponse error) {
            boolean invalidGrant = error.getErrorObject() != null
                    && OAuth2Error.INVALID_GRANT.getCode().equals(error.getErrorObject().getCode());
            throw NimbusCalls.failed(what, response, error.getErrorObject(),
                    invalidGrant ? OAuthFailure.INVALID_GRANT : OAuthFailure.TOKEN_REJECTED);
        }
        Tokens tokens = ((AccessTokenResponse) parsed).getTokens();
        AccessToken access = tokens.getAccessToken();
        Instant now = clock.instant();
        return new TokenSet(Secret.of(access.getValue()),
                Optional.ofNullable(tokens.getRefreshToken()).map(r -> Secret.of(r.getValue())),
                access.getLifetime() > 0 ? Optional.of(now.plusSeconds(access.getLifetime())) : Optional.empty(),
                access.getScope() != null ? access.getScope().toStringList() : requestedScopes,
                access.getType().getValue());
    }

    /**
     * Sends with a DPoP proof; a {@code 400 use_dpop_nonce} with a {@code DPoP-Nonce} is answered
     * exactly once, with a new proof (a new {@code jti}) carrying that nonce (RFC 9449 §8). The
     * server's latest nonce, from any answer, is kept for this server's next proof.
     */
    private HTTPResponse sendWithProof(String what, Supplier<HTTPRequest> build, TokenEndpoint endpoint, DpopKey key) {
        URI tokenUrl = URI.create(endpoint.tokenUrl());
        for (int attempt = 0; ; attempt++) {
            HTTPRequest request = build.get();
            request.setHeader("DPoP", DpopProofs.forTokenRequest(key, tokenUrl, nonces.ofAuthorizationServer(endpoint.issuer())));
            HTTPResponse response = send(what, request, endpoint);
            String nonce = response.getHeaderValue("DPoP-Nonce");
            if (nonce != null) {
                nonces.fromAuthorizationServer(endpoint.issuer(), nonce);
            }
            if (attempt == 0 && nonce != null && asksForNonce(response)) {
                continue;
            }
            return response;
        }
    }

    private static boolean asksForNonce(HTTPResponse response) {
        if (response.getStatusCode() != 400) {
            return false;
        }
        ErrorObject error = ErrorObject.parse(response);
        return error != null && USE_DPOP_NONCE.equals(error.getCode());
    }

    private HTTPResponse send(String what, HTTPRequest request, TokenEndpoint endpoint) {
        return NimbusCalls.send(what, http.sender(endpoint.oauthHeaders()), request);
    }

    /** Checklist #20: credentials issued by one authorization server are never presented to another. */
    static void requireSameIssuer(OAuthClient client, TokenEndpoint endpoint) {
        if (!client.issuer().equals(endpoint.issuer())) {
            throw new IllegalArgumentException("the client was issued by " + client.issuer() + ", not by " + endpoint.issuer());
        }
    }
}
