package dev.portcullis.http;

import dev.portcullis.identity.Caller;
import dev.portcullis.identity.RolePermissions;
import dev.portcullis.people.PeopleDirectory;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which roles exist for a caller's tenant: the system roles ADMIN and USER, the caller's own, the
 * roles of {@code auth.roles}, those with stored permissions in the tenant, and those the tenant's
 * known users hold. What {@code GET /api/roles/{role}} finds and the people picker searches.
 */
final class KnownRoles {
    private final Set<String> configured;
    private final RolePermissions permissions;
    private final PeopleDirectory directory;

    KnownRoles(Set<String> configured, RolePermissions permissions, PeopleDirectory directory) {
        this.configured = Set.copyOf(configured);
        this.permissions = permissions;
        this.directory = directory;
    }

    boolean exists(Caller caller, String role) {
        if (role.equals(Caller.ADMIN) || role.equals(Caller.USER) || role.equals(caller.role()) || configured.contains(role)) {
            return true;
        }
        String tenant = caller.tenantId().orElse("");
        return permissions.storedRoles(tenant).contains(role) || directory.roles(tenant).contains(role);
    }

    Set<String> all(Caller caller) {
        String tenant = caller.tenantId().orElse("");
        Set<String> roles = new TreeSet<>(java.util.List.of(Caller.ADMIN, Caller.USER, caller.role()));
        roles.addAll(configured);
        roles.addAll(permissions.storedRoles(tenant));
        roles.addAll(directory.roles(tenant));
        return roles;
    }
}
