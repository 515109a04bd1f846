package dev.portcullis.upstream.transport;

import dev.portcullis.upstream.UpstreamException;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import io.modelcontextprotocol.spec.ProtocolVersions;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The Streamable HTTP transport (MCP 2025-11-25, also talking to 2025-06-18 and 2025-03-26 servers) on the
 * gateway's guarded Jetty client.
 *
 * <p>Every message is one POST on its own virtual thread; a request's thread reads the answer (JSON or an SSE
 * stream) until its response has passed to the SDK, so the SDK's {@code sendMessage} Mono fails with a typed
 * {@link UpstreamException} for exactly that request when its exchange fails. A stream that ends before the
 * response is resumed with GET and {@code Last-Event-ID} after the server's {@code retry} delay. After
 * {@link #listen()} a GET stream listens for server-initiated messages (405 means the server offers none); the
 * session asks for it only when it needs them, and the stream takes a lease of the {@link StreamBudget} and a
 * connection from the pool's stream partition, never from the one requests use.
 *
 * <p>Session loss: a 404 — and a 400, see {@link #sessionExpired} — to a request that carried a session id
 * fails that request with {@link UpstreamException.SessionExpired} and forgets the session. The connection
 * manager then replaces the connection (a new transport and SDK client, which initializes afresh) and retries
 * the call once. The SDK's own re-initialization hook (an exception handler fed
 * {@code McpTransportSessionNotFoundException}) is deliberately not used: in SDK 2.1.0 a call racing that
 * background re-initialization fails with a NullPointerException inside the SDK.
 */
public final class StreamableHttpClientTransport implements McpClientTransport, OnDemandListening {

    private static final Logger log = LoggerFactory.getLogger(StreamableHttpClientTransport.class);
    /** Reconnection delay when the server names none; SSE leaves it to the client. */
    private static final long DEFAULT_RETRY_MILLIS = 1000;
    private static final int MAX_RESUMPTIONS = 5;
    private static final String ACCEPT_BOTH = "application/json, text/event-stream";

    private final HttpClient client;
    private final HttpTransportSettings settings;
    private final Inbound inbound;
    private final Workers workers = new Workers();
    private final AtomicReference<StreamableSession> listening = new AtomicReference<>();
    private volatile StreamableSession session = StreamableSession.NONE;
    private volatile boolean closed;
    private volatile boolean streaming;
    /** The latest listening attempt: true once its stream is open, false once it ended or was refused. */
    private volatile CompletableFuture<Boolean> established = CompletableFuture.completedFuture(false);
    /** Speaking the stateless 2026-07-28 revision: no session, every request mirrored in headers. */
    private volatile boolean stateless;
    /**
     * Requests being sent or read, by id, with their exchange once it is open: a stateless request is
     * cancelled by closing its own (see {@link #abort}).
     */
    private final Map<String, InFlight> inFlight = new java.util.concurrent.ConcurrentHashMap<>();
    /** Requests to send as long-lived streams (a stateless server's {@code subscriptions/listen}), by id. */
    private final java.util.Set<String> lasting = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** One request under way: its exchange once the response head came, and whether it was cancelled. */
    private static final class InFlight {
        HttpExchange exchange;
        boolean aborted;
    }
    /** Headers one request carries besides the mirrors (a tool's designated parameters), by request id. */
    private final Map<String, Map<String, String>> requestHeaders = new java.util.concurrent.ConcurrentHashMap<>();

    /** Headers the request with this id is to carry, for the stateless revision's tool parameters. */
    public void headersFor(Object requestId, Map<String, String> headers) {
        if (!headers.isEmpty()) {
            requestHeaders.put(String.valueOf(requestId), Map.copyOf(headers));
        }
    }

    /**
     * @param client   the gateway's started, egress-guarded client
     * @param json     the SDK's JSON mapper
     * @param settings the endpoint, headers, limits and authorizer
     */
    public StreamableHttpClientTransport(HttpClient client, McpJsonMapper json, HttpTransportSettings settings) {
        this.client = client;
        this.settings = settings;
        this.inbound = new Inbound(json);
    }

    @Override
    public Mono<Void> connect(Function<Mono<JSONRPCMessage>, Mono<JSONRPCMessage>> handler) {
        inbound.handler(handler);
        return Mono.empty();
    }

    /** Whether requests go out statelessly (2026-07-28). */
    public boolean isStateless() {
        return stateless;
    }

    /**
     * Cancels a request of the stateless revision the way it says: by closing the request's response
     * stream (no {@code notifications/cancelled} is expected over HTTP). One whose response has not begun
     * is closed as soon as it does; one that is cancelled is never resumed. False when it is not under way.
     */
    public boolean abort(Object requestId) {
        InFlight f = inFlight.get(String.valueOf(requestId));
        if (f == null) {
            return false;
        }
        HttpExchange open;
        synchronized (f) {
            f.aborted = true;
            open = f.exchange;
        }
        if (open != null) {
            open.close();
        }
        return true;
    }

    /**
     * Sends the request with this id as a stream that may last (a stateless server's
     * {@code subscriptions/listen}): on the stream connections, with no overall time limit (silence beyond
     * the SSE read timeout ends it), and not resumed when it ends: its sender opens another.
     */
    public void longLived(Object requestId) {
        lasting.add(String.valueOf(requestId));
    }

    /**
     * Speaks a stateless revision from now on: no {@code initialize}, no {@code Mcp-Session-Id}; every
     * request carries the version header and mirrors its method and name in {@code Mcp-Method} and
     * {@code Mcp-Name}. {@link #useSessions()} goes back.
     */
    public void useStateless(String version) {
        stateless = true;
        session = new StreamableSession(null, version);
    }

    /** Back to the session revisions (the server did not take the stateless one). */
    public void useSessions() {
        stateless = false;
        session = StreamableSession.NONE;
    }

    @Override
    public Mono<Void> sendMessage(JSONRPCMessage message) {
        return workers.run("mcp-http-send", answered -> send(message, answered));
    }

    private void send(JSONRPCMessage message, Runnable answered) {
        Object requestId = message instanceof McpSchema.JSONRPCRequest request ? request.id() : null;
        String key = requestId == null ? null : String.valueOf(requestId);
        boolean longLived = key != null && lasting.remove(key);
        if (closed) {
            throw new UpstreamException.Unreachable("the transport is closed", null);
        }
        InFlight flight = new InFlight();
        if (key != null) {
            inFlight.put(key, flight);
        }
        try {
            send(message, requestId, answered, longLived, flight);
        } finally {
            if (key != null) {
                inFlight.remove(key, flight);
            }
        }
    }

    private void send(JSONRPCMessage message, Object requestId, Runnable answered, boolean longLived, InFlight flight) {
        Map<String, String> extra = requestId == null ? null : requestHeaders.remove(String.valueOf(requestId));
        byte[] body = inbound.encode(message, settings.maxMessageBytes());
        boolean initialize = message instanceof McpSchema.JSONRPCRequest request
                && McpSchema.METHOD_INITIALIZE.equals(request.method());
        if (initialize) {
            session = StreamableSession.NONE; // a new initialize starts a new session, never inside the old one
        }
        StreamableSession sent = session;
        Deadline deadline = Deadline.after(settings.requestTimeout());
        Outgoing.Builder builder = sessionHeaders(Outgoing.builder("POST", settings), sent)
                .header(HttpHeader.ACCEPT.asString(), ACCEPT_BOTH);
        if (longLived) {
            builder.longLived();
        }
        if (stateless) {
            mirror(builder, message);
        }
        if (extra != null) {
            extra.forEach(builder::header);
        }
        Outgoing post = builder.json(body).build();
        StreamRead read;
        try (HttpExchange exchange = HttpExchange.open(client, Hop.configured(settings.endpoint()), post,
                deadline.remaining(), longLived ? 0 : deadline.remainingMillis(), settings.sseReadTimeout())) {
            synchronized (flight) {
                flight.exchange = exchange;
                if (flight.aborted) {
                    throw new UpstreamException.Cancelled("the request was cancelled");
                }
            }
            if (stateless && errorAnswered(exchange, requestId, answered)) {
                return;
            }
            requireSuccess(exchange, sent);
            if (initialize) {
                session = new StreamableSession(exchange.header("Mcp-Session-Id"), null);
            }
            read = longLived && exchange.mediaType().equals("application/json")
                    ? readLines(exchange.body(), requestId, answered)
                    : readAnswer(exchange, requestId, initialize, answered,
                            longLived ? Deadline.after(settings.sseReadTimeout()) : deadline);
        }
        if (requestId == null || read.answered()) {
            return;
        }
        synchronized (flight) {
            if (flight.aborted) {
                throw new UpstreamException.Cancelled("the request was cancelled");
            }
        }
        if (longLived) {
            throw new UpstreamException.Unreachable("the MCP server ended the stream", read.broken());
        }
        resume(read, requestId, initialize, answered, deadline);
    }

    private StreamRead readAnswer(HttpExchange exchange, Object requestId, boolean initialize, Runnable answered,
                                  Deadline deadline) {
        String type = exchange.mediaType();
        if (exchange.status() == 202 || (requestId == null && type.isEmpty())) {
            if (requestId != null) {
                throw new UpstreamException.ProtocolViolation("the MCP server accepted a request without answering it", null);
            }
            return new StreamRead(false, null, -1, null);
        }
        if (requestId == null && !type.equals("text/event-stream")) {
            // A notification or response we sent expects 202 and no body; some servers answer 200 with
            // something else. Nothing in it can be ours to wait for, so it is accepted and ignored.
            return new StreamRead(false, null, -1, null);
        }
        if (type.equals("text/event-stream")) {
            return readStream(exchange.body(), requestId, initialize, answered, deadline);
        }
        if (type.equals("application/json")) {
            boolean found = false;
            try {
                for (JSONRPCMessage m : inbound.decodeBody(exchange.readBody(settings.maxMessageBytes()))) {
                    found |= pass(m, requestId, initialize, answered);
                }
            } catch (IOException e) {
                throw Failures.classify(e, deadline.total());
            }
            if (requestId != null && !found) {
                throw new UpstreamException.ProtocolViolation("the MCP server's JSON answer lacks the response", null);
            }
            return new StreamRead(found, null, -1, null);
        }
        throw new UpstreamException.ProtocolViolation("the MCP server answered with an unexpected content type", null);
    }

    /**
     * A long-lived answer sent as JSON, one message per line (the conformance project's reference server
     * answers {@code subscriptions/listen} so): each line is passed on as it arrives, until the stream ends.
     */
    private StreamRead readLines(InputStream body, Object requestId, Runnable answered) {
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        InputStream in = new java.io.BufferedInputStream(body); // read() returns what has arrived: it never waits for a full buffer
        boolean found = false;
        try {
            for (int b; (b = in.read()) != -1; ) {
                if (b != '\n') {
                    if (line.size() >= settings.maxMessageBytes()) {
                        throw new UpstreamException.ProtocolViolation("the MCP server sent a message over the size limit", null);
                    }
                    line.write(b);
                    continue;
                }
                String text = line.toString(java.nio.charset.StandardCharsets.UTF_8).trim();
                line.reset();
                if (!text.isEmpty()) {
                    found |= pass(inbound.decode(text), requestId, false, answered);
                }
            }
            return new StreamRead(found, null, -1, null);
        } catch (IOException e) {
            return new StreamRead(found, null, -1, e);
        }
    }

    /**
     * Reads an SSE stream to its end, passing every message on. After the awaited response the rest of the
     * stream is still drained (so the connection can be reused), but a failure there no longer matters.
     */
    private StreamRead readStream(InputStream body, Object requestId, boolean initialize, Runnable answered,
                                  Deadline deadline) {
        SseReader reader = new SseReader(body, settings.maxMessageBytes() + 64, settings.maxMessageBytes());
        boolean found = false;
        try {
            for (SseEvent event; (event = reader.next()) != null; ) {
                if (event.type().equals("message") && !event.data().isEmpty()) {
                    found |= pass(inbound.decode(event.data()), requestId, initialize, answered);
                }
            }
            return new StreamRead(found, reader.lastEventId(), reader.retryMillis(), null);
        } catch (IOException e) {
            if (found) {
                return new StreamRead(true, reader.lastEventId(), reader.retryMillis(), e);
            }
            UpstreamException failure = Failures.classify(e, deadline.total());
            if (failure instanceof UpstreamException.Timeout || Thread.currentThread().isInterrupted() || closed) {
                throw failure;
            }
            return new StreamRead(false, reader.lastEventId(), reader.retryMillis(), e);
        }
    }

    private boolean pass(JSONRPCMessage message, Object requestId, boolean initialize, Runnable answered) {
        boolean isAnswer = Inbound.answers(message, requestId);
        if (isAnswer && initialize) {
            session = session.withProtocolVersion(negotiatedVersion((McpSchema.JSONRPCResponse) message));
        }
        RequestOrigin.during(requestId, () -> inbound.deliver(message));
        if (isAnswer) {
            answered.run();
        }
        return isAnswer;
    }

    /** Resumes a request's stream with GET and Last-Event-ID until the response arrives (SEP-1699). */
    private void resume(StreamRead first, Object requestId, boolean initialize, Runnable answered,
                        Deadline deadline) {
        StreamRead read = first;
        for (int attempt = 1; !read.answered(); attempt++) {
            if (read.lastEventId() == null || attempt > MAX_RESUMPTIONS) {
                throw new UpstreamException.Unreachable("the MCP server's stream ended before the response",
                        read.broken());
            }
            deadline.sleep(resumeDelay(read));
            StreamableSession sent = session;
            Outgoing get = sessionHeaders(Outgoing.builder("GET", settings), sent)
                    .header(HttpHeader.ACCEPT.asString(), "text/event-stream")
                    .header("Last-Event-ID", read.lastEventId())
                    .build();
            try (HttpExchange exchange = HttpExchange.open(client, Hop.configured(settings.endpoint()), get,
                    deadline.remaining(), deadline.remainingMillis(), settings.sseReadTimeout())) {
                if (exchange.status() == 405) {
                    throw new UpstreamException.Unreachable(
                            "the MCP server's stream ended before the response and it cannot resume streams", null);
                }
                try {
                    requireSuccess(exchange, sent);
                } catch (UpstreamException.SessionExpired lost) {
                    // The server accepted the request before its stream broke, so it may have acted on it: the
                    // session is forgotten, but the request fails instead of being sent again on a new one.
                    throw new UpstreamException.Unreachable("the MCP server lost the session while its answer was"
                            + " under way; the request may have run", lost);
                }
                if (!exchange.mediaType().equals("text/event-stream")) {
                    throw new UpstreamException.ProtocolViolation("a resumed stream is not text/event-stream", null);
                }
                StreamRead next = readStream(exchange.body(), requestId, initialize, answered, deadline);
                read = new StreamRead(next.answered(), next.lastEventId() != null ? next.lastEventId() : read.lastEventId(),
                        next.retryMillis() >= 0 ? next.retryMillis() : read.retryMillis(), next.broken());
            }
        }
    }

    /**
     * The server's {@code retry} when it named one (SEP-1699 polling closes streams on purpose); otherwise at
     * once after a broken connection — a dead server then fails the request within milliseconds, a live one
     * resumes without a pause — and the default after a clean close.
     */
    private static long resumeDelay(StreamRead read) {
        if (read.retryMillis() >= 0) {
            return read.retryMillis();
        }
        return read.broken() != null ? 0 : DEFAULT_RETRY_MILLIS;
    }

    /**
     * A lease of the stream budget for one long-lived stream to this server (a stateless server's
     * {@code subscriptions/listen}), or empty when the origin's or owner's cap is reached.
     */
    public Optional<StreamBudget.Lease> streamLease() {
        ConnectionPool pool = settings.pool();
        return pool.streams().tryAcquire(pool.owner(), StreamBudget.originOf(Hop.configured(settings.endpoint()).target()));
    }

    /** The optional GET stream for server-initiated requests and notifications, one per session. */
    @Override
    public boolean listen() {
        if (stateless) {
            return false; // the stateless revision has no session stream (subscriptions/listen replaces it)
        }
        StreamableSession current = session;
        if (closed || current.protocolVersion() == null || listening.get() == current) {
            return false;
        }
        ConnectionPool pool = settings.pool();
        Optional<StreamBudget.Lease> lease = pool.streams().tryAcquire(pool.owner(),
                StreamBudget.originOf(Hop.configured(settings.endpoint()).target()));
        if (lease.isEmpty()) {
            log.debug("no listening stream: the stream budget for this origin or owner is spent");
            return false;
        }
        if (listening.getAndSet(current) == current) {
            lease.get().close();
            return false;
        }
        CompletableFuture<Boolean> ready = new CompletableFuture<>();
        established = ready;
        workers.start("mcp-http-listen", () -> {
            try (StreamBudget.Lease held = lease.get()) {
                listen(current, ready);
            } finally {
                streaming = false;
                ready.complete(false);
            }
        });
        return true;
    }

    @Override
    public boolean isListening() {
        return streaming;
    }

    @Override
    public boolean listenWithin(java.time.Duration within) {
        listen();
        if (streaming) {
            return true;
        }
        try {
            return established.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }


    private void listen(StreamableSession current, CompletableFuture<Boolean> ready) {
        String lastEventId = null;
        long retryMillis = DEFAULT_RETRY_MILLIS;
        while (!closed && session == current) {
            Outgoing get = sessionHeaders(Outgoing.builder("GET", settings), current)
                    .header(HttpHeader.ACCEPT.asString(), "text/event-stream")
                    .header("Last-Event-ID", lastEventId)
                    .longLived()
                    .build();
            StreamRead read;
            try (HttpExchange exchange = HttpExchange.open(client, Hop.configured(settings.endpoint()), get,
                    settings.requestTimeout(), 0, settings.sseReadTimeout())) {
                if (exchange.status() / 100 != 2 || !exchange.mediaType().equals("text/event-stream")) {
                    log.debug("no listening stream from the MCP server (HTTP {})", exchange.status());
                    return; // 405: the server offers none; anything else: requests still work without it
                }
                streaming = true;
                ready.complete(true);
                read = readStream(exchange.body(), null, false, () -> { }, Deadline.after(settings.sseReadTimeout()));
            } catch (UpstreamException e) {
                if (!(e instanceof UpstreamException.Timeout)) {
                    log.debug("the listening stream stopped: {}", e.getClass().getSimpleName());
                    return;
                }
                read = new StreamRead(false, lastEventId, -1, e);
            }
            lastEventId = read.lastEventId() != null ? read.lastEventId() : lastEventId;
            retryMillis = read.retryMillis() >= 0 ? read.retryMillis() : retryMillis;
            if (!Deadline.pause(retryMillis)) {
                return;
            }
        }
    }

    /** 2026-07-28: the method, and the tool's or prompt's name or the resource's URI, repeated in headers. */
    private static void mirror(Outgoing.Builder builder, JSONRPCMessage message) {
        String method = message instanceof McpSchema.JSONRPCRequest r ? r.method()
                : message instanceof McpSchema.JSONRPCNotification n ? n.method() : null;
        if (method == null) {
            return;
        }
        builder.header("Mcp-Method", method);
        Object params = message instanceof McpSchema.JSONRPCRequest r ? r.params() : null;
        if (params instanceof Map<?, ?> p) {
            Object name = switch (method) {
                case "tools/call", "prompts/get" -> p.get("name");
                case "resources/read" -> p.get("uri");
                default -> null;
            };
            if (name instanceof String text && text.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                builder.header("Mcp-Name", text); // a name a header cannot carry as it is goes without the mirror
            }
        }
    }

    private static Outgoing.Builder sessionHeaders(Outgoing.Builder builder, StreamableSession sent) {
        return builder.header("Mcp-Session-Id", sent.id()).header("MCP-Protocol-Version", sent.protocolVersion());
    }

    /**
     * The stateless revision answers some refusals with a 4xx status and a JSON-RPC error in the body
     * (an unsupported version with the ones the server supports, incomplete {@code _meta}, a method it
     * does not have): that error is the answer to the request, and is passed on as one.
     */
    private boolean errorAnswered(HttpExchange exchange, Object requestId, Runnable answered) {
        int status = exchange.status();
        if (requestId == null || status < 400 || status >= 500 || status == 401 || status == 403
                || !exchange.mediaType().equals("application/json")) {
            return false;
        }
        try {
            for (JSONRPCMessage m : inbound.decodeBody(exchange.readBody(settings.maxMessageBytes()))) {
                if (m instanceof McpSchema.JSONRPCResponse r && r.error() != null && Inbound.answers(m, requestId)) {
                    pass(m, requestId, false, answered);
                    return true;
                }
            }
        } catch (IOException | UpstreamException e) {
            return false;
        }
        return false;
    }

    private void requireSuccess(HttpExchange exchange, StreamableSession sent) {
        int status = exchange.status();
        if (status / 100 == 2) {
            return;
        }
        exchange.discard();
        if (sent.id() != null && (status == 404 || status == 400)) {
            throw sessionExpired(sent, status);
        }
        throw Statuses.failure(exchange);
    }

    /**
     * The server no longer knows the session. The specification answers an unknown session with 404; the
     * TypeScript SDK's Express servers (server-everything among them) answer 400 "No valid session ID
     * provided". A 400 to a request that carried a session id is therefore read as a lost session too: a
     * request that is malformed for another reason fails again on the fresh session, and the connection
     * manager re-initializes at most once per call, so nothing loops.
     */
    private UpstreamException.SessionExpired sessionExpired(StreamableSession sent, int status) {
        synchronized (this) {
            if (session == sent) {
                session = StreamableSession.NONE;
            }
        }
        return new UpstreamException.SessionExpired("the MCP server no longer knows the session (HTTP " + status + ")");
    }

    private static String negotiatedVersion(McpSchema.JSONRPCResponse response) {
        return response.result() instanceof Map<?, ?> result && result.get("protocolVersion") instanceof String v ? v : null;
    }

    @Override
    public Mono<Void> closeGracefully() {
        return workers.run("mcp-http-close", ignored -> closeNow());
    }

    private void closeNow() {
        closed = true;
        workers.interruptAll();
        StreamableSession last = session;
        session = StreamableSession.NONE;
        if (last.id() == null) {
            return;
        }
        Outgoing delete = sessionHeaders(Outgoing.builder("DELETE", settings), last).build();
        try (HttpExchange exchange = HttpExchange.open(client, Hop.configured(settings.endpoint()), delete,
                settings.requestTimeout(), settings.requestTimeout().toMillis(), settings.requestTimeout())) {
            exchange.discard(); // 405 means the server keeps sessions until it expires them: nothing to do
        } catch (UpstreamException e) {
            log.debug("ending the MCP session failed: {}", e.getClass().getSimpleName());
        }
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return inbound.unmarshal(data, typeRef);
    }

    @Override
    public List<String> protocolVersions() {
        return List.of(ProtocolVersions.MCP_2025_03_26, ProtocolVersions.MCP_2025_06_18, ProtocolVersions.MCP_2025_11_25);
    }
}
