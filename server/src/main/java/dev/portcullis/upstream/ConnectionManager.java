package dev.portcullis.upstream;

import dev.portcullis.config.UpstreamSettings;
import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import io.modelcontextprotocol.json.McpJsonMapper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out sessions: the shared app session of a server, or a user's own. One connect at a time
 * per key (concurrent callers wait for the same attempt); a session whose configuration changed,
 * or whose transport died, is replaced on next use; idle sessions are closed by a reaper; caps on
 * sessions per user and in total. Failed connects open a breaker with exponential backoff: per
 * server for transport failures of a server every user shares, per (user, server) for failures
 * that are one user's own (their credentials, their variables, their placeholder-built URL), so
 * one user's bad credentials never lock everyone else out.
 */
public final class ConnectionManager implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConnectionManager.class);
    /** How long a stop waits for sessions to close before it moves on. */
    static final Duration CLOSE_WITHIN = Duration.ofSeconds(5);
    /** The longest a replaced session may live on to let its calls finish. */
    static final Duration MAX_RETIREMENT = Duration.ofMinutes(10);

    private final UpstreamSettings settings;
    private final TransportFactory transports;
    private final ToolLister lister;
    /** Servers found to speak only the session revisions: not asked again for a while. */
    private final SpokenRevisions revisions;
    private final Clock clock;
    private final Map<ConnectionKey, CompletableFuture<UpstreamSession>> sessions = new ConcurrentHashMap<>();
    private final Map<String, Breaker> serverBreakers = new ConcurrentHashMap<>();
    private final Map<ConnectionKey, Breaker> userBreakers = new ConcurrentHashMap<>();
    /** Per server name, like the server breakers: one entry per server used on this replica, each bounded. */
    /**
     * Activity by tenant and server name: a user server's name is its tenant's, so two tenants' servers of one name
     * are two servers (the app connection of an operator server is under the tenant "").
     */
    private final Map<ActivityKey, ServerActivity> activity = new ConcurrentHashMap<>();

    private record ActivityKey(String tenantId, String serverName) {
        static ActivityKey of(ConnectionScope scope, String serverName) {
            return new ActivityKey(scope instanceof ConnectionScope.User u ? u.tenantId() : "", serverName);
        }
    }
    /** Replaced sessions still finishing calls: they count against the caps until they close. */
    private final java.util.Set<UpstreamSession> retiring = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService reaper;

    public ConnectionManager(UpstreamSettings settings, TransportFactory transports, McpJsonMapper json, UpstreamNames names,
                             Clock clock) {
        this.settings = settings;
        this.transports = transports;
        this.lister = new ToolLister(settings, json, names);
        this.clock = clock;
        this.revisions = new SpokenRevisions(clock);
        this.reaper = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("mcp-reaper").factory());
        long period = Math.max(1000, Math.min(60_000, settings.idleTimeout().toMillis() / 4));
        reaper.scheduleAtFixedRate(this::reapIdle, period, period, TimeUnit.MILLISECONDS);
    }

    private final java.util.List<UpstreamListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Hears what servers announce outside a request (the MCP front door passes it on to its clients). */
    public void addListener(UpstreamListener listener) {
        listeners.add(listener);
    }

    /** What every session hears through: the listeners, each in turn. */
    private final UpstreamListener fanOut = new UpstreamListener() {
        @Override
        public void notification(ConnectionKey k, String method, Map<String, Object> params) {
            announce(k, method, params);
        }

        @Override
        public Optional<CallObserver> clientOf(ConnectionKey k) {
            return listeners.stream().map(l -> l.clientOf(k)).flatMap(Optional::stream).findFirst();
        }
    };

    private void announce(ConnectionKey key, String method, Map<String, Object> params) {
        for (UpstreamListener l : listeners) {
            try {
                l.notification(key, method, params);
            } catch (RuntimeException e) {
                log.warn("a listener failed on {} from '{}'", method, key.serverName(), e);
            }
        }
    }

    /** The live session for this resolution, connecting (once, shared by concurrent callers) when needed. */
    public UpstreamSession session(ResolvedServer server) {
        ConnectionKey key = server.key();
        while (true) {
            CompletableFuture<UpstreamSession> existing = sessions.get(key);
            if (existing != null) {
                if (!existing.isDone()) {
                    return await(existing);
                }
                UpstreamSession session = existing.getNow(null);
                if (session != null && session.isAlive() && session.server().fingerprint().equals(server.fingerprint())) {
                    return session;
                }
                if (sessions.remove(key, existing) && session != null) {
                    session.close(); // stale configuration or a dead transport: replace it
                }
                continue;
            }
            breakerFor(server).check();
            enforceCaps(server);
            CompletableFuture<UpstreamSession> attempt = new CompletableFuture<>();
            if (sessions.putIfAbsent(key, attempt) != null) {
                continue;
            }
            try {
                UpstreamSession session = UpstreamSession.open(server, transports.create(server), clock, lister, fanOut, revisions);
                breakerFor(server).succeeded();
                attempt.complete(session);
                return session;
            } catch (RuntimeException e) {
                sessions.remove(key, attempt);
                // A refusal for want of authorization says nothing about the server's health: it is the
                // caller's to fix, and backing off would only delay them once they have authorized.
                if (e instanceof UpstreamException u && !(e instanceof UpstreamException.AuthorizationRequired)) {
                    breakerFor(server).failed(u);
                }
                if (!(e instanceof UpstreamException.AuthorizationRequired)) {
                    activity(server).connectFailed(new ServerActivity.Failure(clock.instant(), server.scope(),
                            UpstreamErrors.summary(e)));
                }
                attempt.completeExceptionally(e);
                throw e;
            }
        }
    }

    private static UpstreamSession await(CompletableFuture<UpstreamSession> attempt) {
        try {
            return attempt.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /**
     * Failures of a session every user shares count against the server; a user-scoped session's
     * failures are that user's own.
     */
    private Breaker breakerFor(ResolvedServer server) {
        return server.scope() instanceof ConnectionScope.App
                ? serverBreakers.computeIfAbsent(server.name(), n -> new Breaker(clock))
                : userBreakers.computeIfAbsent(server.key(), k -> new Breaker(clock));
    }

    private void enforceCaps(ResolvedServer server) {
        if (sessions.size() + retiring.size() >= settings.maxConnections()) {
            throw new GatewayException(ErrorCode.TOO_MANY_CONNECTIONS, "The gateway holds its maximum of "
                    + settings.maxConnections() + " MCP connections; try again shortly");
        }
        if (server.scope() instanceof ConnectionScope.User user) {
            long mine = sessions.keySet().stream().filter(k -> k.scope().equals(user)).count()
                    + retiring.stream().filter(s -> s.server().scope().equals(user)).count();
            if (mine >= settings.maxConnectionsPerUser()) {
                throw new GatewayException(ErrorCode.TOO_MANY_CONNECTIONS, "You hold the maximum of "
                        + settings.maxConnectionsPerUser() + " MCP connections; unused ones close after "
                        + settings.idleTimeout().toMinutes() + " minutes");
            }
        }
    }

    /** The session for a key if one is open, without connecting. */
    public Optional<UpstreamSession> existing(ConnectionKey key) {
        CompletableFuture<UpstreamSession> f = sessions.get(key);
        return f != null && f.isDone() && !f.isCompletedExceptionally() ? Optional.ofNullable(f.getNow(null)) : Optional.empty();
    }

    public ConnectionState state(ConnectionKey key, String serverName) {
        CompletableFuture<UpstreamSession> f = sessions.get(key);
        if (f != null && !f.isDone()) {
            return ConnectionState.CONNECTING;
        }
        Optional<UpstreamSession> session = existing(key);
        if (session.isPresent() && session.get().isAlive()) {
            return ConnectionState.CONNECTED;
        }
        Breaker breaker = key.scope() instanceof ConnectionScope.App ? serverBreakers.get(serverName) : userBreakers.get(key);
        return breaker != null && breaker.isOpen() || session.isPresent() ? ConnectionState.ERROR : ConnectionState.DISCONNECTED;
    }

    /** Closes one session (reinitialize, changed variables); the next use connects afresh. */
    public void disconnect(ConnectionKey key) {
        CompletableFuture<UpstreamSession> f = sessions.remove(key);
        userBreakers.remove(key);
        if (key.scope() instanceof ConnectionScope.App) {
            serverBreakers.remove(key.serverName());
        }
        if (f != null) {
            f.thenAccept(UpstreamSession::close);
        }
    }

    /**
     * Closes this session and forgets it, if it is still the one handed out for its key: a session
     * that failed is never confused with the replacement another call may already have opened.
     */
    public void discard(UpstreamSession session) {
        ConnectionKey key = session.server().key();
        CompletableFuture<UpstreamSession> current = sessions.get(key);
        if (current != null && current.getNow(null) == session && sessions.remove(key, current)) {
            session.close();
        }
    }

    /**
     * Replaces a session without cutting anything short: the next use connects afresh, and the old
     * session closes once the calls still running on it finish (within their request timeout).
     */
    public void retire(ConnectionKey key) {
        CompletableFuture<UpstreamSession> f = sessions.remove(key);
        userBreakers.remove(key);
        if (key.scope() instanceof ConnectionScope.App) {
            serverBreakers.remove(key.serverName());
        }
        if (f != null) {
            f.thenAccept(s -> {
                retiring.add(s);
                Duration within = s.server().requestTimeout().compareTo(MAX_RETIREMENT) < 0
                        ? s.server().requestTimeout() : MAX_RETIREMENT;
                s.retire(within).whenComplete((done, failure) -> retiring.remove(s));
            });
        }
    }

    /**
     * Opens a session outside the pool, runs the work and closes it: inspecting a server a user is
     * adding, which must not count against them or be reused.
     */
    public <T> T once(ResolvedServer server, java.util.function.Function<UpstreamSession, T> work) {
        try (UpstreamSession session = UpstreamSession.open(server, transports.create(server), clock, lister, fanOut, revisions)) {
            return work.apply(session);
        }
    }

    /** Closes every user's session of one tenant's server (a user server changed or was deleted), and forgets its activity. */
    public void disconnectAll(String tenantId, String serverName) {
        activity.remove(new ActivityKey(tenantId, serverName));
        List.copyOf(sessions.keySet()).stream()
                .filter(k -> k.serverName().equals(serverName))
                .filter(k -> k.scope() instanceof ConnectionScope.User u && u.tenantId().equals(tenantId))
                .forEach(this::disconnect);
    }

    /** Closes every session of a server, for every user. */
    public void disconnectAll(String serverName) {
        List.copyOf(sessions.keySet()).stream().filter(k -> k.serverName().equals(serverName)).forEach(this::disconnect);
    }

    /** Where a server's calls and failures on this replica are recorded (see {@link ToolService}). */
    private ServerActivity activity(ResolvedServer server) {
        return activity.computeIfAbsent(ActivityKey.of(server.scope(), server.name()), k -> new ServerActivity());
    }

    /**
     * Runs one request on a session of the server, recording its latency and, when it fails, the failure. A call the
     * client cancelled, or one the server rejected for an expired session (retried on a new one), says nothing about
     * the server's health and is not recorded.
     */
    public <T> T measured(ResolvedServer server, java.util.function.Supplier<T> call) {
        ServerActivity recorder = activity(server);
        long start = System.nanoTime();
        try {
            T result = call.get();
            recorder.succeeded(System.nanoTime() - start);
            return result;
        } catch (UpstreamException.Cancelled | UpstreamException.SessionExpired e) {
            throw e;
        } catch (RuntimeException e) {
            recorder.failed(System.nanoTime() - start, new ServerActivity.Failure(clock.instant(), server.scope(),
                    UpstreamErrors.summary(e)));
            throw e;
        }
    }

    /**
     * One server as this replica sees it: every connection to it (open, opening, or failed with its breaker open) and
     * its recent activity. A copy made for a page; the maps themselves stay private.
     */
    public ServerReport report(String tenantId, String serverName) {
        java.util.Set<ConnectionKey> keys = new java.util.LinkedHashSet<>();
        sessions.keySet().stream().filter(k -> k.serverName().equals(serverName)).forEach(keys::add);
        if (serverBreakers.containsKey(serverName)) {
            keys.add(new ConnectionKey(ConnectionScope.APP, serverName));
        }
        userBreakers.keySet().stream().filter(k -> k.serverName().equals(serverName)).forEach(keys::add);
        List<ServerReport.Connection> connections = new java.util.ArrayList<>();
        for (ConnectionKey key : keys) {
            Optional<UpstreamSession> session = existing(key);
            Breaker breaker = key.scope() instanceof ConnectionScope.App ? serverBreakers.get(serverName) : userBreakers.get(key);
            Optional<ServerReport.OpenBreaker> open = breaker == null ? Optional.empty() : breaker.whenOpen();
            ConnectionState state = state(key, serverName);
            if (session.isEmpty() && open.isEmpty() && state == ConnectionState.DISCONNECTED) {
                continue; // a breaker that closed again, with nothing open: nothing to show
            }
            connections.add(new ServerReport.Connection(key.scope(), state, session.map(UpstreamSession::connectedAt),
                    session.map(UpstreamSession::lastUsed), open));
        }
        // The tenant's own users' calls where the server connects per user, else the shared connection's.
        ServerActivity recorded = Optional.ofNullable(activity.get(new ActivityKey(tenantId, serverName)))
                .orElse(activity.get(new ActivityKey("", serverName)));
        return new ServerReport(serverName, connections, recorded == null ? ServerActivity.Snapshot.NONE : recorded.snapshot());
    }

    public int openSessions() {
        return sessions.size() + retiring.size();
    }

    void reapIdle() {
        Instant cutoff = clock.instant().minus(settings.idleTimeout());
        sessions.forEach((key, f) -> {
            UpstreamSession s = f.isDone() && !f.isCompletedExceptionally() ? f.getNow(null) : null;
            // A session whose resources clients watch is waiting for news, not idle.
            if (s != null && (s.lastUsed().isBefore(cutoff) && !s.isWatched() || !s.isAlive()) && sessions.remove(key, f)) {
                log.debug("closing idle MCP session {}", key);
                s.close();
            }
        });
    }

    /**
     * Closes every session and waits, in parallel and for at most {@link #CLOSE_WITHIN}, for them to
     * finish closing (a Streamable HTTP session's DELETE, a child's exit). A session that takes
     * longer is left to its own thread: a stop never waits on a hung upstream.
     */
    @Override
    public void close() {
        reaper.shutdownNow();
        List<UpstreamSession> open = new java.util.ArrayList<>(retiring);
        retiring.clear();
        for (ConnectionKey key : List.copyOf(sessions.keySet())) {
            CompletableFuture<UpstreamSession> f = sessions.remove(key);
            if (f != null && f.isDone() && !f.isCompletedExceptionally()) {
                open.add(f.getNow(null));
            }
        }
        List<Thread> closing = open.stream()
                .map(s -> Thread.ofVirtual().name("mcp-close-" + s.server().name()).start(s::closeAndWait))
                .toList();
        long deadline = System.nanoTime() + CLOSE_WITHIN.toNanos();
        for (Thread t : closing) {
            try {
                if (!t.join(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                    t.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
