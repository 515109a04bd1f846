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
    private static final java.util.function.Function<String, Object> PARSE = text -> JSON.readValue(text, Object.class);
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
                "loud", List.of("true"), "mood", List.of(""), "extra", List.of("{\"a\": [1]}")), PARSE);
        assertThat(read.problems()).isEmpty();
        assertThat(read.arguments()).containsExactlyInAnyOrderEntriesOf(Map.of("text", "hi", "count", 3L, "ratio", 0.5,
                "loud", true, "extra", Map.of("a", List.of(1))));
    }

    /** The schema is the server's: a huge one gets one JSON field, not a page as big as it wants. */
    @Test
    void a_schema_with_too_many_properties_gets_one_json_field() {
        Map<String, Object> properties = new java.util.LinkedHashMap<>();
        for (int i = 0; i <= ToolForm.MAX_FIELDS; i++) {
            properties.put("p" + i, Map.of("type", "string", "description", "x".repeat(5_000)));
        }
        McpSchema.Tool huge = McpSchema.Tool.builder().name("huge").inputSchema(Map.of("type", "object", "properties", properties,
                "required", List.copyOf(properties.keySet()))).build();
        ToolForm form = ToolForm.of(huge);
        assertThat(form.fields()).singleElement().extracting(ToolForm.Field::kind).isEqualTo(ToolForm.Kind.ALL_JSON);
        assertThat(form.read(Map.of("arguments", List.of("{\"p1\": \"a\"}")), PARSE).arguments()).isEqualTo(Map.of("p1", "a"));
        assertThat(form.read(Map.of("arguments", List.of("[1]")), PARSE).problems()).containsKey("arguments");
        McpSchema.Tool wordy = McpSchema.Tool.builder().name("w").description("d".repeat(10_000)).inputSchema(Map.of("type", "object",
                "properties", Map.of("a", Map.of("type", "string", "description", "x".repeat(10_000))))).build();
        assertThat(ToolForm.of(wordy).description()).hasSizeLessThanOrEqualTo(ToolForm.MAX_TEXT + 1);
        assertThat(ToolForm.of(wordy).fields().getFirst().description()).hasSizeLessThanOrEqualTo(ToolForm.MAX_TEXT + 1);
    }

    @Test
    void what_cannot_be_read_is_named_field_by_field() {
        ToolForm.Read read = ToolForm.of(TOOL).read(Map.of("count", List.of("three"), "ratio", List.of("x"),
                "extra", List.of("{not json")), PARSE);
        assertThat(read.problems()).containsExactlyInAnyOrderEntriesOf(Map.of("text", "Required", "count", "Enter a whole number",
                "ratio", "Enter a number", "extra", "Enter valid JSON (each key once)"));
    }
}
