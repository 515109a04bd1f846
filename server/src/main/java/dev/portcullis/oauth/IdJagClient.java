package dev.portcullis.oauth;

import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.JWTBearerGrant;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.token.TokenTypeURI;
import com.nimbusds.oauth2.sdk.token.TypelessToken;
import com.nimbusds.oauth2.sdk.tokenexchange.TokenExchangeGrant;
import dev.portcullis.config.Secret;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.minidev.json.JSONObject;

/**
 * The two requests of enterprise-managed authorization (the MCP extension, SEP-990). First, at the identity
 * provider, an RFC 8693 token exchange of the person's ID token for an Identity Assertion JWT Authorization
 * Grant (ID-JAG) addressed to the MCP server's authorization server ({@code audience}) for the server
 * ({@code resource}). Then, at that authorization server, the ID-JAG as an RFC 7523 JWT bearer grant, which
 * brings the person's access token. The gateway does not interpret the ID-JAG: its audience, subject and
 * signature are the authorization server's to check.
 */
public final class IdJagClient {
    public static final String ID_JAG_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id-jag";

    private final OAuthHttp http;
    private final TokenClient tokens;

    public IdJagClient(OAuthHttp http, TokenClient tokens) {
        this.http = http;
        this.tokens = tokens;
    }

    /**
     * What the token exchange at the identity provider needs.
     *
     * @param idp      the gateway's client at the identity provider (its issuer is the provider's)
     * @param audience the MCP server's authorization server issuer
     */
    public record Exchange(Secret idToken, OAuthClient idp, String idpTokenUrl, String audience, ResourceUri resource,
                           List<String> scopes) {
        public Exchange {
            scopes = List.copyOf(scopes);
        }
    }

    /** The ID-JAG for the person whose ID token this is; a refusal is {@link OAuthFailure#INVALID_GRANT} or TOKEN_REJECTED. */
    public Secret requestIdJag(Exchange exchange) {
        TokenTypeURI idJag;
        try {
            idJag = TokenTypeURI.parse(ID_JAG_TOKEN_TYPE);
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
        TokenExchangeGrant grant = new TokenExchangeGrant(new TypelessToken(exchange.idToken().reveal()), TokenTypeURI.ID_TOKEN,
                null, null, idJag, List.of(new Audience(exchange.audience())));
        TokenEndpoint endpoint = new TokenEndpoint(exchange.idp().issuer(), exchange.idpTokenUrl(), Optional.empty(),
                Optional.empty(), Map.of()); // the MCP server's oauth_headers are not the identity provider's
        TokenRequest.Builder builder = tokens.builder(endpoint, exchange.idp(), grant);
        if (!exchange.resource().isOmitted()) {
            builder.resources(exchange.resource().toUri());
        }
        if (!exchange.scopes().isEmpty()) {
            builder.scope(new Scope(exchange.scopes().toArray(String[]::new)));
        }
        String what = "the ID-JAG token exchange at the identity provider";
        HTTPResponse response = NimbusCalls.send(what, http.sender(Map.of()), builder.build().toHTTPRequest());
        if (response.getStatusCode() != 200) {
            ErrorObject error = response.getStatusCode() >= 400 ? ErrorObject.parse(response) : null;
            if (error == null) {
                throw NimbusCalls.unreadable(what, response, OAuthFailure.TOKEN_REJECTED);
            }
            boolean invalidGrant = OAuth2Error.INVALID_GRANT.getCode().equals(error.getCode());
            throw NimbusCalls.failed(what, response, error, invalidGrant ? OAuthFailure.INVALID_GRANT : OAuthFailure.TOKEN_REJECTED);
        }
        // issued_token_type is not insisted on: some providers call the ID-JAG an access_token, and the gateway
        // grants nothing on the strength of it — the authorization server checks its type, audience and signature.
        Object issued;
        try {
            JSONObject body = response.getBodyAsJSONObject();
            issued = body.get("access_token");
        } catch (ParseException e) {
            throw NimbusCalls.unreadable(what, response, OAuthFailure.TOKEN_REJECTED);
        }
        if (!(issued instanceof String value) || value.isBlank()) {
            throw new OAuthException(OAuthFailure.TOKEN_REJECTED, what + " answered without an access_token (the ID-JAG)");
        }
        return Secret.of(value);
    }

    /** Redeems the ID-JAG at the authorization server ({@code client} authenticates as the operator configured it). */
    public TokenSet redeem(Secret idJag, OAuthClient client, TokenEndpoint endpoint, ResourceUri resource, List<String> scopes) {
        TokenClient.requireSameIssuer(client, endpoint);
        SignedJWT assertion;
        try {
            assertion = SignedJWT.parse(idJag.reveal());
        } catch (java.text.ParseException e) {
            throw new OAuthException(OAuthFailure.TOKEN_REJECTED, "the identity provider's ID-JAG is not a signed JWT");
        }
        TokenRequest.Builder builder = tokens.builder(endpoint, client, new JWTBearerGrant(assertion));
        if (!resource.isOmitted()) {
            builder.resources(resource.toUri());
        }
        if (!scopes.isEmpty()) {
            builder.scope(new Scope(scopes.toArray(String[]::new)));
        }
        return tokens.tokens("the ID-JAG redemption at the authorization server", builder.build().toHTTPRequest(), endpoint,
                scopes);
    }
}
