package dev.portcullis.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The real {@code @modelcontextprotocol/server-everything}, pinned by scripts/peers.sh, as a child process on a
 * free loopback port. Missing peers fail the test loudly: a skipped transport test would hide a regression.
 */
public final class EverythingServer implements AutoCloseable {

    public static final Path PEERS = Path.of("..", ".peers").toAbsolutePath().normalize();
    private static final Path ENTRY = PEERS.resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js");

    private final String mode;
    private final int port;
    private Process process;

    private EverythingServer(String mode, int port) {
        this.mode = mode;
        this.port = port;
    }

    /** {@code streamableHttp} or {@code sse}. */
    public static EverythingServer start(String mode) {
        if (!Files.isRegularFile(ENTRY)) {
            fail("server-everything is missing at " + ENTRY + ": run scripts/peers.sh");
        }
        EverythingServer server = new EverythingServer(mode, freePort());
        server.launch();
        return server;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Kills the process at once (no graceful shutdown), as a crashed upstream would go. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A fresh process on the same port: every session the old one knew is gone. */
    public void restart() {
        kill();
        launch();
    }

    private void launch() {
        try {
            File log = Files.createTempFile("server-everything-" + mode, ".log").toFile();
            ProcessBuilder builder = new ProcessBuilder("node", ENTRY.toString(), mode)
                    .redirectErrorStream(true)
                    .redirectOutput(log);
            Map<String, String> env = builder.environment();
            String path = env.get("PATH");
            env.clear(); // it has a get-env tool: give it nothing worth reading
            env.put("PATH", path);
            env.put("PORT", Integer.toString(port));
            process = builder.start();
        } catch (IOException e) {
            fail("could not start node (run scripts/peers.sh): " + e.getMessage());
        }
        awaitListening();
    }

    private void awaitListening() {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                fail("server-everything exited with " + process.exitValue());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException notYet) {
                sleep(50);
            }
        }
        fail("server-everything did not listen on port " + port);
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        kill();
    }
}
