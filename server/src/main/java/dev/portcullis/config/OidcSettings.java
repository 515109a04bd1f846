package dev.portcullis.config;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * The identity provider people sign in to the console with ({@code auth.oidc}): OpenID Connect's code
 * flow with PKCE, the gateway a confidential client. {@code claims} says which ID-token claims carry the
 * person's id, e-mail, name, role and groups.
 */
public record OidcSettings(URI issuer, String clientId, Secret clientSecret, List<String> scopes, Claims claims) {
    public static final List<String> DEFAULT_SCOPES = List.of("openid", "email", "profile");

    public OidcSettings {
        scopes = List.copyOf(scopes);
    }

    /** Claim names; role and groups are optional (a person without a role claim is a USER). */
    public record Claims(String userId, String email, String name, Optional<String> role, Optional<String> groups) {
        public static final Claims DEFAULTS = new Claims("sub", "email", "name", Optional.empty(), Optional.empty());
    }
}
