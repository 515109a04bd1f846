package dev.portcullis.testing;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;

/**
 * A resource server in front of an MCP server, on loopback: a request passes only with a bearer token signed by
 * one authorization server's keys and naming it as issuer; anything else is answered 401 with a bearer challenge.
 * Passed requests go on to the MCP server as they came (without the token), answers stream back (SSE included).
 * Records the subject of every token it let through.
 */
public final class TokenCheckingProxy implements AutoCloseable {
    private static final Set<String> NOT_FORWARDED = Set.of("host", "authorization", "content-length", "connection",
            "transfer-encoding", "keep-alive", "upgrade");

    private final HttpServer server;
    private final HttpClient client = new HttpClient();
    private final URI upstream;
    private final String issuer;
    private final DefaultJWTProcessor<SecurityContext> tokens = new DefaultJWTProcessor<>();
    private final List<String> subjects = new CopyOnWriteArrayList<>();
    private final List<String> accepted = new CopyOnWriteArrayList<>();

    /**
     * @param upstream the MCP server's origin ({@code http://127.0.0.1:port})
     * @param jwks     the authorization server's published keys (its {@code jwks_uri})
     */
    public TokenCheckingProxy(URI upstream, String issuer, URI jwks) throws Exception {
        this.upstream = upstream;
        this.issuer = issuer;
        client.start();
        JWKSet keys = JWKSet.parse(client.GET(jwks).getContentAsString());
        tokens.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256),
                new ImmutableJWKSet<>(keys)));
        tokens.setJWSTypeVerifier((type, context) -> { }); // access tokens come typed JWT or at+jwt
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    /** A URL through the proxy, on {@code localhost} (the gateway's egress lists name it). */
    public URI uri(String path) {
        return URI.create("http://localhost:" + server.getAddress().getPort() + path);
    }

    /** The {@code sub} of every token let through, in order. */
    public List<String> subjects() {
        return List.copyOf(subjects);
    }

    /** Every distinct token let through, in the order first seen. */
    public List<String> distinctTokens() {
        return accepted.stream().distinct().toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                refuse(exchange, "Bearer realm=\"mcp\"");
                return;
            }
            String token = authorization.substring(7).strip();
            JWTClaimsSet claims;
            try {
                claims = tokens.process(token, null);
            } catch (Exception e) {
                refuse(exchange, "Bearer error=\"invalid_token\"");
                return;
            }
            if (!issuer.equals(claims.getIssuer())) {
                refuse(exchange, "Bearer error=\"invalid_token\"");
                return;
            }
            subjects.add(claims.getSubject());
            accepted.add(token);
            forward(exchange);
        }
    }

    private static void refuse(HttpExchange exchange, String challenge) throws IOException {
        exchange.getResponseHeaders().add("WWW-Authenticate", challenge);
        exchange.sendResponseHeaders(401, -1);
    }

    private void forward(HttpExchange exchange) throws IOException {
        URI target = URI.create(upstream + exchange.getRequestURI().toString());
        Request request = client.newRequest(target).method(exchange.getRequestMethod()).timeout(60, TimeUnit.SECONDS)
                .headers(h -> exchange.getRequestHeaders().forEach((name, values) -> {
                    if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                        values.forEach(v -> h.add(name, v));
                    }
                }));
        byte[] body = exchange.getRequestBody().readAllBytes();
        if (body.length > 0) {
            String type = exchange.getRequestHeaders().getFirst("Content-Type");
            request.body(new BytesRequestContent(type == null ? "application/json" : type, body));
        }
        InputStreamResponseListener listener = new InputStreamResponseListener();
        request.send(listener);
        Response response;
        try {
            response = listener.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            exchange.sendResponseHeaders(502, -1);
            return;
        }
        response.getHeaders().forEach(field -> {
            if (!NOT_FORWARDED.contains(field.getLowerCaseName())) {
                exchange.getResponseHeaders().add(field.getName(), field.getValue());
            }
        });
        int status = response.getStatus();
        boolean empty = status == 202 || status == 204 || status == 304 || "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, empty ? -1 : 0);
        if (empty) {
            return;
        }
        try (InputStream in = listener.getInputStream(); OutputStream out = exchange.getResponseBody()) {
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush(); // SSE: each event as it comes
            }
        } catch (IOException e) {
            // the client or the server went away mid-stream; nothing to hand on
        }
    }

    @Override
    public void close() throws Exception {
        server.stop(0);
        client.stop();
    }
}
