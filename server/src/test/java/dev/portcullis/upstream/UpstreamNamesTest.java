package dev.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.portcullis.config.McpServerConfig;
import dev.portcullis.identity.Caller;
import dev.portcullis.testing.Peers;
import dev.portcullis.testing.TestConfigs;
import dev.portcullis.upstream.stdio.StdioProcessTransport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/** Names from upstream servers are data: checked, and dropped with a warning and a count when bad. */
class UpstreamNamesTest {
    private static final JacksonMcpJsonMapper JSON = new JacksonMcpJsonMapper(JsonMapper.builder().build());
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final UpstreamNames names = new UpstreamNames(metrics, java.util.Set.of("s"));
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final ch.qos.logback.classic.Logger logger =
            (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(UpstreamNames.class);

    @BeforeEach
    void captureLog() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        logger.detachAppender(log);
    }

    private static McpSchema.Tool tool(String name) {
        return tool(name, "d");
    }

    /** As the SDK reads it off the wire, which, unlike its builders, takes any name. */
    private static McpSchema.Tool tool(String name, String description) {
        Map<String, Object> tool = new java.util.HashMap<>(Map.of("description", description, "inputSchema", Map.of("type", "object")));
        tool.put("name", name);
        return JSON.convertValue(tool, McpSchema.Tool.class);
    }

    private static McpSchema.Resource resource(String uri, String name) {
        return JSON.convertValue(Map.of("uri", uri, "name", name), McpSchema.Resource.class);
    }

    private double dropped(String kind, String reason) {
        var counter = metrics.find(UpstreamNames.METRIC).tag("server", "s").tag("kind", kind).tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private List<String> kept(List<McpSchema.Tool> tools) {
        return names.tools("s", tools).stream().map(McpSchema.Tool::name).toList();
    }

    @Test
    void a_user_servers_drops_are_counted_under_one_label_never_its_name() {
        names.tools("bobs-private-server", List.of(tool("", "empty")));

        assertThat(metrics.find(UpstreamNames.METRIC).tag("server", "bobs-private-server").counter()).isNull();
        assertThat(metrics.find(UpstreamNames.METRIC).tag("server", UpstreamNames.USER_SERVER_LABEL).counter().count())
                .isEqualTo(1);
    }

    @Test
    void good_tool_names_are_kept_in_order_and_the_same_list_comes_back() {
        List<McpSchema.Tool> tools = List.of(tool("echo"), tool("get-sum"), tool("a.b_C-9"), tool("x".repeat(128)));
        assertThat(names.tools("s", tools)).isSameAs(tools);
        assertThat(metrics.getMeters()).isEmpty();
        assertThat(log.list).isEmpty();
    }

    @Test
    void empty_and_missing_tool_names_are_dropped() {
        assertThat(kept(List.of(tool("ok"), tool(""), tool(null)))).containsExactly("ok");
        assertThat(dropped("tool", "empty")).isEqualTo(2);
    }

    @Test
    void tool_names_longer_than_128_characters_are_dropped() {
        assertThat(kept(List.of(tool("x".repeat(129)), tool("ok")))).containsExactly("ok");
        assertThat(dropped("tool", "too_long")).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"with space", "a/b", "a:b", "<script>", "caf\u00e9", "a\nb", "a\u202eb", "a\u0000"})
    void tool_names_with_characters_outside_the_mcp_guidance_are_dropped(String name) {
        assertThat(kept(List.of(tool(name), tool("ok")))).containsExactly("ok");
        assertThat(dropped("tool", "characters")).isEqualTo(1);
    }

    @Test
    void of_repeated_names_the_first_is_kept() {
        List<McpSchema.Tool> kept = names.tools("s", List.of(tool("echo", "first"), tool("sum"), tool("echo", "second")));
        assertThat(kept).extracting(McpSchema.Tool::name).containsExactly("echo", "sum");
        assertThat(kept.getFirst().description()).isEqualTo("first");
        assertThat(dropped("tool", "duplicate")).isEqualTo(1);
    }

    @Test
    void names_differing_only_in_case_are_different_names() {
        assertThat(kept(List.of(tool("Echo"), tool("echo")))).containsExactly("Echo", "echo");
    }

