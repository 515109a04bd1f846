package dev.portcullis.oauth;

import dev.portcullis.config.Secret;
import java.net.URI;
import java.util.List;

/**
 * One authorization attempt, as the caller must persist it until the callback: the URL to send
 * the user to and everything needed to check the response and redeem the code. The issuer is
 * recorded with the PKCE verifier and state (checklist #25). {@code toString()} redacts the verifier.
 *
 * @param url                  the authorization URL to open; only http(s) (checklist #41)
 * @param state                random per attempt (checklist #24)
 * @param codeVerifier         the PKCE verifier (RFC 7636), sent only to the token endpoint
 * @param resource             the RFC 8707 resource, sent again with the code (checklist #26)
 * @param issParameterRequired the server advertised RFC 9207 {@code iss} in responses
 */
public record AuthorizationRequest(URI url, String state, Secret codeVerifier, String issuer, String clientId,
                                   String redirectUri, ResourceUri resource, List<String> scopes,
                                   boolean issParameterRequired) {
    public AuthorizationRequest {
        scopes = List.copyOf(scopes);
    }
}
