package dev.portcullis.oauth;

import dev.portcullis.config.McpServerConfig.OAuthSettings;
import dev.portcullis.config.Secret;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * Chooses the client identity for one server at one authorization server, in the specification's
 * order (checklist #15): pre-registered credentials from the config → a Client ID Metadata
 * Document when the server supports them and the gateway is reachable over HTTPS → a client
 * registered earlier with this same issuer, or a new dynamic registration → an error that says
 * what to configure.
 */
public final class ClientIdentities {
    private final DynamicRegistration registration;
    private final RegisteredClients registered;
    private final URI publicUrl;

    public ClientIdentities(OAuthHttp http, RegisteredClients registered, URI publicUrl) {
        this.registration = new DynamicRegistration(http);
        this.registered = registered;
        this.publicUrl = publicUrl;
    }

    /** Who asks, for which server, at which authorization server. */
    public record Request(String tenantId, String serverName, Optional<OAuthSettings> settings,
                          AuthorizationServerMetadata server, Map<String, Secret> oauthHeaders) {
    }

    public OAuthClient resolve(Request request) {
        String issuer = request.server().issuer();
        String redirectUri = ClientMetadataDocument.redirectUri(publicUrl, request.serverName());
        Optional<String> clientId = request.settings().flatMap(OAuthSettings::clientId).filter(id -> !id.isBlank());
        if (clientId.isPresent()) {
            Optional<Secret> secret = request.settings().flatMap(OAuthSettings::clientSecret).filter(s -> !s.isEmpty());
            ClientAuthMethod method = secret.isPresent()
                    ? AuthMethodChoice.forConfidential(request.settings(), request.server().tokenEndpointAuthMethodsSupported())
                    : ClientAuthMethod.NONE;
            return new OAuthClient(issuer, clientId.get(), secret, method, OAuthClient.Source.PRE_REGISTERED, redirectUri);
        }
        if (request.server().clientIdMetadataDocumentSupported() && ClientMetadataDocument.possibleFor(publicUrl)) {
            ClientMetadataDocument document = ClientMetadataDocument.forServer(publicUrl, request.serverName());
            return new OAuthClient(issuer, document.url(), Optional.empty(), ClientAuthMethod.NONE,
                    OAuthClient.Source.METADATA_DOCUMENT, document.redirectUri());
        }
        String endpoint = request.server().registrationEndpoint().orElseThrow(() -> new OAuthException(
                OAuthFailure.NO_CLIENT_IDENTITY, "the authorization server " + issuer + " offers neither client ID "
                + "metadata documents (or the gateway's publicUrl is not https) nor dynamic registration; configure "
                + "oauth.client_id (and client_secret) for server '" + request.serverName() + "'"));
        Optional<OAuthClient> known = registered.find(request.tenantId(), request.serverName(), issuer)
                .filter(c -> c.redirectUri().equals(redirectUri));
        if (known.isPresent()) {
            return known.get();
        }
        RegisteredClients.Registration fresh = registration.register(endpoint, issuer, redirectUri,
                AuthMethodChoice.forConfidential(request.settings(), request.server().tokenEndpointAuthMethodsSupported()),
                request.oauthHeaders());
        return registered.save(request.tenantId(), request.serverName(), fresh);
    }
}
