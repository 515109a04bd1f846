package dev.portcullis.upstream;

import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import dev.portcullis.identity.Caller;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many calls one user may have running at once on one server. A shared connection's pool of
 * HTTP connections (and the server behind it) serves every user; without a bound one user's burst of
 * slow calls would take every connection and leave the others queueing behind it. Counted per
 * replica: the pools it protects are per replica too.
 */
final class CallSlots {
    private record Holder(String tenantId, String userId, String serverName) {
    }

    private final int perUser;
    private final Map<Holder, Integer> running = new ConcurrentHashMap<>();

    CallSlots(int perUser) {
        this.perUser = perUser;
    }

    /** Takes a slot for the call, or refuses with 429 {@code TOO_MANY_CALLS}; close the slot when the call ends. */
    Slot acquire(Caller caller, String serverName) {
        Holder holder = new Holder(caller.tenantId().orElse(""), caller.userId(), serverName);
        boolean[] granted = new boolean[1];
        running.compute(holder, (h, n) -> {
            int now = n == null ? 0 : n;
            granted[0] = now < perUser;
            return granted[0] ? now + 1 : n;
        });
        if (!granted[0]) {
            throw new GatewayException(ErrorCode.TOO_MANY_CALLS, "You have " + perUser + " calls running on '" + serverName
                    + "' already; wait for one to finish", Map.of("retryAfterSeconds", 1L), null);
        }
        return () -> running.computeIfPresent(holder, (h, n) -> n <= 1 ? null : n - 1);
    }

    /** A running call's slot. */
    interface Slot extends AutoCloseable {
        @Override
        void close();
    }
}
