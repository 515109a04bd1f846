package dev.portcullis.oauth.flow;

import dev.portcullis.crypto.SealContext;

/** Whose grant: one user of one tenant at one server. */
public record GrantOwner(String tenantId, String userId, String serverName) {
    SealContext context(String kind) {
        return new SealContext(tenantId, userId, serverName, "oauth." + kind);
    }

    /**
     * LibreChat's flow id: the user and the server, tenant first when there is one. '%' and ':' in
     * every part are escaped, so no two owners share an id (tenant "acme" with user "bob" at server
     * "crm" is not the tenant-less user "acme" at server "bob:crm"); LibreChat's ids contain neither
     * and read as before.
     */
    public String flowId() {
        return (tenantId.isEmpty() ? "" : escape(tenantId) + ":") + escape(userId) + ":" + escape(serverName);
    }

    private static String escape(String part) {
        return part.replace("%", "%25").replace(":", "%3A");
    }
}
