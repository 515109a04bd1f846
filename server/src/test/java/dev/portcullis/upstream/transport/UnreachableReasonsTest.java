package dev.portcullis.upstream.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.Gateway;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.testing.ApiClient;
import dev.portcullis.testing.ApiClient.As;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.TestConfigs;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A server that cannot be reached is reported with the reason and what to check, for each reason
 * loopback can produce: a closed port, a port that accepts and never answers, https to a plain
 * HTTP port, and a name under {@code .invalid} (RFC 6761: it never resolves).
 */
class UnreachableReasonsTest {
    private static final As ALICE = As.user("alice");

    @TempDir
    static Path dir;
    static Gateway gateway;
    static Http http;
    static ApiClient api;
    static ServerSocket silent;
    static ServerSocket plainHttp;
    static final List<Socket> accepted = new ArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        silent = new ServerSocket(0);
        Thread.ofPlatform().daemon().start(() -> acceptForever(silent, false));
        plainHttp = new ServerSocket(0);
        Thread.ofPlatform().daemon().start(() -> acceptForever(plainHttp, true));
        PortcullisConfig config = TestConfigs.fromYaml("""
                server: {port: 0}
                auth: {secret: %s}
                mcpSettings:
                  allowedAddresses: ['127.0.0.1']
                mcpServers:
                  refused: {type: streamable-http, url: "http://127.0.0.1:%d/mcp", startup: false}
                  silent: {type: streamable-http, url: "http://127.0.0.1:%d/mcp", startup: false, initTimeout: 1500, timeout: 1500}
                  plain: {type: streamable-http, url: "https://127.0.0.1:%d/mcp", startup: false}
                  nowhere: {type: streamable-http, url: "https://mcp.nowhere.invalid/mcp", startup: false}
                """.formatted(TestConfigs.SECRET, closedPort, silent.getLocalPort(), plainHttp.getLocalPort()), dir);
        gateway = Gateway.start(config);
        http = new Http(gateway.port());
        api = new ApiClient(http, config);
    }

    /**
     * Accepts connections; a "plain HTTP" socket answers what arrives with a 400 and keeps the
     * connection open, as a plain server would, so the client reads that answer as its TLS reply.
     * It reads the whole first TLS record (the ClientHello) before answering: answering while the
     * client still writes would fail that write first, and the client would report a closed
     * connection instead of the handshake failure.
     */
    private static void acceptForever(ServerSocket server, boolean answer) {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                synchronized (accepted) {
                    accepted.add(socket);
                }
                if (answer) {
                    InputStream in = socket.getInputStream();
                    byte[] header = in.readNBytes(5); // TLS record: type, version (2), length (2)
                    in.readNBytes(((header[3] & 0xff) << 8) | (header[4] & 0xff));
                    socket.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
        gateway.close();
        silent.close();
        plainHttp.close();
        synchronized (accepted) {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    private static JsonNode call(String server, int status, String code) {
        ContentResponse r = api.send(ALICE, "POST", "/api/mcp/" + server + "/tools/echo/call", "{\"arguments\": {}}");
        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(status);
        JsonNode body = ApiClient.json(r);
        assertThat(body.get("error").asString()).isEqualTo(code);
        return body;
    }

    @Test
    void a_closed_port_is_connection_refused_and_says_to_check_the_server_runs() {
        JsonNode body = call("refused", 502, "UPSTREAM_UNAVAILABLE");
        assertThat(body.get("reason").asString()).isEqualTo("CONNECTION_REFUSED");
        assertThat(body.get("message").asString()).contains("refused the connection").contains("check that the server is running");
    }

    @Test
    void a_server_that_never_answers_is_a_timeout_that_says_what_to_check() {
        JsonNode body = call("silent", 504, "UPSTREAM_TIMEOUT");
        // Whether the exchange or the session notices first, the answer is the same kind and advice.
        assertThat(body.get("message").asString()).containsPattern("did not answer (initialize )?within 1\\d{3} ms")
                .contains("raise its 'timeout' ('initTimeout' for connecting)");
        assertThat(body.get("timeoutMs").asLong()).isBetween(1000L, 1500L);
    }

    @Test
    void https_to_a_plain_http_port_is_a_tls_failure() {
        JsonNode body = call("plain", 502, "UPSTREAM_UNAVAILABLE");
        assertThat(body.get("reason").asString()).isEqualTo("TLS_FAILURE");
        assertThat(body.get("message").asString()).contains("TLS handshake").contains("https:// only for a TLS port");
    }

    @Test
    void a_name_that_does_not_resolve_is_a_dns_failure_not_a_policy_refusal() {
        JsonNode body = call("nowhere", 502, "UPSTREAM_UNAVAILABLE");
        assertThat(body.get("reason").asString()).isEqualTo("DNS_FAILURE");
        assertThat(body.get("message").asString()).contains("did not resolve").contains("check the spelling of the host")
                .doesNotContain("nowhere.invalid");
    }
}
