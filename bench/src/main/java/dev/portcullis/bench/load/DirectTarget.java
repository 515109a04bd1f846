package dev.portcullis.bench.load;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.Map;

/**
 * The same call made straight to the server with the same MCP client and transport the gateway
 * uses upstream, so both sides negotiate the same protocol version.
 */
final class DirectTarget implements CallTarget {
    private final McpSyncClient client;

    DirectTarget(McpClientTransport transport) {
        client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30))
                .clientInfo(new McpSchema.Implementation("portcullis-bench", "1")).build();
        client.initialize();
    }

    @Override
    public String name() {
        return "direct";
    }

    @Override
    public void call(String message) {
        McpSchema.CallToolResult r = client.callTool(new McpSchema.CallToolRequest("echo", Map.of("message", message)));
        if (!(r.content().getFirst() instanceof McpSchema.TextContent t) || !t.text().equals("Echo: " + message)) {
            throw new IllegalStateException("unexpected result " + r);
        }
    }

    @Override
    public void close() {
        client.closeGracefully();
    }
}
