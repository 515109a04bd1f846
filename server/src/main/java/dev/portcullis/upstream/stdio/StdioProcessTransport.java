package dev.portcullis.upstream.stdio;

import dev.portcullis.upstream.UpstreamException;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * MCP over a child process's stdin and stdout, one JSON-RPC message per line. Written here rather
 * than taken from the SDK because the SDK's transport hands the child the gateway's whole
 * environment (secrets included), cannot bound a line, and kills only the direct child: this one
 * starts the child with exactly {@link StdioLaunch#environment()}, fails on a line longer than the
 * limit, sends stderr to the log (DEBUG, under the server's name) a bounded line at a time, and on
 * close kills the whole process tree (an {@code npx} wrapper's node child included).
 *
 * <p>Every read and write of the child's pipes runs on a platform thread of its own
 * ({@link PipeThreads}). A read on a pipe is a native call that pins a virtual thread's carrier for
 * as long as the child stays silent; two idle children once pinned both carriers of a 2-core
 * machine and the whole gateway stopped answering, {@code /healthz} included.
 */
public final class StdioProcessTransport implements McpClientTransport {
    private static final Logger log = LoggerFactory.getLogger(StdioProcessTransport.class);
    private static final Duration GRACE = Duration.ofSeconds(2);
    private static final int MAX_STDERR_LINE = 2_000;

    private final StdioLaunch launch;
    private final McpJsonMapper json;
    private final ChildProcesses children;
    private final Logger stderrLog;
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile Process process;
    private volatile StdinWriter stdin;
    private volatile Consumer<Throwable> exceptionHandler = t -> { };

    public StdioProcessTransport(StdioLaunch launch, McpJsonMapper json, ChildProcesses children) {
        this.launch = launch;
        this.json = json;
        this.children = children;
        // One logger per server, so an operator can turn up one child's stderr: portcullis.stdio.<server>
        this.stderrLog = LoggerFactory.getLogger("portcullis.stdio." + launch.serverName());
    }

    @Override
    public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        return Mono.fromRunnable(() -> {
            ProcessBuilder builder = new ProcessBuilder(launch.commandLine());
            builder.environment().clear();
            builder.environment().putAll(launch.environment());
            launch.workingDirectory().ifPresent(dir -> builder.directory(dir.toFile()));
            try {
                process = builder.start();
                children.started(process);
            } catch (IOException e) {
                throw new UpstreamException.Unreachable("cannot start the stdio server '" + launch.serverName()
                        + "': " + e.getClass().getSimpleName() + " (is '" + launch.commandLine().getFirst()
                        + "' installed and on the PATH the server's env gives it?)", e);
            }
            stdin = new StdinWriter(launch.serverName(), process.getOutputStream(), this::writeFailed);
            PipeThreads.start("mcp-stdout-" + launch.serverName(), () -> readMessages(handler));
            PipeThreads.start("mcp-stderr-" + launch.serverName(), this::logStderr);
        });
    }

    private void readMessages(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        try (InputStream out = process.getInputStream()) {
            LineReader lines = new LineReader(out, launch.maxMessageBytes());
            for (String line = lines.next(); line != null; line = lines.next()) {
                if (line.isBlank()) {
                    continue;
                }
                McpSchema.JSONRPCMessage message;
                try {
                    message = McpSchema.deserializeJsonRpcMessage(json, line);
                } catch (IOException | RuntimeException e) {
                    log.warn("server '{}' wrote a line that is not a JSON-RPC message; ignored", launch.serverName());
                    continue;
                }
                handler.apply(Mono.just(message)).subscribe();
            }
            if (!closing.get()) {
                exceptionHandler.accept(new UpstreamException.Unreachable(
                        "the stdio server '" + launch.serverName() + "' exited" + exitCode(), null));
            }
        } catch (LineReader.LineTooLongException e) {
            exceptionHandler.accept(new UpstreamException.MessageTooLarge("the stdio server '" + launch.serverName()
                    + "' sent a message over " + launch.maxMessageBytes() + " bytes"));
            killTree();
        } catch (IOException e) {
            if (!closing.get()) {
                exceptionHandler.accept(new UpstreamException.Unreachable("lost the stdio server '" + launch.serverName() + "'", e));
            }
        }
    }

    /** The exit code when the child is already gone, for the message; empty while it still runs. */
    private String exitCode() {
        try {
            Process p = process;
            return p != null && p.waitFor(200, TimeUnit.MILLISECONDS) ? " with code " + p.exitValue() : "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /**
     * stderr goes to the log at DEBUG, line by line, each line cut to a bound, so a chatty child
     * cannot flood it: npm notices and a server's banner are not news to an operator.
     */
    private void logStderr() {
        try (InputStream err = process.getErrorStream()) {
            LineReader lines = new LineReader(err, Integer.MAX_VALUE);
            for (String line = lines.nextTruncated(MAX_STDERR_LINE); line != null; line = lines.nextTruncated(MAX_STDERR_LINE)) {
                stderrLog.debug("[{} stderr] {}", launch.serverName(), line);
            }
        } catch (IOException e) {
            // the process is gone; nothing more to log
        }
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        return Mono.defer(() -> {
            byte[] line;
            try {
                line = (json.writeValueAsString(message) + "\n").getBytes(StandardCharsets.UTF_8);
            } catch (IOException e) {
                return Mono.error(new UpstreamException.ProtocolViolation("cannot encode a message", e));
            }
            StdinWriter writer = stdin;
            if (writer == null || closing.get()) {
                return Mono.error(new UpstreamException.Unreachable("the stdio server '" + launch.serverName()
                        + "' is not running", null));
            }
            CompletableFuture<Void> written = writer.write(line);
            return Mono.fromFuture(written, true);
        });
    }

    private void writeFailed(UpstreamException failure) {
        if (!closing.get()) {
            exceptionHandler.accept(failure);
        }
    }

    @Override
    public void setExceptionHandler(Consumer<Throwable> handler) {
        this.exceptionHandler = handler;
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(this::closeNow);
    }

    @Override
    public void close() {
        closeNow();
    }

    private void closeNow() {
        if (!closing.compareAndSet(false, true) || process == null) {
            return;
        }
        StdinWriter writer = stdin;
        if (writer != null) {
            writer.close(); // MCP's stdio shutdown: close the child's input and give it a moment
        }
        try {
            if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                killTree();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killTree();
        }
    }

    /** Kills descendants first, so an exiting parent cannot orphan them, then the child itself. */
    private void killTree() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    /** The child's process handle, for tests that check the tree is gone. */
    public Optional<ProcessHandle> processHandle() {
        return Optional.ofNullable(process).map(Process::toHandle);
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return json.convertValue(data, typeRef);
    }
}
