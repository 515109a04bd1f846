package dev.portcullis.console;

import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import dev.portcullis.config.OidcSettings;
import dev.portcullis.identity.Caller;
import dev.portcullis.oauth.OpenIdProvider;
import dev.portcullis.oauth.flow.IdTokens;
import dev.portcullis.store.shared.KeyValueStore;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.ObjectMapper;

/**
 * Signing a person in through the configured OpenID provider. {@link #begin} makes the attempt: a state,
 * a nonce, a PKCE verifier, and a binding value for the browser that started it (kept as a cookie); the
 * attempt is kept in the shared store under the state's digest for ten minutes. {@link #complete} takes
 * the attempt back exactly once, only from the browser holding its binding (a callback link sent to
 * someone else signs no one in), redeems the code and turns the validated ID token into a caller. The ID token
 * itself is kept, sealed, when enterprise-managed servers exchange this provider's ID tokens ({@link IdTokens}),
 * until it expires or the person signs out.
 */
public final class OidcSignIn {
    static final Duration ATTEMPT_LIFETIME = Duration.ofMinutes(10);
    /** Sign-ins one client address may start per minute: each keeps an attempt in the store for ten minutes. */
    public static final int STARTS_PER_MINUTE = 30;
    private static final String PREFIX = "signin-attempt:";

    private final OpenIdProvider provider;
    private final OidcSettings settings;
    private final KeyValueStore store;
    private final ObjectMapper json;
    private final URI redirectUri;
    private final Optional<IdTokens> idTokens;

    /** A started attempt: where to send the browser, and the binding it must hold when it comes back. */
    public record Attempt(URI authorizationUrl, String binding) {
    }

    /** Why a callback signs no one in; each is the person's to retry by signing in again. */
    public static final class Refused extends RuntimeException {
        public Refused(String message) {
            super(message);
        }
    }

    /**
     * @param idTokens where the sign-in's ID token is kept; empty when no enterprise-managed server exchanges this
     *                 provider's ID tokens (then none is kept at all)
     */
    public OidcSignIn(OpenIdProvider provider, OidcSettings settings, KeyValueStore store, ObjectMapper json, URI redirectUri,
                      Optional<IdTokens> idTokens) {
        this.idTokens = idTokens;
        this.provider = provider;
        this.settings = settings;
        this.store = store;
        this.json = json;
        this.redirectUri = redirectUri;
    }

    public Attempt begin() {
        String state = SignInSessions.random();
        String nonce = SignInSessions.random();
        String verifier = SignInSessions.random();
        String binding = SignInSessions.random();
        URI url = provider.authorizationUrl(redirectUri, state, nonce, verifier);
        Map<String, Object> attempt = new LinkedHashMap<>();
        attempt.put("nonce", nonce);
        attempt.put("verifier", verifier);
        attempt.put("binding", SignInSessions.digest(binding));
        store.put(PREFIX + SignInSessions.digest(state), json.writeValueAsString(attempt), ATTEMPT_LIFETIME);
        return new Attempt(url, binding);
    }

    /** The caller the provider vouches for; {@link Refused} for a callback that is not this browser's live attempt. */
    @SuppressWarnings("unchecked")
    public Caller complete(String state, String code, Optional<String> binding) {
        if (state == null || state.isBlank() || code == null || code.isBlank()) {
            throw new Refused("The sign-in callback lacks its state or code");
        }
        String key = PREFIX + SignInSessions.digest(state);
        Optional<String> stored = store.get(key);
        if (stored.isEmpty()) {
            throw new Refused("This sign-in attempt is unknown, was already used, or is older than "
                    + ATTEMPT_LIFETIME.toMinutes() + " minutes");
        }
        Map<String, Object> attempt = json.readValue(stored.get(), Map.class);
        if (binding.isEmpty() || !SignInSessions.sameToken((String) attempt.get("binding"), SignInSessions.digest(binding.get()))) {
            // Not consumed: the browser that started it may still come back with the right cookie.
            throw new Refused("This sign-in was started in another browser; sign in again from this one");
        }
        if (!store.delete(key)) {
            throw new Refused("This sign-in attempt was already used");
        }
        OpenIdProvider.SignedIn signedIn = provider.signIn(code, redirectUri, (String) attempt.get("verifier"),
                (String) attempt.get("nonce"));
        Caller caller = caller(signedIn.claims());
        // Kept for enterprise-managed servers (ID-JAG), sealed in the shared store until it expires; never in the cookie.
        idTokens.ifPresent(kept -> kept.keep(holder(caller), signedIn.idToken(),
                signedIn.claims().getExpirationTime().toInstant()));
        return caller;
    }

    /** The person signed out: the ID token kept from their sign-in is no longer used for them. */
    public void signedOut(Caller caller) {
        idTokens.ifPresent(kept -> kept.forget(holder(caller)));
    }

    private IdTokens.Holder holder(Caller caller) {
        return new IdTokens.Holder(caller.tenantId().orElse(""), caller.userId(), settings.issuer().toString());
    }

    /** The provider's own logout page, when it has one, to come back to the gateway's sign-in page from. */
    public Optional<URI> providerLogout(URI afterLogout) {
        try {
            return provider.logoutUrl(afterLogout);
        } catch (RuntimeException e) {
            return Optional.empty(); // the gateway's sign-in ended either way
        }
    }

    /**
     * The person as the ID token's claims describe them (the operator's roles and groups are applied on every
     * request, see {@link SignInSessions}). The e-mail address is taken only when the provider says it verified
     * it ({@code email_verified: true}): {@code auth.admins.emails} would otherwise make an admin of whoever
     * registered at the provider with an admin's address.
     */
    Caller caller(IDTokenClaimsSet claims) {
        OidcSettings.Claims names = settings.claims();
        String userId = string(claims, names.userId()).orElseThrow(() -> new Refused("The ID token has no '"
                + names.userId() + "' claim to identify the person; set auth.oidc.claims.userId"));
        String role = names.role().flatMap(r -> string(claims, r)).orElse(Caller.USER);
        List<String> groups = names.groups().map(g -> groups(claims.getClaim(g))).orElse(List.of());
        Map<String, String> profile = new LinkedHashMap<>();
        string(claims, names.name()).ifPresent(n -> profile.put("name", n));
        Optional<String> email = Boolean.TRUE.equals(claims.getClaim("email_verified")) ? string(claims, names.email())
                : Optional.empty();
        return new Caller(userId, role, email, Optional.empty(), groups, profile);
    }

    private static Optional<String> string(IDTokenClaimsSet claims, String name) {
        return claims.getClaim(name) instanceof String s && !s.isBlank() ? Optional.of(s) : Optional.empty();
    }

    private static List<String> groups(Object value) {
        if (value instanceof String s) {
            return List.of(s);
        }
        if (value instanceof List<?> list) {
            return list.stream().filter(String.class::isInstance).map(String.class::cast).toList();
        }
        return List.of();
    }
}
