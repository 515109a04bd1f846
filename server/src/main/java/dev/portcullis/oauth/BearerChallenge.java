package dev.portcullis.oauth;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A {@code Bearer} challenge from a 401 or 403 (RFC 6750 §3, RFC 9728 §5.1).
 *
 * @param resourceMetadata where the protected resource metadata lives; takes precedence over the
 *                         well-known URIs (checklist #3)
 * @param scopes           the scopes this request needs; authoritative for it (checklist #29–30)
 * @param error            {@code invalid_token}, {@code insufficient_scope} (step-up, checklist #31), …
 */
public record BearerChallenge(Optional<String> resourceMetadata, List<String> scopes, Optional<String> error,
                              Optional<String> errorDescription) {

    public static final BearerChallenge NONE = new BearerChallenge(Optional.empty(), List.of(), Optional.empty(),
            Optional.empty());

    public BearerChallenge {
        scopes = List.copyOf(scopes);
    }

    static BearerChallenge of(WwwAuthenticate.Challenge challenge) {
        var p = challenge.params();
        List<String> scopes = Optional.ofNullable(p.get("scope"))
                .map(s -> Arrays.stream(s.trim().split("\\s+")).filter(t -> !t.isEmpty()).toList())
                .orElse(List.of());
        return new BearerChallenge(nonEmpty(p.get("resource_metadata")), scopes, nonEmpty(p.get("error")),
                nonEmpty(p.get("error_description")));
    }

    private static Optional<String> nonEmpty(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    /** True for a 403 that asks for more scopes (checklist #31). */
    public boolean insufficientScope() {
        return error.filter("insufficient_scope"::equals).isPresent();
    }
}
