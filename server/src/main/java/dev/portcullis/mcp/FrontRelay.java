package dev.portcullis.mcp;

import dev.portcullis.upstream.CallObserver;
import dev.portcullis.upstream.RpcError;
import dev.portcullis.upstream.ServerRequests;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The client behind one front-door request, as the upstream server's side sees it: progress and log
 * messages go on the request's own stream (or the session's stream when the client took a plain JSON
 * answer), and the server's sampling, elicitation and roots requests are asked of this client — of
 * no other — and its answer goes back (an accepted form with its defaults, checked against the form, on
 * the way: {@link dev.portcullis.upstream.ElicitationAnswers}).
 */
final class FrontRelay implements CallObserver {
    /** How long a person may take to answer an elicitation or approve a sampling request. */
    static final Duration ANSWER_WITHIN = Duration.ofMinutes(10);

    private final FrontSession session;
    private final Optional<Sink> requestStream;

    FrontRelay(FrontSession session, Optional<Sink> requestStream) {
        this.session = session;
        this.requestStream = requestStream;
    }

    private Optional<Sink> sink() {
        return requestStream.filter(Sink::isOpen).or(session::stream);
    }

    @Override
    public void notification(String method, Map<String, Object> params) {
        if ("notifications/message".equals(method) && session.logLevel().isPresent()
                && !LogLevels.passes(params.get("level"), session.logLevel().get())) {
            return;
        }
        sink().ifPresent(s -> s.send(FrontDoor.notification(method, params)));
    }

    /** A 2026-07-28 client gets a stateless server's {@code input_required} as it is, and retries itself. */
    @Override
    public boolean takesInputRequests() {
        return StatelessProtocol.VERSION.equals(session.protocolVersion());
    }

    @Override
    public boolean answersServerRequests() {
        return session.declares("sampling") || session.declares("roots") || session.elicits("form") || session.elicits("url");
    }

    @Override
    public CompletableFuture<Map<String, Object>> ask(String method, Map<String, Object> params) {
        if (!session.accepts(method, params)) {
            return CompletableFuture.failedFuture(ServerRequests.unsupported(method));
        }
        if (session.bridge().isPresent()) {
            return session.bridge().get().ask(method, params); // the client's retry answers it
        }
        Optional<Sink> sink = sink();
        if (sink.isEmpty()) {
            return CompletableFuture.failedFuture(new RpcError(RpcError.INTERNAL_ERROR,
                    "The client has no open stream to receive " + method + " on"));
        }
        var asked = session.ask();
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("jsonrpc", "2.0");
        request.put("id", asked.getKey());
        request.put("method", method);
        request.put("params", params);
        if (!sink.get().send(request)) {
            asked.getValue().completeExceptionally(new RpcError(RpcError.INTERNAL_ERROR, "The client's stream closed"));
        }
        return asked.getValue().orTimeout(ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
    }
}
