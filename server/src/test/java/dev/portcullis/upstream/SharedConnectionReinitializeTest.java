package dev.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.Gateway;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.identity.TokenMinter;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.Peers;
import dev.portcullis.testing.TestConfigs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.StringRequestContent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/mcp/{server}/reinitialize} on an operator server whose one connection every user
 * shares: nobody's call running on it is cut short, a user who is not an admin cannot force a new
 * connection (only a dead one is replaced), and the route is rate limited.
 */
class SharedConnectionReinitializeTest {
    private static final String MARKER = "reinitialize-test-child";

    @TempDir
    Path dir;
    private Gateway gateway;
    private Http http;
    private PortcullisConfig config;

    private void start(String upstream) {
        config = TestConfigs.fromYaml("""
                server: {port: 0}
                auth: {secret: %s}
                upstream: %s
                mcpServers:
                  shared:
                    command: node
                    args: ["%s", "stdio", "%s"]
                    timeout: 30000
                """.formatted(TestConfigs.SECRET, upstream, Peers.serverEverything(), MARKER), dir);
        gateway = Gateway.start(config);
        http = new Http(gateway.port());
    }

    @AfterEach
    void stop() throws Exception {
        http.close();
        gateway.close();
    }

    private ContentResponse post(String path, String user, String role, String body) {
        String token = new TokenMinter(TestConfigs.SECRET.getBytes(StandardCharsets.UTF_8), config.auth(), Clock.systemUTC())
                .mint(new TokenMinter.Claims(user, role, Optional.empty(), Optional.empty(), Duration.ofMinutes(10)));
        return Http.send(http.request(path).method("POST").timeout(60, TimeUnit.SECONDS)
                .headers(h -> h.put("Authorization", "Bearer " + token))
                .body(new StringRequestContent("application/json", body)));
    }

    private ContentResponse send(String method, String path, String user, String body) {
        String token = new TokenMinter(TestConfigs.SECRET.getBytes(StandardCharsets.UTF_8), config.auth(), Clock.systemUTC())
                .mint(new TokenMinter.Claims(user, "USER", Optional.empty(), Optional.empty(), Duration.ofMinutes(10)));
        var request = http.request(path).method(method).timeout(60, TimeUnit.SECONDS)
                .headers(h -> h.put("Authorization", "Bearer " + token));
        if (body != null) {
            request.body(new StringRequestContent("application/json", body));
        }
        return Http.send(request);
    }

    private CompletableFuture<ContentResponse> longCall(String user) {
        return CompletableFuture.supplyAsync(() -> post("/api/mcp/shared/tools/trigger-long-running-operation/call", user,
                "USER", "{\"arguments\":{\"duration\":4,\"steps\":4}}"));
    }

    private ProcessHandle child() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().arguments().map(a -> Arrays.asList(a).contains(MARKER)).orElse(false))
                .findFirst().orElseThrow();
    }

    @Test
    void another_users_call_survives_a_reinitialize_by_a_user_and_by_an_admin() throws Exception {
        start("{}");
        assertThat(post("/api/mcp/shared/tools/echo/call", "bob", "USER", "{\"arguments\":{\"message\":\"x\"}}")
                .getStatus()).isEqualTo(200);
        ProcessHandle first = child();

        CompletableFuture<ContentResponse> bobs = longCall("bob");
        Thread.sleep(1000);
        ContentResponse byAlice = post("/api/mcp/shared/reinitialize", "alice", "USER", "");
        assertThat(byAlice.getStatus()).isEqualTo(200);
        assertThat(byAlice.getContentAsString()).contains("\"success\":true");
        assertThat(bobs.get(30, TimeUnit.SECONDS).getStatus()).as("bob's call ran on").isEqualTo(200);
        assertThat(child().pid()).as("a live shared connection is not a user's to replace").isEqualTo(first.pid());

        CompletableFuture<ContentResponse> again = longCall("bob");
        Thread.sleep(1000);
        assertThat(post("/api/mcp/shared/reinitialize", "root", "ADMIN", "").getStatus()).isEqualTo(200);
        ContentResponse finished = again.get(30, TimeUnit.SECONDS);
        assertThat(finished.getStatus()).as("an admin's reinitialize waits for calls under way").isEqualTo(200);
        assertThat(finished.getContentAsString()).contains("Long running operation completed");
        await().atMost(Duration.ofSeconds(10)).until(() -> !first.isAlive());
        assertThat(post("/api/mcp/shared/tools/echo/call", "bob", "USER", "{\"arguments\":{\"message\":\"x\"}}")
                .getStatus()).as("the new connection serves").isEqualTo(200);
    }

    @Test
    void a_user_reinitialize_replaces_a_dead_shared_connection() {
        start("{}");
        assertThat(post("/api/mcp/shared/tools/echo/call", "bob", "USER", "{\"arguments\":{\"message\":\"x\"}}")
                .getStatus()).isEqualTo(200);
        ProcessHandle first = child();
        first.destroyForcibly();
        await().atMost(Duration.ofSeconds(10)).until(() -> !first.isAlive());

        ContentResponse r = post("/api/mcp/shared/reinitialize", "alice", "USER", "");

        assertThat(r.getContentAsString()).contains("\"success\":true");
        assertThat(child().pid()).isNotEqualTo(first.pid());
    }

    @Test
    void reinitialize_is_rate_limited_per_user() throws InterruptedException {
        start("{reinitializePerMinute: 2}");
        // The limit counts in fixed one-minute windows: three calls that straddle a minute's end are two
        // windows' worth. Start early in a minute, so the three fall in one.
        long intoMinute = System.currentTimeMillis() % 60_000;
        if (intoMinute > 45_000) {
            Thread.sleep(60_000 - intoMinute + 100);
        }
        assertThat(post("/api/mcp/shared/reinitialize", "alice", "USER", "").getStatus()).isEqualTo(200);
        assertThat(post("/api/mcp/shared/reinitialize", "alice", "USER", "").getStatus()).isEqualTo(200);

        ContentResponse third = post("/api/mcp/shared/reinitialize", "alice", "USER", "");

        assertThat(third.getStatus()).isEqualTo(429);
        assertThat(third.getContentAsString()).contains("RATE_LIMITED");
        assertThat(third.getHeaders().get("Retry-After")).isNotBlank();
        assertThat(post("/api/mcp/shared/reinitialize", "bob", "USER", "").getStatus()).as("per user").isEqualTo(200);
    }

    /** Routes that drop a user's own connection leave the shared one alone: it holds nothing of theirs. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"DELETE /api/mcp/shared/auth-values",
            "POST /api/user/plugins", "DELETE /api/mcp/shared/oauth"})
    void routes_that_reset_a_users_own_connection_do_not_cut_the_shared_one(String route) throws Exception {
        start("{}");
        assertThat(post("/api/mcp/shared/tools/echo/call", "bob", "USER", "{\"arguments\":{\"message\":\"x\"}}")
                .getStatus()).isEqualTo(200);
        ProcessHandle first = child();
        CompletableFuture<ContentResponse> bobs = longCall("bob");
        Thread.sleep(1000);

        String[] parts = route.split(" ");
        String body = parts[1].equals("/api/user/plugins") ? "{\"pluginKey\":\"mcp_shared\",\"action\":\"uninstall\"}" : null;
        assertThat(send(parts[0], parts[1], "alice", body).getStatus()).isLessThan(500);

        assertThat(bobs.get(30, TimeUnit.SECONDS).getStatus()).as("bob's call survives alice's " + route).isEqualTo(200);
        assertThat(child().pid()).as("the shared connection was kept").isEqualTo(first.pid());
    }
}
