package dev.portcullis.upstream;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A client's answer to a server's form elicitation, as the server gets it. MCP 2025-11-25 (SEP-1034)
 * lets a form's fields declare a {@code default}; a person who accepts the form without touching a
 * field means its default, so the gateway — which shows no form itself but stands where the client
 * stands — fills in every default the accepted {@code content} leaves out, then checks the content
 * against the requested schema, so that a server only ever receives what its form allows.
 *
 * <p>Only defaults of the kinds the specification's form fields have are applied — a string, a number,
 * an integer, a boolean, an enum's value, and a multi-select's list of values (2025-11-25) — and only
 * one that fits its own field: a server's default of another shape is not passed off as the person's
 * answer. The content is checked for the field types, enums ({@code enum}, {@code oneOf}/{@code anyOf}
 * {@code const}s), lengths, bounds and required fields; string {@code format}s are the server's to check.
 * Fields the form does not declare may carry only the values the specification's content has (strings,
 * numbers, booleans, lists of strings). Declined, cancelled and URL-mode answers pass unchanged.
 */
public final class ElicitationAnswers {
    private static final Set<String> ACTIONS = Set.of("accept", "decline", "cancel");

    /** An accepted answer that does not fit the form; {@link #problems()} names each field and what to fix. */
    public static final class Invalid extends RuntimeException {
        private final List<String> problems;

        Invalid(List<String> problems) {
            super("The answer does not fit the requested form: " + String.join("; ", problems), null, false, false);
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }

        /**
         * The error the server gets: what the MCP SDKs answer for content that fails the requested schema
         * ({@code -32602}), so a server reads it as a client's refusal of its form.
         */
        public RpcError toRpcError() {
            return new RpcError(RpcError.INVALID_PARAMS, getMessage());
        }
    }

    private ElicitationAnswers() {
    }

    /**
     * The client's answer to {@code method}, with the form's defaults filled in when it is an accepted
     * form elicitation; any other answer is returned as it is.
     *
     * @throws Invalid when an accepted form's content does not fit the requested schema, or the action is unknown
     */
    public static Map<String, Object> complete(String method, Map<String, Object> params, Map<String, Object> result) {
        if (!ServerRequests.ELICITATION.equals(method) || result == null) {
            return result;
        }
        Object action = result.get("action");
        if (!(action instanceof String a) || !ACTIONS.contains(a)) {
            throw new Invalid(List.of("'action' must be \"accept\", \"decline\" or \"cancel\""));
        }
        if (!"accept".equals(a) || "url".equals(ServerRequests.elicitationMode(params))) {
            return result;
        }
        Object given = result.get("content");
        if (given != null && !(given instanceof Map<?, ?>)) {
            throw new Invalid(List.of("'content' must be an object of the form's fields"));
        }
        Map<String, Object> schema = params.get("requestedSchema") instanceof Map<?, ?> s ? RelayedCalls.asMap(s) : Map.of();
        Map<String, Object> fields = schema.get("properties") instanceof Map<?, ?> p ? RelayedCalls.asMap(p) : Map.of();
        Map<String, Object> content = new LinkedHashMap<>();
        if (given instanceof Map<?, ?> g) {
            g.forEach((k, v) -> {
                if (v != null) { // the specification's content has no null: a field sent as null is a field left out
                    content.put(String.valueOf(k), v);
                }
            });
        }
        List<String> problems = new ArrayList<>();
        fields.forEach((name, field) -> {
            if (!content.containsKey(name) && field instanceof Map<?, ?> f && f.containsKey("default")) {
                Object value = f.get("default");
                if (value != null && check(name, RelayedCalls.asMap(f), value).isEmpty()) {
                    content.put(name, value);
                }
            }
        });
        if (schema.get("required") instanceof List<?> required) {
            required.stream().map(String::valueOf).filter(name -> !content.containsKey(name))
                    .forEach(name -> problems.add("'" + name + "' is required"));
        }
        content.forEach((name, value) -> {
            Optional<String> problem = fields.get(name) instanceof Map<?, ?> f ? check(name, RelayedCalls.asMap(f), value)
                    : contentValue(name, value);
            problem.ifPresent(problems::add);
        });
        if (!problems.isEmpty()) {
            throw new Invalid(problems);
        }
        Map<String, Object> completed = new LinkedHashMap<>(result);
        completed.put("content", content);
        return completed;
    }

    /**
     * Asks the client and completes its answer: the one way a client's answer to a server's request
     * reaches the server. An answer that does not fit the form is the server's {@code -32602} error.
     */
    public static CompletableFuture<Map<String, Object>> ask(CallObserver client, String method, Map<String, Object> params) {
        return client.ask(method, params).thenApply(answer -> {
            try {
                return complete(method, params, answer);
            } catch (Invalid e) {
                throw e.toRpcError();
            }
        });
    }

