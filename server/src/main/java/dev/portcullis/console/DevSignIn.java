package dev.portcullis.console;

import dev.portcullis.identity.Caller;
import dev.portcullis.store.shared.KeyValueStore;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Signing in without an identity provider, for development only: {@code ./portcullis serve} prints a
 * link with a one-time ticket (valid ten minutes) that signs its holder in as an admin. Offered only
 * when no {@code auth.oidc} is configured and the gateway's public URL is on this machine
 * ({@code localhost}, {@code 127.0.0.1}, {@code [::1]}): a gateway others can reach never has it.
 */
public final class DevSignIn {
    public static final Duration TICKET_LIFETIME = Duration.ofMinutes(10);
    public static final String USER_ID = "developer";
    private static final String PREFIX = "signin-dev:";
    private static final Set<String> LOCAL_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private final KeyValueStore store;

    public DevSignIn(KeyValueStore store) {
        this.store = store;
    }

    /** Whether a gateway at this public URL may offer it. */
    public static boolean allowedAt(URI publicUrl) {
        return publicUrl.getHost() != null && LOCAL_HOSTS.contains(publicUrl.getHost().toLowerCase(java.util.Locale.ROOT));
    }

    /** A new one-time ticket. */
    public String ticket() {
        String ticket = SignInSessions.random();
        store.put(PREFIX + SignInSessions.digest(ticket), "1", TICKET_LIFETIME);
        return ticket;
    }

    /** The developer, once per ticket. */
    public Optional<Caller> redeem(String ticket) {
        if (ticket == null || ticket.length() != 43 || !store.delete(PREFIX + SignInSessions.digest(ticket))) {
            return Optional.empty();
        }
        return Optional.of(new Caller(USER_ID, Caller.ADMIN, Optional.empty(), Optional.empty(), List.of()));
    }
}
