package dev.portcullis.console;

import dev.portcullis.identity.Caller;
import dev.portcullis.store.shared.KeyValueStore;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Signing in without an identity provider, for development only: {@code ./portcullis serve} prints a
 * link with a one-time ticket (valid ten minutes) that signs its holder in as an admin. Offered only in
 * development mode (no {@code auth.oidc}, and no {@code auth.secret} or {@code auth.jwksUrl}: a gateway
 * set up for a platform is not one being tried out), when the gateway listens on a loopback address and
 * its public URL is on this machine ({@code localhost}, {@code 127.0.0.1}, {@code [::1]}); and the link
 * is taken only from a loopback client. A gateway others can reach never has it.
 */
public final class DevSignIn {
    public static final Duration TICKET_LIFETIME = Duration.ofMinutes(10);
    public static final String USER_ID = "developer";
    private static final String PREFIX = "signin-dev:";

    private final KeyValueStore store;

    public DevSignIn(KeyValueStore store) {
        this.store = store;
    }

    /** Whether a gateway so configured offers it. */
    public static boolean offered(dev.portcullis.config.PortcullisConfig config) {
        return config.auth().oidc().isEmpty() && config.auth().developmentMode() && isLoopback(config.server().host())
                && allowedAt(config.server().publicUrl());
    }

    /** Whether a gateway at this public URL may offer it. */
    public static boolean allowedAt(URI publicUrl) {
        return publicUrl.getHost() != null && isLoopback(publicUrl.getHost());
    }

    /** A loopback address or name, as a listening host or a client's address. */
    public static boolean isLoopback(String host) {
        return dev.portcullis.config.ServerSettings.isLoopback(host);
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
