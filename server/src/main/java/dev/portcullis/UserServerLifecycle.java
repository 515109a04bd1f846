package dev.portcullis;

import dev.portcullis.config.McpServerConfig;
import dev.portcullis.oauth.RegisteredClients;
import dev.portcullis.oauth.flow.OAuthTokens;
import dev.portcullis.registry.ServerLifecycle;
import dev.portcullis.store.UserVariables;
import dev.portcullis.store.shared.PubSub;
import dev.portcullis.store.shared.Subscription;
import dev.portcullis.upstream.ConnectionManager;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a change to a user server means elsewhere: connections closed on every replica (through
 * pub/sub — each replica holds its own), credentials revoked and deleted once (in the shared
 * database).
 */
final class UserServerLifecycle implements ServerLifecycle, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UserServerLifecycle.class);
    static final String CHANNEL = "servers:closed";
    static final String CHANGED_CHANNEL = "servers:changed";

    private final ConnectionManager connections;
    private final OAuthTokens tokens;
    private final RegisteredClients clients;
    private final UserVariables variables;
    private final PubSub pubSub;
    private final Subscription subscription;
    private final Subscription changes;
    private final java.util.List<java.util.function.Consumer<String>> changeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    UserServerLifecycle(ConnectionManager connections, OAuthTokens tokens, RegisteredClients clients, UserVariables variables,
                        PubSub pubSub) {
        this.connections = connections;
        this.tokens = tokens;
        this.clients = clients;
        this.variables = variables;
        this.pubSub = pubSub;
        this.subscription = pubSub.subscribe(CHANNEL, this::closeLocally);
        this.changes = pubSub.subscribe(CHANGED_CHANNEL, this::changedLocally);
    }

    /** Hears, on this replica, that a tenant's servers changed anywhere (the tenant's id; empty for none). */
    void onListsChanged(java.util.function.Consumer<String> listener) {
        changeListeners.add(listener);
    }

    @Override
    public void listsChanged(String tenantId) {
        try {
            pubSub.publish(CHANGED_CHANNEL, tenantId);
        } catch (RuntimeException e) {
            log.warn("could not tell other replicas that the servers changed", e);
            changedLocally(tenantId);
        }
    }

    private void changedLocally(String tenantId) {
        for (var l : changeListeners) {
            try {
                l.accept(tenantId);
            } catch (RuntimeException e) {
                log.warn("a listener for server changes failed", e);
            }
        }
    }

    @Override
    public void closeConnections(String tenantId, String serverName) {
        connections.disconnectAll(tenantId, serverName); // here at once, not when the message comes back
        try {
            pubSub.publish(CHANNEL, tenantId + "\n" + serverName);
        } catch (RuntimeException e) {
            // The change is committed. Other replicas replace their sessions on next use anyway: a
            // session built from another version no longer matches (ResolvedServer's fingerprint).
            log.warn("could not tell other replicas to close their connections to '{}'", serverName, e);
        }
    }

    private void closeLocally(String message) {
        int split = message.indexOf('\n');
        if (split >= 0) {
            connections.disconnectAll(message.substring(0, split), message.substring(split + 1));
        }
    }

    @Override
    public void clearValues(Handle h, String tenantId, String serverName) {
        variables.clearServer(h, tenantId, serverName);
    }

    @Override
    public void dropCredentials(String tenantId, McpServerConfig config, boolean serverGone) {
        try {
            int revoked = tokens.disconnectAll(tenantId, config, serverGone);
            clients.deleteAll(tenantId, config.name());
            log.info("dropped the credentials of '{}': {} token grant(s)", config.name(), revoked);
        } catch (RuntimeException e) {
            // The change is committed; the tokens left behind are bound to where the server was and unused.
            log.warn("dropping the credentials of '{}' failed; stale grants stay unused until the users authorize again",
                    config.name(), e);
        }
    }

    @Override
    public void close() {
        subscription.close();
        changes.close();
    }
}
