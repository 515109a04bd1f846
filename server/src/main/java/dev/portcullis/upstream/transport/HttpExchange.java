package dev.portcullis.upstream.transport;

import dev.portcullis.egress.EgressContext;
import dev.portcullis.egress.EgressTarget;
import dev.portcullis.egress.jetty.EgressTag;
import dev.portcullis.egress.jetty.GuardedHttpClients;
import dev.portcullis.upstream.UpstreamException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * One HTTP exchange on the guarded client whose body is read as a stream (an SSE answer can last as long as
 * the request). Redirects: 307 and 308 are followed by hand, at most {@link #MAX_REDIRECTS} hops; each hop is
 * tagged as a redirect so the guard decides it again at connect time without exemptions, and a hop to another
 * origin leaves credentials, the session and configured headers behind. Blocking: call from a virtual thread.
 * Closing an exchange whose body was not read to the end aborts it.
 */
final class HttpExchange implements AutoCloseable {

    static final int MAX_REDIRECTS = 5;
    /** A DPoP challenge whose error is use_dpop_nonce (quoted or not), anywhere in the header. */
    private static final Pattern USE_DPOP_NONCE =
            Pattern.compile("(?i)(^|[\\s,])DPoP\\s[^\\n]*?\\berror\\s*=\\s*\"?use_dpop_nonce\"?");

    private final Response response;
    private final InputStream body;

    private HttpExchange(Response response, InputStream body) {
        this.response = response;
        this.body = body;
    }

    /**
     * Sends and waits for the response head.
     *
     * @param within       how long to wait for the response head (connect included); a Timeout after it
     * @param totalMillis  the whole exchange's limit, body included, or 0 for a stream that may last (then
     *                     {@code idle} bounds the silence)
     */
    static HttpExchange open(HttpClient client, Hop first, Outgoing outgoing, Duration within, long totalMillis,
                             Duration idle) {
        Hop hop = first;
        HttpFields headers = outgoing.headers();
        Optional<RequestCredential> credential = outgoing.credential();
        boolean nonceAnswered = false;
        for (int redirects = 0; ; redirects++) {
            HttpExchange exchange = send(client, hop, outgoing, withCredential(headers, credential, outgoing.method(), hop),
                    within, totalMillis, idle);
            int status = exchange.status();
            if (credential.orElse(null) instanceof RequestCredential.ProofBound bound && keepNonce(exchange, bound, hop)) {
                exchange.discard();
                exchange.close();
                if (nonceAnswered) {
                    // One round per request (RFC 9449 §9): a server that wants yet another nonce is not chased.
                    throw new UpstreamException.ProtocolViolation("the MCP server asked for a new DPoP nonce again", null);
                }
                nonceAnswered = true;
                redirects--; // the same hop again, with a fresh proof that carries the nonce
                continue;
            }
            String location = exchange.response.getHeaders().get(HttpHeader.LOCATION);
            if ((status != 307 && status != 308) || location == null) {
                return exchange;
            }
            exchange.close();
            if (redirects == MAX_REDIRECTS) {
                throw Hop.tooManyRedirects();
            }
            EgressTarget next = hop.resolve(location);
            if (!hop.sameOrigin(next)) {
                headers = outgoing.crossOriginHeaders();
                credential = Optional.empty();
            }
            hop = new Hop(next, true);
        }
    }

    /** The headers with the credential's for this hop (a DPoP proof names the hop's method and URL). */
    private static HttpFields withCredential(HttpFields headers, Optional<RequestCredential> credential, String method, Hop hop) {
        if (credential.isEmpty()) {
            return headers;
        }
        HttpFields.Mutable out = HttpFields.build(headers);
        credential.get().headers(method, URI.create(hop.target().uri())).forEach(out::put);
        return out.asImmutable();
    }

    /**
     * Keeps a nonce the server sent for a proof-bound credential; true when the answer is the
     * RFC 9449 §9 challenge to send the request again with it ({@code 401}, a {@code DPoP} challenge
     * with {@code error="use_dpop_nonce"}, and the nonce).
     */
    private static boolean keepNonce(HttpExchange exchange, RequestCredential.ProofBound bound, Hop hop) {
        String nonce = exchange.header("DPoP-Nonce");
        if (nonce == null || nonce.isEmpty()) {
            return false;
        }
        bound.nonce(URI.create(hop.target().uri()), nonce);
        // Every challenge line counts: a server may offer Bearer and DPoP challenges side by side.
        String challenges = String.join("\n", exchange.response.getHeaders().getValuesList(HttpHeader.WWW_AUTHENTICATE));
        return exchange.status() == 401 && USE_DPOP_NONCE.matcher(challenges).find();
    }

    private static HttpExchange send(HttpClient client, Hop hop, Outgoing outgoing, HttpFields headers,
                                     Duration within, long totalMillis, Duration idle) {
        EgressTag tag = (hop.redirected() ? EgressTag.redirect(EgressContext.MCP) : EgressTag.of(EgressContext.MCP))
                .in(outgoing.partition());
        byte[] body = outgoing.body();
        Request request = GuardedHttpClients.newRequest(client, hop.target(), EgressContext.MCP)
                .tag(tag)
                .method(outgoing.method())
                .headers(h -> h.add(headers))
                .idleTimeout(idle.toMillis(), TimeUnit.MILLISECONDS);
        if (totalMillis > 0) {
            request.timeout(totalMillis, TimeUnit.MILLISECONDS);
        }
        if (body != null) {
            request.body(new BytesRequestContent("application/json", body));
        }
        InputStreamResponseListener listener = new InputStreamResponseListener();
        request.send(listener);
        try {
            Response response = listener.get(within.toMillis(), TimeUnit.MILLISECONDS);
            return new HttpExchange(response, listener.getInputStream());
        } catch (TimeoutException e) {
            request.abort(e);
            throw Failures.timeout(within);
        } catch (InterruptedException e) {
            request.abort(e);
            Thread.currentThread().interrupt();
            throw new UpstreamException.Unreachable("the request was cancelled", e);
        } catch (ExecutionException e) {
            throw Failures.classify(e.getCause(), within, TlsHandshakes.cutShort(request));
        }
    }

    int status() {
        return response.getStatus();
    }

    String header(HttpHeader name) {
        return response.getHeaders().get(name);
    }

    String header(String name) {
        return response.getHeaders().get(name);
    }

    /** The media type without parameters, lower case, or empty. */
    String mediaType() {
        String type = response.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (type == null) {
            return "";
        }
        int semicolon = type.indexOf(';');
        return (semicolon < 0 ? type : type.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    InputStream body() {
        return body;
    }

    /** The whole body, refused as soon as it passes {@code maxBytes} (a Content-Length over it fails at once). */
    byte[] readBody(int maxBytes) throws IOException {
        long declared = response.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        if (declared > maxBytes) {
            throw new UpstreamException.MessageTooLarge("the MCP server's answer exceeded " + maxBytes + " bytes");
        }
        byte[] bytes = body.readNBytes(maxBytes + 1);
        if (bytes.length > maxBytes) {
            throw new UpstreamException.MessageTooLarge("the MCP server's answer exceeded " + maxBytes + " bytes");
        }
        return bytes;
    }

    /** Reads and discards what is left, so the connection can be reused; small answers only. */
    void discard() {
        try {
            body.skip(64 * 1024);
        } catch (InterruptedIOException e) {
            Thread.currentThread().interrupt();
        } catch (IOException ignored) {
            // the connection is dropped by close(); nothing to report for a body nobody wanted
        }
    }

    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException ignored) {
            // closing aborts an unfinished exchange; there is nothing more to release
        }
    }
}
