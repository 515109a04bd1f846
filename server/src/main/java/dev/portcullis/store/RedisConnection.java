package dev.portcullis.store;

import dev.portcullis.config.RedisSettings;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;

/** The shared Redis connection of this replica; the readiness probe pings it. */
public final class RedisConnection implements AutoCloseable {
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;

    private RedisConnection(RedisClient client, StatefulRedisConnection<String, String> connection) {
        this.client = client;
        this.connection = connection;
    }

    public static RedisConnection open(RedisSettings settings) {
        RedisURI uri = RedisURI.create(settings.url().reveal());
        uri.setTimeout(Duration.ofSeconds(5));
        RedisClient client = RedisClient.create(uri);
        try {
            return new RedisConnection(client, client.connect());
        } catch (RuntimeException e) {
            client.shutdown();
            throw new IllegalStateException("cannot connect to Redis at " + uri.getHost() + ":" + uri.getPort(), e);
        }
    }

    public StatefulRedisConnection<String, String> connection() {
        return connection;
    }

    public boolean isReachable(Duration timeout) {
        try {
            return "PONG".equals(connection.async().ping().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
