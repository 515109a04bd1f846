package dev.portcullis.store.shared;

import java.util.function.Consumer;

/** Messages within a single replica. */
public final class MemoryPubSub implements PubSub, AutoCloseable {
    private final Subscribers subscribers = new Subscribers();

    @Override
    public void publish(String channel, String message) {
        subscribers.deliver(channel, message);
    }

    @Override
    public Subscription subscribe(String channel, Consumer<String> listener) {
        return subscribers.add(channel, listener);
    }

    /** Closes every subscription. */
    @Override
    public void close() {
        subscribers.closeAll();
    }
}
