package dev.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.ConfigLoader;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.identity.TokenMinter;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.Peers;
import dev.portcullis.testing.TestConfigs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The committed example portcullis.yaml, run against the installed server-everything (the same
 * pinned version, started with node instead of npx): its tool policy hides and refuses the tools
 * that reach out from the gateway host, and every tool the server offers has been reviewed.
 */
class ExampleConfigurationTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Path EXAMPLE = Path.of("..", "portcullis.yaml");
    /** Denied in the example, each with its reason there. */
    private static final Set<String> DENIED = Set.of("gzip-file-as-resource", "get-env");
    /**
     * Reviewed and left on: they compute or return built-in data, or ask the calling client (sampling,
     * elicitation of a form or of a URL the caller gave, roots), which reaches nothing from the host.
     */
    private static final Set<String> REVIEWED_SAFE = Set.of("echo", "get-annotated-message", "get-resource-links",
            "get-resource-reference", "get-structured-content", "get-sum", "get-tiny-image", "toggle-simulated-logging",
            "toggle-subscriber-updates", "trigger-long-running-operation", "simulate-research-query",
            "get-roots-list", "trigger-elicitation-request", "trigger-url-elicitation", "trigger-sampling-request");

    @TempDir
    static Path dir;
    static Gateway gateway;
    static Http http;
    static PortcullisConfig config;

    @BeforeAll
    static void start() throws IOException {
        String example = Files.readString(EXAMPLE);
        String npx = "    command: npx\n    args: [\"-y\", \"@modelcontextprotocol/server-everything@2026.8.31\", \"stdio\"]\n";
        assertThat(example).as("the example still starts server-everything with npx").contains(npx);
        String yaml = example.replace(npx, "    command: node\n    args: [\"" + Peers.serverEverything() + "\", \"stdio\"]\n")
                + "\nauth:\n  secret: " + TestConfigs.SECRET + "\n";
        config = new ConfigLoader(Map.of("PORTCULLIS_PORT", "0")).load("portcullis.yaml", yaml, dir).orThrow();
        gateway = Gateway.start(config);
        http = new Http(gateway.port());
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
        gateway.close();
    }

    private static Request authed(String path) {
        String token = new TokenMinter(TestConfigs.SECRET.getBytes(StandardCharsets.UTF_8), config.auth(), Clock.systemUTC())
                .mint(new TokenMinter.Claims("alice", "USER", Optional.empty(), Optional.empty(), Duration.ofMinutes(10)));
        return http.request(path).headers(h -> h.put("Authorization", "Bearer " + token)).timeout(120, TimeUnit.SECONDS);
    }

    @Test
    void the_tools_that_reach_out_from_the_host_are_not_listed_and_every_listed_tool_was_reviewed() {
        ContentResponse r = Http.send(authed("/api/mcp/tools"));
        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(200);
        List<String> listed = JSON.readTree(r.getContentAsString()).at("/servers/everything/tools").valueStream()
                .map(t -> t.get("name").asString()).toList();
        assertThat(listed).contains("echo").doesNotContainAnyElementsOf(DENIED);
        assertThat(REVIEWED_SAFE).as("a tool of server-everything nobody has reviewed for the example's policy")
                .containsAll(listed);
    }

    @Test
    void calling_a_denied_tool_is_403_tool_not_allowed() {
        for (String tool : DENIED) {
            ContentResponse r = Http.send(authed("/api/mcp/everything/tools/" + tool + "/call").method("POST")
                    .body(new StringRequestContent("application/json",
                            "{\"arguments\":{\"data\":\"http://127.0.0.1:" + gateway.port() + "/healthz\"}}")));
            assertThat(r.getStatus()).as(tool + ": " + r.getContentAsString()).isEqualTo(403);
            JsonNode body = JSON.readTree(r.getContentAsString());
            assertThat(body.get("error").asString()).isEqualTo("TOOL_NOT_ALLOWED");
        }
    }

    @Test
    void the_policy_denies_exactly_the_reviewed_tools() {
        var policy = config.mcpServers().get("everything").toolPolicy();
        assertThat(DENIED).allMatch(tool -> !policy.permits(tool));
        assertThat(REVIEWED_SAFE).allMatch(policy::permits);
    }
}
