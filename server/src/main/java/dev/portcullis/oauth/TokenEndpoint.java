package dev.portcullis.oauth;

import dev.portcullis.config.McpServerConfig.OAuthSettings;
import dev.portcullis.config.Secret;
import java.util.Map;
import java.util.Optional;

/**
 * Where and how to talk to one authorization server's token and revocation endpoints, after the
 * operator's knobs: {@code token_url} and {@code revocation_endpoint} replace the discovered ones,
 * {@code audience} is sent on refresh, {@code oauth_headers} go with every request.
 */
public record TokenEndpoint(String issuer, String tokenUrl, Optional<String> revocationUrl, Optional<String> audience,
                            Map<String, Secret> oauthHeaders) {
    public TokenEndpoint {
        oauthHeaders = Map.copyOf(oauthHeaders);
    }

    public static TokenEndpoint of(AuthorizationServerMetadata server, Optional<OAuthSettings> settings,
                                   Map<String, Secret> oauthHeaders) {
        return new TokenEndpoint(server.issuer(),
                settings.flatMap(OAuthSettings::tokenUrl).filter(u -> !u.isBlank()).orElse(server.tokenEndpoint()),
                settings.flatMap(OAuthSettings::revocationEndpoint).filter(u -> !u.isBlank())
                        .or(server::revocationEndpoint),
                settings.flatMap(OAuthSettings::audience).filter(a -> !a.isBlank()),
                oauthHeaders);
    }
}
