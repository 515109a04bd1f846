package dev.portcullis.registry;

import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import dev.portcullis.identity.Caller;
import dev.portcullis.store.shared.KeyValueStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * How many user servers one user may create or change per minute. Each of those connects to the
 * server to inspect it, so without a limit a user could make the gateway knock on host after host
 * the egress policy allows. A fixed one-minute window per (tenant, user), counted in the shared
 * store, so the limit holds across replicas.
 */
public final class ChangeLimiter {
    private static final Duration WINDOW = Duration.ofMinutes(1);
    private static final int ATTEMPTS = 20;

    private final KeyValueStore store;
    private final int perMinute;
    private final Clock clock;

    public ChangeLimiter(KeyValueStore store, int perMinute, Clock clock) {
        this.store = store;
        this.perMinute = perMinute;
        this.clock = clock;
    }

    /** Counts one change for the caller, or refuses it with 429 {@code RATE_LIMITED} and when to retry. */
    public void acquire(Caller caller) {
        long now = clock.millis();
        long window = now / WINDOW.toMillis();
        String key = "servers:changes:" + encode(caller.tenantId().orElse("")) + ":" + encode(caller.userId()) + ":" + window;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<String> current = store.get(key);
            if (current.isEmpty()) {
                if (store.putIfAbsent(key, "1", WINDOW.multipliedBy(2))) {
                    return;
                }
                continue;
            }
            int used = Integer.parseInt(current.get());
            if (used >= perMinute) {
                long retryAfter = Math.max(1, ((window + 1) * WINDOW.toMillis() - now + 999) / 1000);
                throw new GatewayException(ErrorCode.RATE_LIMITED, "You may create or change at most " + perMinute
                        + " MCP servers per minute; try again in " + retryAfter + " s",
                        Map.of("retryAfterSeconds", retryAfter), null);
            }
            if (store.compareAndSet(key, current.get(), Integer.toString(used + 1), WINDOW.multipliedBy(2))) {
                return;
            }
        }
        throw new GatewayException(ErrorCode.RATE_LIMITED, "Too many changes at once; try again shortly",
                Map.of("retryAfterSeconds", 1L), null);
    }

    /** Ids are free text: encoded, so no id can run into the next part of the key. */
    private static String encode(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
