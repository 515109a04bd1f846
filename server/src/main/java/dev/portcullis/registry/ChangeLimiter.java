package dev.portcullis.registry;

import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import dev.portcullis.identity.Caller;
import dev.portcullis.store.shared.KeyValueStore;
import dev.portcullis.store.shared.PerMinuteLimit;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * How many user servers one user may create or change per minute. Each of those connects to the
 * server to inspect it, so without a limit a user could make the gateway knock on host after host
 * the egress policy allows. Counted per (tenant, user) across replicas.
 */
public final class ChangeLimiter {
    private final PerMinuteLimit limit;

    public ChangeLimiter(KeyValueStore store, int perMinute, Clock clock) {
        this.limit = new PerMinuteLimit(store, "servers:changes", perMinute, clock);
    }

    /** Counts one change for the caller, or refuses it with 429 {@code RATE_LIMITED} and when to retry. */
    public void acquire(Caller caller) {
        limit.acquire(List.of(caller.tenantId().orElse(""), caller.userId())).ifPresent(retryAfter -> {
            throw new GatewayException(ErrorCode.RATE_LIMITED, "You may create or change at most " + limit.perMinute()
                    + " MCP servers per minute; try again in " + retryAfter + " s",
                    Map.of("retryAfterSeconds", retryAfter), null);
        });
    }
}
