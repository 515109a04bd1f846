package dev.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A null for an optional parameter is validated as absent; a null for a required one is not. */
class NullArgumentsTest {
    private static final Map<String, Object> SCHEMA = Map.of("type", "object", "required", List.of("query"),
            "properties", Map.of("query", Map.of("type", "string"), "verbose", Map.of("type", "boolean")));

    @Test
    void an_optional_null_is_left_out_of_what_is_validated() {
        Map<String, Object> arguments = new HashMap<>();
        arguments.put("query", "x");
        arguments.put("verbose", null);
        assertThat(ToolService.withoutNullOptionals(SCHEMA, arguments)).containsOnlyKeys("query");
        assertThat(arguments).as("the server still gets what was sent").containsKey("verbose");
    }

    @Test
    void a_required_null_stays_and_fails_validation_as_before() {
        Map<String, Object> arguments = new HashMap<>();
        arguments.put("query", null);
        assertThat(ToolService.withoutNullOptionals(SCHEMA, arguments)).containsKey("query");
    }

    @Test
    void arguments_without_nulls_are_the_same_object() {
        Map<String, Object> arguments = Map.of("query", "x");
        assertThat(ToolService.withoutNullOptionals(SCHEMA, arguments)).isSameAs(arguments);
    }
}
