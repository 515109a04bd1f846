package dev.portcullis.oauth;

import dev.portcullis.config.Secret;
import java.util.Objects;
import java.util.Optional;

/**
 * The identity Portcullis uses at one authorization server. It is bound to that server's issuer:
 * credentials never travel to another one (checklist #6, #20). {@code toString()} redacts the secret.
 *
 * @param redirectUri the callback registered for this client
 */
public record OAuthClient(String issuer, String clientId, Optional<Secret> clientSecret, ClientAuthMethod authMethod,
                          Source source, String redirectUri) {

    /** Where the identity came from, in the specification's order of preference (checklist #15). */
    public enum Source { PRE_REGISTERED, METADATA_DOCUMENT, DYNAMIC_REGISTRATION }

    public OAuthClient {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(authMethod, "authMethod");
        if (authMethod != ClientAuthMethod.NONE && clientSecret.isEmpty()) {
            throw new IllegalArgumentException(authMethod.value() + " needs a client secret");
        }
    }
}
