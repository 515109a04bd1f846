package dev.portcullis.console;

import dev.portcullis.store.AuditLog;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The Admin → Audit log page's filter, read from its query parameters (so a filtered view is a link): actor, server,
 * action, from, to, and the keyset cursor of an "Older" link. Every bad value becomes a message for its field, never
 * an exception.
 *
 * @param values what was entered, by field, to show in the form again
 * @param problems a message per field that could not be read ({@code before} for a bad cursor)
 */
public record AuditFilter(Map<String, String> values, Map<String, String> problems, Optional<AuditLog.Query> query) {
    public static final int PAGE_SIZE = 50;
    /** The columns' widths (V1__audit_events.sql): a longer value cannot match anything. */
    private static final int MAX_TEXT = 256;
    public static final List<String> FIELDS = List.of("actor", "server", "action", "from", "to");

    /** What a server filter stands for: the subject it matches, or why it matches nothing. */
    public sealed interface Subject {
        record Of(String subject) implements Subject {
        }

        record Problem(String message) implements Subject {
        }
    }

    /**
     * @param params the request's query parameters
     * @param servers the subject a server name stands for in the admin's tenant (see docs/console.md)
     */
    public static AuditFilter read(String tenantId, Map<String, List<String>> params, Function<String, Subject> servers) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> problems = new LinkedHashMap<>();
        for (String field : FIELDS) {
            values.put(field, first(params, field).strip());
        }
        Optional<String> actor = text(values, problems, "actor");
        Optional<String> action = text(values, problems, "action");
        Optional<String> subject = text(values, problems, "server").flatMap(s -> {
            if (s.contains(":")) {
                return Optional.of(s); // a subject as the trail writes it: mcpServer:<id>, role:<name>
            }
            return switch (servers.apply(s)) {
                case Subject.Of of -> Optional.of(of.subject());
                case Subject.Problem p -> {
                    problems.put("server", p.message());
                    yield Optional.empty();
                }
            };
        });
        Optional<Instant> from = time(values, problems, "from", false);
        Optional<Instant> to = time(values, problems, "to", true);
        if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
            problems.put("to", "Must be after From");
        }
        Optional<AuditLog.Position> before = Optional.empty();
        String cursor = first(params, "before").strip();
        if (!cursor.isEmpty()) {
            before = decode(cursor);
            if (before.isEmpty()) {
                problems.put("before", "This “Older” link is not one this page made; start again from the newest events");
            }
        }
        Optional<AuditLog.Query> query = problems.isEmpty() ? Optional.of(new AuditLog.Query(tenantId, actor, action, subject,
                from, to, before, PAGE_SIZE)) : Optional.empty();
        return new AuditFilter(Map.copyOf(values), Map.copyOf(problems), query);
    }

    public String value(String field) {
        return values.getOrDefault(field, "");
    }

    public String problem(String field) {
        return problems.getOrDefault(field, "");
    }

    /** The query string of the page after this one: the same filter, older than {@code position}. */
    public String olderQuery(AuditLog.Position position) {
        StringBuilder q = new StringBuilder();
        for (String field : FIELDS) {
            if (!value(field).isEmpty()) {
                q.append(field).append('=').append(URLEncoder.encode(value(field), StandardCharsets.UTF_8)).append('&');
            }
        }
        return q.append("before=").append(URLEncoder.encode(encode(position), StandardCharsets.UTF_8)).toString();
    }

    static String encode(AuditLog.Position p) {
        return p.occurredAt() + "_" + p.id();
    }

    static Optional<AuditLog.Position> decode(String cursor) {
        int cut = cursor.lastIndexOf('_');
        if (cut <= 0) {
            return Optional.empty();
        }
        try {
            Instant at = Instant.parse(cursor.substring(0, cut));
            return inRange(at) ? Optional.of(new AuditLog.Position(at, Long.parseLong(cursor.substring(cut + 1))))
                    : Optional.empty();
        } catch (DateTimeParseException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> text(Map<String, String> values, Map<String, String> problems, String field) {
        String v = values.get(field);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (v.length() > MAX_TEXT) {
            problems.put(field, "At most " + MAX_TEXT + " characters");
            return Optional.empty();
        }
        return Optional.of(v);
    }

    /**
     * A date (the whole day: From its start, To its end), a date and time, or an instant with its offset; without
     * an offset, UTC, as the page shows times.
     */
    static Optional<Instant> time(Map<String, String> values, Map<String, String> problems, String field, boolean end) {
        String v = values.get(field);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        String t = v.replace(' ', 'T');
        Instant at;
        try {
            if (t.length() == 10) {
                LocalDate day = LocalDate.parse(t);
                at = (end ? day.plusDays(1) : day).atStartOfDay().toInstant(ZoneOffset.UTC);
            } else if (t.endsWith("Z") || t.matches(".*[+-]\\d\\d:\\d\\d$")) {
                at = OffsetDateTime.parse(t).toInstant();
            } else {
                at = LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
            }
        } catch (DateTimeParseException e) {
            problems.put(field, "Not a date or time: use 2026-12-01 or 2026-12-01 14:30 (UTC)");
            return Optional.empty();
        }
        if (!inRange(at)) {
            problems.put(field, "Use a time from the year 1970 to 9999");
            return Optional.empty();
        }
        return Optional.of(at);
    }

    private static final Instant LATEST = LocalDate.of(10000, 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC);

    /** Years the database's timestamps and the page's times both hold (java.time reads far wider ones). */
    private static boolean inRange(Instant at) {
        return !at.isBefore(Instant.EPOCH) && at.isBefore(LATEST);
    }

    private static String first(Map<String, List<String>> params, String name) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() || v.getFirst() == null ? "" : v.getFirst();
    }
}
