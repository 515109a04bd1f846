package dev.portcullis.upstream.transport;

import dev.portcullis.egress.EgressTarget;
import dev.portcullis.upstream.UpstreamException;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The legacy HTTP+SSE transport (MCP 2024-11-05) on the guarded Jetty client: one GET stream carries every
 * server message, and the first event on it ({@code endpoint}) names where to POST ours. The endpoint must
 * be same-origin with the SSE URL — a server cannot aim the gateway's POSTs (with their credentials)
 * elsewhere — and is egress-checked like any URL. Because all answers share the one stream, a stream that
 * breaks or carries an oversized message fails every waiting request at once with the typed error.
 */
public final class SseClientTransport implements McpClientTransport {

    private static final Logger log = LoggerFactory.getLogger(SseClientTransport.class);

    private final HttpClient client;
    private final HttpTransportSettings settings;
    private final Inbound inbound;
    private final Workers workers = new Workers();
    private final PendingRequests pending = new PendingRequests();
    private final CompletableFuture<Hop> endpoint = new CompletableFuture<>();
    private volatile boolean closed;

    /**
     * @param client   the gateway's started, egress-guarded client
     * @param json     the SDK's JSON mapper
     * @param settings {@code endpoint} is the SSE URL
     */
    public SseClientTransport(HttpClient client, McpJsonMapper json, HttpTransportSettings settings) {
        this.client = client;
        this.settings = settings;
        this.inbound = new Inbound(json);
    }

    /** Opens the SSE stream; completes once the server named its message endpoint. */
    @Override
    public Mono<Void> connect(Function<Mono<JSONRPCMessage>, Mono<JSONRPCMessage>> handler) {
        inbound.handler(handler);
        workers.start("mcp-sse-stream", this::stream);
        return workers.run("mcp-sse-connect", ignored -> awaitEndpoint());
    }

    private void stream() {
        Hop sse;
        try {
            sse = Hop.configured(settings.endpoint());
        } catch (UpstreamException e) {
            fail(e);
            return;
        }
        Outgoing get = Outgoing.builder("GET", settings).header(HttpHeader.ACCEPT.asString(), "text/event-stream")
                .longLived().build();
        ConnectionPool pool = settings.pool();
        try (StreamBudget.Lease lease = pool.streams().acquire(pool.owner(), StreamBudget.originOf(sse.target()));
             HttpExchange exchange = HttpExchange.open(client, sse, get, settings.requestTimeout(), 0,
                settings.sseReadTimeout())) {
            if (exchange.status() / 100 != 2) {
                exchange.discard();
                throw Statuses.failure(exchange);
            }
            if (!exchange.mediaType().equals("text/event-stream")) {
                throw new UpstreamException.ProtocolViolation("the SSE URL did not answer with text/event-stream", null);
            }
            read(sse, new SseReader(exchange.body(), settings.maxMessageBytes() + 64, settings.maxMessageBytes()));
            fail(new UpstreamException.Unreachable("the MCP server closed its SSE stream", null));
        } catch (UpstreamException e) {
            fail(e);
        } catch (IOException e) {
            fail(Failures.classify(e, settings.sseReadTimeout()));
        }
    }

    private void read(Hop sse, SseReader reader) throws IOException {
        for (SseEvent event; (event = reader.next()) != null; ) {
            switch (event.type()) {
                case "endpoint" -> endpoint.complete(messageEndpoint(sse, event.data().strip()));
                case "message" -> {
                    if (!event.data().isEmpty()) {
                        JSONRPCMessage message = inbound.decode(event.data());
                        inbound.deliver(message);
                        pending.passed(message);
                    }
                }
                default -> { } // other event types carry nothing for us
            }
        }
    }

    /** The reason code of a refused cross-origin endpoint event; the egress guard has no such case itself. */
    static final String CROSS_ORIGIN_ENDPOINT = "ENDPOINT_CROSS_ORIGIN";

    private static Hop messageEndpoint(Hop sse, String reference) {
        EgressTarget target = sse.resolve(reference);
        if (!sse.sameOrigin(target)) {
            throw new UpstreamException.Blocked(CROSS_ORIGIN_ENDPOINT,
                    "the MCP server named a message endpoint on another origin than its SSE URL");
        }
        return new Hop(target, false);
    }

    private void fail(UpstreamException failure) {
        if (closed) {
            failure = new UpstreamException.Unreachable("the transport is closed", null);
        } else if (!(failure instanceof UpstreamException.Unreachable)) {
            log.debug("the SSE stream failed: {}", failure.getClass().getSimpleName());
        }
        endpoint.completeExceptionally(failure);
        pending.breakAll(failure);
    }

    private Hop awaitEndpoint() {
        return Failures.await(endpoint, settings.requestTimeout());
    }

    @Override
    public Mono<Void> sendMessage(JSONRPCMessage message) {
        return workers.run("mcp-sse-send", ignored -> send(message));
    }

    private void send(JSONRPCMessage message) {
        if (closed) {
            throw new UpstreamException.Unreachable("the transport is closed", null);
        }
        byte[] body = inbound.encode(message, settings.maxMessageBytes());
        Hop target = awaitEndpoint();
        Object requestId = message instanceof McpSchema.JSONRPCRequest request ? request.id() : null;
        CompletableFuture<Void> answered = requestId == null ? null : pending.register(requestId);
        Outgoing post = Outgoing.builder("POST", settings).json(body).build();
        try (HttpExchange exchange = HttpExchange.open(client, target, post, settings.requestTimeout(),
                settings.requestTimeout().toMillis(), settings.requestTimeout())) {
            exchange.discard();
            if (exchange.status() / 100 != 2) {
                throw Statuses.failure(exchange);
            }
        } catch (UpstreamException e) {
            if (answered != null) {
                answered.cancel(false);
            }
            throw e;
        }
        if (answered != null) {
            pending.await(requestId, answered, settings.requestTimeout());
        }
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(() -> {
            closed = true;
            workers.interruptAll();
            pending.breakAll(new UpstreamException.Unreachable("the transport is closed", null));
        });
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return inbound.unmarshal(data, typeRef);
    }
}
