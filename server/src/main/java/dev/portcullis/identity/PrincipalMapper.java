package dev.portcullis.identity;

import dev.portcullis.config.PrincipalMapping;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The one place where the operator's {@code auth.roles} and {@code auth.groups} meet the token. A
 * configured role replaces the token's role claim (the operator named this user; LibreChat's
 * tokens carry no role at all); configured groups are added to the token's. An email address
 * matches in any case, and is only as trustworthy as the platform that put it into the token.
 */
public final class PrincipalMapper {
    private final PrincipalMapping mapping;

    public PrincipalMapper(PrincipalMapping mapping) {
        this.mapping = mapping;
    }

    public Caller apply(Caller caller) {
        if (mapping.isEmpty()) {
            return caller;
        }
        String tenant = caller.tenantId().orElse("");
        Optional<String> role = mapping.roleOf(caller.userId(), caller.email(), tenant);
        List<String> added = mapping.groupsOf(caller.userId(), caller.email(), tenant);
        if (role.isEmpty() && added.isEmpty()) {
            return caller;
        }
        Set<String> groups = new LinkedHashSet<>(caller.groups());
        groups.addAll(added);
        return caller.withRoleAndGroups(role.orElse(caller.role()), List.copyOf(groups));
    }
}
