package dev.portcullis.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Append-only record of administrative changes: who did what to which subject, from which request. */
public final class AuditLog {
    private static final int MAX_DETAIL = 4000;

    private final Jdbi jdbi;

    public AuditLog(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** One change. {@code detail} must not hold secrets; it is truncated to fit. */
    public record Event(Instant occurredAt, Optional<String> tenantId, String actorId, String action, String subject,
                        Optional<String> requestId, Optional<String> detail) {
    }

    public void append(Event e) {
        jdbi.useHandle(h -> append(h, e));
    }

    /** Appends in the caller's transaction: the change and its record commit together, or neither does. */
    public void append(org.jdbi.v3.core.Handle h, Event e) {
        h.createUpdate("""
                        INSERT INTO audit_events (occurred_at, tenant_id, actor_id, action, subject, request_id, detail)
                        VALUES (:at, :tenant, :actor, :action, :subject, :request, :detail)""")
                .bind("at", OffsetDateTime.ofInstant(e.occurredAt(), ZoneOffset.UTC))
                .bind("tenant", e.tenantId().orElse(null))
                .bind("actor", e.actorId())
                .bind("action", e.action())
                .bind("subject", e.subject())
                .bind("request", e.requestId().orElse(null))
                .bind("detail", e.detail().map(d -> d.length() > MAX_DETAIL ? d.substring(0, MAX_DETAIL) : d).orElse(null))
                .execute();
    }

    /**
     * What the admin pages ask of the trail: one tenant's events (the empty tenant is that of events without one),
     * each filter exact when given, {@code from} inclusive and {@code to} exclusive, older than {@code before} when
     * paging, at most {@code limit}.
     */
    public record Query(String tenantId, Optional<String> actorId, Optional<String> action, Optional<String> subject,
                        Optional<Instant> from, Optional<Instant> to, Optional<Position> before, int limit) {
    }

    /** Where an event stands in the trail's order (newest first): its time, then its id for events of the same time. */
    public record Position(Instant occurredAt, long id) {
    }

    /** An event with its place in the trail. */
    public record Stored(Position position, Event event) {
    }

    /** One page, newest first; {@code older} is where the next page starts, when there is one. */
    public record Page(List<Stored> events, Optional<Position> older) {
    }

    /** The events the query matches, newest first; a keyset page, so events appended meanwhile neither repeat nor shift it. */
    public Page query(Query q) {
        StringBuilder sql = new StringBuilder("""
                SELECT id, occurred_at, tenant_id, actor_id, action, subject, request_id, detail
                FROM audit_events WHERE COALESCE(tenant_id, '') = :tenant""");
        q.actorId().ifPresent(a -> sql.append(" AND actor_id = :actor"));
        q.action().ifPresent(a -> sql.append(" AND action = :action"));
        q.subject().ifPresent(a -> sql.append(" AND subject = :subject"));
        q.from().ifPresent(a -> sql.append(" AND occurred_at >= :from"));
        q.to().ifPresent(a -> sql.append(" AND occurred_at < :to"));
        q.before().ifPresent(b -> sql.append(" AND (occurred_at < :beforeAt OR (occurred_at = :beforeAt AND id < :beforeId))"));
        sql.append(" ORDER BY occurred_at DESC, id DESC LIMIT :limit");
        List<Stored> found = jdbi.withHandle(h -> {
            var query = h.createQuery(sql.toString()).bind("tenant", q.tenantId()).bind("limit", q.limit() + 1);
            q.actorId().ifPresent(a -> query.bind("actor", a));
            q.action().ifPresent(a -> query.bind("action", a));
            q.subject().ifPresent(a -> query.bind("subject", a));
            q.from().ifPresent(a -> query.bind("from", utc(a)));
            q.to().ifPresent(a -> query.bind("to", utc(a)));
            q.before().ifPresent(b -> query.bind("beforeAt", utc(b.occurredAt())).bind("beforeId", b.id()));
            return query.map((rs, ctx) -> new Stored(new Position(rs.getObject("occurred_at", OffsetDateTime.class).toInstant(),
                    rs.getLong("id")), read(rs))).list();
        });
        boolean more = found.size() > q.limit();
        List<Stored> page = more ? found.subList(0, q.limit()) : found;
        return new Page(List.copyOf(page), more ? Optional.of(page.getLast().position()) : Optional.empty());
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Event read(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Event(rs.getObject("occurred_at", OffsetDateTime.class).toInstant(),
                Optional.ofNullable(rs.getString("tenant_id")), rs.getString("actor_id"), rs.getString("action"),
                rs.getString("subject"), Optional.ofNullable(rs.getString("request_id")),
                Optional.ofNullable(rs.getString("detail")));
    }

    /** The newest events about a subject, newest first. */
    public List<Event> forSubject(String subject, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT occurred_at, tenant_id, actor_id, action, subject, request_id, detail
                        FROM audit_events WHERE subject = :subject ORDER BY occurred_at DESC, id DESC LIMIT :limit""")
                .bind("subject", subject)
                .bind("limit", limit)
                .map((rs, ctx) -> read(rs))
                .list());
    }
}
