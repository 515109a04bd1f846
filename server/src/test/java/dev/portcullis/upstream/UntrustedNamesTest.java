package dev.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.Gateway;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.identity.TokenMinter;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.TestConfigs;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.StringRequestContent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway in front of a stdio server that lists tools with bad, repeated and delimiter-bearing
 * names (test resource fixtures/odd-names-server.js), through the HTTP API and /metrics.
 */
class UntrustedNamesTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path dir;
    static Gateway gateway;
    static Http http;
    static PortcullisConfig config;
    static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();
    static final ch.qos.logback.classic.Logger ROOT =
            (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeAll
    static void start() throws URISyntaxException {
        LOG.start();
        ROOT.addAppender(LOG);
        Path fixture = Path.of(UntrustedNamesTest.class.getResource("/fixtures/odd-names-server.js").toURI());
        config = TestConfigs.fromYaml("""
                server: {port: 0}
                auth: {secret: %s}
                mcpServers:
                  c:
                    command: node
                    args: ["%s"]
                    startup: false
                """.formatted(TestConfigs.SECRET, fixture), dir);
        gateway = Gateway.start(config);
        http = new Http(gateway.port());
    }

    @AfterAll
    static void stop() throws Exception {
        ROOT.detachAppender(LOG);
        http.close();
        gateway.close();
    }

    private static String token() {
        return new TokenMinter(TestConfigs.SECRET.getBytes(StandardCharsets.UTF_8), config.auth(), Clock.systemUTC())
                .mint(new TokenMinter.Claims("alice", "USER", Optional.empty(), Optional.empty(), Duration.ofMinutes(10)));
    }

    private static JsonNode tools() {
        ContentResponse r = Http.send(http.request("/api/mcp/tools").headers(h -> h.put("Authorization", "Bearer " + token()))
                .timeout(60, TimeUnit.SECONDS));
        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(200);
        return JSON.readTree(r.getContentAsString()).at("/servers/c/tools");
    }

    @Test
    void only_well_named_tools_are_listed_and_of_a_repeated_name_the_first() {
        JsonNode tools = tools();
        assertThat(tools.valueStream().map(t -> t.get("name").asString()).toList()).containsExactly("a_mcp_b", "dup", "ok");
        assertThat(tools.get(1).get("description").asString()).isEqualTo("first");
    }

    @Test
    void a_tool_named_with_the_delimiter_gets_a_key_that_splits_back_at_the_last_one() {
        List<String> keys = tools().valueStream().map(t -> t.get("pluginKey").asString()).toList();
        assertThat(keys).contains("a_mcp_b_mcp_c");
        assertThat(dev.portcullis.config.ToolKey.parse("a_mcp_b_mcp_c"))
                .contains(new dev.portcullis.config.ToolKey("a_mcp_b", "c"));
        ContentResponse call = Http.send(http.request("/api/mcp/c/tools/a_mcp_b/call").method("POST")
                .headers(h -> h.put("Authorization", "Bearer " + token()))
                .body(new StringRequestContent("application/json", "{\"arguments\":{}}")).timeout(60, TimeUnit.SECONDS));
        assertThat(call.getStatus()).as(call.getContentAsString()).isEqualTo(200);
        assertThat(JSON.readTree(call.getContentAsString()).at("/content/0/text").asString()).isEqualTo("called a_mcp_b");
    }

    @Test
    void a_dropped_tool_cannot_be_called() {
        ContentResponse call = Http.send(http.request("/api/mcp/c/tools/fetch%20url/call").method("POST")
                .headers(h -> h.put("Authorization", "Bearer " + token()))
                .body(new StringRequestContent("application/json", "{}")).timeout(60, TimeUnit.SECONDS));
        assertThat(call.getStatus()).as(call.getContentAsString()).isEqualTo(404);
    }

    @Test
    void drops_are_counted_by_server_kind_and_reason() {
        tools();
        String metrics = http.get("/metrics").getContentAsString();
        assertThat(metrics)
                .contains("portcullis_upstream_names_dropped_total{kind=\"tool\",reason=\"characters\",server=\"c\"} 2.0")
                .contains("portcullis_upstream_names_dropped_total{kind=\"tool\",reason=\"too_long\",server=\"c\"} 1.0")
                .contains("portcullis_upstream_names_dropped_total{kind=\"tool\",reason=\"empty\",server=\"c\"} 1.0")
                .contains("portcullis_upstream_names_dropped_total{kind=\"tool\",reason=\"duplicate\",server=\"c\"} 1.0");
    }

    /** Neither the gateway nor the SDK below it writes a name as it came: a line break in one would forge a log line. */
    @Test
    void no_log_line_carries_a_bad_name_raw() {
        tools();
        List<String> lines;
        synchronized (LOG) {
            lines = LOG.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
        assertThat(lines).noneMatch(line -> line.contains("evil\r\nforged") || line.contains("x".repeat(129)));
        assertThat(lines).anyMatch(line -> line.contains("\"evil\\u000d\\u000aforged\""));
    }
}
