package dev.portcullis.registry;

import dev.portcullis.config.McpServerConfig;
import java.util.Optional;

/**
 * A server as one caller finds it: its runtime configuration, the caller's permission bits on it
 * (operator servers give VIEW to whoever they admit, admins hold every bit) and, for a user's
 * server, its stored record.
 */
public record RegisteredServer(McpServerConfig config, int permissionBits, Optional<StoredServer> stored) {
    public String name() {
        return config.name();
    }

    public boolean isUserManaged() {
        return stored.isPresent();
    }
}
