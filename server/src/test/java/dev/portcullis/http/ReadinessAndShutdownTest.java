package dev.portcullis.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.Gateway;
import dev.portcullis.config.McpPermissionDefaults;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.identity.RolePermissions;
import dev.portcullis.identity.TokenVerifier;
import dev.portcullis.registry.OperatorServers;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.Services;
import dev.portcullis.testing.TestConfigs;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

class ReadinessAndShutdownTest {
    private static dev.portcullis.store.Database database(PortcullisConfig config) {
        return dev.portcullis.store.Database.open(config.storage());
    }

    @TempDir
    Path dir;

    @Test
    void readyz_includes_redis_when_configured() throws Exception {
        String redis = Services.requireRedis();
        PortcullisConfig config = TestConfigs.fromYaml("server: {port: 0}\nredis: {url: \"" + redis + "\"}\nauth: {secret: "
                + TestConfigs.SECRET + "}\n", dir);
        try (Gateway gateway = Gateway.start(config); Http http = new Http(gateway.port())) {
            ContentResponse r = http.get("/readyz");
            assertThat(r.getStatus()).isEqualTo(200);
            assertThat(r.getContentAsString()).contains("\"redis\":\"up\"").contains("\"storage\":\"up\"");
        }
    }

    @Test
    void readyz_is_503_when_redis_goes_away() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process redis = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            waitForPort(port);
            PortcullisConfig config = TestConfigs.fromYaml("server: {port: 0}\nredis: {url: \"redis://127.0.0.1:" + port
                    + "\"}\nauth: {secret: " + TestConfigs.SECRET + "}\n", dir);
            try (Gateway gateway = Gateway.start(config); Http http = new Http(gateway.port())) {
                assertThat(http.get("/readyz").getStatus()).isEqualTo(200);
                redis.destroy();
                redis.waitFor(10, TimeUnit.SECONDS);
                ContentResponse r = http.get("/readyz");
                assertThat(r.getStatus()).isEqualTo(503);
                assertThat(r.getContentAsString()).contains("\"redis\":\"down\"").contains("\"storage\":\"up\"");
                assertThat(http.get("/healthz").getStatus()).as("alive even when not ready").isEqualTo(200);
            }
        } finally {
            redis.destroyForcibly();
        }
    }

    private static void waitForPort(int port) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            try (var socket = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("redis-server did not start on port " + port);
    }

    @Test
    void stopping_drains_requests_in_flight() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        ReadinessCheck slow = ReadinessCheck.of("slow", timeout -> {
            entered.countDown();
            try {
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                return false;
            }
            return true;
        });
        PortcullisConfig config = TestConfigs.fromYaml("server: {port: 0}\n", dir);
        HttpServer server = HttpServer.start(dev.portcullis.testing.TestDependencies.of(config, database(config), List.of(slow)));
        try (Http http = new Http(server.port())) {
            CompletableFuture<ContentResponse> inFlight = CompletableFuture.supplyAsync(() -> http.get("/readyz"));
            assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
            long started = System.nanoTime();
            server.close();
            ContentResponse r = inFlight.get(10, TimeUnit.SECONDS);
            assertThat(r.getStatus()).isEqualTo(200);
            assertThat(r.getContentAsString()).contains("\"slow\":\"up\"");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("stop waited for the request").isPositive();
        }
    }

    /**
     * An MCP client's news stream (a 2026-07-28 listen stream; a session's GET stream is held the same
     * way) lasts as long as the client wants: a stop ends it instead of waiting the shutdown timeout out.
     */
    @Test
    void stopping_ends_mcp_news_streams_instead_of_waiting_for_their_clients() throws Exception {
        PortcullisConfig config = TestConfigs.fromYaml("server: {port: 0, shutdownTimeout: 120000}\nauth: {secret: "
                + TestConfigs.SECRET + "}\n", dir);
        Gateway gateway = Gateway.start(config);
        String token = new dev.portcullis.testing.ApiClient(new Http(gateway.port()), config)
                .token(dev.portcullis.testing.ApiClient.As.user("alice"));
        try (dev.portcullis.testing.SseCall listen = dev.portcullis.testing.SseCall.post(gateway.port(), "/mcp", token,
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"subscriptions/listen\",\"params\":{\"notifications\":"
                        + "{\"toolsListChanged\":true},\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                        + "\"io.modelcontextprotocol/clientCapabilities\":{}}}}",
                "MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "subscriptions/listen")) {
            assertThat(listen.next(Duration.ofSeconds(10)).data().get("method").asString())
                    .isEqualTo("notifications/subscriptions/acknowledged");
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(gateway::close);
            assertThat(listen.next(Duration.ofSeconds(60)).name()).as("the stream ends").isEqualTo("end");
            stopped.get(60, TimeUnit.SECONDS); // far less than the 120 s the stop would wait for a stream left open
        }
    }
}
