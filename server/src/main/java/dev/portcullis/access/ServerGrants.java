package dev.portcullis.access;

import dev.portcullis.identity.Caller;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The grants on user servers, and what they add up to for a caller. Admins hold every bit on
 * every server (LibreChat's MANAGE_MCP_SERVERS capability); everyone else holds the OR of the
 * grants whose principal covers them.
 */
public final class ServerGrants {
    private final Jdbi jdbi;
    private final Clock clock;

    public ServerGrants(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Grants (or replaces) a principal's role on a server, in the caller's transaction. */
    public void grant(Handle h, String serverId, Principal principal, AccessRole role, String grantedBy) {
        revoke(h, serverId, principal);
        h.createUpdate("""
                        INSERT INTO server_grants (server_id, principal_type, principal_id, access_role, bits, granted_by, granted_at)
                        VALUES (:server, :type, :id, :role, :bits, :by, :at)""")
                .bind("server", serverId).bind("type", principal.type()).bind("id", principal.id())
                .bind("role", role.id()).bind("bits", role.bits()).bind("by", grantedBy)
                .bind("at", OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
                .execute();
    }

    /** Removes a principal's grant; true when there was one. */
    public boolean revoke(Handle h, String serverId, Principal principal) {
        return h.createUpdate("DELETE FROM server_grants WHERE server_id = :server AND principal_type = :type AND principal_id = :id")
                .bind("server", serverId).bind("type", principal.type()).bind("id", principal.id()).execute() > 0;
    }

    public void revokeAll(Handle h, String serverId) {
        h.createUpdate("DELETE FROM server_grants WHERE server_id = :server").bind("server", serverId).execute();
    }

    public List<Grant> list(String serverId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT principal_type, principal_id, access_role, granted_by, granted_at FROM server_grants
                        WHERE server_id = :server ORDER BY granted_at, principal_type, principal_id""")
                .bind("server", serverId)
                .map((rs, ctx) -> new Grant(serverId,
                        Principal.of(rs.getString("principal_type"), rs.getString("principal_id")).orElseThrow(),
                        AccessRole.byId(rs.getString("access_role")).orElseThrow(), rs.getString("granted_by"),
                        rs.getObject("granted_at", OffsetDateTime.class).toInstant()))
                .list());
    }

    /** The caller's permission bits on one server. */
    public int effectiveBits(String serverId, Caller caller) {
        if (caller.isAdmin()) {
            return PermissionBits.ALL;
        }
        return effectiveBits(List.of(serverId), caller).getOrDefault(serverId, PermissionBits.NONE);
    }

    /** One grant as stored: enough to decide whom it covers. */
    public record Entry(String principalType, String principalId, int bits) {
    }

    /** The caller's bits from a server's grants already read (admins hold every bit). */
    public static int bitsFor(List<Entry> entries, Caller caller) {
        if (caller.isAdmin()) {
            return PermissionBits.ALL;
        }
        int bits = PermissionBits.NONE;
        for (Entry e : entries) {
            if (Principal.of(e.principalType(), e.principalId()).map(p -> p.covers(caller)).orElse(false)) {
                bits |= e.bits();
            }
        }
        return bits;
    }

    /** The caller's bits on one server, read in the caller's transaction. */
    public int effectiveBits(Handle h, String serverId, Caller caller) {
        if (caller.isAdmin()) {
            return PermissionBits.ALL;
        }
        return effectiveBits(h, List.of(serverId), caller).getOrDefault(serverId, PermissionBits.NONE);
    }

    /** The caller's bits on each of the servers that they hold any grant on. */
    public Map<String, Integer> effectiveBits(List<String> serverIds, Caller caller) {
        return jdbi.withHandle(h -> effectiveBits(h, serverIds, caller));
    }

    private Map<String, Integer> effectiveBits(Handle handle, List<String> serverIds, Caller caller) {
        Map<String, List<Entry>> entries = new LinkedHashMap<>();
        if (serverIds.isEmpty()) {
            return Map.of();
        }
        handle.createQuery("""
                        SELECT server_id, principal_type, principal_id, bits FROM server_grants
                        WHERE server_id IN (<servers>)""")
                .bindList("servers", serverIds)
                .map((rs, ctx) -> Map.entry(rs.getString("server_id"),
                        new Entry(rs.getString("principal_type"), rs.getString("principal_id"), rs.getInt("bits"))))
                .forEach(row -> entries.computeIfAbsent(row.getKey(), k -> new java.util.ArrayList<>()).add(row.getValue()));
        Map<String, Integer> bits = new LinkedHashMap<>();
        entries.forEach((server, grants) -> {
            int b = bitsFor(grants, caller);
            if (b != PermissionBits.NONE) {
                bits.put(server, b);
            }
        });
        return bits;
    }

    /**
     * A SQL condition, on a column holding a server id, that is true when the caller holds VIEW
     * there (admins everywhere, unless {@code adminBypass} is off: then only through grants); with
     * {@link #bindVisibility} it keeps listing and searching in the database.
     */
    public static String visibleCondition(String idColumn, Caller caller, boolean adminBypass) {
        if (caller.isAdmin() && adminBypass) {
            return "1 = 1";
        }
        String groups = caller.groups().isEmpty() ? "" : " OR (g.principal_type = 'group' AND g.principal_id IN (<groups>))";
        return idColumn + " IN (SELECT g.server_id FROM server_grants g WHERE MOD(g.bits, 2) = 1 AND ("
                + "g.principal_type = 'public' OR (g.principal_type = 'user' AND g.principal_id = :viewer_user)"
                + " OR (g.principal_type = 'role' AND g.principal_id = :viewer_role)" + groups + "))";
    }

    public static <T extends org.jdbi.v3.core.statement.SqlStatement<T>> T bindVisibility(T statement, Caller caller,
                                                                                       boolean adminBypass) {
        if (caller.isAdmin() && adminBypass) {
            return statement;
        }
        statement.bind("viewer_user", caller.userId()).bind("viewer_role", caller.role());
        if (!caller.groups().isEmpty()) {
            statement.bindList("groups", caller.groups());
        }
        return statement;
    }
}
