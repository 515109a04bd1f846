package dev.portcullis.upstream.transport;

import dev.portcullis.testing.EverythingServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.upstream.UpstreamException;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Streamable HTTP against the real server-everything. */
class StreamableHttpClientTransportTest {

    private static HttpClient http;
    private EverythingServer server;
    private McpSyncClient client;

    @BeforeAll
    static void client() {
        http = TestClients.guarded();
    }

    @AfterAll
    static void stopClient() {
        TestClients.stop(http);
    }

    @BeforeEach
    void startServer() {
        server = EverythingServer.start("streamableHttp");
    }

    @AfterEach
    void stopServer() {
        if (client != null) {
            client.closeGracefully();
        }
        server.close();
    }

    private McpSyncClient connect(HttpTransportSettings settings, List<McpSchema.ProgressNotification> progress) {
        var transport = new StreamableHttpClientTransport(http, TestClients.JSON, settings);
        client = McpClient.sync(transport)
                .requestTimeout(settings.requestTimeout().plusSeconds(5))
                .progressConsumer(progress::add)
                .build();
        client.initialize();
        return client;
    }

    private McpSyncClient connect() {
        return connect(TestClients.settings(server.uri("/mcp")), new CopyOnWriteArrayList<>());
    }

    @Test
    void initializesListsToolsAndCallsThem() {
        McpSyncClient mcp = connect();

        assertThat(mcp.getCurrentInitializationResult().protocolVersion()).isEqualTo("2025-11-25");
        assertThat(mcp.listTools().tools()).extracting(McpSchema.Tool::name).contains("echo", "get-sum");
        var echo = mcp.callTool(new McpSchema.CallToolRequest("echo", Map.of("message", "hello")));
        assertThat(((McpSchema.TextContent) echo.content().getFirst()).text()).contains("hello");
        var sum = mcp.callTool(new McpSchema.CallToolRequest("get-sum", Map.of("a", 2, "b", 3)));
        assertThat(((McpSchema.TextContent) sum.content().getFirst()).text()).contains("5");
    }

    @Test
    void relaysEveryProgressNotification() {
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        McpSyncClient mcp = connect(TestClients.settings(server.uri("/mcp")), progress);

        var result = mcp.callTool(new McpSchema.CallToolRequest("trigger-long-running-operation",
                Map.of("duration", 1, "steps", 5), Map.of("progressToken", "tok-1")));

        assertThat(result.isError()).isNotEqualTo(Boolean.TRUE);
        TestClients.awaitSize(progress, 5);
        assertThat(progress).hasSize(5);
        assertThat(progress).extracting(McpSchema.ProgressNotification::progress).containsExactly(1.0, 2.0, 3.0, 4.0, 5.0);
        assertThat(progress).allSatisfy(p -> assertThat(p.progressToken()).isEqualTo("tok-1"));
    }

    @Test
    void anUpstreamKilledMidCallFailsUnreachableWellWithinTheTimeout() throws Exception {
        McpSyncClient mcp = connect(TestClients.settings(server.uri("/mcp"), Duration.ofSeconds(20), 1 << 20),
                new CopyOnWriteArrayList<>());
        Thread.ofVirtual().start(() -> {
            sleep(300);
            server.kill();
        });
        long start = System.nanoTime();

        assertThatThrownBy(() -> mcp.callTool(new McpSchema.CallToolRequest("trigger-long-running-operation",
                Map.of("duration", 5, "steps", 5), Map.of("progressToken", "tok-2"))))
                .isInstanceOf(UpstreamException.Unreachable.class);
        // 300 ms until the kill, then one immediate resumption attempt that is refused.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void aRequestOutlastingTheRequestTimeoutFailsWithTimeout() {
        McpSyncClient mcp = connect(TestClients.settings(server.uri("/mcp"), Duration.ofSeconds(1), 1 << 20),
                new CopyOnWriteArrayList<>());
        long start = System.nanoTime();

        assertThatThrownBy(() -> mcp.callTool(new McpSchema.CallToolRequest("trigger-long-running-operation",
                Map.of("duration", 5, "steps", 5))))
                .isInstanceOfSatisfying(UpstreamException.Timeout.class,
                        e -> assertThat(e.after()).isEqualTo(Duration.ofSeconds(1)));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(3));
    }

    @Test
    void anOversizedMessageFailsFastWithMessageTooLarge() {
        McpSyncClient mcp = connect(TestClients.settings(server.uri("/mcp"), Duration.ofSeconds(20), 4096),
                new CopyOnWriteArrayList<>());
        long start = System.nanoTime();

        assertThatThrownBy(() -> mcp.callTool(new McpSchema.CallToolRequest("echo", Map.of("message", "x".repeat(8000)))))
                .isInstanceOf(UpstreamException.MessageTooLarge.class);
        assertThatThrownBy(() -> mcp.callTool(new McpSchema.CallToolRequest("get-tiny-image", Map.of())))
                .isInstanceOf(UpstreamException.MessageTooLarge.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aRestartedServerFailsTheCallWithSessionExpiredAndAFreshClientWorks() {
        McpSyncClient lost = connect();
        lost.listTools();
        server.restart();

        // server-everything answers the unknown session with 400, which is read as a lost session too.
        assertThatThrownBy(() -> lost.callTool(new McpSchema.CallToolRequest("echo", Map.of("message", "lost"))))
                .isInstanceOf(UpstreamException.SessionExpired.class);
        lost.closeGracefully();
        McpSyncClient mcp = connect(); // what the connection manager does on SessionExpired
        var echo = mcp.callTool(new McpSchema.CallToolRequest("echo", Map.of("message", "again")));
        assertThat(((McpSchema.TextContent) echo.content().getFirst()).text()).contains("again");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
