package dev.portcullis.upstream;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The headers a 2026-07-28 tool call carries for the parameters its tool designates: a property of the
 * input schema with {@code "x-mcp-header": "Name"} is sent, when the call gives it a string, number or
 * boolean, as {@code Mcp-Param-Name} — as text when it is printable ASCII without surrounding spaces,
 * else as {@code =?base64?…?=} of its UTF-8. A designation the revision does not allow (empty, not a
 * header token, twice in one schema ignoring case) makes the tool's headers none at all.
 */
final class ToolHeaders {
    static final String PREFIX = "Mcp-Param-";
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private ToolHeaders() {
    }

    static Map<String, String> of(Map<String, Object> inputSchema, Map<String, Object> arguments) {
        if (inputSchema == null || !(inputSchema.get("properties") instanceof Map<?, ?> properties)) {
            return Map.of();
        }
        Map<String, String> headers = new LinkedHashMap<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Map.Entry<?, ?> property : properties.entrySet()) {
            if (!(property.getValue() instanceof Map<?, ?> schema) || !schema.containsKey("x-mcp-header")) {
                continue;
            }
            if (!(schema.get("x-mcp-header") instanceof String name) || !TOKEN.matcher(name).matches()
                    || !names.add(name.toLowerCase(Locale.ROOT))) {
                return Map.of();
            }
            Object value = arguments.get(String.valueOf(property.getKey()));
            if (value instanceof String || value instanceof Number || value instanceof Boolean) {
                String encoded = encode(String.valueOf(value));
                if (encoded.length() <= MAX_VALUE) { // longer is left out, as the revision says
                    headers.put(PREFIX + name, encoded);
                }
            }
        }
        return headers;
    }

    /**
     * Whether a tool's designations are all ones the revision allows: a non-empty header token, unique
     * in the schema ignoring case, on a string, integer or boolean property. A tool with any other is left out
     * of the listing (the revision says a client must not call it with headers it cannot send right).
     */
    static boolean valid(Map<String, Object> inputSchema) {
        if (inputSchema == null || !(inputSchema.get("properties") instanceof Map<?, ?> properties)) {
            return true;
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Object value : properties.values()) {
            if (!(value instanceof Map<?, ?> schema) || !schema.containsKey("x-mcp-header")) {
                continue;
            }
            if (!(schema.get("x-mcp-header") instanceof String name) || !TOKEN.matcher(name).matches()
                    || !names.add(name.toLowerCase(Locale.ROOT))
                    || !(schema.get("type") instanceof String type && PRIMITIVE.contains(type))) {
                return false;
            }
        }
        return true;
    }

    /** Where a designation may stand: not on numbers (their text is not one value), objects, arrays or null. */
    private static final java.util.Set<String> PRIMITIVE = java.util.Set.of("string", "integer", "boolean");

    /** The longest header value sent. */
    static final int MAX_VALUE = 8192;

    /**
     * A value as its header carries it. A plain value that merely looks encoded is encoded too, so
     * nothing between the gateway and the server can read it as something else.
     */
    static String encode(String value) {
        boolean plain = value.equals(value.strip()) && value.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)
                && !value.startsWith("=?base64?");
        return plain ? value : "=?base64?" + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) + "?=";
    }
}
