package dev.portcullis.registry;

import dev.portcullis.access.ServerGrants;
import dev.portcullis.crypto.SealContext;
import dev.portcullis.crypto.SecretSealer;
import dev.portcullis.identity.Caller;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import tools.jackson.databind.ObjectMapper;

/**
 * The user tier of the registry in the database. The user's input is sealed as a whole, bound to
 * the tenant and the server id; title and description are kept in clear for search. Updates are
 * compare-and-set on the version, so two editors cannot silently overwrite each other.
 */
public final class UserServerStore {
    private static final String COLUMNS = "id, tenant_id, server_name, title, description, author_id, version, "
            + "sealed_config, inspection, created_at, updated_at";

    private final Jdbi jdbi;
    private final SecretSealer sealer;
    private final ObjectMapper json;
    private final Clock clock;
    private static final int MAX_OPENED = 10_000;
    private final java.util.Map<String, StoredServer> opened = new java.util.concurrent.ConcurrentHashMap<>();

    public UserServerStore(Jdbi jdbi, SecretSealer sealer, ObjectMapper json, Clock clock) {
        this.jdbi = jdbi;
        this.sealer = sealer;
        this.json = json;
        this.clock = clock;
    }

    /** The name is taken in the tenant (another create won the race): try the next suffix. */
    public static final class NameTaken extends RuntimeException {
        NameTaken(Throwable cause) {
            super("server name taken", cause, false, false);
        }
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    private static SealContext context(String tenantId, String id) {
        return new SealContext(tenantId, "", id, "server.config");
    }

    /** Inserts a new server at version 1, in the caller's transaction. */
    public StoredServer insert(Handle h, String id, String tenantId, String name, Caller author, String inputJson,
                               Optional<String> title, Optional<String> description, Inspection inspection) {
        Instant now = clock.instant();
        try {
            h.createUpdate("INSERT INTO user_servers (" + COLUMNS + ") VALUES (:id, :tenant, :name, :title, :description,"
                            + " :author, 1, :sealed, :inspection, :at, :at)")
                    .bind("id", id).bind("tenant", tenantId).bind("name", name)
                    .bind("title", title.orElse(null)).bind("description", description.orElse(null))
                    .bind("author", author.userId()).bind("sealed", sealer.seal(inputJson, context(tenantId, id)))
                    .bind("inspection", json.writeValueAsString(inspection))
                    .bind("at", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                    .execute();
        } catch (UnableToExecuteStatementException e) {
            if (isUniqueViolation(e)) {
                throw new NameTaken(e);
            }
            throw e;
        }
        return new StoredServer(id, tenantId, name, title, description, author.userId(), 1, inputJson, inspection, now, now);
    }

    /** Replaces the input when the stored version is still {@code expectedVersion}; empty when another change came first. */
    public Optional<StoredServer> update(Handle h, StoredServer current, String inputJson, Optional<String> title,
                                         Optional<String> description, Inspection inspection) {
        Instant now = clock.instant();
        int rows = h.createUpdate("""
                        UPDATE user_servers SET version = version + 1, sealed_config = :sealed, title = :title,
                        description = :description, inspection = :inspection, updated_at = :at
                        WHERE id = :id AND version = :expected""")
                .bind("sealed", sealer.seal(inputJson, context(current.tenantId(), current.id())))
                .bind("title", title.orElse(null)).bind("description", description.orElse(null))
                .bind("inspection", json.writeValueAsString(inspection))
                .bind("at", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .bind("id", current.id()).bind("expected", current.version())
                .execute();
        return rows == 0 ? Optional.empty() : Optional.of(new StoredServer(current.id(), current.tenantId(), current.name(),
                title, description, current.authorId(), current.version() + 1, inputJson, inspection, current.createdAt(), now));
    }

    /** Locks the server's row until the caller's transaction ends; false when it no longer exists. */
    public boolean lock(Handle h, String id) {
        return h.createQuery("SELECT id FROM user_servers WHERE id = :id FOR UPDATE").bind("id", id)
                .mapTo(String.class).findOne().isPresent();
    }

    public boolean delete(Handle h, String id) {
        return h.createUpdate("DELETE FROM user_servers WHERE id = :id").bind("id", id).execute() > 0;
    }

    /** A server found by name, with all of its grants: what a request needs, in one round trip. */
    public record Found(StoredServer server, List<ServerGrants.Entry> grants) {
    }

    /**
     * The hot path of every request naming a user server: one query for the row's id and version
     * and its grants; the opened row itself comes from a cache keyed by id and version, so neither
     * the sealed input is opened nor the inspection parsed again until the server changes.
     */
    public Optional<Found> lookup(String tenantId, String name) {
        record Row(String id, long version, ServerGrants.Entry grant) {
        }
        List<Row> rows = jdbi.withHandle(h -> h.createQuery("""
                        SELECT s.id, s.version, g.principal_type, g.principal_id, g.bits
                        FROM user_servers s LEFT JOIN server_grants g ON g.server_id = s.id
                        WHERE s.tenant_id = :tenant AND s.server_name = :name""")
                .bind("tenant", tenantId).bind("name", name)
                .map((rs, ctx) -> new Row(rs.getString("id"), rs.getLong("version"), rs.getString("principal_type") == null ? null
                        : new ServerGrants.Entry(rs.getString("principal_type"), rs.getString("principal_id"), rs.getInt("bits"))))
                .list());
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Row first = rows.getFirst();
        StoredServer cached = opened.get(first.id());
        StoredServer server = cached != null && cached.version() == first.version() ? cached : null;
        if (server == null) {
            Optional<StoredServer> fresh = findById(first.id());
            if (fresh.isEmpty()) {
                return Optional.empty(); // deleted between the two reads
            }
            server = remember(fresh.get());
        }
        return Optional.of(new Found(server, rows.stream().map(Row::grant).filter(java.util.Objects::nonNull).toList()));
    }

    /** Drops a deleted server's opened row (it holds the owner's secrets) from memory. */
    public void forget(String id) {
        opened.remove(id);
    }

    private StoredServer remember(StoredServer server) {
        if (opened.size() >= MAX_OPENED) {
            opened.clear(); // a bound, not a policy: servers are re-read on their next use
        }
        opened.put(server.id(), server);
        return server;
    }

    public Optional<StoredServer> find(String tenantId, String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM user_servers WHERE tenant_id = :tenant AND server_name = :name")
                .bind("tenant", tenantId).bind("name", name).map((rs, ctx) -> read(rs)).findOne());
    }

    public Optional<StoredServer> findById(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM user_servers WHERE id = :id")
                .bind("id", id).map((rs, ctx) -> read(rs)).findOne());
    }

