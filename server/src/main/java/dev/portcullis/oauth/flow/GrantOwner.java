package dev.portcullis.oauth.flow;

import dev.portcullis.crypto.SealContext;

/** Whose grant: one user of one tenant at one server. */
public record GrantOwner(String tenantId, String userId, String serverName) {
    SealContext context(String kind) {
        return new SealContext(tenantId, userId, serverName, "oauth." + kind);
    }

    /** LibreChat's flow id: the user and the server (tenant first when there is one). */
    public String flowId() {
        return (tenantId.isEmpty() ? "" : tenantId + ":") + userId + ":" + serverName;
    }
}
