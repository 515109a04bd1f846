package dev.portcullis.registry;

import dev.portcullis.config.McpServerConfig;
import org.jdbi.v3.core.Handle;

/**
 * What the rest of the gateway does when a user server changes or goes: the registry decides
 * when, the connection and OAuth parts know how. Implementations reach every replica.
 */
public interface ServerLifecycle {
    /** Close every user's connection to the server, on every replica; the next use connects afresh. */
    void closeConnections(String tenantId, String serverName);

    /** In the caller's transaction: delete every user's {@code customUserVars} values for the server. */
    void clearValues(Handle h, String tenantId, String serverName);

    /**
     * Once the change is committed: revoke (where offered) and delete every user's OAuth tokens
     * obtained for the server as {@code config} describes it — for any of its configurations when
     * {@code serverGone} — and the OAuth clients registered for it. Tokens are bound to where the
     * server sent them ({@link McpServerConfig#credentialBinding()}), so a late or failed cleanup
     * never lets one be used for where the server went.
     */
    void dropCredentials(String tenantId, McpServerConfig config, boolean serverGone);

    /**
     * The servers some users of the tenant may use changed (one was added, changed, removed or shared):
     * on every replica, clients listening for list changes are told.
     */
    void listsChanged(String tenantId);
}
