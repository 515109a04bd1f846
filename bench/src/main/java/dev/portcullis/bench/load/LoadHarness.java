package dev.portcullis.bench.load;

import dev.portcullis.Gateway;
import dev.portcullis.config.ConfigLoader;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.egress.EgressContext;
import dev.portcullis.egress.EgressLists;
import dev.portcullis.egress.EgressPolicy;
import dev.portcullis.egress.jetty.GuardedHttpClients;
import dev.portcullis.identity.TokenMinter;
import dev.portcullis.upstream.stdio.StdioLaunch;
import dev.portcullis.upstream.stdio.StdioProcessTransport;
import dev.portcullis.upstream.transport.HttpTransportSettings;
import dev.portcullis.upstream.transport.RequestAuthorizer;
import dev.portcullis.upstream.transport.StreamableHttpClientTransport;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.client.HttpClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Measures what the gateway adds to a tool call: {@code echo} through {@code POST .../call}
 * against the same call made directly to server-everything with the same MCP client, for stdio and
 * Streamable HTTP upstreams, at each concurrency. The two modes run in alternating rounds so that
 * drift on the machine (other load, JIT, GC) falls on both alike. Loopback only.
 *
 * <pre>
 * ./mvnw -q -B -pl bench -am package -DskipTests
 * java -cp bench/target/benchmarks.jar dev.portcullis.bench.load.LoadHarness [--transport stdio|streamable-http|both]
 *      [--concurrency 1,16] [--rounds 6] [--round-seconds 2] [--warmup-seconds 3] [--peers .peers]
 *      [--server operator|user] [--storage-url JDBC-URL]
 * </pre>
 * With {@code --server user} (Streamable HTTP only) the call goes to a server a user added through
 * {@code POST /api/mcp/servers}: found in the database and checked against its grants on every call.
 */
public final class LoadHarness {
    private static final String SECRET = "load-harness-secret-0123456789abcdef0123456789";

    private record Options(List<String> transports, List<Integer> concurrency, int rounds, Duration round, Duration warmup,
                           Path peers, boolean userServer, Optional<String> storageUrl) {
        static Options parse(String[] args) {
            List<String> transports = List.of("stdio", "streamable-http");
            List<Integer> concurrency = List.of(1, 16);
            int rounds = 6;
            Duration round = Duration.ofSeconds(2);
            Duration warmup = Duration.ofSeconds(3);
            Path peers = Path.of(".peers");
            boolean userServer = false;
            Optional<String> storageUrl = Optional.empty();
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : "";
                switch (args[i]) {
                    case "--transport" -> transports = value.equals("both") ? transports : List.of(value);
                    case "--concurrency" -> concurrency = java.util.Arrays.stream(value.split(",")).map(Integer::parseInt).toList();
                    case "--rounds" -> rounds = Integer.parseInt(value);
                    case "--round-seconds" -> round = Duration.ofMillis((long) (Double.parseDouble(value) * 1000));
                    case "--warmup-seconds" -> warmup = Duration.ofMillis((long) (Double.parseDouble(value) * 1000));
                    case "--peers" -> peers = Path.of(value);
                    case "--server" -> userServer = switch (value) {
                        case "user" -> true;
                        case "operator" -> false;
                        default -> throw new IllegalArgumentException("--server: operator or user");
                    };
                    case "--storage-url" -> storageUrl = Optional.of(value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
                i++;
            }
            if (userServer && transports.contains("stdio")) {
                throw new IllegalArgumentException("--server user needs --transport streamable-http: users cannot add stdio servers");
            }
            return new Options(transports, concurrency, rounds, round, warmup, peers, userServer, storageUrl);
        }
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Path script = options.peers().resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js").toAbsolutePath();
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("server-everything is missing at " + script + "; run scripts/peers.sh");
        }
        System.out.printf(Locale.ROOT, "| upstream | concurrency | mode | calls | p50 ms | p99 ms | calls/s |%n");
        System.out.printf(Locale.ROOT, "|---|---|---|---|---|---|---|%n");
        List<String> verdicts = new ArrayList<>();
        for (String transport : options.transports()) {
            verdicts.addAll(run(transport, script, options));
        }
        System.out.println();
        verdicts.forEach(System.out::println);
        System.exit(0);
    }

