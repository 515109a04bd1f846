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

    /** The newest events about a subject, newest first. */
    public List<Event> forSubject(String subject, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT occurred_at, tenant_id, actor_id, action, subject, request_id, detail
                        FROM audit_events WHERE subject = :subject ORDER BY occurred_at DESC, id DESC LIMIT :limit""")
                .bind("subject", subject)
                .bind("limit", limit)
                .map((rs, ctx) -> new Event(rs.getObject("occurred_at", OffsetDateTime.class).toInstant(),
                        Optional.ofNullable(rs.getString("tenant_id")), rs.getString("actor_id"), rs.getString("action"),
                        rs.getString("subject"), Optional.ofNullable(rs.getString("request_id")),
                        Optional.ofNullable(rs.getString("detail"))))
                .list());
    }
}
