package dev.portcullis.store.shared;

import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import java.time.Duration;

/**
 * A lock stayed held by someone else for the whole wait. Reported as 503: the work behind the lock
 * (a token refresh on another replica, say) is still going on, and trying again later is right.
 */
public final class LockTimeoutException extends GatewayException {
    private final String key;
    private final Duration waited;

    LockTimeoutException(String key, Duration waited) {
        super(ErrorCode.SERVICE_UNAVAILABLE, "lock " + key + " was not free within " + waited);
        this.key = key;
        this.waited = waited;
    }

    public String key() {
        return key;
    }

    public Duration waited() {
        return waited;
    }
}
