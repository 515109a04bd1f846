package dev.portcullis.store.shared;

import java.time.Duration;
import java.util.Optional;

/**
 * Short-lived string values shared by every replica: pending OAuth flows, state parameters, the
 * bookkeeping of a token refresh. Values are opaque; callers serialize them. Every write carries a
 * time to live, because nothing stored here is meant to outlive the flow that wrote it, and a
 * crashed replica must not leave entries behind forever.
 */
public interface KeyValueStore {

    Optional<String> get(String key);

    /** Stores {@code value}, replacing whatever was there. */
    void put(String key, String value, Duration ttl);

    /** Stores {@code value} only if the key holds nothing; true if this call stored it. */
    boolean putIfAbsent(String key, String value, Duration ttl);

    /**
     * Atomically replaces {@code expected} with {@code next}; false (and nothing written) if the key
     * holds anything else or nothing. This is how a flow moves from one state to the next exactly
     * once, even when two replicas race.
     */
    boolean compareAndSet(String key, String expected, String next, Duration ttl);

    /** True if the key held a value. */
    boolean delete(String key);
}
