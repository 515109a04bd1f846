package dev.portcullis.console;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The "try a tool" form of one tool, made from its input schema: a field per top-level property (text,
 * number, whole number, yes/no, a choice from an enum, or JSON for anything else), and the arguments read
 * back from what the form sent. The gateway still validates the arguments against the schema, as for any
 * call: the form only helps a person write them.
 */
public record ToolForm(String tool, String description, List<Field> fields) {
    /**
     * A schema with more properties than this gets one JSON field for all the arguments: the schema comes from
     * the server, and a form must not become a server's way to make pages of any size.
     */
    static final int MAX_FIELDS = 100;
    /** Descriptions are cut to this many characters. */
    static final int MAX_TEXT = 2_000;
    /** The field that holds every argument as JSON, for a schema too big for a form. */
    public static final String ALL_ARGUMENTS = "arguments";

    public enum Kind { TEXT, NUMBER, INTEGER, BOOLEAN, CHOICE, JSON, ALL_JSON }

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
        java.util.Set<String> required = schema.get("required") instanceof List<?> r
                ? r.stream().map(String::valueOf).collect(java.util.stream.Collectors.toSet()) : java.util.Set.of();
        Map<?, ?> properties = schema.get("properties") instanceof Map<?, ?> p ? p : Map.of();
        if (properties.size() > MAX_FIELDS) {
            fields.add(new Field(tool.name() + "--" + ALL_ARGUMENTS, ALL_ARGUMENTS, "Arguments (JSON)", "This tool takes "
                    + properties.size() + " parameters: write its arguments as one JSON object.", Kind.ALL_JSON, false, List.of()));
        } else {
            properties.forEach((key, value) -> {
                String name = String.valueOf(key);
                Map<?, ?> p = value instanceof Map<?, ?> m ? m : Map.of();
                List<String> choices = p.get("enum") instanceof List<?> e
                        ? e.stream().limit(MAX_FIELDS).map(String::valueOf).map(ToolForm::cut).toList() : List.of();
                Kind kind = !choices.isEmpty() ? Kind.CHOICE : switch (String.valueOf(p.get("type"))) {
                    case "string" -> Kind.TEXT;
                    case "number" -> Kind.NUMBER;
                    case "integer" -> Kind.INTEGER;
                    case "boolean" -> Kind.BOOLEAN;
                    default -> Kind.JSON;
                };
                String label = p.get("title") instanceof String t && !t.isBlank() ? cut(t) : cut(name);
                String description = p.get("description") instanceof String d ? cut(d) : "";
                fields.add(new Field(tool.name() + "--" + name, name, label, description, kind, required.contains(name), choices));
            });
        }
        return new ToolForm(tool.name(), tool.description() == null ? "" : cut(tool.description()), List.copyOf(fields));
    }

    private static String cut(String text) {
        return text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) + "…" : text;
    }

    /** Reads the form's values ({@code name} → the values sent); an empty optional field is left out. */
    public Read read(Map<String, List<String>> sent, java.util.function.Function<String, Object> json) {
        Map<String, Object> arguments = new LinkedHashMap<>();
        Map<String, String> problems = new LinkedHashMap<>();
        if (fields.size() == 1 && fields.getFirst().kind() == Kind.ALL_JSON) {
            List<String> values = sent.getOrDefault(ALL_ARGUMENTS, List.of());
            try {
                Object all = json.apply(values.isEmpty() || values.getFirst().isBlank() ? "{}" : values.getFirst());
                if (all instanceof Map<?, ?> m) {
                    m.forEach((k, v) -> arguments.put(String.valueOf(k), v));
                } else {
                    problems.put(ALL_ARGUMENTS, "Enter a JSON object");
                }
            } catch (RuntimeException e) {
                problems.put(ALL_ARGUMENTS, "Enter valid JSON (each key once)");
            }
            return new Read(arguments, problems);
        }
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
                    case JSON -> json.apply(value);
                    default -> value;
                });
            } catch (RuntimeException e) {
                problems.put(f.name(), switch (f.kind()) {
                    case NUMBER -> "Enter a number";
                    case INTEGER -> "Enter a whole number";
                    default -> "Enter valid JSON (each key once)";
                });
            }
        }
        return new Read(arguments, problems);
    }
}
