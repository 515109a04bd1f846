package dev.portcullis.identity;

import dev.portcullis.config.McpPermissionDefaults;
import dev.portcullis.config.PeoplePickerDefaults;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a role may do. {@code ADMIN} may do everything, always: the gateway's admins must not be
 * able to lock themselves out. Every other role gets what an admin stored for it in its tenant
 * (see {@link RoleOverrides}), and for anything not stored, the operator's {@code interface}
 * settings — {@code mcpServers} and {@code peoplePicker}, which LibreChat applies to its USER role
 * (and the gateway to every role but ADMIN).
 */
public final class RolePermissions {
    private final McpPermissionDefaults mcpServers;
    private final PeoplePickerDefaults peoplePicker;
    private final RoleOverrides stored;

    public RolePermissions(McpPermissionDefaults mcpServers, PeoplePickerDefaults peoplePicker, RoleOverrides stored) {
        this.mcpServers = mcpServers;
        this.peoplePicker = peoplePicker;
        this.stored = stored;
    }

    /** The configuration alone, nothing stored. */
    public RolePermissions(McpPermissionDefaults mcpServers) {
        this(mcpServers, PeoplePickerDefaults.LIBRECHAT, RoleOverrides.NONE);
    }

    public boolean allows(Caller caller, RolePermission permission) {
        return caller.isAdmin() || allows(caller.tenantId().orElse(""), caller.role(), permission);
    }

    /** What {@code role} may do in the tenant ({@code ""} for the default one). */
    public boolean allows(String tenantId, String role, RolePermission permission) {
        if (Caller.ADMIN.equals(role)) {
            return true;
        }
        return stored.find(tenantId, role, permission).orElseGet(() -> configured(permission));
    }

    /** Every permission of one type (an enum of them), in LibreChat's order, as a role document shows them. */
    public <P extends Enum<P> & RolePermission> Map<String, Boolean> all(String tenantId, String role, Class<P> type) {
        Map<String, Boolean> values = new LinkedHashMap<>();
        for (P p : type.getEnumConstants()) {
            values.put(p.name(), allows(tenantId, role, p));
        }
        return values;
    }

    /** The roles of the tenant that have stored permissions. */
    public java.util.Set<String> storedRoles(String tenantId) {
        return stored.roles(tenantId);
    }

    private boolean configured(RolePermission permission) {
        return switch (permission) {
            case McpPermission p -> switch (p) {
                case USE -> mcpServers.use();
                case CREATE -> mcpServers.create();
                case SHARE -> mcpServers.share();
                case SHARE_PUBLIC -> mcpServers.sharePublic();
                case CONFIGURE_OBO -> false; // LibreChat's USER default; the gateway has no obo to configure
            };
            case PeoplePickerPermission p -> switch (p) {
                case VIEW_USERS -> peoplePicker.users();
                case VIEW_GROUPS -> peoplePicker.groups();
                case VIEW_ROLES -> peoplePicker.roles();
            };
        };
    }
}
