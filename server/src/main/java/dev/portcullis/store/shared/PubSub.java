package dev.portcullis.store.shared;

import java.util.function.Consumer;

/**
 * Fire-and-forget messages to every replica: "the flow for this state completed", "the tokens of
 * this user and server changed". A message reaches the subscriptions open when it is published and
 * is not stored; anything that must not be missed belongs in the {@link KeyValueStore}, with the
 * message only as a prompt to look.
 */
public interface PubSub {

    void publish(String channel, String message);

    /**
     * Delivers every later message on {@code channel} to {@code listener}, in publication order, on
     * a virtual thread of this subscription's own, so a listener may block without holding up the
     * publisher, other subscriptions or the Redis connection. A listener that throws is logged and
     * keeps receiving.
     */
    Subscription subscribe(String channel, Consumer<String> listener);
}
