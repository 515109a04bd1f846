package dev.portcullis.config;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads who is who: {@code auth.admins}, {@code auth.roles}, {@code auth.groups},
 * {@code auth.directory} and LibreChat's {@code interface.peoplePicker}. Every problem is reported
 * at its own line; messages name roles and groups (keys), never ids or addresses (values).
 */
final class PeopleSettingsReader {
    static final String ADMIN = "ADMIN";
    /** Role names and ids are principal ids of grants, which hold at most this many characters. */
    static final int MAX_NAME = 256;
    static final int MAX_ROLE = 128;
    /** Something@something, without spaces: enough to catch a user id put among the emails. */
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");

    private PeopleSettingsReader() {
    }

    /**
     * {@code admins} is short for {@code roles: {ADMIN: ...}}. A user holds one role, so an id or
     * address under two roles is an error: which one wins would otherwise depend on file order.
     */
    static PrincipalMapping mapping(ConfigNode auth) {
        Map<String, PrincipalMapping.Members> roles = new LinkedHashMap<>();
        Map<String, String> roleHeldBy = new HashMap<>();
        Optional<ConfigNode> admins = auth.get("admins");
        admins.ifPresent(a -> roles.put(ADMIN, members(a, ADMIN, roleHeldBy)));
        auth.get("roles").ifPresent(section -> section.entries().forEach((role, node) -> {
            if (role.isBlank() || role.length() > MAX_ROLE || !role.strip().equals(role)) {
                node.keyError("a role name is 1 to " + MAX_ROLE + " characters without leading or trailing spaces");
            } else if (role.equals(ADMIN) && admins.isPresent()) {
                node.keyError("ADMIN is already given by auth.admins; name the admins in one place");
            } else if (node.isNull()) {
                node.error("expected {ids: [...], emails: [...]}");
            } else {
                roles.put(role, members(node, role, roleHeldBy));
            }
        }));
        Map<String, PrincipalMapping.Members> groups = new LinkedHashMap<>();
        auth.get("groups").ifPresent(section -> section.entries().forEach((group, node) -> {
            if (group.isBlank() || group.length() > MAX_NAME || !group.strip().equals(group)) {
                node.keyError("a group name is 1 to " + MAX_NAME + " characters without leading or trailing spaces");
            } else if (node.isNull()) {
                node.error("expected {ids: [...], emails: [...]}");
            } else {
                groups.put(group, members(node, group, null));
            }
        }));
        return new PrincipalMapping(roles, groups);
    }

    /** {@code {ids: [...], emails: [...]}}; {@code heldBy} (roles only) records who already holds which role. */
    private static PrincipalMapping.Members members(ConfigNode n, String owner, Map<String, String> heldBy) {
        Set<String> ids = new LinkedHashSet<>();
        Set<String> emails = new LinkedHashSet<>();
        List<ConfigNode> idItems = n.get("ids").map(ConfigNode::items).orElse(List.of());
        List<ConfigNode> emailItems = n.get("emails").map(ConfigNode::items).orElse(List.of());
        for (ConfigNode item : idItems) {
            item.text().map(String::strip).ifPresent(id -> {
                if (id.isEmpty() || id.length() > MAX_NAME) {
                    item.error("a user id is 1 to " + MAX_NAME + " characters");
                } else if (claimed(heldBy, "id:" + id, owner, item)) {
                    ids.add(id);
                }
            });
        }
        for (ConfigNode item : emailItems) {
            item.text().map(String::strip).ifPresent(email -> {
                if (!EMAIL.matcher(email).matches() || email.length() > 320) {
                    item.error("expected an email address such as ops@example.com");
                } else if (!email.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
                    // Compared with ASCII folding only, so look-alikes never match: write IDN domains in punycode.
                    item.error("write the address in ASCII (an internationalized domain in its xn-- form)");
                } else if (claimed(heldBy, "email:" + PrincipalMapping.Members.normalize(email), owner, item)) {
                    emails.add(email);
                }
            });
        }
        Set<String> tenants = new LinkedHashSet<>();
        n.get("tenants").ifPresent(list -> list.items().forEach(item -> item.text().ifPresent(tenants::add)));
        n.rejectUnknownKeys();
        if (idItems.isEmpty() && emailItems.isEmpty()) {
            n.warning("names nobody: list user ids under 'ids' or addresses under 'emails'");
        }
        return new PrincipalMapping.Members(ids, emails, tenants);
    }

    private static boolean claimed(Map<String, String> heldBy, String who, String role, ConfigNode at) {
        if (heldBy == null) {
            return true;
        }
        String previous = heldBy.putIfAbsent(who, role);
        if (previous != null && !previous.equals(role)) {
            at.error("this user is already given role '" + previous + "'; a user holds one role");
            return false;
        }
        return true;
    }

    static DirectorySettings directory(ConfigNode n) {
        boolean enabled = n.bool("enabled", true);
        Duration retention = n.number("retentionDays", 1, 3650).map(Duration::ofDays).orElse(DirectorySettings.DEFAULT_RETENTION);
        n.rejectUnknownKeys();
        return new DirectorySettings(enabled, retention);
    }

    /** LibreChat's schema: {@code {users?, groups?, roles?}}, each a boolean. */
    static PeoplePickerDefaults peoplePicker(ConfigNode n) {
        PeoplePickerDefaults d = PeoplePickerDefaults.LIBRECHAT;
        PeoplePickerDefaults result = new PeoplePickerDefaults(n.bool("users", d.users()), n.bool("groups", d.groups()),
                n.bool("roles", d.roles()));
        n.warnUnknownKeys("not an option of interface.peoplePicker (users, groups, roles); ignored");
        return result;
    }
}
