package dev.portcullis.people;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.portcullis.config.DirectorySettings;
import dev.portcullis.identity.Caller;
import dev.portcullis.store.shared.KeyValueStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who the gateway has seen, per tenant. Every verified request reports its caller, but the
 * database is written only when something about them changed or {@link #REFRESH} has passed since
 * they were last written: this replica remembers what it wrote, and the replicas agree through the
 * shared store who writes a given profile, so a user's burst of calls across replicas costs one
 * write. Rows not refreshed within the retention are deleted. Recording never fails a request.
 */
public final class PeopleDirectory {
    private static final Logger log = LoggerFactory.getLogger(PeopleDirectory.class);
    /** How often an unchanged caller is written again, which keeps their row inside the retention. */
    static final Duration REFRESH = Duration.ofMinutes(10);
    static final Duration PURGE_EVERY = Duration.ofHours(1);
    /** A token may name hundreds of groups; the directory keeps the first this many of a user's. */
    static final int MAX_GROUPS = 100;
    static final int MAX_ID = 256;

    private final Jdbi jdbi;
    private final KeyValueStore shared;
    private final DirectorySettings settings;
    private final Clock clock;
    /** Tenant and user → the fingerprint of the profile this replica last wrote. */
    private final Cache<String, String> written;
    private final AtomicReference<Instant> lastPurge = new AtomicReference<>(Instant.MIN);

    public PeopleDirectory(Jdbi jdbi, KeyValueStore shared, DirectorySettings settings, Clock clock) {
        this.jdbi = jdbi;
        this.shared = shared;
        this.settings = settings;
        this.clock = clock;
        this.written = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(REFRESH)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis())).build();
        if (!settings.enabled()) {
            forgetEveryone();
        }
    }

    public boolean enabled() {
        return settings.enabled();
    }

    /** Records the caller of a verified request, unless this profile was written within {@link #REFRESH}. */
    public void seen(Caller caller) {
        if (!settings.enabled() || caller.userId().length() > MAX_ID) {
            return;
        }
        String tenant = caller.tenantId().orElse("");
        String who = tenant + "\u0000" + caller.userId();
        String fingerprint = fingerprint(caller);
        if (fingerprint.equals(written.getIfPresent(who))) {
            return;
        }
        written.put(who, fingerprint);
        try {
            // Another replica that wrote this very profile meanwhile leaves nothing to do here.
            if (shared.putIfAbsent("directory:" + sha256(who + "\u0000" + fingerprint), "1", REFRESH)) {
                jdbi.useTransaction(h -> write(h, tenant, caller));
            }
            purgeIfDue();
        } catch (RuntimeException e) {
            log.warn("could not record a caller in the people directory; the request goes on", e);
        }
    }

    /** Records a user or group a grant names, in the grant's transaction (roles and the public need no record). */
    public void granted(Handle h, String tenantId, String type, String id) {
        if (!settings.enabled() || id.length() > MAX_ID) {
            return;
        }
        OffsetDateTime now = now();
        switch (type) {
            case "user" -> upsert(h, "directory_users", "user_id", tenantId, id, now);
            case "group" -> upsert(h, "directory_groups", "group_id", tenantId, id, now);
            default -> { }
        }
    }

    /** The users of the tenant among {@code ids}, by id. */
    public Map<String, Person> users(String tenantId, Collection<String> ids) {
        Map<String, Person> found = new LinkedHashMap<>();
        if (!settings.enabled() || ids.isEmpty()) {
            return found;
        }
        jdbi.withHandle(h -> h.createQuery("SELECT " + PERSON + " FROM directory_users WHERE tenant_id = :tenant"
                        + " AND user_id IN (<ids>)")
                .bind("tenant", tenantId).bindList("ids", List.copyOf(new LinkedHashSet<>(ids)))
                .map((rs, ctx) -> person(rs)).list())
                .forEach(p -> found.put(p.id(), p));
        return found;
    }

    /**
     * Users of the tenant whose name, email or username contains {@code query} in any case (as
     * LibreChat searches), exact matches first, then prefixes; at most {@code limit}.
     */
    public List<Person> searchUsers(String tenantId, String query, int limit) {
        if (!settings.enabled()) {
            return List.of();
        }
        String columns = "LOWER(name) %1$s OR LOWER(email) %1$s OR LOWER(username) %1$s";
        return jdbi.withHandle(h -> likeQuery(h, "SELECT " + PERSON + " FROM directory_users WHERE tenant_id = :tenant AND ("
                        + columns.formatted("LIKE :contains ESCAPE '!'") + ") ORDER BY CASE WHEN "
                        + columns.formatted("= :exact") + " THEN 0 WHEN " + columns.formatted("LIKE :prefix ESCAPE '!'")
                        + " THEN 1 ELSE 2 END, LOWER(COALESCE(name, email, username, user_id)), user_id LIMIT :limit",
                tenantId, query, limit).map((rs, ctx) -> person(rs)).list());
    }

    /** Groups of the tenant whose name contains {@code query} in any case; at most {@code limit}. */
    public List<KnownGroup> searchGroups(String tenantId, String query, int limit) {
        if (!settings.enabled()) {
            return List.of();
        }
        return jdbi.withHandle(h -> likeQuery(h, """
                        SELECT g.group_id, (SELECT COUNT(*) FROM directory_members m
                                            WHERE m.tenant_id = g.tenant_id AND m.group_id = g.group_id) AS members
                        FROM directory_groups g WHERE g.tenant_id = :tenant AND LOWER(g.group_id) LIKE :contains ESCAPE '!'
                        ORDER BY CASE WHEN LOWER(g.group_id) = :exact THEN 0
                                      WHEN LOWER(g.group_id) LIKE :prefix ESCAPE '!' THEN 1 ELSE 2 END, LOWER(g.group_id)
                        LIMIT :limit""", tenantId, query, limit)
                .map((rs, ctx) -> new KnownGroup(rs.getString("group_id"), rs.getInt("members"))).list());
    }

    /** The roles the tenant's known users hold (as their last token said, after the operator's mapping). */
    public Set<String> roles(String tenantId) {
        if (!settings.enabled()) {
            return Set.of();
        }
        List<String> roles = jdbi.withHandle(h -> h.createQuery("""
                        SELECT DISTINCT role FROM directory_users WHERE tenant_id = :tenant AND role IS NOT NULL LIMIT 1000""")
                .bind("tenant", tenantId).mapTo(String.class).list());
        return new TreeSet<>(roles);
    }

    /** {@link #purgeIfDue()} on a schedule: a failure is logged and tried again next time. */
    public void purgeQuietly() {
        try {
            purgeIfDue();
        } catch (RuntimeException e) {
            log.warn("the people directory could not forget old entries this time: {}", e.toString());
        }
    }

    /** Deletes whoever was not seen within the retention; at most once per {@link #PURGE_EVERY} on this replica. */
    void purgeIfDue() {
        Instant now = clock.instant();
        Instant last = lastPurge.get();
        if (last.isAfter(now.minus(PURGE_EVERY)) || !lastPurge.compareAndSet(last, now)) {
            return;
        }
        OffsetDateTime cutoff = OffsetDateTime.ofInstant(now.minus(settings.retention()), ZoneOffset.UTC);
        jdbi.useTransaction(h -> {
            int users = h.createUpdate("DELETE FROM directory_users WHERE updated_at < :cutoff").bind("cutoff", cutoff).execute();
            h.createUpdate("""
                    DELETE FROM directory_members WHERE NOT EXISTS (SELECT 1 FROM directory_users u
                    WHERE u.tenant_id = directory_members.tenant_id AND u.user_id = directory_members.user_id)""").execute();
            int groups = h.createUpdate("DELETE FROM directory_groups WHERE updated_at < :cutoff").bind("cutoff", cutoff).execute();
            if (users + groups > 0) {
                log.info("the people directory forgot {} user(s) and {} group(s) not seen for {} days", users, groups,
                        settings.retention().toDays());
            }
        });
    }

    private void forgetEveryone() {
        jdbi.useTransaction(h -> {
            int users = h.createUpdate("DELETE FROM directory_users").execute();
            h.createUpdate("DELETE FROM directory_members").execute();
            h.createUpdate("DELETE FROM directory_groups").execute();
            if (users > 0) {
                log.info("auth.directory.enabled is false: the people directory forgot the {} user(s) it held", users);
            }
        });
    }

    private static final String PERSON = "user_id, username, name, email, provider, role";

    private static Person person(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Person(rs.getString("user_id"), Optional.ofNullable(rs.getString("username")),
                Optional.ofNullable(rs.getString("name")), Optional.ofNullable(rs.getString("email")),
                Optional.ofNullable(rs.getString("provider")), Optional.ofNullable(rs.getString("role")));
    }

    private static org.jdbi.v3.core.statement.Query likeQuery(Handle h, String sql, String tenantId, String query, int limit) {
        String q = query.toLowerCase(Locale.ROOT);
        // '!' escapes: JDBI's statement parser reads backslashes itself, so a backslash escape would not survive it.
        String escaped = q.replace("!", "!!").replace("%", "!%").replace("_", "!_");
        return h.createQuery(sql).bind("tenant", tenantId).bind("exact", q).bind("prefix", escaped + "%")
                .bind("contains", "%" + escaped + "%").bind("limit", limit);
    }

    private void write(Handle h, String tenant, Caller caller) {
        OffsetDateTime now = now();
        upsert(h, "directory_users", "user_id", tenant, caller.userId(), now);
        h.createUpdate("""
                        UPDATE directory_users SET username = :username, name = :name, email = :email, provider = :provider,
                        role = :role WHERE tenant_id = :tenant AND user_id = :user""")
                .bind("tenant", tenant).bind("user", caller.userId())
                .bind("username", fit(caller.username(), 256)).bind("name", fit(caller.name(), 256))
                .bind("email", fit(caller.email(), 320)).bind("provider", fit(caller.provider(), 64))
                // A role too long to store would be another role once cut: leave it out instead.
                .bind("role", caller.role().length() <= 128 ? caller.role() : null)
                .execute();
        h.createUpdate("DELETE FROM directory_members WHERE tenant_id = :tenant AND user_id = :user")
                .bind("tenant", tenant).bind("user", caller.userId()).execute();
        caller.groups().stream().filter(g -> !g.isBlank() && g.length() <= MAX_ID).distinct().limit(MAX_GROUPS).forEach(group -> {
            upsert(h, "directory_groups", "group_id", tenant, group, now);
            h.createUpdate("INSERT INTO directory_members (tenant_id, group_id, user_id) VALUES (:tenant, :group, :user)"
                            + " ON CONFLICT DO NOTHING")
                    .bind("tenant", tenant).bind("group", group).bind("user", caller.userId()).execute();
        });
    }

    /**
     * Insert-if-absent, then touch: a portable upsert for H2 and PostgreSQL that never fails a
     * statement (which would abort PostgreSQL's whole transaction) when two writers race.
     */
    private static void upsert(Handle h, String table, String idColumn, String tenant, String id, OffsetDateTime now) {
        h.createUpdate("INSERT INTO " + table + " (tenant_id, " + idColumn + ", updated_at) VALUES (:tenant, :id, :at)"
                        + " ON CONFLICT DO NOTHING")
                .bind("tenant", tenant).bind("id", id).bind("at", now).execute();
        h.createUpdate("UPDATE " + table + " SET updated_at = :at WHERE tenant_id = :tenant AND " + idColumn + " = :id")
                .bind("tenant", tenant).bind("id", id).bind("at", now).execute();
    }

    private OffsetDateTime now() {
        return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    /** Display values are cut to their column rather than refused: a long name must not cost a write. */
    private static String fit(Optional<String> value, int max) {
        return value.filter(v -> !v.isBlank()).map(v -> v.length() <= max ? v : v.substring(0, max)).orElse(null);
    }

    private static String fingerprint(Caller caller) {
        List<String> parts = List.of(caller.role(), caller.email().orElse(""), caller.username().orElse(""),
                caller.name().orElse(""), caller.provider().orElse(""),
                String.join("\u0001", new TreeSet<>(caller.groups())));
        return sha256(String.join("\u0000", parts));
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
