package dev.portcullis.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code auth.admins}, {@code auth.roles} and {@code auth.groups}: who holds a role, and who belongs
 * to a group, when the platform's token does not say. LibreChat's tokens carry only {@code id,
 * username, provider, email}, so without this every LibreChat admin is a plain user here and no
 * group grant ever matches. Both maps keep file order, which decides between two roles that match
 * one caller (one by id, another by email).
 */
public record PrincipalMapping(Map<String, Members> roles, Map<String, Members> groups) {
    public static final PrincipalMapping NONE = new PrincipalMapping(Map.of(), Map.of());

    public PrincipalMapping {
        roles = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(roles));
        groups = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(groups));
    }

    /**
     * Users named by id (exact) or by email address (any case: addresses are compared in lower
     * case, as mail systems treat them in practice).
     */
    public record Members(Set<String> ids, Set<String> emails) {
        public Members {
            ids = Set.copyOf(ids);
            emails = emails.stream().map(Members::normalize).collect(java.util.stream.Collectors.toUnmodifiableSet());
        }

        public boolean includes(String userId, Optional<String> email) {
            return ids.contains(userId) || email.map(e -> emails.contains(normalize(e))).orElse(false);
        }

        static String normalize(String email) {
            return email.strip().toLowerCase(Locale.ROOT);
        }
    }

    /** The first configured role (in file order) the user holds, if any. */
    public Optional<String> roleOf(String userId, Optional<String> email) {
        return roles.entrySet().stream().filter(e -> e.getValue().includes(userId, email)).map(Map.Entry::getKey).findFirst();
    }

    /** Every configured group the user belongs to, in file order. */
    public List<String> groupsOf(String userId, Optional<String> email) {
        return groups.entrySet().stream().filter(e -> e.getValue().includes(userId, email)).map(Map.Entry::getKey).toList();
    }

    public boolean isEmpty() {
        return roles.isEmpty() && groups.isEmpty();
    }
}
