package dev.portcullis.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * How callers prove who they are: a platform JWT signed with a shared HS256 secret (LibreChat's
 * {@code JWT_SECRET}) or verifiable with a JWKS. With neither set the gateway runs in development
 * mode with a secret generated into the data directory. {@code mapping} gives roles and groups to
 * users whose tokens do not carry them; {@code directory} says whether the people seen are remembered;
 * {@code oidc} is the identity provider people sign in to the console with, {@code signIn} how long that lasts.
 */
public record AuthSettings(Optional<Secret> secret, Optional<URI> jwksUrl, Optional<String> issuer,
                           Optional<String> audience, ClaimNames claims, Duration clockSkew, PrincipalMapping mapping,
                           DirectorySettings directory, Optional<OidcSettings> oidc, SignInSettings signIn) {

    /** Without console sign-in through an identity provider. */
    public AuthSettings(Optional<Secret> secret, Optional<URI> jwksUrl, Optional<String> issuer, Optional<String> audience,
                        ClaimNames claims, Duration clockSkew, PrincipalMapping mapping, DirectorySettings directory) {
        this(secret, jwksUrl, issuer, audience, claims, clockSkew, mapping, directory, Optional.empty(), SignInSettings.DEFAULTS);
    }

    /** Without a mapping, with the directory's defaults. */
    public AuthSettings(Optional<Secret> secret, Optional<URI> jwksUrl, Optional<String> issuer, Optional<String> audience,
                        ClaimNames claims, Duration clockSkew) {
        this(secret, jwksUrl, issuer, audience, claims, clockSkew, PrincipalMapping.NONE, DirectorySettings.DEFAULTS);
    }

    /** Which claims carry what; the defaults match LibreChat's tokens. */
    public record ClaimNames(String userId, String role, String email, String tenant, String groups) {
        public static final ClaimNames LIBRECHAT = new ClaimNames("id", "role", "email", "tenantId", "groups");
    }

    public boolean developmentMode() {
        return secret.isEmpty() && jwksUrl.isEmpty();
    }
}
