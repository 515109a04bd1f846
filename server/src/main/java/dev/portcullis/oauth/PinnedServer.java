package dev.portcullis.oauth;

import dev.portcullis.config.McpServerConfig.OAuthSettings;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * LibreChat's pre-configured path: when the operator pins {@code authorization_url},
 * {@code token_url} and {@code client_id}, those are used whatever discovery says (checklist #4:
 * "use pre-configured values"). Discovered metadata still contributes — issuer, PKCE methods,
 * revocation, RFC 9207 — but only when its token endpoint is the pinned one, so that a server's
 * metadata cannot redirect a pinned client secret elsewhere.
 */
public final class PinnedServer {
    private PinnedServer() {
    }

    /** The metadata to use for a pinned server, or empty when the settings pin nothing. */
    public static Optional<AuthorizationServerMetadata> metadata(Optional<OAuthSettings> settings,
                                                                 Optional<AuthorizationServerMetadata> discovered) {
        if (settings.isEmpty()) {
            return Optional.empty();
        }
        OAuthSettings s = settings.get();
        Optional<String> authorizationUrl = s.authorizationUrl().filter(u -> !u.isBlank());
        Optional<String> tokenUrl = s.tokenUrl().filter(u -> !u.isBlank());
        if (authorizationUrl.isEmpty() || tokenUrl.isEmpty() || s.clientId().filter(id -> !id.isBlank()).isEmpty()) {
            return Optional.empty();
        }
        Optional<AuthorizationServerMetadata> trusted = discovered.filter(d -> d.tokenEndpoint().equals(tokenUrl.get()));
        List<String> pkce = !s.codeChallengeMethodsSupported().isEmpty() ? s.codeChallengeMethodsSupported()
                : trusted.map(AuthorizationServerMetadata::codeChallengeMethodsSupported).orElse(List.of());
        List<String> authMethods = !s.tokenEndpointAuthMethodsSupported().isEmpty() ? s.tokenEndpointAuthMethodsSupported()
                : trusted.map(AuthorizationServerMetadata::tokenEndpointAuthMethodsSupported).orElse(List.of());
        return Optional.of(new AuthorizationServerMetadata(
                // Without trusted metadata the issuer is unknown; the token URL's origin names the binding.
                trusted.map(AuthorizationServerMetadata::issuer).orElseGet(() -> origin(tokenUrl.get())),
                authorizationUrl.get(),
                tokenUrl.get(),
                Optional.empty(), // a pinned client is never registered
                s.revocationEndpoint().filter(u -> !u.isBlank()).or(() -> trusted.flatMap(AuthorizationServerMetadata::revocationEndpoint)),
                trusted.map(AuthorizationServerMetadata::scopesSupported).orElse(List.of()),
                pkce,
                authMethods,
                false,
                trusted.map(AuthorizationServerMetadata::authorizationResponseIssParameterSupported).orElse(false),
                trusted.map(AuthorizationServerMetadata::dpopSigningAlgValuesSupported).orElse(List.of())));
    }

    private static String origin(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }
}
