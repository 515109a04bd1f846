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

/** Legacy HTTP+SSE against the real server-everything. */
class SseClientTransportTest {

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
        server = EverythingServer.start("sse");
    }

    @AfterEach
    void stopServer() {
        if (client != null) {
            client.closeGracefully();
        }
        server.close();
    }

    private McpSyncClient connect(HttpTransportSettings settings, List<McpSchema.ProgressNotification> progress) {
        client = McpClient.sync(new SseClientTransport(http, TestClients.JSON, settings))
                .requestTimeout(settings.requestTimeout().plusSeconds(5))
                .progressConsumer(progress::add)
                .build();
        client.initialize();
        return client;
    }

    @Test
    void initializesListsToolsCallsThemAndRelaysProgress() {
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        McpSyncClient mcp = connect(TestClients.settings(server.uri("/sse")), progress);

        assertThat(mcp.listTools().tools()).extracting(McpSchema.Tool::name).contains("echo", "get-sum");
        var echo = mcp.callTool(new McpSchema.CallToolRequest("echo", Map.of("message", "hello")));
        assertThat(((McpSchema.TextContent) echo.content().getFirst()).text()).contains("hello");
        var sum = mcp.callTool(new McpSchema.CallToolRequest("get-sum", Map.of("a", 2, "b", 3)));
        assertThat(((McpSchema.TextContent) sum.content().getFirst()).text()).contains("5");
        mcp.callTool(new McpSchema.CallToolRequest("trigger-long-running-operation",
                Map.of("duration", 1, "steps", 5), Map.of("progressToken", "tok-sse")));
        TestClients.awaitSize(progress, 5);
        assertThat(progress).extracting(McpSchema.ProgressNotification::progress).containsExactly(1.0, 2.0, 3.0, 4.0, 5.0);
    }

    @Test
    void anUpstreamKilledMidCallFailsUnreachableWellWithinTheTimeout() {
        McpSyncClient mcp = connect(TestClients.settings(server.uri("/sse"), Duration.ofSeconds(20), 1 << 20),
                new CopyOnWriteArrayList<>());
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            server.kill();
        });
        long start = System.nanoTime();

        assertThatThrownBy(() -> mcp.callTool(new McpSchema.CallToolRequest("trigger-long-running-operation",
                Map.of("duration", 5, "steps", 5))))
                .isInstanceOf(UpstreamException.Unreachable.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void anOversizedMessageFailsFastWithMessageTooLarge() {
        McpSyncClient mcp = connect(TestClients.settings(server.uri("/sse"), Duration.ofSeconds(20), 4096),
                new CopyOnWriteArrayList<>());
        long start = System.nanoTime();

        assertThatThrownBy(() -> mcp.callTool(new McpSchema.CallToolRequest("get-tiny-image", Map.of())))
                .isInstanceOf(UpstreamException.MessageTooLarge.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }
}
