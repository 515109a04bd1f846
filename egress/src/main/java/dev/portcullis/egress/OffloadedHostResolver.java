package dev.portcullis.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs lookups of another resolver on a pool of platform threads, with a time limit, and keeps one
 * name server that never answers from taking that pool from everyone else.
 *
 * <p>Why a pool: the JDK's resolver is a native call; on a virtual thread it holds the carrier for as
 * long as DNS takes (a dead name server: several seconds per attempt), and enough slow lookups at once
 * would leave nothing to run the rest of the process on. The caller waits on a future instead, which
 * a virtual thread does without holding its carrier. A lookup that outlives the limit fails closed
 * (the guard then refuses the target).
 *
 * <p>Why the limits: a timed-out native lookup cannot be stopped and keeps its pool thread until the
 * system resolver gives up. Whoever can make the gateway look up names under a domain whose name server
 * never answers (a user server that redirects to fresh names under it, say) could otherwise occupy every
 * thread and make every other lookup — every new connection, for every user — fail. So:
 * <ul>
 *   <li>at most {@link #PER_DOMAIN} lookups run at once under one parent domain (the last two labels);
 *       more fail at once, without waiting;</li>
 *   <li>answers are kept for {@link #POSITIVE_TTL} (the JDK's own default for its cache), so names in use
 *       are answered without a pool thread at all;</li>
 *   <li>a name that timed out fails at once for {@link #NEGATIVE_TTL}.</li>
 * </ul>
 */
final class OffloadedHostResolver implements HostResolver {
    static final int THREADS = 64;
    static final int PER_DOMAIN = 4;
    static final Duration POSITIVE_TTL = Duration.ofSeconds(30);
    static final Duration NEGATIVE_TTL = Duration.ofSeconds(10);
    private static final int QUEUED = 1024;
    private static final int MAX_CACHED = 10_000;

    private record Cached(List<InetAddress> addresses, long until) {
    }

    private final HostResolver delegate;
    private final Duration timeout;
    private final Clock clock;
    private final ThreadPoolExecutor pool;
    private final Map<String, Cached> answers = new ConcurrentHashMap<>();
    private final Map<String, Long> timedOut = new ConcurrentHashMap<>();
    private final Map<String, Integer> runningByDomain = new ConcurrentHashMap<>();

    OffloadedHostResolver(HostResolver delegate, Duration timeout) {
        this(delegate, timeout, Clock.systemUTC());
    }

    OffloadedHostResolver(HostResolver delegate, Duration timeout, Clock clock) {
        this.delegate = delegate;
        this.timeout = timeout;
        this.clock = clock;
        this.pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(QUEUED),
                Thread.ofPlatform().name("egress-dns-", 0).daemon().factory());
        this.pool.allowCoreThreadTimeOut(true);
    }

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
        String name = host.toLowerCase(Locale.ROOT);
        long now = clock.millis();
        Cached cached = answers.get(name);
        if (cached != null && cached.until() > now) {
            return cached.addresses();
        }
        Long failedUntil = timedOut.get(name);
        if (failedUntil != null && failedUntil > now) {
            throw new DnsTimeoutException(host, timeout);
        }
        String domain = parentDomain(name);
        if (!enter(domain)) {
            throw new UnknownHostException(host + ": too many DNS lookups under " + domain + " in progress");
        }
        Future<List<InetAddress>> lookup;
        try {
            lookup = pool.submit(() -> {
                try {
                    return delegate.resolve(host);
                } finally {
                    leave(domain); // when the native call returns, however late: that is when the thread is free
                }
            });
        } catch (RejectedExecutionException e) {
            leave(domain);
            throw new UnknownHostException(host + ": too many DNS lookups in progress");
        }
        try {
            List<InetAddress> found = List.copyOf(lookup.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
            remember(name, found);
            return found;
        } catch (TimeoutException e) {
            lookup.cancel(true);
            timedOut.put(name, clock.millis() + NEGATIVE_TTL.toMillis());
            trim(timedOut);
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

    private synchronized boolean enter(String domain) {
        int running = runningByDomain.getOrDefault(domain, 0);
        if (running >= PER_DOMAIN) {
            return false;
        }
        runningByDomain.put(domain, running + 1);
        return true;
    }

    private synchronized void leave(String domain) {
        runningByDomain.computeIfPresent(domain, (d, n) -> n <= 1 ? null : n - 1);
    }

    private void remember(String name, List<InetAddress> found) {
        if (found.isEmpty()) {
            return;
        }
        answers.put(name, new Cached(found, clock.millis() + POSITIVE_TTL.toMillis()));
        trim(answers);
    }

    /** Bounded memory: past the limit, expired entries go, and if that is not enough, everything. */
    private <V> void trim(Map<String, V> cache) {
        if (cache.size() <= MAX_CACHED) {
            return;
        }
        long now = clock.millis();
        cache.entrySet().removeIf(e -> switch (e.getValue()) {
            case Cached c -> c.until() <= now;
            case Long until -> until <= now;
            default -> true;
        });
        if (cache.size() > MAX_CACHED) {
            cache.clear();
        }
    }

    /**
     * The last two labels of a name ({@code a.b.example.com} → {@code example.com}): a coarse stand-in
     * for the domain whose name servers answer for it. Coarser than the public-suffix list (all of
     * {@code co.uk} shares one), which only matters while lookups there hang.
     */
    static String parentDomain(String name) {
        String trimmed = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        int last = trimmed.lastIndexOf('.');
        if (last <= 0) {
            return trimmed;
        }
        int secondLast = trimmed.lastIndexOf('.', last - 1);
        return secondLast < 0 ? trimmed : trimmed.substring(secondLast + 1);
    }

    /** The name did not resolve within the limit; a kind of unknown host, so the guard fails closed. */
    static final class DnsTimeoutException extends UnknownHostException {
        DnsTimeoutException(String host, Duration after) {
            super(host + ": no DNS answer within " + after.toMillis() + " ms");
        }
    }
}
