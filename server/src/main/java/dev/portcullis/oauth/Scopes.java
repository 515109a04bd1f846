package dev.portcullis.oauth;

import dev.portcullis.config.McpServerConfig.OAuthSettings;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which scopes to ask for first (MCP §Scope Selection Strategy, checklist #29–30): the challenge's
 * {@code scope}, which is authoritative for the request that failed; else the operator's
 * configured {@code oauth.scope}; else all of the resource's {@code scopes_supported}; else none.
 * {@code offline_access} is added when the authorization server offers it, so that a refresh
 * token can be issued (checklist #37).
 */
public final class Scopes {
    private static final String OFFLINE_ACCESS = "offline_access";

    private Scopes() {
    }

    public static List<String> initial(BearerChallenge challenge, Optional<OAuthSettings> settings,
                                       ProtectedResourceMetadata resource, AuthorizationServerMetadata server) {
        return initial(challenge, settings, resource.scopesSupported(), server);
    }

    /**
     * @param resourceScopes the resource's {@code scopes_supported}; empty for a 2025-03-26 server,
     *                       which publishes no resource metadata
     */
    public static List<String> initial(BearerChallenge challenge, Optional<OAuthSettings> settings,
                                       List<String> resourceScopes, AuthorizationServerMetadata server) {
        Set<String> scopes = new LinkedHashSet<>();
        if (!challenge.scopes().isEmpty()) {
            scopes.addAll(challenge.scopes());
        } else if (settings.flatMap(OAuthSettings::scope).filter(s -> !s.isBlank()).isPresent()) {
            scopes.addAll(split(settings.flatMap(OAuthSettings::scope).orElseThrow()));
        } else {
            scopes.addAll(resourceScopes);
        }
        if (!scopes.isEmpty() && server.scopesSupported().contains(OFFLINE_ACCESS)) {
            scopes.add(OFFLINE_ACCESS);
        }
        return List.copyOf(scopes);
    }

    static List<String> split(String scope) {
        return Arrays.stream(scope.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }
}
