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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The gateway in front of the real server-everything over stdio, through its HTTP API. */
class StdioUpstreamTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path dir;
    static Gateway gateway;
    static Http http;
    static PortcullisConfig config;

    @BeforeAll
    static void start() {
        String script = Peers.serverEverything().toString();
        config = TestConfigs.fromYaml("""
                server: {port: 0}
                auth: {secret: %1$s}
                upstream: {maxMessageBytes: 65536}
                mcpServers:
                  everything:
                    command: node
                    args: ["%2$s", "stdio"]
                    env: {CONFIGURED_VAR: visible}
                    timeout: 20000
                  personal:
                    command: node
                    args: ["%2$s", "stdio"]
                    env: {API_KEY: "{{API_KEY}}", WHO: "{{LIBRECHAT_USER_ID}}"}
                    customUserVars:
                      API_KEY: {title: API key, description: Your key}
                  tiny:
                    command: node
                    args: ["%2$s", "stdio"]
                """.formatted(TestConfigs.SECRET, script), dir);
        gateway = Gateway.start(config);
        http = new Http(gateway.port());
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
        gateway.close();
    }

    private static String token(String user) {
        return new TokenMinter(TestConfigs.SECRET.getBytes(StandardCharsets.UTF_8), config.auth(), Clock.systemUTC())
                .mint(new TokenMinter.Claims(user, "USER", Optional.of(user + "@example.com"), Optional.empty(), Duration.ofMinutes(10)));
    }

    private static Request authed(String path, String user) {
        return http.request(path).headers(h -> h.put("Authorization", "Bearer " + token(user))).timeout(60, TimeUnit.SECONDS);
    }

    private static ContentResponse post(String path, String user, String body) {
        return Http.send(authed(path, user).method("POST").body(new StringRequestContent("application/json", body)));
    }

    private static JsonNode json(ContentResponse r) {
        return JSON.readTree(r.getContentAsString());
    }

    private static String text(ContentResponse r) {
        return json(r).at("/content/0/text").asString();
    }

    @Test
    void lists_tools_with_librechat_plugin_keys() {
        ContentResponse r = Http.send(authed("/api/mcp/tools", "alice"));
        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(200);
        JsonNode everything = json(r).at("/servers/everything");
        assertThat(everything.get("authenticated").asBoolean()).isTrue();
        List<String> keys = everything.get("tools").valueStream().map(t -> t.get("pluginKey").asString()).toList();
        assertThat(keys).contains("echo_mcp_everything", "get-sum_mcp_everything", "trigger-long-running-operation_mcp_everything");
        JsonNode personal = json(r).at("/servers/personal");
        assertThat(personal.get("authenticated").asBoolean()).isFalse();
        assertThat(personal.at("/authConfig/0/authField").asString()).isEqualTo("API_KEY");
        assertThat(personal.at("/error/error").asString()).isEqualTo("MISSING_USER_VARS");
    }

    @Test
    void calls_echo_and_get_sum() {
        ContentResponse echo = post("/api/mcp/everything/tools/echo/call", "alice", "{\"arguments\":{\"message\":\"hello\"}}");
        assertThat(echo.getStatus()).as(echo.getContentAsString()).isEqualTo(200);
        assertThat(text(echo)).isEqualTo("Echo: hello");
        assertThat(json(echo).at("/content/0/type").asString()).isEqualTo("text");
        assertThat(json(echo).get("isError").asBoolean()).isFalse();

        ContentResponse sum = post("/api/mcp/everything/tools/get-sum/call", "alice", "{\"arguments\":{\"a\":2,\"b\":3}}");
        assertThat(sum.getStatus()).isEqualTo(200);
        assertThat(text(sum)).contains("5");
    }

    @Test
    void arguments_are_checked_against_the_input_schema_before_sending() {
        ContentResponse r = post("/api/mcp/everything/tools/get-sum/call", "alice", "{\"arguments\":{\"a\":\"two\",\"b\":3}}");
        assertThat(r.getStatus()).isEqualTo(400);
        assertThat(json(r).get("error").asString()).isEqualTo("INVALID_ARGUMENTS");
        assertThat(json(r).get("message").asString()).contains("get-sum");
    }

    @Test
    void unknown_servers_and_tools_are_404_and_bad_bodies_400() {
        assertThat(post("/api/mcp/nope/tools/echo/call", "alice", "{}").getStatus()).isEqualTo(404);
        ContentResponse tool = post("/api/mcp/everything/tools/nope/call", "alice", "{}");
        assertThat(tool.getStatus()).isEqualTo(404);
        assertThat(json(tool).get("message").asString()).contains("has no tool 'nope'");
        assertThat(post("/api/mcp/everything/tools/echo/call", "alice", "[1]").getStatus()).isEqualTo(400);
        assertThat(post("/api/mcp/everything/tools/echo/call", "alice", "{\"arguments\": 5}").getStatus()).isEqualTo(400);
        ContentResponse broken = post("/api/mcp/everything/tools/echo/call", "alice", "{not json");
        assertThat(broken.getStatus()).isEqualTo(400);
        assertThat(json(broken).get("error").asString()).isEqualTo("INVALID_JSON");
    }

    @Test
    void progress_is_streamed_then_the_result() {
        ContentResponse r = Http.send(authed("/api/mcp/everything/tools/trigger-long-running-operation/call", "alice")
                .method("POST").headers(h -> h.put("Accept", "text/event-stream"))
                .body(new StringRequestContent("application/json", "{\"arguments\":{\"duration\":1,\"steps\":5}}")));
        assertThat(r.getStatus()).isEqualTo(200);
        assertThat(r.getHeaders().get("Content-Type")).startsWith("text/event-stream");
        String body = r.getContentAsString();
        assertThat(body.split("event: progress", -1)).hasSize(6);
        assertThat(body).contains("\"total\":5");
        assertThat(body.indexOf("event: result")).isGreaterThan(body.lastIndexOf("event: progress"));
        assertThat(body).contains("Long running operation completed");
    }

    @Test
    void the_stdio_child_sees_only_path_and_its_configured_environment() {
        ContentResponse r = post("/api/mcp/everything/tools/get-env/call", "alice", "{}");
        assertThat(r.getStatus()).isEqualTo(200);
        String env = text(r);
        assertThat(System.getenv("PORTCULLIS_TEST_GATEWAY_SECRET")).as("surefire sets the marker").isNotNull();
        assertThat(env).doesNotContain("gateway-env-secret-7f3a").doesNotContain("PORTCULLIS_TEST_GATEWAY_SECRET")
                .contains("CONFIGURED_VAR").contains("PATH");
        JsonNode vars = JSON.readTree(env);
        assertThat(vars.propertyNames()).allMatch(name -> name.equals("PATH") || name.equals("CONFIGURED_VAR")
                || name.startsWith("npm_") || name.equals("NODE") || name.equals("INIT_CWD") || name.equals("PWD")
                || name.equals("_") || name.equals("SHLVL") || name.equals("OLDPWD"));
    }

    @Test
    void user_variables_are_set_used_and_cleared_per_user() {
        ContentResponse missing = post("/api/mcp/personal/tools/get-env/call", "bob", "{}");
        assertThat(missing.getStatus()).isEqualTo(400);
        assertThat(json(missing).get("error").asString()).isEqualTo("MISSING_USER_VARS");
        assertThat(json(missing).get("missingUserVars").get(0).asString()).isEqualTo("API_KEY");

        ContentResponse unknown = Http.send(authed("/api/mcp/personal/auth-values", "bob").method("PUT")
                .body(new StringRequestContent("application/json", "{\"OTHER\":\"x\"}")));
        assertThat(unknown.getStatus()).isEqualTo(400);

        ContentResponse set = Http.send(authed("/api/mcp/personal/auth-values", "bob").method("PUT")
                .body(new StringRequestContent("application/json", "{\"API_KEY\":\"bob-key-${JWT_SECRET}\"}")));
        assertThat(set.getStatus()).isEqualTo(200);
        assertThat(json(set).at("/authValueFlags/API_KEY").asBoolean()).isTrue();
        assertThat(set.getContentAsString()).doesNotContain("bob-key");

        String env = text(post("/api/mcp/personal/tools/get-env/call", "bob", "{}"));
        JsonNode vars = JSON.readTree(env);
        assertThat(vars.get("API_KEY").asString()).as("user values are literal: ${...} is not expanded")
                .isEqualTo("bob-key-${JWT_SECRET}");
        assertThat(vars.get("WHO").asString()).as("{{LIBRECHAT_USER_ID}}").isEqualTo("bob");
        assertThat(post("/api/mcp/personal/tools/get-env/call", "carol", "{}").getStatus())
                .as("another user has no value").isEqualTo(400);

        ContentResponse flags = Http.send(authed("/api/mcp/personal/auth-values", "bob"));
        assertThat(json(flags).at("/authValueFlags/API_KEY").asBoolean()).isTrue();
        ContentResponse cleared = Http.send(authed("/api/mcp/personal/auth-values", "bob").method("DELETE"));
        assertThat(json(cleared).at("/authValueFlags/API_KEY").asBoolean()).isFalse();
        assertThat(post("/api/mcp/personal/tools/get-env/call", "bob", "{}").getStatus()).isEqualTo(400);
    }

    @Test
    void librechat_plugin_route_sets_and_clears_values() {
        assertThat(post("/api/user/plugins", "dave", "{\"pluginKey\":\"mcp_personal\",\"action\":\"install\",\"auth\":{\"API_KEY\":\"k\"}}")
                .getStatus()).isEqualTo(200);
        assertThat(json(Http.send(authed("/api/mcp/personal/auth-values", "dave"))).at("/authValueFlags/API_KEY").asBoolean()).isTrue();
        assertThat(post("/api/user/plugins", "dave", "{\"pluginKey\":\"mcp_personal\",\"action\":\"uninstall\",\"auth\":{}}")
                .getStatus()).isEqualTo(200);
        assertThat(json(Http.send(authed("/api/mcp/personal/auth-values", "dave"))).at("/authValueFlags/API_KEY").asBoolean()).isFalse();
    }

    @Test
    void an_upstream_killed_mid_call_answers_502_fast_and_the_next_call_reconnects() throws Exception {
        assertThat(text(post("/api/mcp/tiny/tools/echo/call", "alice", "{\"arguments\":{\"message\":\"warm\"}}"))).isEqualTo("Echo: warm");
        CompletableFuture<ContentResponse> slow = CompletableFuture.supplyAsync(() -> post(
                "/api/mcp/tiny/tools/trigger-long-running-operation/call", "alice", "{\"arguments\":{\"duration\":15,\"steps\":3}}"));
        Thread.sleep(700);
        long killedAt = System.nanoTime();
        List<ProcessHandle> children = ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("server-everything")).toList();
        assertThat(children).isNotEmpty();
        children.forEach(ProcessHandle::destroyForcibly);
        ContentResponse r = slow.get(20, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - killedAt);
        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(502);
        assertThat(json(r).get("error").asString()).isEqualTo("UPSTREAM_UNAVAILABLE");
        assertThat(took).as("well within the 20 s timeout").isLessThan(Duration.ofSeconds(5));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            ContentResponse again = post("/api/mcp/tiny/tools/echo/call", "alice", "{\"arguments\":{\"message\":\"back\"}}");
            assertThat(again.getStatus()).as(again.getContentAsString()).isEqualTo(200);
        });
    }

    @Test
    void an_oversized_message_fails_fast() {
        // get-tiny-image is small; listing 'everything' resources is not needed: a long echo exceeds 64 KiB on the way back
        String big = "x".repeat(70_000);
        long started = System.nanoTime();
        ContentResponse r = post("/api/mcp/tiny/tools/echo/call", "erin", "{\"arguments\":{\"message\":\"" + big + "\"}}");
        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(502);
        assertThat(json(r).get("error").asString()).isEqualTo("UPSTREAM_ERROR");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void status_and_reinitialize() {
        post("/api/mcp/everything/tools/echo/call", "alice", "{\"arguments\":{\"message\":\"x\"}}");
        ContentResponse all = Http.send(authed("/api/mcp/connection/status", "alice"));
        assertThat(all.getStatus()).isEqualTo(200);
        assertThat(json(all).at("/connectionStatus/everything/connectionState").asString()).isEqualTo("connected");
        assertThat(json(all).at("/connectionStatus/everything/authorizationState").asString()).isEqualTo("not_required");
        ContentResponse one = Http.send(authed("/api/mcp/connection/status/personal", "frank"));
        assertThat(json(one).get("connectionStatus").asString()).isEqualTo("disconnected");
        assertThat(Http.send(authed("/api/mcp/connection/status/nope", "frank")).getStatus()).isEqualTo(404);

        ContentResponse re = post("/api/mcp/everything/reinitialize", "alice", "");
        assertThat(re.getStatus()).isEqualTo(200);
        assertThat(json(re).get("success").asBoolean()).isTrue();
        ContentResponse reMissing = post("/api/mcp/personal/reinitialize", "frank", "");
        assertThat(json(reMissing).get("success").asBoolean()).isFalse();
        assertThat(json(reMissing).get("failureReason").asString()).isEqualTo("missing_custom_user_vars");
    }
}
