package dev.portcullis.testing;

import static org.assertj.core.api.Assertions.fail;

import dev.portcullis.config.AuthSettings;
import dev.portcullis.identity.TokenMinter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;

/**
 * The real gateway in a child JVM, started the way an operator starts it ({@code portcullis serve
 * --config FILE}), for what only a separate process shows: a scheduler left idle for minutes, a
 * SIGTERM, the process tree left behind. The configuration gets {@code server.port} and
 * {@code auth.secret} added; everything else is the test's YAML.
 */
public final class GatewayProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient client = new HttpClient();

    private GatewayProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts the gateway with {@code yaml} (no {@code server} or {@code auth} sections) and waits until it answers. */
    public static GatewayProcess start(Path dir, String yaml, List<String> jvmOptions, Duration startWithin) throws IOException {
        int port = EverythingServer.freePort();
        Path config = dir.resolve("portcullis.yaml");
        Files.writeString(config, "server: {host: 127.0.0.1, port: " + port + ", shutdownTimeout: 3000}\n"
                + "auth: {secret: " + TestConfigs.SECRET + "}\n" + yaml, StandardCharsets.UTF_8);
        Path log = dir.resolve("gateway.log");
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.portcullis.cli.Main",
                "serve", "--config", config.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("PORTCULLIS_LOG_LEVEL", "DEBUG");
        GatewayProcess gateway = new GatewayProcess(builder.start(), port, log);
        gateway.awaitHealthy(startWithin);
        return gateway;
    }

    private void awaitHealthy(Duration within) {
        long end = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                fail("the gateway exited with " + process.exitValue() + " before answering:\n" + logTail());
            }
            if (healthz(Duration.ofMillis(500)).isPresent()) {
                return;
            }
            sleep(200);
        }
        fail("the gateway did not answer /healthz within " + within + ":\n" + logTail());
    }

    /** The status of {@code GET /healthz}, or empty when it did not answer within {@code within}. */
    public Optional<Integer> healthz(Duration within) {
        try {
            return Optional.of(client.newRequest("http://127.0.0.1:" + port + "/healthz")
                    .timeout(within.toMillis(), TimeUnit.MILLISECONDS).send().getStatus());
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    public ContentResponse get(String path, String token, Duration within) throws Exception {
        return client.newRequest("http://127.0.0.1:" + port + path).headers(h -> h.put("Authorization", "Bearer " + token))
                .timeout(within.toMillis(), TimeUnit.MILLISECONDS).send();
    }

    public ContentResponse post(String path, String token, String json, Duration within) throws Exception {
        return client.newRequest("http://127.0.0.1:" + port + path).method("POST")
                .headers(h -> h.put("Authorization", "Bearer " + token))
                .body(new StringRequestContent("application/json", json))
                .timeout(within.toMillis(), TimeUnit.MILLISECONDS).send();
    }

    /** A token for {@code userId}, signed with the secret the gateway was given. */
    public static String token(String userId, String role) {
        AuthSettings settings = TestConfigs.fromYaml("auth: {secret: " + TestConfigs.SECRET + "}\n", Path.of(".")).auth();
        return new TokenMinter(TestConfigs.SECRET.getBytes(StandardCharsets.UTF_8), settings, Clock.systemUTC())
                .mint(new TokenMinter.Claims(userId, role, Optional.empty(), Optional.empty(), Duration.ofHours(1)));
    }

    public int port() {
        return port;
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    /** Every process the gateway started, and theirs. */
    public List<ProcessHandle> descendants() {
        return process.descendants().toList();
    }

    /** Sends SIGTERM and waits up to {@code within} for the exit; the time it took, or empty if it did not exit. */
    public Optional<Duration> terminate(Duration within) throws InterruptedException {
        long started = System.nanoTime();
        process.destroy(); // SIGTERM, as an orchestrator stops a container
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(System.nanoTime() - started));
    }

    public int exitValue() {
        return process.exitValue();
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    public String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills what is left: the gateway and, first, every process it started. */
    @Override
    public void close() throws Exception {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        client.stop();
    }
}
