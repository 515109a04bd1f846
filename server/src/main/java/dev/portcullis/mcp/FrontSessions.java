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
 * The front door's sessions on this replica. A session lives in the replica that created it (its
 * streams are open there): a deployment with several replicas routes a session's requests to one
 * replica by {@code Mcp-Session-Id}, or uses the stateless 2026-07-28 revision. Idle sessions are
 * forgotten; a user may hold a bounded number.
 */
final class FrontSessions {
    static final Duration IDLE = Duration.ofHours(1);
    static final int PER_USER = 64;
    static final int TOTAL = 20_000;

    private final Map<String, FrontSession> sessions = new ConcurrentHashMap<>();
    private final Clock clock;

    FrontSessions(Clock clock) {
        this.clock = clock;
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
        return session;
    }

    /** The caller's session with this id; anyone else's reads as absent. */
    Optional<FrontSession> find(String id, Caller caller) {
        FrontSession s = id == null ? null : sessions.get(id);
        if (s == null || !s.belongsTo(caller) || s.lastSeen().plus(IDLE).isBefore(clock.instant())) {
            return Optional.empty();
        }
        s.seen(clock.instant());
        return Optional.of(s);
    }

    void remove(FrontSession session) {
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

    private void forgetIdle() {
        var limit = clock.instant().minus(IDLE);
        sessions.values().stream().filter(s -> s.lastSeen().isBefore(limit)).toList().forEach(this::remove);
    }
}
