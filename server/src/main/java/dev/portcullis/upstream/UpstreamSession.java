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
    /**
     * Declared to every server, so any of them may ask the front door's clients (sampling, form and URL
     * elicitation, roots); a request with no client to ask gets the answer of a client without the
     * capability (see {@link ServerRequests}).
     */
    private static final McpSchema.ClientCapabilities RELAYED_CAPABILITIES = new McpSchema.ClientCapabilities(null,
            new McpSchema.ClientCapabilities.RootCapabilities(true), new McpSchema.ClientCapabilities.Sampling(),
            new McpSchema.ClientCapabilities.Elicitation(new McpSchema.ClientCapabilities.Elicitation.Form(),
                    new McpSchema.ClientCapabilities.Elicitation.Url()));

    private final ResolvedServer server;
    private final Clock clock;
    private final ToolLister lister;
    private final Instant connectedAt;
    private volatile McpSyncClient client;
    private volatile ObservedTransport transport;
    /** What a server of the stateless revision said of itself; null on a session. */
    private volatile StatelessUpstream.Discovered stateless;
    /** A stateless server's change notifications; null on a session. */
    private volatile UpstreamListen listen;
    /** How long a stateless server said its tool list may be kept ({@code ttlMs}); null when it did not say. */
    private volatile Duration toolsTtl;
    /** The capabilities the gateway declares per request to a stateless server (the same as at initialize). */
    private static final Map<String, Object> STATELESS_CAPABILITIES = Map.of("sampling", Map.of(), "roots", Map.of(),
            "elicitation", Map.of("form", Map.of(), "url", Map.of()));
    /** How many rounds of input requests one call may take before the gateway gives up on it. */
    static final int MAX_INPUT_ROUNDS = 8;
    /** How many input requests one round may carry. */
    static final int MAX_INPUT_REQUESTS = 16;
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
    static UpstreamSession open(ResolvedServer server, McpClientTransport transport, Clock clock, ToolLister lister,
                                UpstreamListener listener, SpokenRevisions revisions) {
        UpstreamSession session = new UpstreamSession(server, clock, lister);
        java.net.URI url = server.endpoint() instanceof ResolvedServer.Remote remote ? remote.url() : null;
        java.util.function.BiConsumer<String, Map<String, Object>> notifications = (method, params) -> {
            if (UpstreamListen.ACKNOWLEDGED.equals(method)) {
                Optional.ofNullable(session.listen).ifPresent(l -> l.acknowledgedBy(params));
                return;
            }
            if (McpSchema.METHOD_NOTIFICATION_TOOLS_LIST_CHANGED.equals(method)) {
                session.tools = null; // re-listed, within bounds, on next use
            }
            listener.notification(server.key(), method, params);
        };
        ObservedTransport observed = new ObservedTransport(transport, new ObservedTransport.Listeners(failure -> {
                    if (url != null) {
                        revisions.forget(url); // the reconnect asks again: the server may have changed
                    }
                    session.transportFailed(failure);
                },
                notifications, session::onlyOneUsersCall,
                () -> server.scope() instanceof ConnectionScope.User ? listener.clientOf(server.key()) : Optional.empty()));
        session.transport = observed;
        if (transport instanceof dev.portcullis.upstream.transport.StreamableHttpClientTransport http
                && (url == null || !revisions.sessionsOnly(url))) {
            try {
                session.stateless = StatelessUpstream.discover(observed, http, STATELESS_CAPABILITIES, server.initTimeout())
                        .orElse(null);
            } catch (RuntimeException e) {
                session.close();
                throw session.translate(e, server.initTimeout(), "server/discover");
            }
            if (session.stateless == null && url != null) {
                revisions.foundSessionsOnly(url);
            }
            if (session.stateless != null) {
                // No initialize, no session: every request stands alone; changes come on a listen stream.
                session.listen = new UpstreamListen(observed, server.name(), session.stateless.capabilities(),
                        notifications, http::streamLease);
                session.listen.start();
                return session;
            }
        }
        McpSyncClient client = McpClient.sync(observed)
                .clientInfo(CLIENT_INFO)
                .capabilities(RELAYED_CAPABILITIES)
                // Never reached: ObservedTransport answers these requests itself, for the client whose call
                // caused them. The SDK insists on handlers for the capabilities it declares.
                .sampling(request -> {
                    throw ServerRequests.unsupported(ServerRequests.SAMPLING);
                })
                .elicitation(request -> {
                    throw ServerRequests.unsupported(ServerRequests.ELICITATION);
                })
                .urlElicitation(request -> {
                    throw ServerRequests.unsupported(ServerRequests.ELICITATION);
                })
                .requestTimeout(sdkTimeout(server))
                .initializationTimeout(server.initTimeout())
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
        if (stateless != null) {
            return listen != null && listen.hearsToolChanges();
        }
        return onDemand == null || onDemand.isListening();
    }

    /** Whether the listed tools are past the time they may be kept. */
    private boolean toolsStale() {
        Duration kept = toolsTtl != null ? toolsTtl : hearsChanges() ? null : UNHEARD_CHANGES_TTL;
        return kept != null && !toolsListedAt.plus(kept).isAfter(clock.instant());
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

    public ResolvedServer server() {
        return server;
    }

    public boolean isAlive() {
        return failure == null && (client != null || stateless != null);
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
        return stateless != null ? stateless.capabilities() : client.getServerCapabilities();
    }

    public McpSchema.Implementation serverInfo() {
        return stateless != null ? stateless.serverInfo() : client.getServerInfo();
    }

    public Optional<String> instructions() {
        return Optional.ofNullable(stateless != null ? stateless.instructions() : client.getServerInstructions());
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
        if (current != null && toolsStale()) {
            tools = null; // past the server's ttlMs, or no stream would have told us of a change: list again
            current = null;
        }
        if (current == null) {
            synchronized (this) {
                current = tools;
                if (current == null) {
                    McpSchema.ServerCapabilities capabilities = capabilities();
                    if (capabilities != null && capabilities.tools() == null) {
                        // A server that offers no tools has none to list (the SDK would throw).
                        tools = new ToolList(java.util.List.of(), Optional.empty());
                        return tools;
                    }
                    try {
                        current = (stateless != null ? withValidHeaders(lister.list(server.name(), this::statelessToolPage))
                                : lister.list(server.name(), client)).permittedBy(server.config().toolPolicy());
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

    /**
     * A tool call of the REST API: relayed like the front door's (the gateway's own ids, matched before
     * the SDK sees them: one path for every call, on every revision), its progress to {@code progress}.
     * The server's requests during it have no one to ask and get the "not supported" answer.
     */
    public McpSchema.CallToolResult call(String tool, Map<String, Object> arguments, Optional<ProgressListener> progress) {
        Map<String, Object> params = new java.util.LinkedHashMap<>();
        params.put("name", tool);
        params.put("arguments", arguments);
        ProgressRelay relay = progress.map(ProgressRelay::new).orElse(null);
        CallObserver observer = CallObserver.NONE;
        if (relay != null) {
            params.put("_meta", Map.of("progressToken", "rest-call")); // the relay gives the server a token of its own
            observer = new CallObserver() {
                @Override
                public void notification(String method, Map<String, Object> p) {
                    if (McpSchema.METHOD_NOTIFICATION_PROGRESS.equals(method) && p.get("progress") instanceof Number n) {
                        relay.progress(n.doubleValue(), p.get("total") instanceof Number t ? t.doubleValue() : null,
                                p.get("message") instanceof String m ? m : null);
                    }
                }

                @Override
                public java.util.concurrent.CompletableFuture<Map<String, Object>> ask(String method, Map<String, Object> p) {
                    return CallObserver.NONE.ask(method, p);
                }
            };
        }
        try {
            return transport.unmarshalFrom(relay(McpSchema.METHOD_TOOLS_CALL, params, observer).await(),
                    new io.modelcontextprotocol.json.TypeRef<McpSchema.CallToolResult>() {
                    });
        } catch (RpcError e) {
            throw new GatewayException(ErrorCode.UPSTREAM_ERROR, "'" + server.name() + "' answered tools/call with error "
                    + e.code() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            throw translate(e, server.requestTimeout(), "tools/call");
        } finally {
            if (relay != null) {
                relay.finish();
            }
        }
    }

    /**
     * Sends a request of the front door's as its client wrote it and returns at once; {@link Relayed#await}
     * waits for the answer. Every field of the request and of the answer passes unchanged.
     */
    public Relayed relay(String method, Map<String, Object> params, CallObserver observer) {
        if (failure != null) {
            throw failure;
        }
        if (observer.answersServerRequests()) {
            listenForRequests();
        }
        Relayed relayed = stateless != null && (McpSchema.METHOD_RESOURCES_SUBSCRIBE.equals(method)
                || McpSchema.METHOD_RESOURCES_UNSUBSCRIBE.equals(method))
                ? new Relayed(this, method, params, observer, subscription(method, params))
                : new Relayed(this, method, params, observer);
        if (McpSchema.METHOD_RESOURCES_SUBSCRIBE.equals(method)) {
            relayed.pending.result().thenRun(watchedResources::incrementAndGet);
        } else if (McpSchema.METHOD_RESOURCES_UNSUBSCRIBE.equals(method)) {
            relayed.pending.result().thenRun(() -> watchedResources.updateAndGet(n -> Math.max(0, n - 1)));
        }
        return relayed;
    }

    /**
     * A Streamable HTTP server may send its requests (elicitation, sampling, roots) on the session's
     * listening stream instead of the call's own — the TypeScript SDK does for a request it does not tie
     * to the call — and drops them while no such stream is open, so the call hangs until its timeout. On
     * a user's own session, the only one where such a request can be given to the call, the stream is
     * opened before a call whose client can answer, and waited for a moment (once: a server that refuses
     * it is not asked again).
     */
    private void listenForRequests() {
        OnDemandListening listening = onDemand;
        if (stateless == null && listening != null && isUsersOwn() && !listening.isListening()) {
            listening.listenWithin(LISTEN_WAIT);
        }
    }

    /** How long a call waits for the listening stream to open before it is sent anyway. */
    private static final Duration LISTEN_WAIT = Duration.ofSeconds(2);

    /**
     * How many resources the gateway's clients watch on this session (the front door asks once per
     * resource): a session with watchers is in use, idle or not, and is not reaped.
     */
    private final java.util.concurrent.atomic.AtomicInteger watchedResources = new java.util.concurrent.atomic.AtomicInteger();

    public boolean isWatched() {
        return watchedResources.get() > 0;
    }

    /**
     * A session client's {@code resources/subscribe} (or unsubscribe) to a stateless server, which has
     * no such method: the resource joins (or leaves) the filter of the gateway's listen stream instead.
     */
    private java.util.concurrent.CompletableFuture<Map<String, Object>> subscription(String method, Map<String, Object> params) {
        if (listen == null || !listen.takesResourceSubscriptions()) {
            return java.util.concurrent.CompletableFuture.failedFuture(new RpcError(RpcError.METHOD_NOT_FOUND,
                    "'" + server.name() + "' does not offer resource subscriptions"));
        }
        if (!(params.get("uri") instanceof String uri)) {
            return java.util.concurrent.CompletableFuture.failedFuture(new RpcError(RpcError.INVALID_PARAMS, "uri is required"));
        }
        if (McpSchema.METHOD_RESOURCES_UNSUBSCRIBE.equals(method)) {
            listen.unsubscribe(uri);
        } else if (!listen.subscribe(uri)) {
            return java.util.concurrent.CompletableFuture.failedFuture(new RpcError(RpcError.INTERNAL_ERROR,
                    "The gateway cannot watch more resources of '" + server.name() + "' (at most " + UpstreamListen.MAX_RESOURCES
                            + ", and only while the stream budget allows a stream to it)"));
        }
        return java.util.concurrent.CompletableFuture.completedFuture(Map.of());
    }

    private RelayedCalls.Pending send(String method, Map<String, Object> params, CallObserver observer) {
        Map<String, String> headers = stateless != null && McpSchema.METHOD_TOOLS_CALL.equals(method) ? toolHeaders(params) : Map.of();
        begin();
        touch();
        RelayedCalls.Pending pending = transport.send(method, params, observer, headers);
        pending.result().whenComplete((r, e) -> {
            touch();
            end();
        });
        return pending;
    }

    /** A stateless server's tools without those whose header designations the revision does not allow. */
    private ToolList withValidHeaders(ToolList listed) {
        java.util.List<McpSchema.Tool> valid = listed.tools().stream().filter(t -> {
            boolean ok = ToolHeaders.valid(t.inputSchema());
            if (!ok) {
                org.slf4j.LoggerFactory.getLogger(UpstreamSession.class).warn(
                        "'{}' lists the tool '{}' with a header designation the protocol does not allow; it is left out",
                        server.name(), t.name());
            }
            return ok;
        }).toList();
        return valid.size() == listed.tools().size() ? listed : new ToolList(valid, listed.truncated());
    }

    /** The designated parameters of a 2026-07-28 tool call, as headers (see {@link ToolHeaders}). */
    private Map<String, String> toolHeaders(Map<String, Object> params) {
        if (!(params.get("arguments") instanceof Map<?, ?> arguments)) {
            return Map.of();
        }
        return listedTools().find(String.valueOf(params.get("name")))
                .map(tool -> ToolHeaders.of(tool.inputSchema(), RelayedCalls.asMap(arguments))).orElse(Map.of());
    }

    /** One page of tools from a stateless server. */
    private McpSchema.ListToolsResult statelessToolPage(String cursor) {
        Map<String, Object> params = cursor == null ? Map.of() : Map.of("cursor", cursor);
        Map<String, Object> page = new Relayed(this, McpSchema.METHOD_TOOLS_LIST, params, CallObserver.NONE).await();
        if (cursor == null) {
            toolsTtl = page.get("ttlMs") instanceof Number ttl && ttl.longValue() >= 0
                    ? Duration.ofMillis(Math.clamp(ttl.longValue(), MIN_TOOLS_TTL.toMillis(), MAX_TOOLS_TTL.toMillis())) : null;
        }
        return transport.unmarshalFrom(page, new io.modelcontextprotocol.json.TypeRef<McpSchema.ListToolsResult>() {
        });
    }

    /**
     * However long a server says its list may be kept, the gateway lists again at least this often, and
     * at most this often (a {@code ttlMs} of 0 would otherwise list twice for every call: the call's own
     * check and its headers).
     */
    private static final Duration MAX_TOOLS_TTL = Duration.ofHours(1);
    private static final Duration MIN_TOOLS_TTL = Duration.ofSeconds(1);

    /**
     * A relayed request under way. A stateless server may answer {@code input_required} (multi-round-trip
     * requests): unless the client takes those itself, the gateway asks the client each input request
     * (elicitation, sampling, roots — the same relay as a session server's requests), and sends the
     * request again with the answers and the server's {@code requestState} exactly as it came, for at most
     * {@value #MAX_INPUT_ROUNDS} rounds.
     */
    public static final class Relayed {
        private final UpstreamSession session;
        private final String method;
        private final Map<String, Object> params;
        private final CallObserver observer;
        private volatile RelayedCalls.Pending pending;
        private volatile String cancelled;
        /** When the gateway stops asking its caller for a stateless server's inputs, all rounds together. */
        private final long inputsUntil = System.nanoTime() + INPUTS_WITHIN.toNanos();

        private Relayed(UpstreamSession session, String method, Map<String, Object> params, CallObserver observer) {
            this.session = session;
            this.method = method;
            this.params = params;
            this.observer = observer;
            this.pending = session.send(method, params, observer);
        }

        /** A request the gateway answers itself, never sent. */
        private Relayed(UpstreamSession session, String method, Map<String, Object> params, CallObserver observer,
                        java.util.concurrent.CompletableFuture<Map<String, Object>> answer) {
            this.session = session;
            this.method = method;
            this.params = params;
            this.observer = observer;
            this.pending = new RelayedCalls.Pending(null, answer, observer, null, null);
        }

        /**
         * The server's answer. Throws {@link RpcError} when the server answered with an error, and the
         * session's failures as for every other request; a timeout or an interruption cancels the request
         * at the server.
         */
        public Map<String, Object> await() {
            Map<String, Object> result = awaitOne();
            for (int round = 1; isInputRequired(result) && !observer.takesInputRequests(); round++) {
                if (round > MAX_INPUT_ROUNDS) {
                    throw new UpstreamException.ProtocolViolation("'" + session.server.name() + "' asked for input more than "
                            + MAX_INPUT_ROUNDS + " times in one " + method, null);
                }
                Map<String, Object> retry = new java.util.LinkedHashMap<>(params);
                retry.put("inputResponses", answers(result.get("inputRequests")));
                if (result.containsKey("requestState")) {
                    retry.put("requestState", result.get("requestState")); // untouched: it is the server's
                } else {
                    retry.remove("requestState");
                }
                if (cancelled != null) {
                    throw new UpstreamException.Cancelled("the request was cancelled");
                }
                pending = session.send(method, retry, observer);
                result = awaitOne();
            }
            return result;
        }

        private static boolean isInputRequired(Map<String, Object> result) {
            return "input_required".equals(result.get("resultType"));
        }

        /** The client's answer to each input request; a request it cannot answer is declined or left out. */
        private Map<String, Object> answers(Object inputRequests) {
            Map<String, Object> answers = new java.util.LinkedHashMap<>();
            Map<String, Object> requests = RelayedCalls.asMap(inputRequests);
            if (requests.size() > MAX_INPUT_REQUESTS) {
                throw new UpstreamException.ProtocolViolation("'" + session.server.name() + "' asked for "
                        + requests.size() + " inputs at once; at most " + MAX_INPUT_REQUESTS + " are relayed", null);
            }
            requests.forEach((key, request) -> {
                if (cancelled != null) {
                    throw new UpstreamException.Cancelled("the request was cancelled");
                }
                Map<String, Object> r = RelayedCalls.asMap(request);
                String asked = String.valueOf(r.get("method"));
                long left = inputsUntil - System.nanoTime();
                if (left <= 0) {
                    throw new UpstreamException.Timeout("'" + session.server.name() + "' was still asking for input after "
                            + INPUTS_WITHIN.toMinutes() + " minutes", INPUTS_WITHIN);
                }
                try {
                    answers.put(key, ElicitationAnswers.ask(observer, asked, RelayedCalls.asMap(r.get("params")))
                            .get(Math.min(ANSWER_WITHIN.toNanos(), left), java.util.concurrent.TimeUnit.NANOSECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new UpstreamException.Cancelled("the gateway stopped waiting for the client's answer");
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    if (ServerRequests.ELICITATION.equals(asked)) {
                        answers.put(key, Map.of("action", "decline"));
                    }
                }
            });
            return answers;
        }

        private Map<String, Object> awaitOne() {
            Duration timeout = sdkTimeout(session.server);
            try {
                return pending.result().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cancel("the client went away");
                throw new UpstreamException.Cancelled("the gateway stopped waiting for '" + session.server.name()
                        + "' to answer " + method);
            } catch (TimeoutException e) {
                cancel("timed out");
                throw new UpstreamException.Timeout("'" + session.server.name() + "' did not answer " + method + " within "
                        + session.server.requestTimeout().toMillis() + " ms", session.server.requestTimeout());
            } catch (java.util.concurrent.CancellationException e) {
                throw new UpstreamException.Cancelled("the request was cancelled");
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RpcError rpc) {
                    throw rpc;
                }
                if (cause instanceof java.util.concurrent.CancellationException) {
                    throw new UpstreamException.Cancelled("the request was cancelled");
                }
                throw session.translate(cause instanceof RuntimeException r ? r : new RuntimeException(cause),
                        session.server.requestTimeout(), method);
            }
        }

        /** Tells the server the request is no longer wanted ({@code notifications/cancelled}). */
        public void cancel(String reason) {
            cancelled = reason;
            session.transport.cancel(pending, reason);
        }
    }

    /** How long a person may take to answer one input request of a stateless server. */
    static final Duration ANSWER_WITHIN = Duration.ofMinutes(10);
    /** How long one request may go on asking for input, every round together. */
    static final Duration INPUTS_WITHIN = Duration.ofMinutes(30);

    /** Tells the server the client's roots changed. */
    public void rootsChanged() {
        if (transport != null && failure == null && stateless == null) {
            transport.sendMessage(new McpSchema.JSONRPCNotification(McpSchema.JSONRPC_VERSION,
                    McpSchema.METHOD_NOTIFICATION_ROOTS_LIST_CHANGED, Map.of())).subscribe(null, e -> { });
        }
    }

    /**
     * Whether everything under way on this session is one relayed call of one user: the session is
     * a user's own, and no other call (a REST call, a listing) runs on it.
     */
    private boolean onlyOneUsersCall() {
        ObservedTransport t = transport;
        return server.scope() instanceof ConnectionScope.User && t != null && inFlight.get() == t.relayed().size();
    }

    /** Whether this is one user's own session (not the shared connection every user's calls run on). */
    public boolean isUsersOwn() {
        return server.scope() instanceof ConnectionScope.User;
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
        UpstreamListen l = listen;
        if (l != null) {
            l.close();
        }
        McpSyncClient c = client;
        if (c == null && transport != null) {
            transport.close(); // stateless: no session to end
            return;
        }
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
        UpstreamListen l = listen;
        if (l != null) {
            l.close();
        }
        McpSyncClient c = client;
        if (c != null) {
            try {
                c.close();
            } catch (RuntimeException e) {
                // closing a broken session; nothing more to do
            }
        }
        // The SDK skips the transport when closing its own session state fails (it does when a server's
        // list_changed made it re-list on its own); a transport closes once, so this is never twice.
        ObservedTransport t = transport;
        if (t != null) {
            t.close();
        }
    }
}
