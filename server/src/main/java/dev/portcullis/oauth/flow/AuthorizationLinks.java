package dev.portcullis.oauth.flow;

import dev.portcullis.config.ServerNames;
import dev.portcullis.store.shared.KeyValueStore;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.ObjectMapper;

/**
 * Links a user opens in a browser to authorize the gateway at a server when the request that needed
 * it came from an MCP client (which holds a bearer token the browser does not). A link carries a
 * one-time ticket, 256 random bits, kept in the shared store for at most {@link #LIFETIME}: the first
 * browser that opens it is bound to the user's pending authorization (the callback then requires that
 * browser's cookie) and sent on to the provider; a second opening finds nothing. The ticket stands
 * for the user, so the link must go only to them: it is given in answer to their own request. Opening
 * it shows a page that names the account and asks for a click (a POST) before anything happens, so a
 * link preview never uses it up and a person sent someone else's link sees whose it is.
 */
public final class AuthorizationLinks {
    /** No longer than an attempt may stay pending. */
    public static final Duration LIFETIME = Duration.ofMinutes(15);
    private static final String PREFIX = "oauth:link:";
    private static final String OWNER_PREFIX = "oauth:link-of:";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyValueStore store;
    private final URI publicUrl;
    private final ObjectMapper json;

    public AuthorizationLinks(KeyValueStore store, URI publicUrl, ObjectMapper json) {
        this.store = store;
        this.publicUrl = publicUrl;
        this.json = json;
    }

    /**
     * A new link for the owner's pending authorization, valid for {@code timeLeft} (at most {@link #LIFETIME}).
     * It replaces the owner's previous link for the attempt: one live ticket per attempt, so tickets
     * neither pile up in the store nor stay usable once the user was given a newer one.
     */
    public URI create(GrantOwner owner, Duration timeLeft) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Duration ttl = timeLeft.isNegative() || timeLeft.isZero() || timeLeft.compareTo(LIFETIME) > 0 ? LIFETIME : timeLeft;
        String current = OWNER_PREFIX + owner.flowId();
        store.get(current).ifPresent(old -> store.delete(PREFIX + old));
        store.put(PREFIX + ticket, json.writeValueAsString(List.of(owner.tenantId(), owner.userId(), owner.serverName())), ttl);
        store.put(current, ticket, ttl);
        String base = publicUrl.toString().replaceAll("/+$", "");
        return URI.create(base + "/api/mcp/" + ServerNames.encoded(owner.serverName()) + "/oauth/link/" + ticket);
    }

    /**
     * The owner a ticket was made for, once: the ticket is deleted by the first redemption (only the
     * one whose delete succeeded gets it, so two browsers racing cannot both win). A ticket for another
     * server than the link's path names is refused.
     */
    public Optional<GrantOwner> redeem(String serverName, String ticket) {
        Optional<GrantOwner> owner = peek(serverName, ticket);
        return owner.isPresent() && store.delete(PREFIX + ticket) ? owner : Optional.empty();
    }

    /** The owner a ticket was made for, without using it up: what the confirmation page shows. */
    public Optional<GrantOwner> peek(String serverName, String ticket) {
        if (ticket == null || !ticket.matches("[A-Za-z0-9_-]{43}")) {
            return Optional.empty();
        }
        Optional<String> stored = store.get(PREFIX + ticket);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        List<?> parts = json.readValue(stored.get(), List.class);
        GrantOwner owner = new GrantOwner(String.valueOf(parts.get(0)), String.valueOf(parts.get(1)), String.valueOf(parts.get(2)));
        return owner.serverName().equals(serverName) ? Optional.of(owner) : Optional.empty();
    }
}
