package dev.portcullis.upstream.transport;

import dev.portcullis.egress.EgressContext;
import dev.portcullis.egress.jetty.EgressTag;
import dev.portcullis.upstream.UpstreamException;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.api.exceptions.MessageTooLargeException;
import org.eclipse.jetty.websocket.api.exceptions.UpgradeException;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.JettyUpgradeListener;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * MCP over WebSocket ({@code ws://}, {@code wss://}, subprotocol {@code mcp}): one JSON-RPC message per text
 * frame. Built on Jetty's WebSocketClient over the guarded HttpClient, so the upgrade request connects through
 * the guard's address resolver; the upgrade carries the MCP egress tag (the guard refuses untagged requests).
 * Jetty enforces the message size limit and closes with 1009, which fails every waiting request with
 * MessageTooLarge.
 */
public final class WebSocketClientTransport implements McpClientTransport {

    private static final Logger log = LoggerFactory.getLogger(WebSocketClientTransport.class);

    private final HttpClient client;
    private volatile StreamBudget.Lease lease;
    private final HttpTransportSettings settings;
    private final Inbound inbound;
    private final Workers workers = new Workers();
    private final PendingRequests pending = new PendingRequests();
    private final CompletableFuture<Session> session = new CompletableFuture<>();
    private volatile WebSocketClient webSockets;
    private volatile String challenge;
    private volatile boolean closed;

    /**
     * @param client   the gateway's started, egress-guarded client
     * @param json     the SDK's JSON mapper
     * @param settings {@code endpoint} is the ws:// or wss:// URL
     */
    public WebSocketClientTransport(HttpClient client, McpJsonMapper json, HttpTransportSettings settings) {
        this.client = client;
        this.settings = settings;
        this.inbound = new Inbound(json);
    }

    @Override
    public Mono<Void> connect(Function<Mono<JSONRPCMessage>, Mono<JSONRPCMessage>> handler) {
        inbound.handler(handler);
        workers.start("mcp-ws-connect", this::open);
        return workers.run("mcp-ws-await", ignored -> awaitSession());
    }

    private void open() {
        try {
            Hop hop = Hop.configured(settings.endpoint());
            // The socket is the whole connection, held for the session's life: counted like a legacy SSE stream.
            lease = settings.pool().streams().acquire(settings.pool().owner(), StreamBudget.originOf(hop.target()));
            WebSocketClient ws = new WebSocketClient(client);
            ws.setMaxTextMessageSize(settings.maxMessageBytes());
            ws.setIdleTimeout(settings.sseReadTimeout());
            ws.setConnectTimeout(settings.requestTimeout().toMillis());
            ws.start();
            webSockets = ws;
            ClientUpgradeRequest upgrade = new ClientUpgradeRequest();
            upgrade.setSubProtocols("mcp");
            upgrade.tag(EgressTag.of(EgressContext.MCP).in(settings.pool().streamPartition()));
            settings.headers().forEach(upgrade::setHeader);
            settings.authorizer().credential().ifPresent(c -> c.headers("GET", URI.create(hop.target().uri()))
                    .forEach(upgrade::setHeader));
            Handshake handshake = new Handshake();
            Session opened = ws.connect(new Listener(), URI.create(hop.target().uri()), upgrade, handshake)
                    .get(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
            session.complete(opened);
        } catch (UpstreamException e) {
            fail(e);
        } catch (TimeoutException e) {
            fail(Failures.timeout(settings.requestTimeout()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(new UpstreamException.Unreachable("the transport is closed", e));
        } catch (ExecutionException e) {
            fail(upgradeFailure(e.getCause()));
        } catch (Exception e) {
            fail(Failures.classify(e, settings.requestTimeout()));
        }
    }

    private UpstreamException upgradeFailure(Throwable cause) {
        if (cause instanceof UpgradeException upgrade && upgrade.getResponseStatusCode() > 0) {
            int status = upgrade.getResponseStatusCode();
            if (status == 401 || status == 403) {
                return new UpstreamException.AuthorizationRequired(status, Optional.ofNullable(challenge));
            }
            return Failures.status(status);
        }
        return Failures.classify(cause, settings.requestTimeout());
    }

    /** Keeps a 401's challenge for OAuth discovery. */
    private final class Handshake implements JettyUpgradeListener {
        @Override
        public void onHandshakeResponse(Request request, Response response) {
            challenge = response.getHeaders().get(HttpHeader.WWW_AUTHENTICATE);
        }
    }

    /** Public only because Jetty calls listener methods through method handles, which need a public class. */
    public final class Listener implements Session.Listener.AutoDemanding {
        private Listener() {
        }

        @Override
        public void onWebSocketText(String text) {
            try {
                JSONRPCMessage message = inbound.decode(text);
                inbound.deliver(message);
                pending.passed(message);
            } catch (UpstreamException e) {
                fail(e);
            }
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            fail(cause instanceof MessageTooLargeException
                    ? new UpstreamException.MessageTooLarge("a WebSocket message exceeded " + settings.maxMessageBytes() + " bytes")
                    : Failures.classify(cause, settings.sseReadTimeout()));
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            fail(statusCode == StatusCode.MESSAGE_TOO_LARGE
                    ? new UpstreamException.MessageTooLarge("a WebSocket message exceeded " + settings.maxMessageBytes() + " bytes")
                    : new UpstreamException.Unreachable("the MCP server closed the WebSocket (" + statusCode + ")", null));
        }
    }

    private void fail(UpstreamException failure) {
        StreamBudget.Lease held = lease;
        if (held != null) {
            held.close();
        }
        UpstreamException cause = closed ? new UpstreamException.Unreachable("the transport is closed", null) : failure;
        if (pending.broken() == null) {
            log.debug("the WebSocket failed: {}", cause.getClass().getSimpleName());
            pending.breakAll(cause);
        }
        session.completeExceptionally(cause);
    }

    private Session awaitSession() {
        return Failures.await(session, settings.requestTimeout());
    }

    @Override
    public Mono<Void> sendMessage(JSONRPCMessage message) {
        return workers.run("mcp-ws-send", ignored -> send(message));
    }

    private void send(JSONRPCMessage message) {
        if (closed || pending.broken() != null) {
            throw closed ? new UpstreamException.Unreachable("the transport is closed", null) : pending.broken();
        }
        String text = new String(inbound.encode(message, settings.maxMessageBytes()), StandardCharsets.UTF_8);
        Session open = awaitSession();
        Object requestId = message instanceof McpSchema.JSONRPCRequest request ? request.id() : null;
        CompletableFuture<Void> answered = requestId == null ? null : pending.register(requestId);
        CompletableFuture<Void> written = new CompletableFuture<>();
        open.sendText(text, Callback.from(() -> written.complete(null), written::completeExceptionally));
        try {
            written.get(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw Failures.timeout(settings.requestTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException.Unreachable("the request was cancelled", e);
        } catch (ExecutionException e) {
            throw Failures.classify(e.getCause(), settings.requestTimeout());
        }
        if (answered != null) {
            pending.await(requestId, answered, settings.requestTimeout());
        }
    }

    @Override
    public Mono<Void> closeGracefully() {
        return workers.run("mcp-ws-close", ignored -> {
            closed = true;
            StreamBudget.Lease held = lease;
            if (held != null) {
                held.close();
            }
            workers.interruptAll();
            pending.breakAll(new UpstreamException.Unreachable("the transport is closed", null));
            session.thenAccept(s -> s.close(StatusCode.NORMAL, "closing", Callback.NOOP));
            WebSocketClient ws = webSockets;
            if (ws != null) {
                try {
                    ws.stop(); // the shared HttpClient was started before: Jetty leaves it running
                } catch (Exception e) {
                    log.debug("stopping the WebSocket client failed: {}", e.getClass().getSimpleName());
                }
            }
        });
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return inbound.unmarshal(data, typeRef);
    }
}
