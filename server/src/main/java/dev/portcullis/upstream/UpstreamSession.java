package dev.portcullis.upstream;

import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import dev.portcullis.upstream.transport.OnDemandListening;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * One live MCP session with one server for one scope: the SDK client over a transport, the
 * server's tools as last listed, and the routing of progress notifications to the call that
 * asked for them. When the transport dies, every pending call fails at once with the cause.
 */
public final class UpstreamSession implements AutoCloseable {
    /** How long a tool list is trusted when no stream would announce a change to it. */
    static final Duration UNHEARD_CHANGES_TTL = Duration.ofMinutes(1);
    private static final McpSchema.Implementation CLIENT_INFO = new McpSchema.Implementation("portcullis", "Portcullis", "0.1.0");

    private final ResolvedServer server;
    private final Clock clock;
    private final ToolLister lister;
    private final Map<Object, ProgressListener> progressListeners = new ConcurrentHashMap<>();
    private final Instant connectedAt;
    private volatile McpSyncClient client;
    private volatile Instant lastUsed;
    private volatile UpstreamException failure;
    private volatile ToolList tools;
    private volatile Instant toolsListedAt = Instant.EPOCH;
    /** Streamable HTTP's optional stream for server messages; null for transports that always carry them. */
    private volatile OnDemandListening onDemand;
    /** Calls and listings under way; a retired session closes when this reaches zero. */
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.CompletableFuture<Void> drained = new java.util.concurrent.CompletableFuture<>();
    private volatile boolean retiring;

    private UpstreamSession(ResolvedServer server, Clock clock, ToolLister lister) {
        this.server = server;
        this.clock = clock;
        this.lister = lister;
        this.connectedAt = clock.instant();
        this.lastUsed = connectedAt;
    }

    /** Connects and initializes; the caller owns the result. */
    static UpstreamSession open(ResolvedServer server, McpClientTransport transport, Clock clock, ToolLister lister) {
        UpstreamSession session = new UpstreamSession(server, clock, lister);
        ObservedTransport observed = new ObservedTransport(transport, session::transportFailed, session::routeProgress);
        McpSyncClient client = McpClient.sync(observed)
                .clientInfo(CLIENT_INFO)
                .capabilities(McpSchema.ClientCapabilities.builder().build())
                .requestTimeout(sdkTimeout(server))
                .initializationTimeout(server.initTimeout())
                .toolsChangeConsumer(changed -> session.tools = null) // re-listed, within bounds, on next use
                .build();
        session.client = client;
        try {
            client.initialize();
        } catch (RuntimeException e) {
            session.close();
            throw session.translate(e, server.initTimeout(), "initialize");
        }
        if (transport instanceof OnDemandListening onDemand) {
            session.onDemand = onDemand;
            if (announcesToolChanges(client.getServerCapabilities())) {
                onDemand.listen();
            }
        }
        return session;
    }

    /** The only server-initiated messages the gateway acts on today: the tool list changed. */
    private static boolean announcesToolChanges(McpSchema.ServerCapabilities capabilities) {
        return capabilities != null && capabilities.tools() != null && Boolean.TRUE.equals(capabilities.tools().listChanged());
    }

    /**
     * Whether a change to the tool list reaches this session when it happens. Stdio, legacy SSE and
     * WebSocket carry server messages on the connection itself; Streamable HTTP only on its optional
     * stream, which the budget may have refused or the server may have ended.
     */
    private boolean hearsChanges() {
        return onDemand == null || onDemand.isListening();
    }

    /**
     * Network transports time requests out themselves, with a typed failure; the SDK's own (untyped)
     * timeout must come later so it never wins. A stdio child has no transport timeout.
     */
    private static Duration sdkTimeout(ResolvedServer server) {
        return server.endpoint() instanceof ResolvedServer.Remote
                ? server.requestTimeout().plusSeconds(2) : server.requestTimeout();
    }

    private void transportFailed(Throwable cause) {
        if (failure == null) {
            failure = cause instanceof UpstreamException u ? u
                    : new UpstreamException.Unreachable("the connection to '" + server.name() + "' failed", cause);
            Thread.ofVirtual().start(this::close); // fails every pending call now instead of at its timeout
        }
    }

    private void routeProgress(McpSchema.JSONRPCNotification n) {
        if (!(n.params() instanceof Map<?, ?> params)) {
            return;
        }
        ProgressListener listener = progressListeners.get(params.get("progressToken"));
        if (listener != null && params.get("progress") instanceof Number progress) {
            listener.progress(progress.doubleValue(),
                    params.get("total") instanceof Number total ? total.doubleValue() : null,
                    params.get("message") instanceof String message ? message : null);
        }
    }

    public ResolvedServer server() {
        return server;
    }

    public boolean isAlive() {
        return failure == null && client != null;
    }

    public Optional<UpstreamException> failure() {
        return Optional.ofNullable(failure);
    }

    public Instant lastUsed() {
        return lastUsed;
    }

    public Instant connectedAt() {
        return connectedAt;
    }

    /** What the server said it can do, when it initialized. */
    public McpSchema.ServerCapabilities capabilities() {
        return client.getServerCapabilities();
    }

    public McpSchema.Implementation serverInfo() {
        return client.getServerInfo();
    }

