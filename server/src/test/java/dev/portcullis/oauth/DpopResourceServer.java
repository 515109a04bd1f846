package dev.portcullis.oauth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.oauth2.sdk.dpop.JWKThumbprintConfirmation;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPIssuer;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPProtectedResourceRequestVerifier;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DefaultDPoPSingleUseChecker;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A small DPoP-protected resource server for the end-to-end test, on loopback, in front of an MCP
 * server: it checks the access token (a JWT from the authorization server, by its JWKS: issuer,
 * audience, {@code cnf.jkt}) and the DPoP proof with Nimbus' verifier (method, URL, {@code ath}, the
 * key thumbprint, a fresh {@code jti}, and this server's nonce), answers {@code WWW-Authenticate:
 * DPoP ...} otherwise, and forwards what passes.
 */
final class DpopResourceServer implements AutoCloseable {
    private final HttpServer server;
    private final URI upstream;
    private final String issuer;
    private final HttpClient forward = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final DPoPProtectedResourceRequestVerifier proofs = new DPoPProtectedResourceRequestVerifier(
            Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.PS256, JWSAlgorithm.RS256), 60,
            new DefaultDPoPSingleUseChecker(120, 120));
    private volatile DefaultJWTProcessor<SecurityContext> tokens;
    private final String nonce = "rs-nonce-" + System.nanoTime();
    final AtomicInteger nonceChallenges = new AtomicInteger();
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();
    /** The last request that passed: its Authorization and DPoP headers and body, for the replay check. */
    final AtomicReference<List<String>> lastAccepted = new AtomicReference<>();

    DpopResourceServer(URI upstream, String issuer) throws IOException {
        this.upstream = upstream;
        this.issuer = issuer;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/.well-known/oauth-protected-resource", this::metadata);
        server.createContext("/mcp", exchange -> {
            try {
                mcp(exchange);
            } catch (Exception e) {
                exchange.sendResponseHeaders(502, -1);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    String resource() {
        return "http://localhost:" + server.getAddress().getPort() + "/mcp";
    }

    private void metadata(HttpExchange exchange) throws IOException {
        byte[] body = ("{\"resource\":\"" + resource() + "\",\"authorization_servers\":[\"" + issuer + "\"],"
                + "\"scopes_supported\":[\"mcp:tools\"],\"dpop_bound_access_tokens_required\":true}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private DefaultJWTProcessor<SecurityContext> tokens() throws Exception {
        if (tokens == null) {
            DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
            p.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
            p.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256),
                    new ImmutableJWKSet<>(JWKSet.load(new URL(issuer + "/jwks")))));
            p.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(resource(),
                    new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("exp", "cnf")));
            tokens = p;
        }
        return tokens;
    }

    private void mcp(HttpExchange exchange) throws Exception {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        List<String> proofHeaders = exchange.getRequestHeaders().get("DPoP");
        if (authorization == null || !authorization.regionMatches(true, 0, "DPoP ", 0, 5)) {
            refuse(exchange, "DPoP resource_metadata=\"http://localhost:" + server.getAddress().getPort()
                    + "/.well-known/oauth-protected-resource/mcp\", algs=\"ES256\"", false);
            return;
        }
        String token = authorization.substring(5).trim();
        if (proofHeaders == null || proofHeaders.size() != 1) {
            refuse(exchange, "DPoP error=\"invalid_dpop_proof\", algs=\"ES256\"", false);
            return;
        }
        SignedJWT proof = SignedJWT.parse(proofHeaders.getFirst());
        if (!nonce.equals(proof.getJWTClaimsSet().getStringClaim("nonce"))) {
            nonceChallenges.incrementAndGet();
            refuse(exchange, "DPoP error=\"use_dpop_nonce\", algs=\"ES256\"", true);
            return;
        }
        try {
            JWTClaimsSet claims = tokens().process(token, null);
            @SuppressWarnings("unchecked")
            Map<String, Object> cnf = (Map<String, Object>) claims.getClaim("cnf");
            proofs.verify(exchange.getRequestMethod(), URI.create(resource()), new DPoPIssuer("mcp-clients"), proof,
                    new DPoPAccessToken(token), new JWKThumbprintConfirmation(new Base64URL((String) cnf.get("jkt"))),
                    new Nonce(nonce));
        } catch (Exception e) {
            refuse(exchange, "DPoP error=\"invalid_token\", algs=\"ES256\"", false);
            return;
        }
        accepted.incrementAndGet();
        lastAccepted.set(List.of(authorization, proofHeaders.getFirst(), new String(body, StandardCharsets.UTF_8)));
        forward(exchange, body);
    }

    private void refuse(HttpExchange exchange, String challenge, boolean withNonce) throws IOException {
        refused.incrementAndGet();
        exchange.getResponseHeaders().add("WWW-Authenticate", challenge);
        if (withNonce) {
            exchange.getResponseHeaders().add("DPoP-Nonce", nonce);
        }
        exchange.sendResponseHeaders(401, -1);
    }

    private void forward(HttpExchange exchange, byte[] body) throws Exception {
        HttpRequest.Builder out = HttpRequest.newBuilder(upstream).timeout(Duration.ofSeconds(60))
                .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        for (String name : List.of("Content-Type", "Accept", "Mcp-Session-Id", "Mcp-Protocol-Version", "Last-Event-ID",
                "Mcp-Method", "Mcp-Name")) {
            String value = exchange.getRequestHeaders().getFirst(name);
            if (value != null) {
                out.header(name, value);
            }
        }
        HttpResponse<InputStream> answer = forward.send(out.build(), HttpResponse.BodyHandlers.ofInputStream());
        for (String name : List.of("Content-Type", "Mcp-Session-Id")) {
            answer.headers().firstValue(name).ifPresent(v -> exchange.getResponseHeaders().add(name, v));
        }
        try (InputStream in = answer.body()) {
            boolean empty = answer.statusCode() == 202 || answer.statusCode() == 204
                    || answer.headers().firstValue("Content-Type").isEmpty();
            exchange.sendResponseHeaders(answer.statusCode(), empty ? -1 : 0);
            if (empty) {
                return;
            }
            OutputStream to = exchange.getResponseBody();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) != -1; ) {
                to.write(buffer, 0, n);
                to.flush(); // SSE events pass as they come
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        forward.close();
    }
}
