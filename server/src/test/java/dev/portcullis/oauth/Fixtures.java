package dev.portcullis.oauth;

import dev.portcullis.config.McpServerConfig.OAuthSettings;
import dev.portcullis.config.Secret;
import java.util.List;
import java.util.Optional;

/** Small values the unit tests share. */
final class Fixtures {
    static final String ISSUER = "https://auth.example.com/";

    private Fixtures() {
    }

    static AuthorizationServerMetadata server(String issuer, List<String> pkce, boolean issParameter) {
        return new AuthorizationServerMetadata(issuer, issuer + "authorize", issuer + "token",
                Optional.of(issuer + "register"), Optional.of(issuer + "revoke"), List.of("mcp:tools", "offline_access"),
                pkce, List.of("client_secret_post", "none"), false, issParameter);
    }

    static AuthorizationServerMetadata server() {
        return server(ISSUER, List.of("S256"), false);
    }

    static OAuthClient publicClient(String issuer) {
        return new OAuthClient(issuer, "client-1", Optional.empty(), ClientAuthMethod.NONE,
                OAuthClient.Source.DYNAMIC_REGISTRATION, "https://gw.example.com/api/mcp/files/oauth/callback");
    }

    static OAuthSettings settings() {
        return settings(Optional.empty(), Optional.empty(), false);
    }

    static OAuthSettings settings(Optional<String> authorizationUrl, Optional<String> audience, boolean skipPkceCheck) {
        return new OAuthSettings(authorizationUrl, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                audience, Optional.empty(), List.of(), List.of(), List.of(), List.of(), skipPkceCheck, Optional.empty(),
                List.of(), true, true);
    }

    static OAuthSettings preRegistered(String clientId, Optional<Secret> secret,
                                       Optional<OAuthSettings.TokenExchangeMethod> method) {
        return new OAuthSettings(Optional.empty(), Optional.empty(), Optional.of(clientId), secret, Optional.empty(),
                Optional.empty(), method, List.of(), List.of(), List.of(), List.of(), false, Optional.empty(), List.of(), true, true);
    }
}
