package dev.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.error.ErrorCode;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** An unknown tool's 404 teaches: the closest names, a short list whole, never a long one. */
class ToolListTest {
    private static ToolList tools(String... names) {
        return new ToolList(java.util.Arrays.stream(names)
                .map(n -> McpSchema.Tool.builder(n, Map.of("type", "object")).build()).toList(), Optional.empty());
    }

    private static String message(ToolList list, String tool) {
        var e = list.noSuchTool("everything", tool);
        assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
        return e.getMessage();
    }

    @Test
    void a_typo_gets_the_closest_names() {
        ToolList list = tools("echo", "get-sum", "get-env", "trigger-long-running-operation");
        assertThat(message(list, "ecoh")).isEqualTo("MCP server 'everything' has no tool 'ecoh'; did you mean 'echo'?");
        assertThat(message(list, "Echo")).endsWith("did you mean 'echo'?");
        assertThat(message(list, "get-sun")).endsWith("did you mean 'get-sum'?");
        assertThat(message(tools("get-sum", "get-sub", "get-env"), "get-suv")).as("nearest first, then by name")
                .endsWith("did you mean 'get-sub' or 'get-sum' or 'get-env'?");
        assertThat(message(list, "trigger-long-running-op")).endsWith("did you mean 'trigger-long-running-operation'?");
    }

    @Test
    void without_a_close_name_a_short_list_is_shown_and_a_long_one_is_not() {
        assertThat(message(tools("echo", "get-sum"), "weather")).endsWith("; its tools: echo, get-sum");
        assertThat(message(tools(), "weather")).endsWith("; it lists no tools");
        ToolList many = tools(IntStream.range(0, 40).mapToObj(i -> "tool-" + i).toArray(String[]::new));
        assertThat(message(many, "weather")).endsWith("; GET /api/mcp/tools lists its 40 tools").doesNotContain("tool-1");
        assertThat(message(many, "tool-x")).as("at most three suggestions").matches(".*did you mean 'tool-\\d' or 'tool-\\d' or 'tool-\\d'\\?");
    }
}