    @Test
    void the_warning_names_the_server_and_shows_the_bad_name_escaped_and_cut() {
        String forged = "x\r\n2026-01-01 ERROR forged line \u001b[31m" + "y".repeat(300);
        names.tools("s", List.of(tool(forged)));
        assertThat(log.list).hasSize(1);
        ILoggingEvent event = log.list.getFirst();
        assertThat(event.getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
        String line = event.getFormattedMessage();
        assertThat(line).contains("'s'").contains("tool").contains("too long")
                .doesNotContain("\r").doesNotContain("\n").doesNotContain("\u001b").doesNotContain("y".repeat(100))
                .contains("\\u000d\\u000a").contains(forged.length() + " characters in all");
    }

    @Test
    void escaping_keeps_printable_ascii_and_escapes_quotes_and_everything_else() {
        assertThat(UpstreamNames.escaped("get-sum")).isEqualTo("\"get-sum\"");
        assertThat(UpstreamNames.escaped("a\"b\\c")).isEqualTo("\"a\\u0022b\\u005cc\"");
        assertThat(UpstreamNames.escaped("\u00e9")).isEqualTo("\"\\u00e9\"");
        assertThat(UpstreamNames.escaped(null)).isEqualTo("(none)");
    }

    @Test
    void prompts_follow_the_tool_name_rule() {
        List<McpSchema.Prompt> prompts = List.of(new McpSchema.Prompt("simple-prompt", "d", List.of()),
                new McpSchema.Prompt("has space", "d", List.of()), new McpSchema.Prompt("simple-prompt", "again", List.of()));
        assertThat(names.prompts("s", prompts)).extracting(McpSchema.Prompt::name).containsExactly("simple-prompt");
        assertThat(dropped("prompt", "characters")).isEqualTo(1);
        assertThat(dropped("prompt", "duplicate")).isEqualTo(1);
    }

    @Test
    void resources_need_an_absolute_printable_uri_and_a_clean_name_and_are_unique_by_uri() {
        List<McpSchema.Resource> resources = List.of(
                resource("demo://resource/static/document/architecture.md", "architecture.md"),
                resource("file:///tmp/Some%20File.txt", "Some File.txt"),
                resource("relative/path", "relative"),
                resource("demo://has space", "space"),
                resource("demo://" + "x".repeat(UpstreamNames.MAX_URI_LENGTH), "long"),
                resource("demo://fine", "line\nbreak"),
                resource("demo://fine", "look\u202ealike"),
                resource("demo://fine", "para\u2028graph"),
                resource("demo://fine", "half\ud800pair"),
                resource("demo://other", "n".repeat(UpstreamNames.MAX_DISPLAY_NAME_LENGTH + 1)),
                resource("demo://resource/static/document/architecture.md", "again"));
        assertThat(names.resources("s", resources)).extracting(McpSchema.Resource::uri)
                .containsExactly("demo://resource/static/document/architecture.md", "file:///tmp/Some%20File.txt");
        assertThat(dropped("resource", "malformed")).isEqualTo(1);
        assertThat(dropped("resource", "characters")).isEqualTo(5);
        assertThat(dropped("resource", "too_long")).isEqualTo(2);
        assertThat(dropped("resource", "duplicate")).isEqualTo(1);
    }

    /** The SDK refuses a resource without a name before the gateway sees it; the rule holds anyway. */
    @Test
    void a_display_name_must_not_be_empty() {
        assertThat(UpstreamNames.displayName("")).contains(UpstreamNames.Problem.EMPTY);
        assertThat(UpstreamNames.displayName(null)).contains(UpstreamNames.Problem.EMPTY);
        assertThat(UpstreamNames.displayName("Resource 1")).isEmpty();
    }

    @Test
    void resource_templates_may_use_braces_but_need_a_scheme() {
        List<McpSchema.ResourceTemplate> templates = List.of(
                McpSchema.ResourceTemplate.builder().uriTemplate("demo://resource/dynamic/text/{resourceId}").name("Dynamic Text").build(),
                McpSchema.ResourceTemplate.builder().uriTemplate("{scheme}://x").name("no scheme").build(),
                McpSchema.ResourceTemplate.builder().uriTemplate("demo://a|b/{id}").name("pipe").build());
        assertThat(names.resourceTemplates("s", templates)).extracting(McpSchema.ResourceTemplate::uriTemplate)
                .containsExactly("demo://resource/dynamic/text/{resourceId}");
        assertThat(dropped("resource_template", "malformed")).isEqualTo(1);
        assertThat(dropped("resource_template", "characters")).isEqualTo(1);
    }

    /** The rules are safe and not too strict: everything the reference server lists passes untouched. */
    @Test
    void every_name_the_real_server_everything_lists_passes() {
        McpServerConfig config = TestConfigs.fromYaml("mcpServers:\n  e:\n    command: node\n    args: [\""
                + Peers.serverEverything() + "\", stdio]\n", Path.of(".")).mcpServers().get("e");
        ResolvedServer server = new ServerResolver(Map.of(), 1 << 20).resolve(config,
                new Caller("alice", "USER", Optional.empty(), Optional.empty(), List.of()), Map.of());
        McpSyncClient client = McpClient.sync(new StdioProcessTransport(((ResolvedServer.Stdio) server.endpoint()).launch(), JSON,
                new dev.portcullis.upstream.stdio.ChildProcesses()))
                .requestTimeout(Duration.ofSeconds(30)).initializationTimeout(Duration.ofSeconds(30)).build();
        try {
            client.initialize();
            List<McpSchema.Tool> tools = client.listTools().tools();
            List<McpSchema.Prompt> prompts = client.listPrompts().prompts();
            List<McpSchema.Resource> resources = client.listResources().resources();
            List<McpSchema.ResourceTemplate> templates = client.listResourceTemplates().resourceTemplates();
            assertThat(tools).isNotEmpty();
            assertThat(prompts).isNotEmpty();
            assertThat(resources).isNotEmpty();
            assertThat(templates).isNotEmpty();
            assertThat(names.tools("e", tools)).isSameAs(tools);
            assertThat(names.prompts("e", prompts)).isSameAs(prompts);
            assertThat(names.resources("e", resources)).isSameAs(resources);
            assertThat(names.resourceTemplates("e", templates)).isSameAs(templates);
            assertThat(log.list).isEmpty();
        } finally {
            client.closeGracefully();
        }
    }
}
