package dev.portcullis.oauth;

import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import dev.portcullis.config.McpServerConfig.OAuthSettings;
import dev.portcullis.config.Secret;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Builds the authorization request (RFC 6749 §4.1.1) for one attempt: PKCE S256 (RFC 7636,
 * checklist #21–22), a fresh random {@code state} (checklist #24), the RFC 8707 {@code resource}
 * (checklist #26–28) and LibreChat's {@code audience} knob when configured.
 */
public final class AuthorizationRequests {
    private static final String S256 = CodeChallengeMethod.S256.getValue();

    private AuthorizationRequests() {
    }

    /**
     * @param resource the canonical resource from discovery
     * @param scopes   from {@link Scopes#initial} or {@link StepUp#nextScopes}
     * @param settings the server's {@code oauth} block, for its authorization URL, PKCE and audience knobs
     * @param dpopJkt  the thumbprint of the grant's DPoP key, sent as {@code dpop_jkt} (RFC 9449 §10) so that
     *                 the code can only be redeemed with that key
     */
    public record Params(AuthorizationServerMetadata server, OAuthClient client, ResourceUri resource,
                         List<String> scopes, Optional<OAuthSettings> settings, Optional<String> dpopJkt) {

        /** A request for a Bearer grant. */
        public Params(AuthorizationServerMetadata server, OAuthClient client, ResourceUri resource,
                      List<String> scopes, Optional<OAuthSettings> settings) {
            this(server, client, resource, scopes, settings, Optional.empty());
        }
    }

    public static AuthorizationRequest create(Params p) {
        if (!p.client().issuer().equals(p.server().issuer())) {
            // checklist #20: a client belongs to the server that issued it
            throw new IllegalArgumentException("the client was issued by " + p.client().issuer()
                    + ", not by " + p.server().issuer());
        }
        requireS256(p.server(), p.settings());
        String endpoint = p.settings().flatMap(OAuthSettings::authorizationUrl).filter(u -> !u.isBlank())
                .orElse(p.server().authorizationEndpoint());
        URI checked = AuthorizationUrls.require(endpoint);
        CodeVerifier verifier = new CodeVerifier();
        State state = new State();
        var builder = new com.nimbusds.oauth2.sdk.AuthorizationRequest.Builder(ResponseType.CODE,
                new ClientID(p.client().clientId()))
                .endpointURI(checked)
                .redirectionURI(URI.create(p.client().redirectUri()))
                .state(state)
                .codeChallenge(verifier, CodeChallengeMethod.S256);
        if (!p.resource().isOmitted()) {
            builder.resources(p.resource().toUri());
        }
        if (!p.scopes().isEmpty()) {
            builder.scope(new Scope(p.scopes().toArray(String[]::new)));
        }
        p.settings().flatMap(OAuthSettings::audience).filter(a -> !a.isBlank())
                .ifPresent(audience -> builder.customParameter("audience", audience));
        p.dpopJkt().ifPresent(jkt -> builder.customParameter("dpop_jkt", jkt));
        URI url = AuthorizationUrls.require(builder.build().toURI().toString());
        return new AuthorizationRequest(url, state.getValue(), Secret.of(verifier.getValue()), p.server().issuer(),
                p.client().clientId(), p.client().redirectUri(), p.resource(), p.scopes(),
                p.server().authorizationResponseIssParameterSupported());
    }

    /**
     * Checklist #22: without S256 in {@code code_challenge_methods_supported} (absent counts as
     * unsupported) the client must not proceed — unless the operator lists S256 in the server's
     * {@code code_challenge_methods_supported} or sets {@code skip_code_challenge_check}, for servers
     * that support PKCE without saying so. S256 is sent either way.
     */
    private static void requireS256(AuthorizationServerMetadata server, Optional<OAuthSettings> settings) {
        boolean skip = settings.map(OAuthSettings::skipCodeChallengeCheck).orElse(false);
        boolean configured = settings.map(s -> s.codeChallengeMethodsSupported().contains(S256)).orElse(false);
        if (!skip && !configured && !server.codeChallengeMethodsSupported().contains(S256)) {
            throw new OAuthException(OAuthFailure.PKCE_UNSUPPORTED, "the authorization server " + server.issuer()
                    + " does not advertise PKCE S256 (code_challenge_methods_supported "
                    + server.codeChallengeMethodsSupported() + "); set oauth.skip_code_challenge_check if it supports it anyway");
        }
    }
}
