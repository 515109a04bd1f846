package dev.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.Gateway;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.identity.TokenMinter;
import dev.portcullis.testing.EverythingServer;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.TestConfigs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.StringRequestContent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two users on one origin: however much one of them opens and calls, the other's call does not wait
 * for a connection. Each user's own sessions draw on a pool of their own, the shared sessions on
 * another, streams on pools apart from requests, and a user may keep only so many calls running on
 * a shared server.
 */
class FairUpstreamPoolsTest {
    private static final int SERVERS = 6;
    private static final String LONG_CALL = "{\"arguments\":{\"duration\":6,\"steps\":2}}";

    @TempDir
    static Path dir;
    static EverythingServer upstream;
    static Gateway gateway;
    static Http http;
    static PortcullisConfig config;

    @BeforeAll
    static void start() {
        upstream = EverythingServer.start("streamableHttp");
        StringBuilder yaml = new StringBuilder("""
                server: {port: 0}
                auth: {secret: %s}
                upstream: {connectionsPerOrigin: 16, streamsPerUser: 2, callsInFlightPerUser: 3}
                mcpSettings: {allowedAddresses: ['127.0.0.1']}
                mcpServers:
                """.formatted(TestConfigs.SECRET));
        for (int i = 1; i <= SERVERS; i++) { // six shared servers on one origin, drawing on one shared pool
            yaml.append("  shared").append(i).append(": {type: streamable-http, url: \"").append(upstream.uri("/mcp"))
                    .append("\", startup: false, timeout: 30000}\n");
        }
        for (int i = 1; i <= SERVERS; i++) { // the user id in a header makes each connection the user's own
            yaml.append("  own").append(i).append(": {type: streamable-http, url: \"").append(upstream.uri("/mcp"))
                    .append("\", headers: {X-User: \"{{LIBRECHAT_USER_ID}}\"}, startup: false, timeout: 30000}\n");
        }
        config = TestConfigs.fromYaml(yaml.toString(), dir);
        gateway = Gateway.start(config);
        http = new Http(gateway.port());
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
        gateway.close();
        upstream.close();
    }

    private static ContentResponse post(String path, String user, String body) {
        String token = new TokenMinter(TestConfigs.SECRET.getBytes(StandardCharsets.UTF_8), config.auth(), Clock.systemUTC())
                .mint(new TokenMinter.Claims(user, "USER", Optional.empty(), Optional.empty(), Duration.ofMinutes(10)));
        return Http.send(http.request(path).method("POST").timeout(60, TimeUnit.SECONDS)
                .headers(h -> h.put("Authorization", "Bearer " + token))
                .body(new StringRequestContent("application/json", body)));
    }

    private static CompletableFuture<ContentResponse> async(String path, String user, String body) {
        return CompletableFuture.supplyAsync(() -> post(path, user, body));
    }

    private static Duration timed(Runnable r) {
        long started = System.nanoTime();
        r.run();
        return Duration.ofNanos(System.nanoTime() - started);
    }

    private static double openStreams() {
        String metrics = Http.send(http.request("/metrics")).getContentAsString();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^portcullis_upstream_streams (\\S+)$").matcher(metrics);
        assertThat(m.find()).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void one_users_saturated_pool_and_streams_do_not_delay_another_user() throws Exception {
        double before = openStreams();
        for (int i = 1; i <= SERVERS; i++) { // alice opens a session on every server: each would like a stream
            assertThat(post("/api/mcp/own" + i + "/tools/echo/call", "alice", "{\"arguments\":{\"message\":\"x\"}}")
                    .getStatus()).isEqualTo(200);
        }
        assertThat(openStreams() - before).as("streams beyond her budget are not opened").isEqualTo(2.0);

        List<CompletableFuture<ContentResponse>> alices = new ArrayList<>();
        for (int i = 1; i <= SERVERS; i++) { // 18 slow calls on her 16-connection pool to this origin
            for (int j = 0; j < 3; j++) {
                alices.add(async("/api/mcp/own" + i + "/tools/trigger-long-running-operation/call", "alice", LONG_CALL));
            }
        }
        Thread.sleep(1000);

        ContentResponse[] bobs = new ContentResponse[1];
        Duration took = timed(() -> bobs[0] = post("/api/mcp/own1/tools/echo/call", "bob", "{\"arguments\":{\"message\":\"hi\"}}"));

        assertThat(bobs[0].getStatus()).isEqualTo(200);
        assertThat(took).as("bob's call waited for no connection of alice's").isLessThan(Duration.ofSeconds(3));
        assertThat(alices).as("alice's calls are still running").anyMatch(f -> !f.isDone());
        for (var f : alices) {
            assertThat(f.get(60, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
        }
    }

    @Test
    void a_user_keeps_only_so_many_calls_running_on_a_shared_server() throws Exception {
        List<CompletableFuture<ContentResponse>> alices = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            alices.add(async("/api/mcp/shared1/tools/trigger-long-running-operation/call", "alice", LONG_CALL));
        }
        Thread.sleep(1500);

        ContentResponse[] bobs = new ContentResponse[1];
        Duration took = timed(() -> bobs[0] = post("/api/mcp/shared1/tools/echo/call", "bob", "{\"arguments\":{\"message\":\"hi\"}}"));

        assertThat(bobs[0].getStatus()).isEqualTo(200);
        assertThat(took).isLessThan(Duration.ofSeconds(3));
        List<Integer> statuses = new ArrayList<>();
        for (var f : alices) {
            statuses.add(f.get(60, TimeUnit.SECONDS).getStatus());
        }
        assertThat(statuses).filteredOn(s -> s == 200).hasSize(3);
        assertThat(statuses).filteredOn(s -> s == 429).hasSize(5);
        assertThat(alices.stream().map(CompletableFuture::join).filter(r -> r.getStatus() == 429).findFirst().orElseThrow()
                .getContentAsString()).contains("TOO_MANY_CALLS");
    }

    /**
     * Several shared servers on one origin draw on one shared pool: a user within the cap of each server
     * could still take the whole pool. A user's calls on the shared servers of one origin are capped at a
     * quarter of its pool.
     */
    @Test
    void a_user_takes_at_most_a_quarter_of_the_shared_pool_of_an_origin() throws Exception {
        List<CompletableFuture<ContentResponse>> alices = new ArrayList<>();
        for (int i = 1; i <= SERVERS; i++) { // within her cap of 3 on each server: 18 calls, more than the pool of 16
            for (int j = 0; j < 3; j++) {
                alices.add(async("/api/mcp/shared" + i + "/tools/trigger-long-running-operation/call", "alice", LONG_CALL));
            }
        }
        Thread.sleep(1500);

        ContentResponse[] bobs = new ContentResponse[1];
        Duration took = timed(() -> bobs[0] = post("/api/mcp/shared2/tools/echo/call", "bob", "{\"arguments\":{\"message\":\"hi\"}}"));

        assertThat(bobs[0].getStatus()).isEqualTo(200);
        assertThat(took).as("bob's call waited for none of alice's connections").isLessThan(Duration.ofSeconds(3));
        List<Integer> statuses = new ArrayList<>();
        for (var f : alices) {
            statuses.add(f.get(60, TimeUnit.SECONDS).getStatus());
        }
        assertThat(statuses).filteredOn(s -> s == 200).hasSize(4);
        assertThat(statuses).filteredOn(s -> s == 429).hasSize(14);
    }
}
