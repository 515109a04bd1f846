package dev.portcullis.identity;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A role as LibreChat's {@code GET /api/roles/:roleName} answers it: {@code {name, description,
 * permissions}}, with all seventeen permission types LibreChat's {@code roleSchema} requires. The
 * gateway decides two of them — {@code MCP_SERVERS} and {@code PEOPLE_PICKER}, from
 * {@link RolePermissions} — and reports LibreChat's defaults for the rest (librechat-data-provider
 * 0.8.524's {@code roleDefaults}: ADMIN holds every permission, other roles USER's values), so a
 * LibreChat front end sees a complete role and enables what it would by default.
 */
public final class RoleDocuments {
    private record Type(String name, Map<String, Boolean> userDefaults) {
    }

    /** LibreChat's permission types in its order; the two the gateway decides have no defaults here. */
    private static final List<Type> TYPES = List.of(
            type("PROMPTS", "USE", true, "CREATE", true, "SHARE", false, "SHARE_PUBLIC", false),
            type("BOOKMARKS", "USE", true),
            type("MEMORIES", "USE", true, "CREATE", true, "UPDATE", true, "READ", true, "OPT_OUT", true),
            type("AGENTS", "USE", true, "CREATE", true, "SHARE", false, "SHARE_PUBLIC", false),
            type("MULTI_CONVO", "USE", true),
            type("TEMPORARY_CHAT", "USE", true),
            type("RUN_CODE", "USE", true),
            type("WEB_SEARCH", "USE", true),
            type(PeoplePickerPermission.TYPE),
            type("MARKETPLACE", "USE", false),
            type("FILE_SEARCH", "USE", true),
            type("FILE_CITATIONS", "USE", true),
            type(McpPermission.TYPE),
            type("REMOTE_AGENTS", "USE", false, "CREATE", false, "SHARE", false, "SHARE_PUBLIC", false),
            type("SKILLS", "USE", true, "CREATE", true, "SHARE", false, "SHARE_PUBLIC", false),
            type("SHARED_LINKS", "CREATE", true, "SHARE", true, "SHARE_PUBLIC", true),
            type("SCHEDULES", "USE", true, "CREATE", true));

    private final RolePermissions permissions;

    public RoleDocuments(RolePermissions permissions) {
        this.permissions = permissions;
    }

    /** The role's document in the tenant ({@code ""} for the default one). */
    public Map<String, Object> document(String tenantId, String role) {
        boolean admin = Caller.ADMIN.equals(role);
        Map<String, Object> types = new LinkedHashMap<>();
        for (Type t : TYPES) {
            types.put(t.name(), switch (t.name()) {
                case McpPermission.TYPE -> permissions.all(tenantId, role, McpPermission.class);
                case PeoplePickerPermission.TYPE -> permissions.all(tenantId, role, PeoplePickerPermission.class);
                default -> admin ? allTrue(t.userDefaults()) : t.userDefaults();
            });
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("name", role);
        document.put("description", ""); // LibreChat's default; the gateway keeps no role descriptions
        document.put("permissions", types);
        return document;
    }

    private static Map<String, Boolean> allTrue(Map<String, Boolean> values) {
        Map<String, Boolean> all = new LinkedHashMap<>();
        values.keySet().forEach(k -> all.put(k, true));
        return all;
    }

    private static Type type(String name, Object... pairs) {
        Map<String, Boolean> defaults = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            defaults.put((String) pairs[i], (Boolean) pairs[i + 1]);
        }
        return new Type(name, java.util.Collections.unmodifiableMap(defaults));
    }
}
