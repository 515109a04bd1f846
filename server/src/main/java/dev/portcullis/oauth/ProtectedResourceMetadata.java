package dev.portcullis.oauth;

import java.util.List;
import java.util.Optional;

/**
 * RFC 9728 protected resource metadata: which authorization servers an MCP server trusts and
 * which scopes it knows.
 *
 * @param resource             the resource identifier, already checked to cover the server URL (checklist #7)
 * @param authorizationServers issuer identifiers, in the server's order
 * @param metadataUrl          where the document was found
 */
public record ProtectedResourceMetadata(ResourceUri resource, List<String> authorizationServers,
                                        List<String> scopesSupported, Optional<String> resourceName,
                                        String metadataUrl) {
    public ProtectedResourceMetadata {
        authorizationServers = List.copyOf(authorizationServers);
        scopesSupported = List.copyOf(scopesSupported);
    }

    static ProtectedResourceMetadata parse(String body, String metadataUrl) {
        JsonFields json = JsonFields.parseObject(body, "the protected resource metadata at " + metadataUrl);
        String resource = json.string("resource").orElseThrow(() -> new OAuthException(OAuthFailure.INVALID_METADATA,
                "the protected resource metadata at " + metadataUrl + " has no 'resource' (RFC 9728 §2)"));
        ResourceUri canonical;
        try {
            canonical = ResourceUri.canonical(resource);
        } catch (IllegalArgumentException e) {
            throw new OAuthException(OAuthFailure.INVALID_METADATA,
                    "the protected resource metadata at " + metadataUrl + " names an unusable resource: " + e.getMessage());
        }
        return new ProtectedResourceMetadata(canonical, json.strings("authorization_servers"),
                json.strings("scopes_supported"), json.string("resource_name"), metadataUrl);
    }
}
