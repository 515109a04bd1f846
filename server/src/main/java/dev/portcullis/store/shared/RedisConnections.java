package dev.portcullis.store.shared;

import dev.portcullis.config.RedisSettings;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;

/**
 * The two connections shared state needs from one client: one for commands (Lettuce multiplexes
 * it safely across threads) and one that sits in subscribed mode for pub/sub.
 */
record RedisConnections(RedisClient client, StatefulRedisConnection<String, String> commands,
                        StatefulRedisPubSubConnection<String, String> subscriptions) implements AutoCloseable {

    static RedisConnections open(RedisSettings settings) {
        RedisURI uri = RedisURI.create(settings.url().reveal());
        uri.setTimeout(Duration.ofSeconds(5));
        RedisClient client = RedisClient.create(uri);
        try {
            return new RedisConnections(client, client.connect(), client.connectPubSub());
        } catch (RuntimeException e) {
            // Shutting the client down also closes a command connection opened before the failure.
            client.shutdown();
            // Host and port only: the URL may carry a password.
            throw new IllegalStateException("cannot connect to Redis at " + uri.getHost() + ":" + uri.getPort(), e);
        }
    }

    @Override
    public void close() {
        subscriptions.close();
        commands.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
