package dev.portcullis.identity;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who is calling, as the platform's token says (with the roles and groups {@code auth.roles} and
 * {@code auth.groups} give).
 *
 * @param profile the user's fields LibreChat's {@code {{LIBRECHAT_USER_<FIELD>}}} placeholders read,
 *                when the token carries them, by LibreChat's field name ({@code username}, {@code name},
 *                {@code provider}, {@code googleId}, {@code emailVerified}, ...), as text; nothing in
 *                it decides access
 */
public record Caller(String userId, String role, Optional<String> email, Optional<String> tenantId, List<String> groups,
                     Map<String, String> profile) {
    public static final String ADMIN = "ADMIN";
    public static final String USER = "USER";

    public Caller {
        groups = List.copyOf(groups);
        profile = Map.copyOf(profile);
    }

    /** A caller whose token carries no profile fields. */
    public Caller(String userId, String role, Optional<String> email, Optional<String> tenantId, List<String> groups) {
        this(userId, role, email, tenantId, groups, Map.of());
    }

    public boolean isAdmin() {
        return ADMIN.equals(role);
    }

    /** The same caller with another role and groups: what the operator's mapping decides. */
    Caller withRoleAndGroups(String newRole, List<String> newGroups) {
        return new Caller(userId, newRole, email, tenantId, newGroups, profile);
    }

    /** LibreChat's {@code username} claim. */
    public Optional<String> username() {
        return Optional.ofNullable(profile.get("username"));
    }

    /** The display name ({@code name} claim), when the platform's token has one; LibreChat's does not. */
    public Optional<String> name() {
        return Optional.ofNullable(profile.get("name"));
    }

    /** How the user signed in to the platform ({@code provider} claim: {@code local}, {@code openid}, ...). */
    public Optional<String> provider() {
        return Optional.ofNullable(profile.get("provider"));
    }
}
