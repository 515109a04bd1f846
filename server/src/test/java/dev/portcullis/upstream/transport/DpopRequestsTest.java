package dev.portcullis.upstream.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import dev.portcullis.config.Secret;
import dev.portcullis.oauth.dpop.DpopCredential;
import dev.portcullis.oauth.dpop.DpopKey;
import dev.portcullis.oauth.dpop.DpopNonces;
import dev.portcullis.upstream.UpstreamException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A DPoP-bound token on the wire to the MCP server (RFC 9449 §7, §9): the DPoP scheme with a fresh
 * proof on every request, and one {@code use_dpop_nonce} round. (Redirects cannot be played here: the
 * guard refuses every redirect to a loopback address, ResumptionAndRedirectTest.)
 */
class DpopRequestsTest {
    private static HttpClient http;
    private final DpopKey key = DpopKey.generate(JWSAlgorithm.ES256);
    private final DpopNonces nonces = new DpopNonces();
    private final Server mcp = new Server();

    @BeforeAll
    static void client() {
        http = TestClients.guarded();
    }

    @AfterAll
    static void stopClient() {
        TestClients.stop(http);
    }

    @AfterEach
    void stop() {
        mcp.server.stop(0);
    }

    /** A loopback server whose answer a test decides from the request's headers. */
    static final class Server {
        final HttpServer server;
        final List<Headers> seen = new CopyOnWriteArrayList<>();
        volatile Function<Headers, Reply> answer = h -> new Reply(200, Map.of());

        Server() {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            server.createContext("/", exchange -> {
                exchange.getRequestBody().readAllBytes();
                seen.add(exchange.getRequestHeaders());
                Reply reply = answer.apply(exchange.getRequestHeaders());
                reply.headers().forEach(exchange.getResponseHeaders()::add);
                exchange.sendResponseHeaders(reply.status(), -1);
                exchange.close();
            });
            server.start();
        }

        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
        }
    }

    record Reply(int status, Map<String, String> headers) {
    }

    private HttpExchange send(URI url) {
        HttpTransportSettings settings = new HttpTransportSettings(url, Map.of(), Duration.ofSeconds(5), Duration.ofSeconds(5),
                1024 * 1024, () -> Optional.of(new DpopCredential(Secret.of("at-1"), key, nonces)), ConnectionPool.COMMON);
        Outgoing post = Outgoing.builder("POST", settings).json("{}".getBytes()).build();
        return HttpExchange.open(http, Hop.configured(url), post, Duration.ofSeconds(5), 5000, Duration.ofSeconds(5));
    }

    private static String claim(Headers h, String name) {
        try {
            return SignedJWT.parse(h.getFirst("DPoP")).getJWTClaimsSet().getStringClaim(name);
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Reply useNonce(String nonce) {
        return new Reply(401, Map.of("WWW-Authenticate", "DPoP error=\"use_dpop_nonce\", algs=\"ES256\"", "DPoP-Nonce", nonce));
    }

    @Test
    void everyRequestGoesWithTheDpopSchemeAndItsOwnProof() {
        try (HttpExchange a = send(mcp.uri("/mcp?tenant=1")); HttpExchange b = send(mcp.uri("/mcp?tenant=1"))) {
            assertThat(a.status()).isEqualTo(200);
        }

        assertThat(mcp.seen).hasSize(2).allSatisfy(h -> {
            assertThat(h.getFirst("Authorization")).isEqualTo("DPoP at-1");
            assertThat(claim(h, "htm")).isEqualTo("POST");
            assertThat(claim(h, "htu")).isEqualTo(mcp.uri("/mcp").toString());
            assertThat(claim(h, "ath")).isNotBlank();
        });
        assertThat(claim(mcp.seen.get(0), "jti")).isNotEqualTo(claim(mcp.seen.get(1), "jti"));
    }

    @Test
    void useDpopNonceIsAnsweredOnceAndTheNonceGoesInTheNextProofs() {
        mcp.answer = h -> "rs-1".equals(claim(h, "nonce")) ? new Reply(200, Map.of()) : useNonce("rs-1");

        try (HttpExchange answered = send(mcp.uri("/mcp"))) {
            assertThat(answered.status()).isEqualTo(200);
        }
        try (HttpExchange next = send(mcp.uri("/mcp"))) {
            assertThat(next.status()).isEqualTo(200);
        }

        assertThat(mcp.seen).hasSize(3);
        assertThat(claim(mcp.seen.get(0), "nonce")).isNull();
        assertThat(claim(mcp.seen.get(1), "nonce")).isEqualTo("rs-1");
        assertThat(claim(mcp.seen.get(1), "jti")).isNotEqualTo(claim(mcp.seen.get(0), "jti"));
        assertThat(claim(mcp.seen.get(2), "nonce")).as("kept for the origin").isEqualTo("rs-1");
    }

    @Test
    void aServerThatWantsANewNonceEveryTimeGetsOneRoundOnly() {
        int[] n = {0};
        mcp.answer = h -> useNonce("rs-" + (++n[0]));

        assertThatThrownBy(() -> send(mcp.uri("/mcp")).close()).isInstanceOf(UpstreamException.ProtocolViolation.class);
        assertThat(mcp.seen).hasSize(2);
    }
}
