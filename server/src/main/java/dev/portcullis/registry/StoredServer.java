package dev.portcullis.registry;

import java.time.Instant;
import java.util.Optional;

/**
 * A user server as stored: its identity, the user's input (opened; it holds secrets — never
 * return it as is) and what inspection found.
 */
public record StoredServer(String id, String tenantId, String name, Optional<String> title, Optional<String> description,
                           String authorId, long version, String inputJson, Inspection inspection, Instant createdAt,
                           Instant updatedAt) {
    @Override
    public String toString() {
        return "StoredServer[" + id + ", " + name + ", v" + version + "]";
    }
}
