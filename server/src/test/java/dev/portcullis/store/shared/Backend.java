package dev.portcullis.store.shared;

import dev.portcullis.config.RedisSettings;
import dev.portcullis.config.Secret;
import dev.portcullis.testing.Services;
import java.time.Clock;
import java.util.UUID;

/** The two implementations every contract test runs against. */
enum Backend {
    MEMORY {
        @Override
        SharedState open() {
            return SharedState.memory(Clock.systemUTC());
        }
    },
    REDIS {
        @Override
        SharedState open() {
            return openRedis(randomPrefix());
        }
    };

    abstract SharedState open();

    /** A Redis-backed instance on connections of its own, as another replica would have. */
    static SharedState openRedis(String prefix) {
        return SharedState.redis(new RedisSettings(Secret.of(Services.requireRedis())), prefix);
    }

    /** A namespace no other test uses, so tests sharing the machine's Redis never see each other's keys. */
    static String randomPrefix() {
        return "portcullis-test:" + UUID.randomUUID() + ":";
    }
}
