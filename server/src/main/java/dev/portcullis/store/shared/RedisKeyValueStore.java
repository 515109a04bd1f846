package dev.portcullis.store.shared;

import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The key-value store shared by all replicas, in Redis. Every key is stored under {@code prefix},
 * so several deployments (or tests) can share one Redis without seeing each other's entries.
 * Expiry is Redis' own ({@code PX}), so an entry disappears even if every replica dies.
 */
public final class RedisKeyValueStore implements KeyValueStore {
    private final RedisCommands<String, String> commands;
    private final String prefix;

    public RedisKeyValueStore(StatefulRedisConnection<String, String> connection, String prefix) {
        this.commands = connection.sync();
        this.prefix = Objects.requireNonNull(prefix, "prefix");
    }

    @Override
    public Optional<String> get(String key) {
        return Optional.ofNullable(commands.get(prefix + key));
    }

    @Override
    public void put(String key, String value, Duration ttl) {
        commands.set(prefix + key, Objects.requireNonNull(value, "value"), SetArgs.Builder.px(Ttl.millis(ttl)));
    }

    @Override
    public boolean putIfAbsent(String key, String value, Duration ttl) {
        // SET NX answers OK when it stored the value and nil when the key already existed.
        return "OK".equals(commands.set(prefix + key, Objects.requireNonNull(value, "value"),
                SetArgs.Builder.nx().px(Ttl.millis(ttl))));
    }

    @Override
    public boolean compareAndSet(String key, String expected, String next, Duration ttl) {
        // GET then SET from here would let another replica write in between; the script runs both
        // inside Redis, where no other command can interleave.
        return RedisScript.COMPARE_AND_SET.run(commands, prefix + key,
                Objects.requireNonNull(expected, "expected"), Objects.requireNonNull(next, "next"),
                Long.toString(Ttl.millis(ttl)));
    }

    @Override
    public boolean delete(String key) {
        return commands.del(prefix + key) > 0;
    }
}
