package dev.portcullis.oauth;

import dev.portcullis.config.McpServerConfig.OAuthSettings;
import dev.portcullis.config.McpServerConfig.OAuthSettings.TokenExchangeMethod;
import java.util.List;
import java.util.Optional;

/**
 * Picks the token endpoint authentication method. The operator's {@code token_exchange_method}
 * (LibreChat: {@code default_post} → client_secret_post, {@code basic_auth_header} →
 * client_secret_basic) wins; otherwise the first of basic, post, none that the server lists, where
 * an absent list means {@code client_secret_basic} (RFC 8414 §2).
 */
final class AuthMethodChoice {
    private static final List<ClientAuthMethod> PREFERENCE = List.of(ClientAuthMethod.CLIENT_SECRET_BASIC,
            ClientAuthMethod.CLIENT_SECRET_POST, ClientAuthMethod.NONE);

    private AuthMethodChoice() {
    }

    /** For a client that holds a secret (pre-registered with one), or is about to ask for one. */
    static ClientAuthMethod forConfidential(Optional<OAuthSettings> settings, List<String> serverMethods) {
        Optional<ClientAuthMethod> configured = settings.flatMap(OAuthSettings::tokenExchangeMethod)
                .map(m -> m == TokenExchangeMethod.BASIC_AUTH_HEADER ? ClientAuthMethod.CLIENT_SECRET_BASIC
                        : ClientAuthMethod.CLIENT_SECRET_POST);
        if (configured.isPresent()) {
            return configured.get();
        }
        List<String> supported = settings.map(OAuthSettings::tokenEndpointAuthMethodsSupported)
                .filter(l -> !l.isEmpty()).orElse(serverMethods);
        if (supported.isEmpty()) {
            return ClientAuthMethod.CLIENT_SECRET_BASIC;
        }
        return PREFERENCE.stream().filter(m -> supported.contains(m.value())).findFirst()
                .orElse(ClientAuthMethod.CLIENT_SECRET_BASIC);
    }
}
