package dev.portcullis.upstream.transport;

import java.util.Optional;

/**
 * Which of the gateway's requests a server message arrived in answer to. Streamable HTTP carries a
 * server's requests and notifications about a call on that call's own response stream; while such a
 * message is handed on, this names the call, so a sampling or elicitation request reaches the client
 * whose call caused it and no one else. Transports with one channel for everything (stdio, legacy
 * SSE, WebSocket) leave it unbound.
 */
public final class RequestOrigin {
    private static final ScopedValue<Object> ORIGIN = ScopedValue.newInstance();

    private RequestOrigin() {
    }

    /** The id of the gateway's request whose stream is being read, if the message came on one. */
    public static Optional<Object> current() {
        return ORIGIN.isBound() ? Optional.of(ORIGIN.get()) : Optional.empty();
    }

    static void during(Object requestId, Runnable work) {
        if (requestId == null) {
            work.run();
        } else {
            ScopedValue.where(ORIGIN, requestId).run(work);
        }
    }
}