    /** The names in the tenant that are {@code base} or {@code base-N}: what a new name must avoid. */
    public List<String> namesLike(String tenantId, String base) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT server_name FROM user_servers WHERE tenant_id = :tenant
                        AND (server_name = :base OR server_name LIKE :pattern ESCAPE '!')""")
                .bind("tenant", tenantId).bind("base", base).bind("pattern", escapeLike(base) + "-%")
                .mapTo(String.class).list());
    }

    /**
     * The tenant's servers the caller may view, by name, after {@code afterName}, matching the
     * search, leaving out {@code excludedNames} (shadowed by operator servers), at most {@code limit}.
     */
    public List<StoredServer> visible(String tenantId, Caller caller, Optional<String> search, Optional<String> afterName,
                                      int limit, java.util.Collection<String> excludedNames, boolean adminBypass) {
        return jdbi.withHandle(h -> {
            StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM user_servers WHERE tenant_id = :tenant AND ")
                    .append(ServerGrants.visibleCondition("id", caller, adminBypass));
            if (!excludedNames.isEmpty()) {
                sql.append(" AND server_name NOT IN (<excluded>)");
            }
            search.ifPresent(s -> sql.append(" AND (LOWER(COALESCE(title, '')) LIKE :search ESCAPE '!'")
                    .append(" OR LOWER(COALESCE(description, '')) LIKE :search ESCAPE '!')"));
            afterName.ifPresent(a -> sql.append(" AND server_name > :after"));
            sql.append(" ORDER BY server_name LIMIT :limit");
            Query q = h.createQuery(sql.toString()).bind("tenant", tenantId).bind("limit", limit);
            search.ifPresent(s -> q.bind("search", "%" + escapeLike(s.toLowerCase(java.util.Locale.ROOT)) + "%"));
            afterName.ifPresent(a -> q.bind("after", a));
            if (!excludedNames.isEmpty()) {
                q.bindList("excluded", List.copyOf(excludedNames));
            }
            return ServerGrants.bindVisibility(q, caller, adminBypass).map((rs, ctx) -> read(rs)).list();
        });
    }

    /** Re-seals, with the current key, every server input sealed with a previous one; returns how many. */
    public int resealAll() {
        List<String[]> stale = new ArrayList<>(jdbi.withHandle(h -> h.createQuery(
                        "SELECT id, tenant_id, sealed_config FROM user_servers")
                .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}).list()));
        stale.removeIf(row -> !sealer.needsResealing(row[2]));
        for (String[] row : stale) {
            String input = sealer.open(row[2], context(row[1], row[0]));
            jdbi.useHandle(h -> h.createUpdate("UPDATE user_servers SET sealed_config = :next WHERE id = :id AND sealed_config = :previous")
                    .bind("next", sealer.seal(input, context(row[1], row[0]))).bind("id", row[0]).bind("previous", row[2])
                    .execute());
        }
        return stale.size();
    }

    private StoredServer read(ResultSet rs) throws SQLException {
        String id = rs.getString("id");
        String tenant = rs.getString("tenant_id");
        return new StoredServer(id, tenant, rs.getString("server_name"), Optional.ofNullable(rs.getString("title")),
                Optional.ofNullable(rs.getString("description")), rs.getString("author_id"), rs.getLong("version"),
                sealer.open(rs.getString("sealed_config"), context(tenant, id)),
                json.readValue(rs.getString("inspection"), Inspection.class),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getObject("updated_at", OffsetDateTime.class).toInstant());
    }

    /** '!' escapes LIKE's wildcards: a backslash would need different quoting in H2, PostgreSQL and JDBI. */
    private static String escapeLike(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    private static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && "23505".equals(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }

}
