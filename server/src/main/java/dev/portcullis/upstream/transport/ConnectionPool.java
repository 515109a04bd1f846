package dev.portcullis.upstream.transport;

import java.util.Objects;

/**
 * Whose outbound connections a transport uses. Requests in different partitions never share a
 * connection or queue behind one another (the partition is part of the Jetty destination, through
 * the egress tag): each user's own sessions get a pool per origin, the shared app sessions another,
 * and long-lived streams a pool apart from requests, so no user's traffic or streams can make
 * another user's calls wait for a connection.
 *
 * @param partition the pool's name, such as {@code app} or a user's opaque key
 * @param owner     who the streams count against in {@code streams}
 * @param streams   the budget long-lived streams draw on
 */
public record ConnectionPool(String partition, String owner, StreamBudget streams) {
    public static final ConnectionPool COMMON = new ConnectionPool("", StreamBudget.APP, StreamBudget.UNLIMITED);

    public ConnectionPool {
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(streams, "streams");
    }

    /** The partition of this pool's long-lived streams. */
    String streamPartition() {
        return partition + "/streams";
    }
}
