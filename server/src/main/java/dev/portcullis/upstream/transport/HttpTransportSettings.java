package dev.portcullis.upstream.transport;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How to reach one MCP server over the network.
 *
 * @param endpoint        the server URL as configured (Streamable HTTP endpoint, legacy SSE URL or WebSocket URL)
 * @param headers         the resolved configured headers, sent on every request; they may hold secrets, so
 *                        {@link #toString()} shows only their names
 * @param requestTimeout  how long a JSON-RPC request may wait for its response; also bounds connecting
 * @param sseReadTimeout  how long a listening SSE stream (or WebSocket) may stay silent before it is dropped
 * @param maxMessageBytes the largest JSON-RPC message accepted in either direction; also bounds SSE lines
 * @param authorizer      asked for the Authorization header before every request
 * @param pool            whose connections to use, and the budget for long-lived streams
 */
public record HttpTransportSettings(URI endpoint, Map<String, String> headers, Duration requestTimeout,
                                    Duration sseReadTimeout, int maxMessageBytes, RequestAuthorizer authorizer,
                                    ConnectionPool pool) {

    public HttpTransportSettings {
        Objects.requireNonNull(endpoint, "endpoint");
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(sseReadTimeout, "sseReadTimeout");
        if (maxMessageBytes < 1) {
            throw new IllegalArgumentException("maxMessageBytes must be positive");
        }
        authorizer = authorizer == null ? RequestAuthorizer.NONE : authorizer;
        pool = pool == null ? ConnectionPool.COMMON : pool;
    }

    @Override
    public String toString() {
        return "HttpTransportSettings[endpoint=" + endpoint + ", headers=" + headers.keySet()
                + ", requestTimeout=" + requestTimeout + ", sseReadTimeout=" + sseReadTimeout
                + ", maxMessageBytes=" + maxMessageBytes + "]";
    }
}
