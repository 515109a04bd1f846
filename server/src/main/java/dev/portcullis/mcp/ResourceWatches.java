package dev.portcullis.mcp;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many of the gateway's clients watch each resource on each upstream connection. A server knows
 * one subscriber per connection — the gateway — so the gateway subscribes when the first of its clients
 * does and unsubscribes when the last one stops (unsubscribes, ends its session, closes its listen
 * stream): one client's unsubscribe never ends another's updates on a connection they share.
 */
final class ResourceWatches {
    private final Map<String, Integer> watchers = new ConcurrentHashMap<>();

    /** A key for one resource on one connection. */
    static String key(String connection, String uri) {
        return connection + '\u0000' + uri;
    }

    /** One more watcher; true when it is the first (the server must be asked). */
    boolean join(String key) {
        return watchers.merge(key, 1, Integer::sum) == 1;
    }

    /** One watcher fewer; true when it was the last (the server may be told to stop). */
    boolean leave(String key) {
        boolean[] last = {false};
        watchers.computeIfPresent(key, (k, n) -> {
            if (n <= 1) {
                last[0] = true;
                return null;
            }
            return n - 1;
        });
        return last[0];
    }

    int watchers(String key) {
        return watchers.getOrDefault(key, 0);
    }
}
