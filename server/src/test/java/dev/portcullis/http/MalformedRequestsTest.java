package dev.portcullis.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.portcullis.Gateway;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.testing.ApiClient;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.TestConfigs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Requests that break before or while a route reads them, sent over a raw socket because a
 * well-behaved client cannot send them: every answer is the gateway's JSON error shape, and a
 * client that goes away mid-body is its own doing (no 500, no stack trace, but counted).
 */
class MalformedRequestsTest {
    @TempDir
    static Path dir;
    static Gateway gateway;
    static Http http;
    static String token;

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger serverLog = (Logger) LoggerFactory.getLogger(HttpServer.class);

    @BeforeAll
    static void start() {
        PortcullisConfig config = TestConfigs.fromYaml("""
                server: {port: 0}
                auth: {secret: %s}
                mcpServers:
                  everything: {command: npx, args: [server-everything], startup: false,
                               customUserVars: {API_KEY: {title: API key}}}
                """.formatted(TestConfigs.SECRET), dir);
        gateway = Gateway.start(config);
        http = new Http(gateway.port());
        token = new ApiClient(http, config).token(ApiClient.As.admin("admin"));
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
        gateway.close();
    }

    @BeforeEach
    void captureLogs() {
        logged.start();
        serverLog.addAppender(logged);
    }

    @AfterEach
    void releaseLogs() {
        serverLog.detachAppender(logged);
    }

    /** A status, headers (lower-case names) and body read off the wire. */
    record Answer(int status, Map<String, String> headers, String body) {
        JsonNode json() {
            assertThat(headers.get("content-type")).startsWith("application/json");
            return ApiClient.JSON.readTree(body);
        }

        void isError(int expectedStatus, String code) {
            assertThat(status).as(body).isEqualTo(expectedStatus);
            JsonNode error = json();
            assertThat(error.get("error").asString()).isEqualTo(code);
            assertThat(error.get("message").asString()).isNotBlank();
            assertThat(error.get("requestId").asString()).isEqualTo(headers.get("x-request-id")).isNotBlank();
        }
    }

    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 (\\d{3}) .*");

    /** Sends the bytes, half-closes if asked (the client stops sending but still reads), reads the answer. */
    private static Answer send(String request, boolean halfClose) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            if (halfClose) {
                socket.shutdownOutput();
            }
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(received);
            return parse(received.toString(StandardCharsets.UTF_8));
        }
    }

    private static Answer parse(String raw) {
        int end = raw.indexOf("\r\n\r\n");
        assertThat(end).as("a complete answer: " + raw).isPositive();
        String[] lines = raw.substring(0, end).split("\r\n");
        Matcher status = STATUS_LINE.matcher(lines[0]);
        assertThat(status.matches()).as(lines[0]).isTrue();
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
        }
        return new Answer(Integer.parseInt(status.group(1)), headers, raw.substring(end + 4));
    }

    private static String putAuthValues(String headers, String body) {
        return "PUT /api/mcp/everything/auth-values HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer " + token
                + "\r\nContent-Type: application/json\r\n" + headers + "\r\n" + body;
    }

    private static double aborts() {
        String prefix = "portcullis_http_client_aborts_total{route=\"/api/mcp/{server}/auth-values\"} ";
        return http.get("/metrics").getContentAsString().lines().filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(prefix.length()))).sum();
    }

    private void assertNothingLoggedAsError() {
        assertThat(logged.list).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
    }

    @Test
    void a_body_cut_short_is_a_400_counted_not_a_500_with_a_stack_trace() throws IOException {
        double before = aborts();
        Answer answer = send(putAuthValues("Content-Length: 1000\r\n", "{\"API_KEY\": \"abc"), true);
        answer.isError(400, "REQUEST_BODY_INCOMPLETE");
        await().atMost(Duration.ofSeconds(5)).until(() -> aborts() == before + 1);
        assertNothingLoggedAsError();
    }

    @Test
    void a_client_that_hangs_up_mid_body_is_counted_and_not_logged_as_an_error() throws IOException {
        double before = aborts();
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.getOutputStream().write(putAuthValues("Transfer-Encoding: chunked\r\n", "5\r\n{\"API\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> aborts() == before + 1);
        assertNothingLoggedAsError();
    }

    @Test
    void oversized_headers_get_the_json_error_not_jettys_html() throws IOException {
        Answer answer = send("GET /healthz HTTP/1.1\r\nHost: gateway\r\nCookie: " + "a".repeat(HttpServer.MAX_REQUEST_HEADER_BYTES)
                + "\r\nConnection: close\r\n\r\n", false);
        answer.isError(431, "REQUEST_HEADERS_TOO_LARGE");
        assertThat(answer.body()).doesNotContain("aaaa");
    }

    @Test
    void a_uri_too_long_gets_the_json_error() throws IOException {
        send("GET /" + "a".repeat(HttpServer.MAX_REQUEST_HEADER_BYTES) + " HTTP/1.1\r\nHost: gateway\r\n\r\n", false)
                .isError(414, "URI_TOO_LONG");
    }

    @Test
    void a_request_jetty_cannot_parse_gets_the_json_error_whatever_its_method() throws IOException {
        send("GET /%zz HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n", false).isError(400, "BAD_REQUEST");
        send("DELETE /api/mcp/%zz HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n", false).isError(400, "BAD_REQUEST");
        send("GET /healthz HTTP/7.0\r\nHost: gateway\r\n\r\n", false).isError(505, "BAD_REQUEST");
    }

    @Test
    void a_body_over_the_limit_gets_the_json_error() throws IOException {
        // Javalin counts while it reads, so the whole body is sent: one byte over the limit.
        String body = "{\"API_KEY\": \"" + "k".repeat((int) HttpServer.MAX_REQUEST_BODY_BYTES - 14) + "\"}";
        assertThat((long) body.length()).isEqualTo(HttpServer.MAX_REQUEST_BODY_BYTES + 1);
        send(putAuthValues("Content-Length: " + body.length() + "\r\n", body), true).isError(413, "PAYLOAD_TOO_LARGE");
    }
}
