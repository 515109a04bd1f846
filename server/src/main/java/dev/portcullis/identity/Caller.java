package dev.portcullis.identity;

import java.util.List;
import java.util.Optional;

/**
 * Who is calling, as the platform's token says (with the roles and groups {@code auth.roles} and
 * {@code auth.groups} give). {@code profile} is what the token says about the person, for display
 * and placeholders; no access decision reads it.
 */
public record Caller(String userId, String role, Optional<String> email, Optional<String> tenantId, List<String> groups,
                     Profile profile) {
    public static final String ADMIN = "ADMIN";
    public static final String USER = "USER";

    public Caller {
        groups = List.copyOf(groups);
    }

    public Caller(String userId, String role, Optional<String> email, Optional<String> tenantId, List<String> groups) {
        this(userId, role, email, tenantId, groups, Profile.NONE);
    }

    /** LibreChat's {@code username} and {@code provider} claims, and the {@code name} an OpenID token carries. */
    public record Profile(Optional<String> username, Optional<String> name, Optional<String> provider) {
        public static final Profile NONE = new Profile(Optional.empty(), Optional.empty(), Optional.empty());
    }

    public boolean isAdmin() {
        return ADMIN.equals(role);
    }

    /** The same caller with another role and groups: what the operator's mapping decides. */
    Caller withRoleAndGroups(String newRole, List<String> newGroups) {
        return new Caller(userId, newRole, email, tenantId, newGroups, profile);
    }
}
