package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code <tool>_mcp_<server>} has one reading, even when a tool's own name contains {@code _mcp_}. */
class ToolKeyTest {
    @Test
    void a_key_is_tool_delimiter_server() {
        assertThat(new ToolKey("echo", "everything").key()).isEqualTo("echo_mcp_everything");
        assertThat(ToolKey.parse("echo_mcp_everything")).contains(new ToolKey("echo", "everything"));
    }

    @Test
    void a_tool_name_containing_the_delimiter_is_split_from_its_server_at_the_last_one() {
        String key = new ToolKey("a_mcp_b", "c").key();
        assertThat(key).isEqualTo("a_mcp_b_mcp_c");
        assertThat(ToolKey.parse(key)).contains(new ToolKey("a_mcp_b", "c"));
        assertThat(ToolKey.admitsServerName("b_mcp_c")).as("the other reading, tool a on server b_mcp_c").isFalse();
    }

    @Test
    void a_tool_name_ending_in_mcp_cannot_borrow_the_start_of_the_server_name() {
        assertThat(new ToolKey("t_mcp", "x").key()).isEqualTo("t_mcp_mcp_x");
        assertThat(ToolKey.parse("t_mcp_mcp_x")).contains(new ToolKey("t_mcp", "x"));
        assertThat(ToolKey.admitsServerName("mcp_x")).as("the other reading, tool t on server mcp_x").isFalse();
    }

    /** Every pair of (tool, admitted server) built from awkward parts comes back as itself. */
    @Test
    void every_key_parses_back_to_the_tool_and_server_it_was_made_of() {
        List<String> parts = List.of("a", "mcp", "_", "_mcp", "mcp_", "_mcp_", "m", "cp", "x.y", "-");
        for (String t1 : parts) {
            for (String t2 : parts) {
                for (String s1 : parts) {
                    for (String s2 : parts) {
                        String tool = t1 + t2;
                        String server = s1 + s2;
                        if (!ToolKey.admitsServerName(server)) {
                            continue;
                        }
                        assertThat(ToolKey.parse(new ToolKey(tool, server).key())).as(tool + " on " + server)
                                .contains(new ToolKey(tool, server));
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"echo", "_mcp_everything", "echo_mcp_", "", "echo_mcp"})
    void a_string_without_a_tool_and_a_server_is_no_key(String key) {
        assertThat(ToolKey.parse(key)).isEqualTo(Optional.empty());
    }

    @Test
    void server_names_with_the_delimiter_or_its_tail_are_refused_by_the_configuration() {
        assertThat(ServerNames.isValid("everything")).isTrue();
        assertThat(ServerNames.isValid("my_mcp_server")).isFalse();
        assertThat(ServerNames.isValid("mcp_tools")).isFalse();
        assertThat(ServerNames.isValid("mcp-tools")).isTrue();
        assertThat(ServerNames.isValid("tools_mcp")).isTrue();
    }
}