    public Optional<String> instructions() {
        return Optional.ofNullable(client.getServerInstructions());
    }

    /**
     * The server's tools as the gateway offers them, listed within bounds (names checked) on first
     * use and after a list_changed notification. The operator's tool policy is applied here, once,
     * so every listing built on a session — the API's, inspection's, a future MCP front door's —
     * leaves denied tools out.
     */
    public ToolList tools() {
        begin();
        try {
            return listedTools();
        } finally {
            end();
        }
    }

    /** Forgets the listed tools; the next use lists them again. */
    public void refreshTools() {
        tools = null;
    }

    private ToolList listedTools() {
        touch();
        ToolList current = tools;
        if (current != null && !hearsChanges() && toolsListedAt.plus(UNHEARD_CHANGES_TTL).isBefore(clock.instant())) {
            tools = null; // no stream would have told us of a change: list again now and then
            current = null;
        }
        if (current == null) {
            synchronized (this) {
                current = tools;
                if (current == null) {
                    McpSchema.ServerCapabilities capabilities = client.getServerCapabilities();
                    if (capabilities != null && capabilities.tools() == null) {
                        // A server that offers no tools has none to list (the SDK would throw).
                        tools = new ToolList(java.util.List.of(), Optional.empty());
                        return tools;
                    }
                    try {
                        current = lister.list(server.name(), client).permittedBy(server.config().toolPolicy());
                    } catch (RuntimeException e) {
                        throw translate(e, server.requestTimeout(), "tools/list");
                    }
                    tools = current;
                    toolsListedAt = clock.instant();
                }
            }
        }
        return current;
    }

    public McpSchema.CallToolResult call(String tool, Map<String, Object> arguments, Optional<ProgressListener> progress) {
        begin();
        touch();
        Map<String, Object> meta = Map.of();
        String token = null;
        ProgressRelay relay = null;
        if (progress.isPresent()) {
            token = UUID.randomUUID().toString();
            relay = new ProgressRelay(progress.get());
            progressListeners.put(token, relay);
            meta = Map.of("progressToken", token);
        }
        try {
            return client.callTool(new McpSchema.CallToolRequest(tool, arguments, meta));
        } catch (RuntimeException e) {
            throw translate(e, server.requestTimeout(), "tools/call");
        } finally {
            if (token != null) {
                progressListeners.remove(token);
                relay.finish();
            }
            touch();
            end();
        }
    }

    private void begin() {
        inFlight.incrementAndGet();
    }

    private void end() {
        if (inFlight.decrementAndGet() == 0 && retiring) {
            drained.complete(null);
        }
    }

    /**
     * Closes the session once the calls under way on it have finished, or after {@code within},
     * whichever comes first. The connection manager no longer hands it out, so nothing new starts
     * on it: replacing a shared connection never cuts another user's call short.
     */
    java.util.concurrent.CompletableFuture<Void> retire(Duration within) {
        retiring = true;
        if (inFlight.get() == 0) {
            drained.complete(null);
        }
        return drained.completeOnTimeout(null, within.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .thenRunAsync(this::close, Thread::startVirtualThread);
    }

    /** Calls and listings under way on this session. */
    public int inFlight() {
        return inFlight.get();
    }

    private void touch() {
        lastUsed = clock.instant();
    }

    /**
     * The SDK reports failures as assorted runtime exceptions; name them by kind. A JSON-RPC error
     * the server sent is its answer, not a transport failure, and keeps the session.
     */
    private RuntimeException translate(RuntimeException e, Duration timeout, String what) {
        if (failure != null) {
            return failure;
        }
        if (Thread.currentThread().isInterrupted()) {
            return new UpstreamException.Cancelled("the gateway stopped waiting for '" + server.name() + "' to answer " + what);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UpstreamException u) {
                return u;
            }
            if (t instanceof InterruptedException || t instanceof java.io.InterruptedIOException && !(t instanceof java.net.SocketTimeoutException)) {
                return new UpstreamException.Cancelled("the gateway stopped waiting for '" + server.name() + "' to answer " + what);
            }
            if (t instanceof TimeoutException) {
                return new UpstreamException.Timeout("'" + server.name() + "' did not answer " + what + " within "
                        + timeout.toMillis() + " ms", timeout);
            }
            if (t instanceof McpError m && m.getJsonRpcError() != null) {
                return new GatewayException(ErrorCode.UPSTREAM_ERROR, "'" + server.name() + "' answered " + what
                        + " with error " + m.getJsonRpcError().code() + ": " + m.getJsonRpcError().message());
            }
        }
        return new UpstreamException.ProtocolViolation("'" + server.name() + "' failed during " + what
                + " (" + e.getClass().getSimpleName() + ")", e);
    }

    /**
     * Closes and waits for the transport to finish (a Streamable HTTP session's DELETE, a child's
     * exit): at shutdown, before the parts that closing still uses (the token vault) go away.
     */
    void closeAndWait() {
        McpSyncClient c = client;
        if (c != null) {
            try {
                c.closeGracefully();
            } catch (RuntimeException e) {
                // closing a broken session; nothing more to do
            }
        }
    }

    @Override
    public void close() {
        McpSyncClient c = client;
        if (c != null) {
            try {
                c.close();
            } catch (RuntimeException e) {
                // closing a broken session; nothing more to do
            }
        }
    }
}
