package dev.portcullis.store.shared;

/**
 * An open subscription. After {@link #close()} returns its listener is not called again (a call
 * already in progress finishes). Closing twice does nothing.
 */
public interface Subscription extends AutoCloseable {
    @Override
    void close();
}
