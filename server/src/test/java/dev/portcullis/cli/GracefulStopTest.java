package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.testing.GatewayProcess;
import dev.portcullis.testing.Peers;
import dev.portcullis.testing.SdkDemoServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM stops the real gateway (a child JVM, as {@code portcullis serve} runs) within the drain
 * timeout plus a small bound, in every state, and leaves no stdio server process behind — not the
 * shell a server was started through, not the node process under it.
 */
class GracefulStopTest {
    /** {@link GatewayProcess} configures {@code shutdownTimeout: 3000}. */
    private static final Duration DRAIN = Duration.ofSeconds(3);
    /** The bound of {@link ServeCommand#STOP_BOUND} plus the JVM's own start of shutdown. */
    private static final Duration EXIT_WITHIN = DRAIN.plus(ServeCommand.STOP_BOUND).plusSeconds(2);

    @TempDir
    Path dir;

    /** A stdio server behind a shell that stays its parent: a process tree of two. */
    private static String stdioTree(String name) {
        return "  " + name + ":\n    command: sh\n    args: [\"-c\", \"node '" + Peers.serverEverything() + "' stdio; true\"]\n";
    }

    @Test
    void idle_gateway_exits_at_once_and_takes_its_process_trees_along() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.start(dir, "mcpServers:\n" + stdioTree("tree"), List.of(),
                Duration.ofSeconds(60))) {
            String token = GatewayProcess.token("alice", "USER");
            assertThat(gateway.post("/api/mcp/tree/tools/echo/call", token, "{\"arguments\":{\"message\":\"hi\"}}",
                    Duration.ofSeconds(60)).getStatus()).isEqualTo(200);
            List<ProcessHandle> children = gateway.descendants();
            assertThat(children).as("sh and node").hasSizeGreaterThanOrEqualTo(2);

            Optional<Duration> took = gateway.terminate(EXIT_WITHIN);

            assertThat(took).as(gateway.logTail()).isPresent();
            assertThat(took.get()).isLessThan(DRAIN);
            assertThat(gateway.exitValue()).as("the JVM's exit on SIGTERM, not a halt").isEqualTo(143);
            assertAllGone(children);
        }
    }

    @Test
    void busy_gateway_finishes_short_calls_cuts_long_ones_and_exits_within_the_bound() throws Exception {
        try (SdkDemoServer oauthServer = new SdkDemoServer(); SilentServer hung = new SilentServer();
             GatewayProcess gateway = GatewayProcess.start(dir, """
                     mcpSettings:
                       allowedDomains: ['localhost', '127.0.0.1']
                     mcpServers:
                     %s  hung: {type: streamable-http, url: "%s", timeout: 120000, initTimeout: 120000, startup: false}
                       oauth: {type: streamable-http, url: "%s", startup: false}
                     """.formatted(stdioTree("tree"), hung.url(), oauthServer.mcpUrl()), List.of(), Duration.ofSeconds(60))) {
            String token = GatewayProcess.token("alice", "USER");
            assertThat(gateway.post("/api/mcp/tree/tools/echo/call", token, "{\"arguments\":{\"message\":\"hi\"}}",
                    Duration.ofSeconds(60)).getStatus()).isEqualTo(200);
            List<ProcessHandle> children = gateway.descendants();

            CompletableFuture<Optional<ContentResponse>> shortCall = async(() -> gateway.post(
                    "/api/mcp/tree/tools/trigger-long-running-operation/call", token,
                    "{\"arguments\":{\"duration\":1,\"steps\":2}}", Duration.ofSeconds(30)));
            CompletableFuture<Optional<ContentResponse>> longCall = async(() -> gateway.post(
                    "/api/mcp/tree/tools/trigger-long-running-operation/call", token,
                    "{\"arguments\":{\"duration\":60,\"steps\":60}}", Duration.ofSeconds(90)));
            CompletableFuture<Optional<ContentResponse>> hungCall = async(() -> gateway.post(
                    "/api/mcp/hung/tools/echo/call", token, "{\"arguments\":{\"message\":\"hi\"}}", Duration.ofSeconds(90)));
            CompletableFuture<Optional<ContentResponse>> waitingForOAuth = async(() -> gateway.post(
                    "/api/mcp/oauth/tools/greet/call", token, "{\"arguments\":{\"name\":\"x\"},\"waitForAuthMs\":60000}",
                    Duration.ofSeconds(90)));
            await().atMost(Duration.ofSeconds(20)).until(hung::connected);
            Thread.sleep(500); // every call under way

            Optional<Duration> took = gateway.terminate(EXIT_WITHIN);

            assertThat(took).as("exited within %s:\n%s", EXIT_WITHIN, gateway.logTail()).isPresent();
            assertThat(gateway.exitValue()).as("a clean stop, not a halt:\n%s", gateway.logTail()).isEqualTo(143);
            System.out.println("busy gateway exited in " + took.get().toMillis() + " ms");
            assertThat(shortCall.get(5, TimeUnit.SECONDS)).as("a call shorter than the drain completes")
                    .hasValueSatisfying(r -> assertThat(r.getStatus()).isEqualTo(200));
            for (var cut : List.of(longCall, hungCall, waitingForOAuth)) {
                assertThat(cut).as("every client got its answer or a closed connection").succeedsWithin(Duration.ofSeconds(5));
            }
            assertAllGone(children);
        }
    }

    private static void assertAllGone(List<ProcessHandle> processes) {
        await().atMost(Duration.ofSeconds(3)).untilAsserted(() ->
                assertThat(processes).as("stdio servers and their children").noneMatch(ProcessHandle::isAlive));
    }

    private interface Call {
        ContentResponse send() throws Exception;
    }

    /** The call's response, or empty when the connection was cut. */
    private static CompletableFuture<Optional<ContentResponse>> async(Call call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return Optional.of(call.send());
            } catch (Exception e) {
                return Optional.empty();
            }
        });
    }

    /** An MCP "server" that accepts connections and reads requests but never answers one. */
    private static final class SilentServer implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();

        SilentServer() throws IOException {
            Thread.ofPlatform().daemon().start(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        accepted.add(s);
                        Thread.ofPlatform().daemon().start(() -> drain(s));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private static void drain(Socket s) {
            try (InputStream in = s.getInputStream()) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException e) {
                // the gateway went away
            }
        }

        String url() {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/mcp";
        }

        boolean connected() {
            return !accepted.isEmpty();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : accepted) {
                s.close();
            }
        }
    }
}
