package dev.portcullis.upstream.transport;

import dev.portcullis.testing.EverythingServer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.Gateway;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.identity.TokenMinter;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.TestConfigs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
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

/** The gateway in front of remote servers: Streamable HTTP, legacy SSE, a probed URL and WebSocket. */
class GatewayRemoteUpstreamTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path dir;
    static EverythingServer streamable;
    static EverythingServer sse;
    static WebSocketFixtureServer websocket;
    static Gateway gateway;
    static Http http;
    static PortcullisConfig config;

    @BeforeAll
    static void start() throws Exception {
        streamable = EverythingServer.start("streamableHttp");
        sse = EverythingServer.start("sse");
        websocket = new WebSocketFixtureServer();
        config = TestConfigs.fromYaml("""
                server: {port: 0}
                auth: {secret: %s}
                mcpSettings:
                  allowedAddresses: ['127.0.0.1']
                mcpServers:
                  streamable: {type: streamable-http, url: "%s", timeout: 20000}
                  legacy: {type: sse, url: "%s"}
                  probed: {url: "%s", startup: false}
                  probedLegacy: {url: "%s", startup: false}
                  socket: {url: "%s", headers: {X-Api-Key: fixture-key}}
                  metadata: {type: streamable-http, url: "http://169.254.169.254/mcp", startup: false}
                """.formatted(TestConfigs.SECRET, streamable.uri("/mcp"), sse.uri("/sse"), streamable.uri("/mcp"),
                sse.uri("/sse"), websocket.uri()), dir);
        gateway = Gateway.start(config);
        http = new Http(gateway.port());
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
        gateway.close();
        websocket.close();
        sse.close();
        streamable.close();
    }

    private static Request authed(String path) {
        String token = new TokenMinter(TestConfigs.SECRET.getBytes(StandardCharsets.UTF_8), config.auth(), Clock.systemUTC())
                .mint(new TokenMinter.Claims("alice", "USER", Optional.empty(), Optional.empty(), Duration.ofMinutes(10)));
        return http.request(path).headers(h -> h.put("Authorization", "Bearer " + token)).timeout(60, TimeUnit.SECONDS);
    }

    private static ContentResponse call(String server, String tool, String arguments) {
        return Http.send(authed("/api/mcp/" + server + "/tools/" + tool + "/call").method("POST")
                .body(new StringRequestContent("application/json", "{\"arguments\":" + arguments + "}")));
    }

    private static JsonNode json(ContentResponse r) {
        return JSON.readTree(r.getContentAsString());
    }

    @Test
    void every_remote_transport_lists_and_calls_tools() {
        JsonNode servers = json(Http.send(authed("/api/mcp/tools"))).get("servers");
        for (String server : new String[] {"streamable", "legacy", "probed", "probedLegacy", "socket"}) {
            assertThat(servers.at("/" + server + "/tools").valueStream().map(t -> t.get("pluginKey").asString()))
                    .as(server + ": " + servers.get(server)).contains("echo_mcp_" + server);
            ContentResponse echo = call(server, "echo", "{\"message\":\"via " + server + "\"}");
            assertThat(echo.getStatus()).as(server + ": " + echo.getContentAsString()).isEqualTo(200);
            assertThat(json(echo).at("/content/0/text").asString()).contains("via " + server);
        }
        assertThat(websocket.apiKey).as("configured headers reach the server").isEqualTo("fixture-key");
        assertThat(json(call("legacy", "get-sum", "{\"a\":40,\"b\":2}")).at("/content/0/text").asString()).contains("42");
        assertThat(json(call("streamable", "get-sum", "{\"a\":1,\"b\":2}")).at("/content/0/text").asString()).contains("3");
    }

    @Test
    void progress_streams_over_streamable_http() {
        ContentResponse r = Http.send(authed("/api/mcp/streamable/tools/trigger-long-running-operation/call").method("POST")
                .headers(h -> h.put("Accept", "text/event-stream"))
                .body(new StringRequestContent("application/json", "{\"arguments\":{\"duration\":1,\"steps\":5}}")));
        assertThat(r.getContentAsString().split("event: progress", -1)).hasSize(6);
        assertThat(r.getContentAsString()).contains("event: result");
    }

    @Test
    void a_restarted_upstream_is_reinitialized_transparently() {
        assertThat(call("streamable", "echo", "{\"message\":\"before\"}").getStatus()).isEqualTo(200);
        streamable.restart();
        ContentResponse after = call("streamable", "echo", "{\"message\":\"after\"}");
        assertThat(after.getStatus()).as(after.getContentAsString()).isEqualTo(200);
        assertThat(json(after).at("/content/0/text").asString()).isEqualTo("Echo: after");
    }

    @Test
    void the_metadata_address_is_refused_before_any_connection() {
        long started = System.nanoTime();
        ContentResponse r = call("metadata", "echo", "{\"message\":\"x\"}");
        assertThat(r.getStatus()).isEqualTo(403);
        assertThat(json(r).get("error").asString()).isEqualTo("MCP_DOMAIN_NOT_ALLOWED");
        assertThat(json(r).get("reason").asString()).isEqualTo("DENIED_ADDRESS");
        assertThat(json(r).get("message").asString()).as("hosts are for editors only").doesNotContain("169.254");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }
}
