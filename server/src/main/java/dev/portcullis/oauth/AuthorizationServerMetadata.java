package dev.portcullis.oauth;

import java.util.List;
import java.util.Optional;

/**
 * The parts of RFC 8414 / OpenID Connect Discovery metadata the client uses.
 *
 * @param issuer                          identical to the issuer it was looked up for (checklist #11)
 * @param codeChallengeMethodsSupported   empty when absent, which means "no PKCE" (checklist #22)
 * @param tokenEndpointAuthMethodsSupported empty when absent; RFC 8414 §2 then means {@code client_secret_basic}
 * @param clientIdMetadataDocumentSupported the CIMD flag of MCP 2025-11-25 (checklist #15, #18)
 * @param authorizationResponseIssParameterSupported RFC 9207 §3: {@code iss} must then be in every response (checklist #25)
 * @param dpopSigningAlgValuesSupported   RFC 9449 §5.1: the server takes DPoP proofs signed so; empty when absent
 */
public record AuthorizationServerMetadata(
        String issuer,
        String authorizationEndpoint,
        String tokenEndpoint,
        Optional<String> registrationEndpoint,
        Optional<String> revocationEndpoint,
        List<String> scopesSupported,
        List<String> codeChallengeMethodsSupported,
        List<String> tokenEndpointAuthMethodsSupported,
        boolean clientIdMetadataDocumentSupported,
        boolean authorizationResponseIssParameterSupported,
        List<String> dpopSigningAlgValuesSupported) {

    public AuthorizationServerMetadata {
        dpopSigningAlgValuesSupported = List.copyOf(dpopSigningAlgValuesSupported);
        scopesSupported = List.copyOf(scopesSupported);
        codeChallengeMethodsSupported = List.copyOf(codeChallengeMethodsSupported);
        tokenEndpointAuthMethodsSupported = List.copyOf(tokenEndpointAuthMethodsSupported);
    }

    /** A server that says nothing about DPoP. */
    public AuthorizationServerMetadata(String issuer, String authorizationEndpoint, String tokenEndpoint,
                                       Optional<String> registrationEndpoint, Optional<String> revocationEndpoint,
                                       List<String> scopesSupported, List<String> codeChallengeMethodsSupported,
                                       List<String> tokenEndpointAuthMethodsSupported,
                                       boolean clientIdMetadataDocumentSupported,
                                       boolean authorizationResponseIssParameterSupported) {
        this(issuer, authorizationEndpoint, tokenEndpoint, registrationEndpoint, revocationEndpoint, scopesSupported,
                codeChallengeMethodsSupported, tokenEndpointAuthMethodsSupported, clientIdMetadataDocumentSupported,
                authorizationResponseIssParameterSupported, List.of());
    }

    static AuthorizationServerMetadata parse(String body, String url) {
        String what = "the authorization server metadata at " + url;
        JsonFields json = JsonFields.parseObject(body, what);
        return new AuthorizationServerMetadata(
                json.string("issuer").orElseThrow(() -> missing(what, "issuer")),
                json.string("authorization_endpoint").orElseThrow(() -> missing(what, "authorization_endpoint")),
                json.string("token_endpoint").orElseThrow(() -> missing(what, "token_endpoint")),
                json.string("registration_endpoint"),
                json.string("revocation_endpoint"),
                json.strings("scopes_supported"),
                json.strings("code_challenge_methods_supported"),
                json.strings("token_endpoint_auth_methods_supported"),
                json.flag("client_id_metadata_document_supported"),
                json.flag("authorization_response_iss_parameter_supported"),
                json.strings("dpop_signing_alg_values_supported"));
    }

    private static OAuthException missing(String what, String field) {
        return new OAuthException(OAuthFailure.INVALID_METADATA, what + " has no '" + field + "'");
    }
}
