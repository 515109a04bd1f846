package dev.portcullis.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs lookups of another resolver on a small pool of platform threads, with a time limit. The JDK's
 * resolver is a native call: on a virtual thread it holds the carrier for as long as DNS takes (a
 * dead name server: several seconds per attempt), and enough slow lookups at once would leave nothing
 * to run the rest of the process on. The caller waits on a future instead, which a virtual thread
 * does without holding its carrier. A lookup that outlives the limit fails closed (the guard then
 * refuses the target) and finishes in the background on its pool thread.
 */
final class OffloadedHostResolver implements HostResolver {
    private static final int THREADS = 16;
    private static final int QUEUED = 1024;

    private final HostResolver delegate;
    private final Duration timeout;
    private final ThreadPoolExecutor pool;

    OffloadedHostResolver(HostResolver delegate, Duration timeout) {
        this.delegate = delegate;
        this.timeout = timeout;
        this.pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(QUEUED),
                Thread.ofPlatform().name("egress-dns-", 0).daemon().factory());
        this.pool.allowCoreThreadTimeOut(true);
    }

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
        Future<List<InetAddress>> lookup;
        try {
            lookup = pool.submit(() -> delegate.resolve(host));
        } catch (RejectedExecutionException e) {
            throw new UnknownHostException(host + ": too many DNS lookups in progress");
        }
        try {
            return lookup.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            lookup.cancel(true);
            throw new DnsTimeoutException(host, timeout);
        } catch (InterruptedException e) {
            lookup.cancel(true);
            Thread.currentThread().interrupt();
            throw new UnknownHostException(host + ": the lookup was interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownHostException u) {
                throw u;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new UnknownHostException(host + ": " + e.getCause());
        }
    }

    /** The name did not resolve within the limit; a kind of unknown host, so the guard fails closed. */
    static final class DnsTimeoutException extends UnknownHostException {
        DnsTimeoutException(String host, Duration after) {
            super(host + ": no DNS answer within " + after.toMillis() + " ms");
        }
    }
}
