package dev.portcullis.mcp;

import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import dev.portcullis.identity.Caller;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The front door's sessions. What a session is (whose, at which endpoint, which revision, what the
 * client declared) is kept in the shared store, so a request that a round-robin balancer sends to
 * another replica finds it there and is served; what is under way in it (streams, requests, their
 * cancellation) stays on the replica where it runs. Ending a session removes its record, so every
 * replica stops serving it. Idle sessions are forgotten; a user may hold a bounded number.
 */
final class FrontSessions {
    static final Duration IDLE = Duration.ofHours(1);
    static final int PER_USER = 64;
    static final int TOTAL = 20_000;

    private static final String PREFIX = "mcp:session:";
    private final Map<String, FrontSession> sessions = new ConcurrentHashMap<>();
    private final Clock clock;
    private final dev.portcullis.store.shared.KeyValueStore shared;
    private final tools.jackson.databind.ObjectMapper json;

    FrontSessions(Clock clock, dev.portcullis.store.shared.KeyValueStore shared, tools.jackson.databind.ObjectMapper json) {
        this.clock = clock;
        this.shared = shared;
        this.json = json;
    }

    FrontSession add(FrontSession session) {
        forgetIdle();
        long mine = sessions.values().stream().filter(s -> s.isOf(session.tenantId(), session.userId())).count();
        if (mine >= PER_USER) {
            // The oldest goes: clients that never DELETE their sessions must not lock their user out.
            sessions.values().stream().filter(s -> s.isOf(session.tenantId(), session.userId()))
                    .min(java.util.Comparator.comparing(FrontSession::lastSeen)).ifPresent(this::remove);
        }
        if (sessions.size() >= TOTAL) {
            throw new GatewayException(ErrorCode.TOO_MANY_CONNECTIONS, "The gateway holds its maximum of " + TOTAL
                    + " MCP client sessions; try again shortly");
        }
        sessions.put(session.id(), session);
        shared.put(PREFIX + session.id(), json.writeValueAsString(session.record()), IDLE);
        return session;
    }

    /** The caller's session with this id; anyone else's reads as absent. */
    @SuppressWarnings("unchecked")
    Optional<FrontSession> find(String id, Caller caller) {
        if (id == null || id.length() > 64) {
            return Optional.empty();
        }
        Optional<String> record = shared.get(PREFIX + id); // ended on any replica: ended here too
        if (record.isEmpty()) {
            Optional.ofNullable(sessions.remove(id)).ifPresent(FrontSession::close);
            return Optional.empty();
        }
        FrontSession s = sessions.computeIfAbsent(id, k -> FrontSession.fromRecord(k,
                (Map<String, Object>) json.readValue(record.get(), Map.class), clock.instant()));
        if (!s.belongsTo(caller) || s.lastSeen().plus(IDLE).isBefore(clock.instant())) {
            return Optional.empty();
        }
        java.time.Instant now = clock.instant();
        java.time.Instant renewed = renewedAt.getOrDefault(id, java.time.Instant.EPOCH);
        if (renewed.plus(REFRESH).isBefore(now)) {
            shared.put(PREFIX + id, record.get(), IDLE); // still in use: kept for another idle period
            renewedAt.put(id, now);
        }
        s.seen(now);
        return Optional.of(s);
    }

    /** When this replica last renewed each session's record. */
    private final Map<String, java.time.Instant> renewedAt = new ConcurrentHashMap<>();

    /** How often a session in use renews its record's lifetime. */
    private static final Duration REFRESH = Duration.ofMinutes(5);

    void remove(FrontSession session) {
        shared.delete(PREFIX + session.id());
        renewedAt.remove(session.id());
        if (sessions.remove(session.id(), session)) {
            session.close();
        }
    }

    Collection<FrontSession> all() {
        return sessions.values();
    }

    int size() {
        return sessions.size();
    }

    /** Sessions idle here are forgotten here; their records expire on their own (another replica may use them). */
    private void forgetIdle() {
        var limit = clock.instant().minus(IDLE);
        sessions.values().stream().filter(s -> s.lastSeen().isBefore(limit)).toList().forEach(s -> {
            renewedAt.remove(s.id());
            if (sessions.remove(s.id(), s)) {
                s.close();
            }
        });
    }
}
