package dev.portcullis.store.shared;

import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.RedisPubSubListener;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Messages between replicas over Redis pub/sub. Subscriptions need a connection of their own: a
 * connection in subscribed mode accepts no other commands, so messages are published on the
 * ordinary one. Lettuce calls the listener on its event loop; {@link Subscribers} only queues the
 * message there, and each subscription's own virtual thread runs the caller's listener.
 */
public final class RedisPubSub implements PubSub, AutoCloseable {
    private final RedisCommands<String, String> commands;
    private final StatefulRedisPubSubConnection<String, String> subscriptions;
    private final String prefix;
    private final Subscribers subscribers;
    private final RedisPubSubListener<String, String> listener;

    /**
     * @param commands the connection messages are published on
     * @param subscriptions a connection used only by this instance, for subscribing
     * @param prefix prepended to every channel name in Redis
     */
    public RedisPubSub(StatefulRedisConnection<String, String> commands,
                       StatefulRedisPubSubConnection<String, String> subscriptions, String prefix) {
        this.commands = commands.sync();
        this.subscriptions = subscriptions;
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.subscribers = new Subscribers(
                channel -> subscriptions.sync().subscribe(prefix + channel),
                channel -> subscriptions.sync().unsubscribe(prefix + channel));
        this.listener = new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                if (channel.startsWith(prefix)) {
                    subscribers.deliver(channel.substring(prefix.length()), message);
                }
            }
        };
        subscriptions.addListener(listener);
    }

    @Override
    public void publish(String channel, String message) {
        commands.publish(prefix + channel, Objects.requireNonNull(message, "message"));
    }

    @Override
    public Subscription subscribe(String channel, Consumer<String> listener) {
        return subscribers.add(channel, Objects.requireNonNull(listener, "listener"));
    }

    /** Closes every subscription and stops listening; the connections stay open for their owner. */
    @Override
    public void close() {
        subscribers.closeAll();
        subscriptions.removeListener(listener);
    }
}
