package dev.portcullis.registry;

import dev.portcullis.config.McpServerConfig;

/**
 * What the rest of the gateway does when a user server changes or goes: the registry decides
 * when, the connection and OAuth parts know how. Implementations reach every replica.
 */
public interface ServerLifecycle {
    /** Close every user's connection to the server, on every replica; the next use connects afresh. */
    void closeConnections(String tenantId, String serverName);

    /**
     * Forget every user's credentials for the server: revoke and delete their OAuth tokens, delete
     * their variables and the OAuth clients registered for it.
     */
    void dropCredentials(String tenantId, McpServerConfig config);
}
