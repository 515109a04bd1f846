package dev.portcullis.store.shared;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.RedisSettings;
import dev.portcullis.config.Secret;
import dev.portcullis.store.RedisConnection;
import dev.portcullis.testing.Services;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisScriptTest {

    @Test
    void a_script_redis_has_forgotten_is_sent_again() {
        try (RedisConnection redis = RedisConnection.open(new RedisSettings(Secret.of(Services.requireRedis())))) {
            KeyValueStore store = new RedisKeyValueStore(redis.connection(), Backend.randomPrefix());
            store.put("flow", "pending", Duration.ofMinutes(1));
            // What a Redis restart does to the script cache; other tests merely fall back once.
            redis.connection().sync().scriptFlush();

            assertThat(store.compareAndSet("flow", "pending", "complete", Duration.ofMinutes(1))).isTrue();
            assertThat(store.compareAndSet("flow", "complete", "failed", Duration.ofMinutes(1))).isTrue();
            assertThat(store.get("flow")).contains("failed");
        }
    }
}
