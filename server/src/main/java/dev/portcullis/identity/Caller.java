package dev.portcullis.identity;

import java.util.List;
import java.util.Optional;

/** Who is calling, as the platform's token says. */
public record Caller(String userId, String role, Optional<String> email, Optional<String> tenantId, List<String> groups) {
    public static final String ADMIN = "ADMIN";
    public static final String USER = "USER";

    public Caller {
        groups = List.copyOf(groups);
    }

    public boolean isAdmin() {
        return ADMIN.equals(role);
    }
}
