package dev.portcullis.console;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.ObjectMapper;

/**
 * The "try a tool" form of one tool, made from its input schema: a field per top-level property (text,
 * number, whole number, yes/no, a choice from an enum, or JSON for anything else), and the arguments read
 * back from what the form sent. The gateway still validates the arguments against the schema, as for any
 * call: the form only helps a person write them.
 */
public record ToolForm(String tool, String description, List<Field> fields) {

    public enum Kind { TEXT, NUMBER, INTEGER, BOOLEAN, CHOICE, JSON }

    /** One field; {@code id} is unique on the page (tool and property). */
    public record Field(String id, String name, String label, String description, Kind kind, boolean required,
                        List<String> choices) {
    }

    /** The arguments, or what to fix, field by field. */
    public record Read(Map<String, Object> arguments, Map<String, String> problems) {
    }

    public static ToolForm of(McpSchema.Tool tool) {
        List<Field> fields = new ArrayList<>();
        Map<String, Object> schema = tool.inputSchema() == null ? Map.of() : tool.inputSchema();
        List<?> required = schema.get("required") instanceof List<?> r ? r : List.of();
        if (schema.get("properties") instanceof Map<?, ?> properties) {
            properties.forEach((key, value) -> {
                String name = String.valueOf(key);
                Map<?, ?> p = value instanceof Map<?, ?> m ? m : Map.of();
                List<String> choices = p.get("enum") instanceof List<?> e ? e.stream().map(String::valueOf).toList() : List.of();
                Kind kind = !choices.isEmpty() ? Kind.CHOICE : switch (String.valueOf(p.get("type"))) {
                    case "string" -> Kind.TEXT;
                    case "number" -> Kind.NUMBER;
                    case "integer" -> Kind.INTEGER;
                    case "boolean" -> Kind.BOOLEAN;
                    default -> Kind.JSON;
                };
                String label = p.get("title") instanceof String t && !t.isBlank() ? t : name;
                String description = p.get("description") instanceof String d ? d : "";
                fields.add(new Field(tool.name() + "--" + name, name, label, description, kind, required.contains(name), choices));
            });
        }
        return new ToolForm(tool.name(), tool.description() == null ? "" : tool.description(), List.copyOf(fields));
    }

    /** Reads the form's values ({@code name} → the values sent); an empty optional field is left out. */
    public Read read(Map<String, List<String>> sent, ObjectMapper json) {
        Map<String, Object> arguments = new LinkedHashMap<>();
        Map<String, String> problems = new LinkedHashMap<>();
        for (Field f : fields) {
            List<String> values = sent.getOrDefault(f.name(), List.of());
            String value = values.isEmpty() ? "" : values.getFirst();
            if (f.kind() == Kind.BOOLEAN) {
                // An unchecked box sends nothing: false when the tool requires the value, absent otherwise.
                if (!values.isEmpty() || f.required()) {
                    arguments.put(f.name(), !values.isEmpty());
                }
                continue;
            }
            if (value.isEmpty()) {
                if (f.required()) {
                    problems.put(f.name(), "Required");
                }
                continue;
            }
            try {
                arguments.put(f.name(), switch (f.kind()) {
                    case NUMBER -> Double.parseDouble(value);
                    case INTEGER -> Long.parseLong(value.strip());
                    case JSON -> json.readValue(value, Object.class);
                    default -> value;
                });
            } catch (RuntimeException e) {
                problems.put(f.name(), switch (f.kind()) {
                    case NUMBER -> "Enter a number";
                    case INTEGER -> "Enter a whole number";
                    default -> "Enter valid JSON";
                });
            }
        }
        return new Read(arguments, problems);
    }
}
