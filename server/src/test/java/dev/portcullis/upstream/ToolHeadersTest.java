package dev.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ToolHeadersTest {
    private static Map<String, Object> schema(Map<String, Object> properties) {
        return Map.of("type", "object", "properties", properties);
    }

    @Test
    void designated_parameters_become_headers_and_others_do_not() {
        Map<String, Object> s = schema(Map.of("region", Map.of("type", "string", "x-mcp-header", "Region"),
                "count", Map.of("type", "integer", "x-mcp-header", "Count"), "note", Map.of("type", "string")));
        assertThat(ToolHeaders.of(s, Map.of("region", "eu-west-1", "count", 3, "note", "x")))
                .containsExactlyInAnyOrderEntriesOf(Map.of("Mcp-Param-Region", "eu-west-1", "Mcp-Param-Count", "3"));
        assertThat(ToolHeaders.of(s, Map.of("note", "x"))).as("absent or null values send no header").isEmpty();
    }

    @Test
    void values_a_header_cannot_carry_as_they_are_go_base64() {
        assertThat(ToolHeaders.encode("plain value")).isEqualTo("plain value");
        assertThat(ToolHeaders.encode(" padded")).isEqualTo("=?base64?IHBhZGRlZA==?=");
        assertThat(ToolHeaders.encode("Zürich")).isEqualTo("=?base64?WsO8cmljaA==?=");
        assertThat(ToolHeaders.encode("a\r\nInjected: 1")).startsWith("=?base64?").doesNotContain("\n");
        assertThat(ToolHeaders.encode("=?base64?YWRtaW4=?=")).as("a value that looks encoded is encoded")
                .isEqualTo("=?base64?PT9iYXNlNjQ/WVdSdGFXND0/PQ==?=");
        assertThat(ToolHeaders.of(Map.of("properties", Map.of("r", Map.of("type", "string", "x-mcp-header", "R"))),
                Map.of("r", "x".repeat(9000)))).as("too long for a header: left out").isEmpty();
    }

    @Test
    void designations_the_revision_forbids_make_the_tool_invalid() {
        assertThat(ToolHeaders.valid(schema(Map.of("r", Map.of("type", "string", "x-mcp-header", "Region"))))).isTrue();
        assertThat(ToolHeaders.valid(schema(Map.of("r", Map.of("type", "string", "x-mcp-header", ""))))).isFalse();
        assertThat(ToolHeaders.valid(schema(Map.of("r", Map.of("type", "number", "x-mcp-header", "Score"))))).isFalse();
        assertThat(ToolHeaders.valid(schema(Map.of("r", Map.of("type", "object", "x-mcp-header", "Data"))))).isFalse();
        assertThat(ToolHeaders.valid(schema(Map.of("r", Map.of("type", "string", "x-mcp-header", "My Field"))))).isFalse();
        assertThat(ToolHeaders.valid(schema(Map.of("a", Map.of("type", "string", "x-mcp-header", "MyField"),
                "b", Map.of("type", "string", "x-mcp-header", "myfield"))))).isFalse();
        assertThat(ToolHeaders.valid(schema(Map.of("r", Map.of("type", "string", "x-mcp-header", 7))))).isFalse();
    }
}
