package dev.portcullis.identity;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.portcullis.store.AuditLog;
import dev.portcullis.store.shared.PubSub;
import dev.portcullis.store.shared.Subscription;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;

/**
 * Role permissions in the database ({@code role_permissions}), read through a cache because every
 * route checks one. A change is written, audited, dropped from this replica's cache at once, and
 * announced on pub/sub so every other replica drops its copy too (through Redis when configured).
 * The cache also forgets each tenant after {@link #STALE_AFTER}, which bounds how long a replica
 * that missed the announcement (several replicas without Redis) keeps an old value.
 */
public final class StoredRoleOverrides implements RoleOverrides, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StoredRoleOverrides.class);
    static final String CHANNEL = "roles:changed";
    static final Duration STALE_AFTER = Duration.ofMinutes(1);

    private final Jdbi jdbi;
    private final PubSub pubSub;
    private final AuditLog audit;
    private final ObjectMapper json;
    private final Clock clock;
    private final Subscription subscription;
    /** Per tenant: role → "TYPE.PERMISSION" → allowed. */
    private final LoadingCache<String, Map<String, Map<String, Boolean>>> byTenant;

    public StoredRoleOverrides(Jdbi jdbi, PubSub pubSub, AuditLog audit, ObjectMapper json, Clock clock) {
        this.jdbi = jdbi;
        this.pubSub = pubSub;
        this.audit = audit;
        this.json = json;
        this.clock = clock;
        this.byTenant = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(STALE_AFTER).build(this::load);
        this.subscription = pubSub.subscribe(CHANNEL, byTenant::invalidate);
    }

    /** A change to one role's permissions of one type, as {@code PUT /api/roles/{role}/...} makes it. */
    public record Change(String tenantId, String role, Map<? extends RolePermission, Boolean> values, String actorId,
                         Optional<String> requestId) {
    }

    @Override
    public Optional<Boolean> find(String tenantId, String role, RolePermission permission) {
        return Optional.ofNullable(byTenant.get(tenantId).getOrDefault(role, Map.of()).get(key(permission)));
    }

    @Override
    public Set<String> roles(String tenantId) {
        return byTenant.get(tenantId).keySet();
    }

    /** Stores the values (each replaces what was stored), with an audit event, in one transaction. */
    public void update(Change change) {
        if (change.values().isEmpty()) {
            return;
        }
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        Map<String, Boolean> detail = new LinkedHashMap<>();
        jdbi.useTransaction(h -> {
            change.values().forEach((permission, allowed) -> {
                // Insert-if-absent then update: one portable upsert for H2 and PostgreSQL, without a
                // failing statement that would abort PostgreSQL's transaction.
                h.createUpdate("""
                                INSERT INTO role_permissions (tenant_id, role_name, permission_type, permission, allowed,
                                updated_by, updated_at) VALUES (:tenant, :role, :type, :name, :allowed, :by, :at)
                                ON CONFLICT DO NOTHING""")
                        .bind("tenant", change.tenantId()).bind("role", change.role()).bind("type", permission.type())
                        .bind("name", permission.name()).bind("allowed", allowed).bind("by", change.actorId()).bind("at", now)
                        .execute();
                h.createUpdate("""
                                UPDATE role_permissions SET allowed = :allowed, updated_by = :by, updated_at = :at
                                WHERE tenant_id = :tenant AND role_name = :role AND permission_type = :type AND permission = :name""")
                        .bind("tenant", change.tenantId()).bind("role", change.role()).bind("type", permission.type())
                        .bind("name", permission.name()).bind("allowed", allowed).bind("by", change.actorId()).bind("at", now)
                        .execute();
                detail.put(key(permission), allowed);
            });
            audit.append(h, new AuditLog.Event(clock.instant(), change.tenantId().isEmpty() ? Optional.empty()
                    : Optional.of(change.tenantId()), change.actorId(), "role.update", "role:" + change.role(),
                    change.requestId(), Optional.of(json.writeValueAsString(Map.of("roleName", change.role(), "permissions", detail)))));
        });
        byTenant.invalidate(change.tenantId()); // here at once, not when the message comes back
        try {
            pubSub.publish(CHANNEL, change.tenantId());
        } catch (RuntimeException e) {
            // The change is committed; the other replicas' caches forget it within STALE_AFTER anyway.
            log.warn("could not tell other replicas that the permissions of role '{}' changed", change.role(), e);
        }
    }

    private Map<String, Map<String, Boolean>> load(String tenantId) {
        record Row(String role, String key, boolean allowed) {
        }
        Map<String, Map<String, Boolean>> roles = new HashMap<>();
        jdbi.withHandle(h -> h.createQuery("""
                        SELECT role_name, permission_type, permission, allowed FROM role_permissions WHERE tenant_id = :tenant""")
                .bind("tenant", tenantId)
                .map((rs, ctx) -> new Row(rs.getString("role_name"),
                        rs.getString("permission_type") + "." + rs.getString("permission"), rs.getBoolean("allowed")))
                .list())
                .forEach(row -> roles.computeIfAbsent(row.role(), r -> new HashMap<>()).put(row.key(), row.allowed()));
        Map<String, Map<String, Boolean>> frozen = new HashMap<>();
        roles.forEach((role, values) -> frozen.put(role, Map.copyOf(values)));
        return Map.copyOf(frozen);
    }

    private static String key(RolePermission permission) {
        return permission.type() + "." + permission.name();
    }

    @Override
    public void close() {
        subscription.close();
    }
}
