package dev.portcullis.cli;

import dev.portcullis.Gateway;
import dev.portcullis.config.ConfigLoader;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.identity.TokenMinter;
import dev.portcullis.identity.TokenVerifiers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The training run for the JDK's ahead-of-time cache (the launcher runs it once per build with
 * {@code -XX:AOTCacheOutput}): starts a gateway on a free loopback port with a throw-away data
 * directory and no MCP servers, sends it the requests a start and its first users make (health,
 * readiness, the REST API, an MCP session, a stateless request, refusals), and stops it. The classes
 * it loads and links are what the cache holds, so {@code serve} starts from them instead of from the jar.
 * Not for people: hidden from the help.
 */
@Command(name = "aot-train", hidden = true, description = "Training run for the JDK's AOT cache (used by the launcher).")
final class AotTrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("portcullis-aot-train");
        try {
            byte[] secretBytes = new byte[32];
            new SecureRandom().nextBytes(secretBytes);
            String secret = HexFormat.of().formatHex(secretBytes);
            String yaml = """
                    server: {host: 127.0.0.1, port: 0}
                    auth: {secret: "%s"}
                    encryption: {key: "%s"}
                    storage: {dataDir: "%s"}
                    """.formatted(secret, Base64.getEncoder().encodeToString(secretBytes), dir.resolve("data").toString()
                    .replace("\\", "/"));
            ConfigLoader.Result loaded = new ConfigLoader(Map.of()).load("aot-train.yaml", yaml, dir);
            if (loaded.config().isEmpty()) {
                loaded.errors().forEach(p -> spec.commandLine().getErr().println(p.describe()));
                return ExitCodes.FAILURE;
            }
            PortcullisConfig config = loaded.config().get();
            try (Gateway gateway = Gateway.start(config)) {
                exercise(gateway.port(), new TokenMinter(TokenVerifiers.sharedSecret(config).orElseThrow(), config.auth(),
                        Clock.systemUTC()).mint(new TokenMinter.Claims("aot-train", "USER", Optional.empty(), Optional.empty(),
                        List.of(), Duration.ofMinutes(5))));
            }
            return ExitCodes.OK;
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** A few rounds of what a gateway serves first: the paths whose classes should come from the cache. */
    private static void exercise(int port, String token) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + port;
        String meta = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                + "\"io.modelcontextprotocol/clientCapabilities\":{}}";
        for (int round = 0; round < 3; round++) {
            send(http, HttpRequest.newBuilder(URI.create(base + "/healthz")).GET());
            send(http, HttpRequest.newBuilder(URI.create(base + "/readyz")).GET());
            send(http, HttpRequest.newBuilder(URI.create(base + "/api/mcp/servers")).GET());
            send(authorized(HttpRequest.newBuilder(URI.create(base + "/api/mcp/servers")), token).GET(), http);
            send(authorized(HttpRequest.newBuilder(URI.create(base + "/api/mcp/tools")), token).GET(), http);
            send(authorized(HttpRequest.newBuilder(URI.create(base + "/api/mcp/connection/status")), token).GET(), http);
            send(authorized(HttpRequest.newBuilder(URI.create(base + "/api/mcp/none/tools/echo/call")), token)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"arguments\":{}}")), http);
            HttpResponse<String> init = send(authorized(HttpRequest.newBuilder(URI.create(base + "/mcp")), token)
                    .header("Accept", "application/json, text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                            + "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"aot\",\"version\":\"1\"}}}")),
                    http);
            String session = init.headers().firstValue("Mcp-Session-Id").orElse("");
            for (String method : List.of("tools/list", "resources/list", "prompts/list")) {
                send(authorized(HttpRequest.newBuilder(URI.create(base + "/mcp")), token)
                        .header("Accept", "application/json, text/event-stream").header("Mcp-Session-Id", session)
                        .header("MCP-Protocol-Version", "2025-11-25")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"" + method + "\"}")), http);
            }
            send(authorized(HttpRequest.newBuilder(URI.create(base + "/mcp")), token).header("Mcp-Session-Id", session).DELETE(), http);
            send(authorized(HttpRequest.newBuilder(URI.create(base + "/mcp")), token)
                    .header("Accept", "application/json, text/event-stream").header("MCP-Protocol-Version", "2026-07-28")
                    .header("Mcp-Method", "server/discover")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"server/discover\","
                            + "\"params\":{" + meta + "}}")), http);
        }
    }

    private static HttpRequest.Builder authorized(HttpRequest.Builder request, String token) {
        return request.header("Authorization", "Bearer " + token).header("Content-Type", "application/json");
    }

    private static HttpResponse<String> send(HttpRequest.Builder request, HttpClient http) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void send(HttpClient http, HttpRequest.Builder request) throws IOException, InterruptedException {
        send(request, http);
    }
}
