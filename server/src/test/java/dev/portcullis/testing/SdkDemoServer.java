package dev.portcullis.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The TypeScript SDK's OAuth demo ({@code simpleStreamableHttp.js --oauth --oauth-strict}) on free
 * loopback ports: an MCP server at {@code http://localhost:<mcp>/mcp} and an auto-approving
 * authorization server at {@code http://localhost:<auth>/}. Fails loudly when the peer is missing.
 */
public final class SdkDemoServer implements AutoCloseable {
    final int mcpPort = freePort();
    public final int authPort = freePort();
    private final Process process;

    public SdkDemoServer() throws IOException {
        Path script = Peers.dir().resolve("node_modules/@modelcontextprotocol/sdk/dist/esm/examples/server/simpleStreamableHttp.js");
        if (!Files.isRegularFile(script)) {
            throw new AssertionError("the MCP SDK demo is not installed at " + script + "; run scripts/peers.sh");
        }
        ProcessBuilder builder = new ProcessBuilder("node", script.toString(), "--oauth", "--oauth-strict")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv("PATH"));
        builder.environment().put("MCP_PORT", Integer.toString(mcpPort));
        builder.environment().put("MCP_AUTH_PORT", Integer.toString(authPort));
        process = builder.start();
        awaitListening(mcpPort);
        awaitListening(authPort);
    }

    public String mcpUrl() {
        return "http://localhost:" + mcpPort + "/mcp";
    }

    private void awaitListening(int port) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new AssertionError("the SDK demo exited with " + process.exitValue());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("localhost", port), 200);
                return;
            } catch (IOException notYet) {
                sleep();
            }
        }
        throw new AssertionError("the SDK demo did not listen on port " + port + " within 20 s");
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
