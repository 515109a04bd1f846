package dev.portcullis.identity;

import java.util.Optional;
import java.util.Set;

/**
 * Role permissions an admin set through {@code PUT /api/roles/{role}/...}, per tenant. They win
 * over the configuration file, so a change made in the UI takes effect without a restart.
 */
public interface RoleOverrides {
    /** The stored value, or empty when the configuration decides. */
    Optional<Boolean> find(String tenantId, String role, RolePermission permission);

    /** Every role of the tenant that has a stored value. */
    Set<String> roles(String tenantId);

    /** Nothing stored: the configuration decides everything. */
    RoleOverrides NONE = new RoleOverrides() {
        @Override
        public Optional<Boolean> find(String tenantId, String role, RolePermission permission) {
            return Optional.empty();
        }

        @Override
        public Set<String> roles(String tenantId) {
            return Set.of();
        }
    };
}
