package dev.portcullis.store.shared;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One subscription's queue and the virtual thread that drains it into the listener. The queue is
 * why delivery never blocks the sender (a publisher in memory, Lettuce's event loop for Redis), and
 * the single thread is why a subscription sees messages in the order they arrived.
 */
final class Mailbox implements Subscription {
    private static final System.Logger LOG = System.getLogger(Mailbox.class.getName());
    /** Wakes the drain thread on close so it can see the flag and end. */
    private static final Runnable WAKE_UP = () -> { };

    private final String channel;
    private final Consumer<String> listener;
    private final Consumer<Mailbox> onClose;
    private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private Mailbox(String channel, Consumer<String> listener, Consumer<Mailbox> onClose) {
        this.channel = channel;
        this.listener = listener;
        this.onClose = onClose;
    }

    /** A started mailbox; {@code onClose} is told once, when it is closed. */
    static Mailbox start(String channel, Consumer<String> listener, Consumer<Mailbox> onClose) {
        Mailbox mailbox = new Mailbox(channel, listener, onClose);
        Thread.ofVirtual().name("pubsub-" + channel).start(mailbox::drain);
        return mailbox;
    }

    void offer(String message) {
        if (!closed.get()) {
            queue.add(() -> deliver(message));
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            queue.add(WAKE_UP);
            onClose.accept(this);
        }
    }

    private void drain() {
        try {
            while (true) {
                Runnable next = queue.take();
                if (closed.get()) {
                    return;
                }
                next.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void deliver(String message) {
        try {
            listener.accept(message);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "a listener on channel " + channel + " failed", e);
        }
    }
}
