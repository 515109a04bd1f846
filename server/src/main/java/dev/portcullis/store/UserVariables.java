package dev.portcullis.store;

import dev.portcullis.crypto.SealContext;
import dev.portcullis.crypto.SecretSealer;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * Each user's values for a server's {@code customUserVars}, sealed at rest. A value is bound to
 * its tenant, user, server and variable name, so a row copied to another user does not open.
 */
public final class UserVariables {
    private static final int MAX_VALUE_CHARS = 4096;

    private final Jdbi jdbi;
    private final SecretSealer sealer;
    private final Clock clock;

    public UserVariables(Jdbi jdbi, SecretSealer sealer, Clock clock) {
        this.jdbi = jdbi;
        this.sealer = sealer;
        this.clock = clock;
    }

    /** Who owns a set of values. */
    public record Owner(String tenantId, String userId, String serverName) {
        SealContext context(String name) {
            return new SealContext(tenantId, userId, serverName, "user.variable/" + name);
        }
    }

    /** The user's values, opened; values sealed with a previous key are re-sealed with the current one. */
    public Map<String, String> values(Owner owner) {
        List<Map.Entry<String, String>> rows = jdbi.withHandle(h -> h.createQuery("""
                        SELECT name, sealed_value FROM user_variables
                        WHERE tenant_id = :tenant AND user_id = :user AND server_name = :server ORDER BY name""")
                .bind("tenant", owner.tenantId()).bind("user", owner.userId()).bind("server", owner.serverName())
                .map((rs, ctx) -> Map.entry(rs.getString("name"), rs.getString("sealed_value"))).list());
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> reseal = new LinkedHashMap<>();
        for (Map.Entry<String, String> row : rows) {
            String value = sealer.open(row.getValue(), owner.context(row.getKey()));
            values.put(row.getKey(), value);
            if (sealer.needsResealing(row.getValue())) {
                reseal.put(row.getKey(), value);
            }
        }
        if (!reseal.isEmpty()) {
            set(owner, reseal);
        }
        return values;
    }

    /** Which variables have a value — what the API may reveal. */
    public Set<String> namesWithValues(Owner owner) {
        return Set.copyOf(jdbi.withHandle(h -> h.createQuery("""
                        SELECT name FROM user_variables
                        WHERE tenant_id = :tenant AND user_id = :user AND server_name = :server""")
                .bind("tenant", owner.tenantId()).bind("user", owner.userId()).bind("server", owner.serverName())
                .mapTo(String.class).list()));
    }

    /** Sets values in one transaction; an empty value deletes the variable. */
    public void set(Owner owner, Map<String, String> values) {
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        jdbi.useTransaction(h -> values.forEach((name, value) -> {
            h.createUpdate("DELETE FROM user_variables WHERE tenant_id = :tenant AND user_id = :user AND server_name = :server AND name = :name")
                    .bind("tenant", owner.tenantId()).bind("user", owner.userId()).bind("server", owner.serverName())
                    .bind("name", name).execute();
            if (!value.isEmpty()) {
                if (value.length() > MAX_VALUE_CHARS) {
                    throw new IllegalArgumentException("a value is longer than " + MAX_VALUE_CHARS + " characters");
                }
                h.createUpdate("""
                                INSERT INTO user_variables (tenant_id, user_id, server_name, name, sealed_value, updated_at)
                                VALUES (:tenant, :user, :server, :name, :sealed, :at)""")
                        .bind("tenant", owner.tenantId()).bind("user", owner.userId()).bind("server", owner.serverName())
                        .bind("name", name).bind("sealed", sealer.seal(value, owner.context(name))).bind("at", now)
                        .execute();
            }
        }));
    }

    /** Re-seals, with the current key, every value sealed with a previous one; returns how many. */
    public int resealAll() {
        record Row(Owner owner, String name, String sealed) {
        }
        List<Row> stale = jdbi.withHandle(h -> h.createQuery(
                        "SELECT tenant_id, user_id, server_name, name, sealed_value FROM user_variables")
                .map((rs, ctx) -> new Row(new Owner(rs.getString("tenant_id"), rs.getString("user_id"), rs.getString("server_name")),
                        rs.getString("name"), rs.getString("sealed_value")))
                .list()).stream().filter(r -> sealer.needsResealing(r.sealed())).toList();
        for (Row r : stale) {
            String value = sealer.open(r.sealed(), r.owner().context(r.name()));
            jdbi.useHandle(h -> h.createUpdate("UPDATE user_variables SET sealed_value = :next WHERE tenant_id = :tenant"
                            + " AND user_id = :user AND server_name = :server AND name = :name AND sealed_value = :previous")
                    .bind("next", sealer.seal(value, r.owner().context(r.name()))).bind("previous", r.sealed())
                    .bind("tenant", r.owner().tenantId()).bind("user", r.owner().userId())
                    .bind("server", r.owner().serverName()).bind("name", r.name()).execute());
        }
        return stale.size();
    }

    /** Deletes every user's values for the server (it was deleted, or moved where they must not follow), in the caller's transaction. */
    public int clearServer(org.jdbi.v3.core.Handle h, String tenantId, String serverName) {
        return h.createUpdate("DELETE FROM user_variables WHERE tenant_id = :tenant AND server_name = :server")
                .bind("tenant", tenantId).bind("server", serverName).execute();
    }

    /** Deletes all of the user's values for the server. */
    public void clear(Owner owner) {
        jdbi.useHandle(h -> h.createUpdate(
                        "DELETE FROM user_variables WHERE tenant_id = :tenant AND user_id = :user AND server_name = :server")
                .bind("tenant", owner.tenantId()).bind("user", owner.userId()).bind("server", owner.serverName()).execute());
    }
}