    /** What is wrong with one field's value, by the field's schema. */
    private static Optional<String> check(String name, Map<String, Object> field, Object value) {
        String type = field.get("type") instanceof String t ? t : "";
        return switch (type) {
            case "string" -> value instanceof String s ? text(name, field, s) : wrongType(name, "a string", value);
            case "number" -> value instanceof Number n ? bounds(name, field, n) : wrongType(name, "a number", value);
            case "integer" -> value instanceof Number n && integral(n) ? bounds(name, field, n) : wrongType(name, "an integer", value);
            case "boolean" -> value instanceof Boolean ? Optional.empty() : wrongType(name, "true or false", value);
            case "array" -> value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)
                    ? choices(name, field, list) : wrongType(name, "a list of strings", value);
            default -> contentValue(name, value);
        };
    }

    private static Optional<String> text(String name, Map<String, Object> field, String value) {
        List<Object> allowed = allowed(field);
        if (!allowed.isEmpty() && !allowed.contains(value)) {
            return Optional.of("'" + name + "' must be one of " + quoted(allowed));
        }
        int length = value.codePointCount(0, value.length());
        if (field.get("minLength") instanceof Number min && length < min.longValue()) {
            return Optional.of("'" + name + "' must be at least " + min + " characters long");
        }
        if (field.get("maxLength") instanceof Number max && length > max.longValue()) {
            return Optional.of("'" + name + "' must be at most " + max + " characters long");
        }
        return Optional.empty();
    }

    private static Optional<String> bounds(String name, Map<String, Object> field, Number value) {
        BigDecimal v = decimal(value);
        if (field.get("minimum") instanceof Number min && v.compareTo(decimal(min)) < 0) {
            return Optional.of("'" + name + "' must be at least " + min);
        }
        if (field.get("maximum") instanceof Number max && v.compareTo(decimal(max)) > 0) {
            return Optional.of("'" + name + "' must be at most " + max);
        }
        return Optional.empty();
    }

    /** A multi-select: each value one of the items' choices, as many as the field allows. */
    private static Optional<String> choices(String name, Map<String, Object> field, List<?> values) {
        List<Object> allowed = field.get("items") instanceof Map<?, ?> items ? allowed(RelayedCalls.asMap(items)) : List.of();
        List<?> stray = values.stream().filter(v -> !allowed.isEmpty() && !allowed.contains(v)).toList();
        if (!stray.isEmpty()) {
            return Optional.of("'" + name + "' may hold only " + quoted(allowed));
        }
        if (field.get("minItems") instanceof Number min && values.size() < min.longValue()) {
            return Optional.of("'" + name + "' needs at least " + min + " choices");
        }
        if (field.get("maxItems") instanceof Number max && values.size() > max.longValue()) {
            return Optional.of("'" + name + "' allows at most " + max + " choices");
        }
        return Optional.empty();
    }

    /** A field's choices: {@code enum}, or the {@code const}s of {@code oneOf} / {@code anyOf} (titled enums). */
    private static List<Object> allowed(Map<String, Object> field) {
        if (field.get("enum") instanceof List<?> values) {
            return List.copyOf(values.stream().filter(Objects::nonNull).toList());
        }
        List<Object> consts = new ArrayList<>();
        for (String key : List.of("oneOf", "anyOf")) {
            if (field.get(key) instanceof List<?> options) {
                options.stream().filter(o -> o instanceof Map<?, ?> m && m.get("const") != null)
                        .forEach(o -> consts.add(((Map<?, ?>) o).get("const")));
            }
        }
        return consts;
    }

    /** A field the form does not type: any value MCP's content has (a string, number, boolean or list of strings). */
    private static Optional<String> contentValue(String name, Object value) {
        boolean fits = value instanceof String || value instanceof Number || value instanceof Boolean
                || value instanceof List<?> list && list.stream().allMatch(String.class::isInstance);
        return fits ? Optional.empty() : wrongType(name, "a string, number, boolean or list of strings", value);
    }

    /** Names the JSON type received, never the value: an answer is the person's own. */
    private static Optional<String> wrongType(String name, String wanted, Object value) {
        String got = switch (value) {
            case String _ -> "a string";
            case Boolean _ -> "a boolean";
            case Number _ -> "a number";
            case List<?> _ -> "a list";
            case Map<?, ?> _ -> "an object";
            default -> "another value";
        };
        return Optional.of("'" + name + "' must be " + wanted + ", not " + got);
    }

    /** 30 and 30.0 are both integers (JSON Schema counts the value, not its spelling). */
    private static boolean integral(Number n) {
        return switch (n) {
            case Integer _ -> true;
            case Long _ -> true;
            case Short _ -> true;
            case Byte _ -> true;
            case BigInteger _ -> true;
            case Double d -> !d.isInfinite() && !d.isNaN() && d == Math.rint(d);
            case Float f -> !f.isInfinite() && !f.isNaN() && f == Math.rint(f);
            case BigDecimal d -> d.stripTrailingZeros().scale() <= 0;
            default -> false;
        };
    }

    private static BigDecimal decimal(Number n) {
        return switch (n) {
            case BigDecimal d -> d;
            case BigInteger b -> new BigDecimal(b);
            case Double d when d.isInfinite() || d.isNaN() -> BigDecimal.ZERO;
            case Float f when f.isInfinite() || f.isNaN() -> BigDecimal.ZERO;
            default -> new BigDecimal(n.toString());
        };
    }

    private static String quoted(List<Object> values) {
        return String.join(", ", values.stream().map(v -> "\"" + v + "\"").toList());
    }
}