    private static List<String> run(String transport, Path script, Options options) throws Exception {
        Path data = Files.createTempDirectory("portcullis-load");
        Process upstream = null;
        int port = 0;
        String serverYaml;
        if (transport.equals("stdio")) {
            serverYaml = "    command: node\n    args: [\"" + script + "\", stdio]\n";
        } else {
            port = freePort();
            ProcessBuilder pb = new ProcessBuilder("node", script.toString(), "streamableHttp")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("PORT", Integer.toString(port));
            upstream = pb.start();
            waitForPort(port);
            serverYaml = "    type: streamable-http\n    url: http://127.0.0.1:" + port + "/mcp\n";
        }
        String yaml = "server: {port: 0}\nauth: {secret: " + SECRET + "}\nstorage: {dataDir: " + data
                + options.storageUrl().map(u -> ", url: \"" + u + "\"").orElse("") + "}\n"
                + "mcpSettings:\n  allowedAddresses: ['127.0.0.1" + (port > 0 ? ":" + port : "") + "']\n"
                + "mcpServers:\n  everything:\n" + serverYaml;
        PortcullisConfig config = new ConfigLoader(System.getenv()).load("load.yaml", yaml, data).orThrow();
        JacksonMcpJsonMapper json = new JacksonMcpJsonMapper(JsonMapper.builder().build());
        HttpClient directClient = null;
        List<String> verdicts = new ArrayList<>();
        try (Gateway gateway = Gateway.start(config)) {
            String token = new TokenMinter(SECRET.getBytes(StandardCharsets.UTF_8), config.auth(), Clock.systemUTC())
                    .mint(new TokenMinter.Claims("load", "USER", Optional.empty(), Optional.empty(), Duration.ofHours(2)));
            CallTarget direct;
            if (transport.equals("stdio")) {
                direct = new DirectTarget(new StdioProcessTransport(new StdioLaunch("everything",
                        List.of("node", script.toString(), "stdio"), Map.of("PATH", System.getenv("PATH")),
                        Optional.empty(), 8 << 20), json, new dev.portcullis.upstream.stdio.ChildProcesses()));
            } else {
                EgressPolicy policy = EgressPolicy.builder().lists(EgressContext.MCP,
                        new EgressLists(List.of(), List.of("127.0.0.1:" + port))).build();
                directClient = GuardedHttpClients.create(policy);
                directClient.start();
                direct = new DirectTarget(new StreamableHttpClientTransport(directClient, json, new HttpTransportSettings(
                        URI.create("http://127.0.0.1:" + port + "/mcp"), Map.of(), Duration.ofSeconds(30),
                        Duration.ofMinutes(5), 8 << 20, RequestAuthorizer.NONE,
                        dev.portcullis.upstream.transport.ConnectionPool.COMMON)));
            }
            String server = options.userServer()
                    ? GatewayTarget.addUserServer(gateway.port(), token, "http://127.0.0.1:" + port + "/mcp") : "everything";
            try (CallTarget gw = new GatewayTarget(gateway.port(), server, token); direct) {
                for (int c : options.concurrency()) {
                    verdicts.add(measure(transport, c, gw, direct, options));
                }
            }
        } finally {
            if (directClient != null) {
                directClient.stop();
            }
            if (upstream != null) {
                upstream.destroyForcibly();
            }
        }
        return verdicts;
    }

    private static String measure(String transport, int concurrency, CallTarget gateway, CallTarget direct, Options options)
            throws InterruptedException {
        drive(gateway, concurrency, options.warmup(), new LatencyRecorder());
        drive(direct, concurrency, options.warmup(), new LatencyRecorder());
        LatencyRecorder viaGateway = new LatencyRecorder();
        LatencyRecorder straight = new LatencyRecorder();
        for (int round = 0; round < options.rounds(); round++) {
            boolean gatewayFirst = round % 2 == 0;
            drive(gatewayFirst ? gateway : direct, concurrency, options.round(), gatewayFirst ? viaGateway : straight);
            drive(gatewayFirst ? direct : gateway, concurrency, options.round(), gatewayFirst ? straight : viaGateway);
        }
        LatencyRecorder.Summary g = viaGateway.summary();
        LatencyRecorder.Summary d = straight.summary();
        row(transport, concurrency, "gateway", g);
        row(transport, concurrency, "direct", d);
        return String.format(Locale.ROOT,
                "%s, concurrency %d: added p50 %.3f ms, added p99 %.3f ms, throughput through the gateway %.1f%% of direct",
                transport, concurrency, g.p50Millis() - d.p50Millis(), g.p99Millis() - d.p99Millis(),
                100 * g.callsPerSecond() / d.callsPerSecond());
    }

    private static void row(String transport, int concurrency, String mode, LatencyRecorder.Summary s) {
        System.out.printf(Locale.ROOT, "| %s | %d | %s | %d | %.3f | %.3f | %.0f |%n", transport, concurrency, mode,
                s.calls(), s.p50Millis(), s.p99Millis(), s.callsPerSecond());
    }

    /** {@code concurrency} virtual threads call in a loop until the time is up. */
    private static void drive(CallTarget target, int concurrency, Duration length, LatencyRecorder recorder)
            throws InterruptedException {
        long end = System.nanoTime() + length.toNanos();
        AtomicLong sequence = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < concurrency; i++) {
            workers.add(Thread.ofVirtual().start(() -> {
                while (System.nanoTime() < end) {
                    String message = "m" + sequence.incrementAndGet();
                    long t0 = System.nanoTime();
                    try {
                        target.call(message);
                    } catch (Exception e) {
                        throw new IllegalStateException(target.name() + " call failed", e);
                    }
                    recorder.add(System.nanoTime() - t0);
                }
            }));
        }
        for (Thread w : workers) {
            w.join();
        }
        recorder.addWall(System.nanoTime() - started);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void waitForPort(int port) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("server-everything did not listen on " + port);
    }
}
