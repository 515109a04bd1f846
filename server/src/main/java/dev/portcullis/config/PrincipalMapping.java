package dev.portcullis.config;

import java.util.LinkedHashMap;
import java.util.List;
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
     * Users named by id (exact) or by email address, in the tenants named ({@code ""} is the default
     * tenant; empty means every tenant). Addresses are ASCII (the configuration refuses others) and
     * compared with ASCII letters folded to lower case and nothing else: a fuller case folding maps
     * look-alikes together (the Kelvin sign folds to {@code k}), and a mapping that can make an
     * admin must not match an address that only looks like the configured one.
     */
    public record Members(Set<String> ids, Set<String> emails, Set<String> tenants) {
        public Members {
            ids = Set.copyOf(ids);
            emails = emails.stream().map(Members::normalize).collect(java.util.stream.Collectors.toUnmodifiableSet());
            tenants = Set.copyOf(tenants);
        }

        public Members(Set<String> ids, Set<String> emails) {
            this(ids, emails, Set.of());
        }

        public boolean includes(String userId, Optional<String> email, String tenant) {
            if (!tenants.isEmpty() && !tenants.contains(tenant)) {
                return false;
            }
            return ids.contains(userId) || email.map(e -> emails.contains(normalize(e))).orElse(false);
        }

        static String normalize(String email) {
            StringBuilder folded = new StringBuilder(email.length());
            for (int i = 0; i < email.length(); i++) {
                char c = email.charAt(i);
                folded.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
            }
            return folded.toString();
        }
    }

    /** The first configured role the user holds in their tenant, if any. */
    public Optional<String> roleOf(String userId, Optional<String> email, String tenant) {
        return roles.entrySet().stream().filter(e -> e.getValue().includes(userId, email, tenant)).map(Map.Entry::getKey).findFirst();
    }

    /** Every configured group the user belongs to in their tenant, in file order. */
    public List<String> groupsOf(String userId, Optional<String> email, String tenant) {
        return groups.entrySet().stream().filter(e -> e.getValue().includes(userId, email, tenant)).map(Map.Entry::getKey).toList();
    }

    public boolean isEmpty() {
        return roles.isEmpty() && groups.isEmpty();
    }
}
