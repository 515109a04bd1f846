package dev.portcullis.upstream;

import java.util.List;

/** The user has not set values this server's configuration needs (400 {@code MISSING_USER_VARS}). */
public final class MissingUserVariablesException extends RuntimeException {
    private final String serverName;
    private final List<String> missing;

    public MissingUserVariablesException(String serverName, List<String> missing) {
        super("Set " + String.join(", ", missing) + " for '" + serverName
                + "' first (PUT /api/mcp/" + serverName + "/auth-values)");
        this.serverName = serverName;
        this.missing = List.copyOf(missing);
    }

    public String serverName() {
        return serverName;
    }

    public List<String> missing() {
        return missing;
    }
}
