package dev.portcullis.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** A tool's form from its schema, and its arguments read back with the schema's types. */
class ToolFormTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final McpSchema.Tool TOOL = McpSchema.Tool.builder().name("t").description("d").inputSchema(Map.of(
            "type", "object", "required", List.of("text", "count"),
            "properties", Map.of(
                    "text", Map.of("type", "string", "description", "Say what"),
                    "count", Map.of("type", "integer"),
                    "ratio", Map.of("type", "number"),
                    "loud", Map.of("type", "boolean"),
                    "mood", Map.of("type", "string", "enum", List.of("calm", "angry")),
                    "extra", Map.of("type", "object")))).build();

    @Test
    void each_property_gets_the_field_its_type_asks_for() {
        ToolForm form = ToolForm.of(TOOL);
        assertThat(form.fields()).extracting(ToolForm.Field::name, ToolForm.Field::kind).contains(
                org.assertj.core.groups.Tuple.tuple("text", ToolForm.Kind.TEXT), org.assertj.core.groups.Tuple.tuple("count", ToolForm.Kind.INTEGER),
                org.assertj.core.groups.Tuple.tuple("ratio", ToolForm.Kind.NUMBER), org.assertj.core.groups.Tuple.tuple("loud", ToolForm.Kind.BOOLEAN),
                org.assertj.core.groups.Tuple.tuple("mood", ToolForm.Kind.CHOICE), org.assertj.core.groups.Tuple.tuple("extra", ToolForm.Kind.JSON));
        assertThat(form.fields()).filteredOn(ToolForm.Field::required).extracting(ToolForm.Field::name)
                .containsExactlyInAnyOrder("text", "count");
    }

    @Test
    void values_are_read_with_their_types_and_empty_optional_ones_left_out() {
        ToolForm.Read read = ToolForm.of(TOOL).read(Map.of("text", List.of("hi"), "count", List.of(" 3"), "ratio", List.of("0.5"),
                "loud", List.of("true"), "mood", List.of(""), "extra", List.of("{\"a\": [1]}")), JSON);
        assertThat(read.problems()).isEmpty();
        assertThat(read.arguments()).containsExactlyInAnyOrderEntriesOf(Map.of("text", "hi", "count", 3L, "ratio", 0.5,
                "loud", true, "extra", Map.of("a", List.of(1))));
    }

    @Test
    void what_cannot_be_read_is_named_field_by_field() {
        ToolForm.Read read = ToolForm.of(TOOL).read(Map.of("count", List.of("three"), "ratio", List.of("x"),
                "extra", List.of("{not json")), JSON);
        assertThat(read.problems()).containsExactlyInAnyOrderEntriesOf(Map.of("text", "Required", "count", "Enter a whole number",
                "ratio", "Enter a number", "extra", "Enter valid JSON"));
    }
}
