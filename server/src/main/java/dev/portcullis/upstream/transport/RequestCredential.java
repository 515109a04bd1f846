package dev.portcullis.upstream.transport;

import java.net.URI;
import java.util.Map;

/**
 * What one request presents to the MCP server. Its headers are asked for each HTTP request that
 * leaves (every hop of a redirect too), because a proof-of-possession credential signs the method
 * and URL of exactly that request and must never be sent twice.
 */
public sealed interface RequestCredential permits RequestCredential.Header, RequestCredential.ProofBound {

    /** The headers for one HTTP request with {@code method} to {@code url}. They hold secrets: never log them. */
    Map<String, String> headers(String method, URI url);

    /** A fixed {@code Authorization} value, such as {@code Bearer <token>}. Printing it prints no token. */
    record Header(String authorization) implements RequestCredential {
        @Override
        public Map<String, String> headers(String method, URI url) {
            return Map.of("Authorization", authorization);
        }

        @Override
        public String toString() {
            return "Header[redacted]";
        }
    }

    /**
     * A token bound to a key (RFC 9449 DPoP): each request carries a fresh proof, and the server may
     * ask for one with its nonce ({@code 401} with {@code error="use_dpop_nonce"} and a
     * {@code DPoP-Nonce} header), which the transport answers once with a new proof.
     */
    non-sealed interface ProofBound extends RequestCredential {
        /** Keeps the nonce the server at {@code url} handed out, for the next proof to it. */
        void nonce(URI url, String nonce);
    }
}
