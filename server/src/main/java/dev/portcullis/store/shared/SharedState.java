package dev.portcullis.store.shared;

import dev.portcullis.config.RedisSettings;
import java.time.Clock;
import java.util.Objects;

/**
 * The state replicas share, as the composition root hands it out: one key-value store, one lock
 * service and one pub/sub, all in memory (a single replica) or all in Redis (several).
 *
 * @param onClose releases what the three were built on (connections, subscription threads)
 */
public record SharedState(KeyValueStore keyValues, LockService locks, PubSub pubSub, Runnable onClose)
        implements AutoCloseable {

    public SharedState {
        Objects.requireNonNull(keyValues, "keyValues");
        Objects.requireNonNull(locks, "locks");
        Objects.requireNonNull(pubSub, "pubSub");
        Objects.requireNonNull(onClose, "onClose");
    }

    /** Shared state of a single replica; {@code clock} decides expiry of values and leases. */
    public static SharedState memory(Clock clock) {
        MemoryPubSub pubSub = new MemoryPubSub();
        return new SharedState(new MemoryKeyValueStore(clock), new MemoryLockService(clock), pubSub, pubSub::close);
    }

    /**
     * Shared state in Redis, on two new connections of its own (commands and subscriptions).
     * {@code prefix} namespaces every key and channel, e.g. {@code "portcullis:"}; values, locks and
     * channels get sub-spaces of it so a lock key can never collide with a value key.
     */
    public static SharedState redis(RedisSettings settings, String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        RedisConnections connections = RedisConnections.open(settings);
        RedisPubSub pubSub = new RedisPubSub(connections.commands(), connections.subscriptions(), prefix + "channel:");
        return new SharedState(
                new RedisKeyValueStore(connections.commands(), prefix + "value:"),
                new RedisLockService(connections.commands(), prefix + "lock:"),
                pubSub,
                () -> {
                    pubSub.close();
                    connections.close();
                });
    }

    @Override
    public void close() {
        onClose.run();
    }
}
