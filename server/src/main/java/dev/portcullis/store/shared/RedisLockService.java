package dev.portcullis.store.shared;

import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Locks shared by all replicas: one Redis key per lock, holding a random token that names the
 * holder ({@code SET key token NX PX lease}). Redis expires the key when the lease ends, which is
 * what frees the lock of a replica that died while holding it.
 *
 * <p>Release is a compare-and-delete script rather than {@code DEL}: by the time a slow holder
 * releases, its lease may have expired and another replica may hold the key, and a plain delete
 * would remove that replica's lock.
 */
public final class RedisLockService implements LockService {
    private final RedisCommands<String, String> commands;
    private final String prefix;

    public RedisLockService(StatefulRedisConnection<String, String> connection, String prefix) {
        this.commands = connection.sync();
        this.prefix = Objects.requireNonNull(prefix, "prefix");
    }

    @Override
    public Optional<Lock> tryAcquire(String key, Duration lease) {
        String redisKey = prefix + key;
        String token = UUID.randomUUID().toString();
        if (!"OK".equals(commands.set(redisKey, token, SetArgs.Builder.nx().px(Ttl.millis(lease))))) {
            return Optional.empty();
        }
        return Optional.of(() -> RedisScript.COMPARE_AND_DELETE.run(commands, redisKey, token));
    }
}
