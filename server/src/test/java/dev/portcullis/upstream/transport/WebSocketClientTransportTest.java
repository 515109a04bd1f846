package dev.portcullis.upstream.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.upstream.UpstreamException;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** MCP over WebSocket against a small fixture server. */
class WebSocketClientTransportTest {

    private static HttpClient http;
    private WebSocketFixtureServer server;
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
    void startServer() throws Exception {
        server = new WebSocketFixtureServer();
    }

    @AfterEach
    void stopServer() throws Exception {
        if (client != null) {
            client.closeGracefully();
        }
        server.close();
    }

    private McpSyncClient connect(HttpTransportSettings settings) {
        client = McpClient.sync(new WebSocketClientTransport(http, TestClients.JSON, settings))
                .requestTimeout(settings.requestTimeout().plusSeconds(5))
                .build();
        client.initialize();
        return client;
    }

    @Test
    void initializesListsToolsAndCallsEchoWithTheMcpSubprotocol() {
        McpSyncClient mcp = connect(TestClients.settings(server.uri()));

        assertThat(server.offeredSubprotocols).isEqualTo("mcp");
        assertThat(server.apiKey).isEqualTo("secret-value");
        assertThat(mcp.listTools().tools()).extracting(McpSchema.Tool::name).containsExactly("echo");
        var echo = mcp.callTool(new McpSchema.CallToolRequest("echo", Map.of("message", "over ws")));
        assertThat(((McpSchema.TextContent) echo.content().getFirst()).text()).isEqualTo("Echo: over ws");
    }

    @Test
    void anOversizedMessageFailsFastWithMessageTooLarge() {
        McpSyncClient mcp = connect(TestClients.settings(server.uri(), Duration.ofSeconds(20), 8192));
        long start = System.nanoTime();

        assertThatThrownBy(() -> mcp.callTool(new McpSchema.CallToolRequest("echo", Map.of("message", "big"))))
                .isInstanceOf(UpstreamException.MessageTooLarge.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aStoppedServerFailsTheNextCallUnreachable() throws Exception {
        McpSyncClient mcp = connect(TestClients.settings(server.uri()));
        server.close();

        assertThatThrownBy(() -> mcp.callTool(new McpSchema.CallToolRequest("echo", Map.of("message", "gone"))))
                .isInstanceOf(UpstreamException.Unreachable.class);
    }
}
