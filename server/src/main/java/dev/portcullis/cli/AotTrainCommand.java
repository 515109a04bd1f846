package dev.portcullis.cli;

import dev.portcullis.Gateway;
import dev.portcullis.config.ConfigLoader;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.identity.TokenMinter;
import dev.portcullis.identity.TokenVerifiers;
import dev.portcullis.egress.EgressContext;
import dev.portcullis.egress.EgressLists;
import dev.portcullis.egress.EgressPolicy;
import dev.portcullis.egress.EgressTarget;
import dev.portcullis.egress.EgressTargetException;
import dev.portcullis.egress.jetty.GuardedHttpClients;
import java.io.IOException;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
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
    public Integer call() throws Exception {
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
    private static void exercise(int port, String token) throws Exception {
        // Even this loopback talk leaves through a guarded client (DESIGN.md: one door out), with exactly
        // the training gateway's address exempted.
        EgressPolicy policy = EgressPolicy.builder().lists(EgressContext.ENDPOINT,
                EgressLists.addressesOnly(List.of("127.0.0.1"))).build();
        HttpClient http = GuardedHttpClients.create(policy);
        http.start();
        try {
            String base = "http://127.0.0.1:" + port;
            String json = "application/json";
            String meta = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                    + "\"io.modelcontextprotocol/clientCapabilities\":{}}";
            for (int round = 0; round < 3; round++) {
                request(http, base + "/healthz", null).send();
                request(http, base + "/readyz", null).send();
                request(http, base + "/api/mcp/servers", null).send();
                request(http, base + "/api/mcp/servers", token).send();
                request(http, base + "/api/mcp/tools", token).send();
                request(http, base + "/api/mcp/connection/status", token).send();
                request(http, base + "/api/mcp/none/tools/echo/call", token).method("POST")
                        .body(new StringRequestContent(json, "{\"arguments\":{}}")).send();
                ContentResponse init = request(http, base + "/mcp", token).method("POST")
                        .headers(h -> h.put("Accept", "application/json, text/event-stream"))
                        .body(new StringRequestContent(json, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                                + "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"aot\",\"version\":\"1\"}}}"))
                        .send();
                String session = Optional.ofNullable(init.getHeaders().get("Mcp-Session-Id")).orElse("");
                for (String method : List.of("tools/list", "resources/list", "prompts/list")) {
                    request(http, base + "/mcp", token).method("POST")
                            .headers(h -> h.put("Accept", "application/json, text/event-stream").put("Mcp-Session-Id", session)
                                    .put("MCP-Protocol-Version", "2025-11-25"))
                            .body(new StringRequestContent(json, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"" + method + "\"}")).send();
                }
                request(http, base + "/mcp", token).method("DELETE").headers(h -> h.put("Mcp-Session-Id", session)).send();
                request(http, base + "/mcp", token).method("POST")
                        .headers(h -> h.put("Accept", "application/json, text/event-stream").put("MCP-Protocol-Version", "2026-07-28")
                                .put("Mcp-Method", "server/discover"))
                        .body(new StringRequestContent(json, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"server/discover\","
                                + "\"params\":{" + meta + "}}")).send();
            }
        } finally {
            http.stop();
        }
    }

    private static Request request(HttpClient http, String url, String token) throws EgressTargetException {
        Request request = GuardedHttpClients.newRequest(http, EgressTarget.parse(url), EgressContext.ENDPOINT)
                .timeout(30, java.util.concurrent.TimeUnit.SECONDS);
        return token == null ? request : request.headers(h -> h.put("Authorization", "Bearer " + token));
    }
}
