package dev.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.UpstreamSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class ToolListerTest {
    private static final JacksonMcpJsonMapper JSON = new JacksonMcpJsonMapper(JsonMapper.builder().build());
    private static final UpstreamNames NAMES = new UpstreamNames(new SimpleMeterRegistry(), java.util.Set.of("s"));

    private static UpstreamSettings limits(int pages, int tools, int bytes, Duration time) {
        return dev.portcullis.testing.TestConfigs.fromYaml("upstream: {maxToolPages: " + pages + ", maxTools: " + tools
                + ", maxToolBytes: " + bytes + ", toolListTimeout: " + time.toMillis() + "}\n", java.nio.file.Path.of(".")).upstream();
    }

    private static McpSchema.Tool tool(String name) {
        return McpSchema.Tool.builder(name, Map.of("type", "object")).description("d").build();
    }

    private static List<McpSchema.Tool> tools(int from, int count) {
        return IntStream.range(from, from + count).mapToObj(i -> tool("t" + i)).toList();
    }

    @Test
    void follows_cursors_to_the_end() {
        ToolLister lister = new ToolLister(UpstreamSettings.DEFAULTS, JSON, NAMES);
        ToolList list = lister.list("s", cursor -> cursor == null
                ? new McpSchema.ListToolsResult(tools(0, 3), "p2")
                : new McpSchema.ListToolsResult(tools(3, 2), null));
        assertThat(list.tools()).extracting(McpSchema.Tool::name).containsExactly("t0", "t1", "t2", "t3", "t4");
        assertThat(list.truncated()).isEmpty();
    }

    @Test
    void stops_when_the_server_repeats_a_cursor() {
        AtomicInteger calls = new AtomicInteger();
        ToolList list = new ToolLister(UpstreamSettings.DEFAULTS, JSON, NAMES).list("s", cursor -> {
            calls.incrementAndGet();
            return new McpSchema.ListToolsResult(tools(calls.get() * 10, 1), "same");
        });
        assertThat(calls.get()).isEqualTo(2);
        assertThat(list.tools()).hasSize(2);
        assertThat(list.truncated()).contains("a repeated cursor");
    }

    @Test
    void stops_at_the_page_bound() {
        AtomicInteger page = new AtomicInteger();
        ToolList list = new ToolLister(limits(3, 1000, 1 << 20, Duration.ofSeconds(30)), JSON, NAMES)
                .list("s", cursor -> new McpSchema.ListToolsResult(tools(page.get(), 1), "c" + page.incrementAndGet()));
        assertThat(page.get()).isEqualTo(3);
        assertThat(list.truncated()).hasValueSatisfying(b -> assertThat(b).startsWith("pages"));
    }

    @Test
    void stops_at_the_tool_bound() {
        ToolList list = new ToolLister(limits(20, 4, 1 << 20, Duration.ofSeconds(30)), JSON, NAMES)
                .list("s", cursor -> new McpSchema.ListToolsResult(tools(0, 10), null));
        assertThat(list.tools()).hasSize(4);
        assertThat(list.truncated()).hasValueSatisfying(b -> assertThat(b).startsWith("tools"));
    }

    @Test
    void stops_at_the_byte_bound() {
        McpSchema.Tool huge = McpSchema.Tool.builder("huge", Map.of("type", "object")).description("x".repeat(5000)).build();
        ToolList list = new ToolLister(limits(20, 1000, 4096, Duration.ofSeconds(30)), JSON, NAMES)
                .list("s", cursor -> new McpSchema.ListToolsResult(List.of(tool("small"), huge, tool("after")), null));
        assertThat(list.tools()).extracting(McpSchema.Tool::name).containsExactly("small");
        assertThat(list.truncated()).hasValueSatisfying(b -> assertThat(b).startsWith("bytes"));
    }

    @Test
    void stops_at_the_time_bound() {
        AtomicInteger page = new AtomicInteger();
        ToolList list = new ToolLister(limits(1000, 100_000, 1 << 24, Duration.ofMillis(150)), JSON, NAMES).list("s", cursor -> {
            try {
                Thread.sleep(60);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return new McpSchema.ListToolsResult(tools(page.get(), 1), "c" + page.incrementAndGet());
        });
        assertThat(list.truncated()).hasValueSatisfying(b -> assertThat(b).startsWith("time"));
        assertThat(page.get()).isLessThan(10);
    }

    @Test
    void tools_with_bad_or_repeated_names_are_dropped_across_pages() {
        ToolList list = new ToolLister(UpstreamSettings.DEFAULTS, JSON, NAMES).list("s", cursor -> cursor == null
                ? new McpSchema.ListToolsResult(List.of(tool("echo"), tool("bad name")), "p2")
                : new McpSchema.ListToolsResult(List.of(tool("echo"), tool("sum")), null));
        assertThat(list.tools()).extracting(McpSchema.Tool::name).containsExactly("echo", "sum");
    }

    @Test
    void a_truncated_listing_is_checked_too() {
        ToolList list = new ToolLister(limits(20, 3, 1 << 20, Duration.ofSeconds(30)), JSON, NAMES)
                .list("s", cursor -> new McpSchema.ListToolsResult(List.of(tool("a"), tool("a"), tool("b"), tool("c")), null));
        assertThat(list.tools()).extracting(McpSchema.Tool::name).containsExactly("a", "b");
        assertThat(list.truncated()).hasValueSatisfying(b -> assertThat(b).startsWith("tools"));
    }
}
