package dev.portcullis.oauth.flow;

import java.util.List;

/**
 * One authorization attempt as stored between the start and the callback. The PKCE verifier and
 * the client secret are sealed (they must never sit in a cache in clear); the browser binding is
 * kept only as a hash. Plain fields so it serializes to JSON for the shared store.
 *
 * @param flowId             LibreChat's flow id: tenant, user and server
 * @param state              the per-attempt OAuth {@code state}
 * @param bindingHash        SHA-256 (hex) of the browser-binding cookie value, or empty until one is set
 * @param createdAtMillis    when the attempt started; PENDING goes stale after {@link OAuthFlows#PENDING_STALE}
 * @param sealedDpopKey      the grant's DPoP private key (RFC 9449), sealed, made when the attempt started;
 *                           null for a Bearer grant
 * @param dpopAlg            the JWS algorithm of that key, or null
 */
public record FlowRecord(String flowId, String tenantId, String userId, String serverName, FlowStatus status,
                         long createdAtMillis, String authorizationUrl, String state, String sealedVerifier,
                         String issuer, String clientId, String sealedClientSecret, String authMethod, String clientSource,
                         String redirectUri, String tokenUrl, String revocationUrl, String resource, List<String> scopes,
                         boolean issRequired, String bindingHash, String error, String serverRef,
                         String sealedDpopKey, String dpopAlg) {

    public GrantOwner owner() {
        return new GrantOwner(tenantId, userId, serverName);
    }

    FlowRecord withStatus(FlowStatus next, String why) {
        return new FlowRecord(flowId, tenantId, userId, serverName, next, createdAtMillis, authorizationUrl, state,
                sealedVerifier, issuer, clientId, sealedClientSecret, authMethod, clientSource, redirectUri, tokenUrl,
                revocationUrl, resource, scopes, issRequired, bindingHash, why, serverRef, sealedDpopKey, dpopAlg);
    }

    FlowRecord withBinding(String hash) {
        return new FlowRecord(flowId, tenantId, userId, serverName, status, createdAtMillis, authorizationUrl, state,
                sealedVerifier, issuer, clientId, sealedClientSecret, authMethod, clientSource, redirectUri, tokenUrl,
                revocationUrl, resource, scopes, issRequired, hash, error, serverRef, sealedDpopKey, dpopAlg);
    }
}
