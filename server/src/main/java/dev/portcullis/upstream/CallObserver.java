package dev.portcullis.upstream;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The client behind one relayed request, as the MCP server's side sees it: it hears the
 * notifications that belong to the request (progress under the client's own token, log messages
 * sent on the request's stream) and answers the server's requests made while it runs (sampling,
 * elicitation, roots).
 */
public interface CallObserver {
    void notification(String method, Map<String, Object> params);

    /**
     * The client's answer to a server request; completes exceptionally with an {@link RpcError} when
     * the client refused, or cannot answer (it did not declare the capability). The answer goes to the
     * server through {@link ElicitationAnswers#ask}, which completes an accepted form with its defaults.
     */
    CompletableFuture<Map<String, Object>> ask(String method, Map<String, Object> params);

    /**
     * Whether the client takes a stateless server's {@code input_required} results itself (a 2026-07-28
     * client, which retries with the answers); otherwise the gateway asks it each input request and
     * retries for it.
     */
    default boolean takesInputRequests() {
        return false;
    }

    /** Whether the client declared it can answer any of the server's requests (elicitation, sampling, roots). */
    default boolean answersServerRequests() {
        return false;
    }

    /** Nobody to tell or ask: the REST API's calls. */
    CallObserver NONE = new CallObserver() {
        @Override
        public void notification(String method, Map<String, Object> params) {
        }

        @Override
        public CompletableFuture<Map<String, Object>> ask(String method, Map<String, Object> params) {
            return CompletableFuture.failedFuture(ServerRequests.unsupported(method));
        }
    };
}
