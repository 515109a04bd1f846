package dev.portcullis.oauth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;

/**
 * An MCP server's own token check, as a reverse proxy on loopback in front of server-everything:
 * it serves protected resource metadata naming the test's authorization server, accepts only a
 * bearer JWT that verifies against that server's JWKS (signature, issuer, expiry, audience), answers
 * anything else {@code 401} with a {@code WWW-Authenticate} naming the metadata, and forwards the
 * rest. It records each distinct token it accepted, and can refuse tokens issued before a moment
 * (as a server does after revoking them).
 */
final class TokenCheckingProxy implements AutoCloseable {
    static final String SCOPE = "mcp:tools";

    private final HttpServer server;
    private final HttpClient client = new HttpClient();
    private final URI upstream;
    private final String issuer;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    final List<String> accepted = new CopyOnWriteArrayList<>();
    final List<JWTClaimsSet> acceptedClaims = new CopyOnWriteArrayList<>();
    private volatile long refuseIssuedBeforeSeconds;

    TokenCheckingProxy(URI upstream, String issuer, String jwksUrl) throws Exception {
        this.upstream = upstream;
        this.issuer = issuer;
        client.start();
        JWKSet keys = JWKSet.parse(client.GET(jwksUrl).getContentAsString());
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256),
                new ImmutableJWKSet<>(keys)));
        // The audience the authorization server gives a token for this server's scope.
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(SCOPE,
                new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("exp", "iat")));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/.well-known/oauth-protected-resource/mcp", this::metadata);
        server.createContext("/mcp", this::mcp);
        server.start();
    }

    String mcpUrl() {
        return "http://localhost:" + server.getAddress().getPort() + "/mcp";
    }

    private String metadataUrl() {
        return "http://localhost:" + server.getAddress().getPort() + "/.well-known/oauth-protected-resource/mcp";
    }

    /** From now on, tokens issued before this second are refused. */
    void refuseTokensIssuedBefore(Instant moment) {
        refuseIssuedBeforeSeconds = moment.getEpochSecond();
    }

    long distinctTokens() {
        return accepted.stream().distinct().count();
    }

    private void metadata(HttpExchange exchange) throws IOException {
        String body = "{\"resource\":\"" + mcpUrl() + "\",\"authorization_servers\":[\"" + issuer
                + "\"],\"scopes_supported\":[\"" + SCOPE + "\"]}";
        answer(exchange, 200, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    private void mcp(HttpExchange exchange) throws IOException {
        try (exchange) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            String token = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : null;
            JWTClaimsSet claims = token == null ? null : verified(token);
            if (claims == null) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer resource_metadata=\"" + metadataUrl() + "\""
                        + (token == null ? "" : ", error=\"invalid_token\""));
                answer(exchange, 401, "application/json", "{\"error\":\"invalid_token\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            accepted.add(token);
            acceptedClaims.add(claims);
            if (exchange.getRequestMethod().equals("GET")) {
                answer(exchange, 405, "text/plain", new byte[0]); // no listening stream: keeps the proxy a plain relay
                return;
            }
            forward(exchange);
        }
    }

    private JWTClaimsSet verified(String token) {
        try {
            JWTClaimsSet claims = processor.process(token, null);
            if (claims.getIssueTime().toInstant().getEpochSecond() < refuseIssuedBeforeSeconds) {
                return null;
            }
            return claims;
        } catch (Exception e) {
            return null;
        }
    }

    private void forward(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        Request request = client.newRequest(upstream).method(exchange.getRequestMethod()).timeout(30, TimeUnit.SECONDS);
        for (String name : List.of("Content-Type", "Accept", "Mcp-Session-Id", "Mcp-Protocol-Version", "Last-Event-ID")) {
            String value = exchange.getRequestHeaders().getFirst(name);
            if (value != null) {
                request.headers(h -> h.put(name, value));
            }
        }
        if (body.length > 0) {
            request.body(new BytesRequestContent(body));
        }
        ContentResponse response;
        try {
            response = request.send();
        } catch (Exception e) {
            answer(exchange, 502, "text/plain", new byte[0]);
            return;
        }
        for (String name : List.of("Mcp-Session-Id", "Mcp-Protocol-Version")) {
            String value = response.getHeaders().get(name);
            if (value != null) {
                exchange.getResponseHeaders().add(name, value);
            }
        }
        String type = response.getHeaders().get("Content-Type");
        answer(exchange, response.getStatus(), type, response.getContent());
    }

    private static void answer(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        if (type != null) {
            exchange.getResponseHeaders().add("Content-Type", type);
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() throws Exception {
        server.stop(0);
        client.stop();
    }
}
