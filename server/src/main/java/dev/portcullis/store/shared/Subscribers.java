package dev.portcullis.store.shared;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The subscriptions of this replica, by channel. The hooks tell a transport when a channel gains its
 * first subscriber and loses its last, so Redis is subscribed to exactly the channels someone here
 * listens on. Joining and leaving are serialized, so a hook never races the membership it reports.
 */
final class Subscribers {
    private final Map<String, List<Mailbox>> byChannel = new ConcurrentHashMap<>();
    private final Consumer<String> firstJoined;
    private final Consumer<String> lastLeft;

    Subscribers(Consumer<String> firstJoined, Consumer<String> lastLeft) {
        this.firstJoined = firstJoined;
        this.lastLeft = lastLeft;
    }

    /** Subscribers that need no transport. */
    Subscribers() {
        this(channel -> { }, channel -> { });
    }

    synchronized Subscription add(String channel, Consumer<String> listener) {
        if (!byChannel.containsKey(channel)) {
            // Subscribe before registering: if the transport refuses, nothing is left behind.
            firstJoined.accept(channel);
            byChannel.put(channel, new CopyOnWriteArrayList<>());
        }
        Mailbox mailbox = Mailbox.start(channel, listener, closed -> remove(channel, closed));
        byChannel.get(channel).add(mailbox);
        return mailbox;
    }

    /** Hands {@code message} to every subscription of {@code channel}; never blocks. */
    void deliver(String channel, String message) {
        byChannel.getOrDefault(channel, List.of()).forEach(mailbox -> mailbox.offer(message));
    }

    /** Closes every subscription. */
    void closeAll() {
        byChannel.values().forEach(mailboxes -> mailboxes.forEach(Mailbox::close));
    }

    private synchronized void remove(String channel, Mailbox mailbox) {
        List<Mailbox> mailboxes = byChannel.get(channel);
        if (mailboxes != null && mailboxes.remove(mailbox) && mailboxes.isEmpty()) {
            byChannel.remove(channel);
            lastLeft.accept(channel);
        }
    }
}
