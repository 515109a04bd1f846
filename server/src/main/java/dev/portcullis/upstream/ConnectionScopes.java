package dev.portcullis.upstream;

import dev.portcullis.config.McpServerConfig;
import dev.portcullis.config.UserPlaceholders;
import dev.portcullis.identity.Caller;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one place that decides whose connection a caller's requests to a server go on: the server's
 * shared app connection, or the caller's own. A server is per user when its configuration needs
 * something of the user (OAuth, {@code customUserVars}, a user placeholder, a user's own server) or
 * when it answered 401 without being configured for OAuth; everything else reads the decision from
 * the {@link ResolvedServer#scope()} this gives.
 */
public final class ConnectionScopes {
    /** Servers not configured for OAuth that answered 401: from then on, connections to them are per user. */
    private final Set<String> foundToNeedOAuth = ConcurrentHashMap.newKeySet();
    /**
     * What each operator server's configuration decided, kept with the configuration object it was read
     * from (so a different configuration of the same name is decided afresh): deciding means finding every
     * placeholder, once per call otherwise.
     */
    private final java.util.Map<String, Decided> decided = new ConcurrentHashMap<>();

    private record Decided(McpServerConfig config, boolean perUser) {
    }

    /** Whether the configuration alone makes connections per user. */
    public static boolean configuredPerUser(McpServerConfig c) {
        // A user's server is shared through grants, never through a connection: each user connects as themselves.
        if (c.isUserManaged()) {
            return true;
        }
        // A machine grant's token is the gateway's own, the same for every user: it needs nothing of theirs.
        boolean userOAuth = c.machineGrant().isEmpty() && c.requiresOAuth().orElse(c.oauth().isPresent());
        if (userOAuth || !c.customUserVars().isEmpty()) {
            return true;
        }
        // A token placeholder counts too: such a server is never connected for everyone at startup.
        return ServerResolver.placeholders(c).stream().map(UserPlaceholders::kind)
                .anyMatch(k -> k == UserPlaceholders.Kind.USER_FIELD || k == UserPlaceholders.Kind.UNAVAILABLE);
    }

    /** The scope the configuration alone gives (what a resolution without this gateway's history uses). */
    public static ConnectionScope configured(Caller caller, McpServerConfig c) {
        return configuredPerUser(c) ? user(caller) : ConnectionScope.APP;
    }

    public boolean perUser(McpServerConfig c) {
        if (c.isUserManaged()) {
            return true; // decided at once, and not kept: user servers are many
        }
        Decided d = decided.get(c.name());
        if (d == null || d.config() != c) {
            d = new Decided(c, configuredPerUser(c));
            decided.put(c.name(), d);
        }
        return d.perUser() || foundToNeedOAuth.contains(c.name());
    }

    public ConnectionScope of(Caller caller, McpServerConfig c) {
        return perUser(c) ? user(caller) : ConnectionScope.APP;
    }

    public ConnectionKey key(Caller caller, McpServerConfig c) {
        return new ConnectionKey(of(caller, c), c.name());
    }

    /** Answered 401 though not configured for OAuth: whether it needs OAuth all the same. */
    public boolean foundToNeedOAuth(McpServerConfig c) {
        return foundToNeedOAuth.contains(c.name());
    }

    /**
     * Notes that a shared server answered 401. True when this changed its scope to per user (the
     * shared connection is then the caller's to close); false when it was per user already, or when
     * the operator said {@code requiresOAuth: false} or the server is local (no OAuth to start).
     */
    public boolean noteNeedsOAuth(McpServerConfig c) {
        // A machine-grant server's 401 is the gateway's to answer with a new token, never a user's.
        return !perUser(c) && c.url().isPresent() && c.machineGrant().isEmpty() && c.requiresOAuth().orElse(true)
                && foundToNeedOAuth.add(c.name());
    }

    private static ConnectionScope.User user(Caller caller) {
        return new ConnectionScope.User(caller.tenantId().orElse(""), caller.userId());
    }
}
