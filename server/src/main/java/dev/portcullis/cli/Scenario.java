package dev.portcullis.cli;

import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One conformance scenario as the suite describes it to the client: its name
 * ({@code MCP_CONFORMANCE_SCENARIO}) and its context ({@code MCP_CONFORMANCE_CONTEXT}, JSON), from
 * which pre-registered client credentials and, when given, pinned endpoints are read.
 */
record Scenario(String name, Optional<String> clientId, Optional<String> clientSecret,
                Optional<String> authorizationUrl, Optional<String> tokenUrl,
                java.util.List<Map.Entry<String, Map<String, Object>>> toolCalls) {

    Scenario(String name, Optional<String> clientId, Optional<String> clientSecret, Optional<String> authorizationUrl,
             Optional<String> tokenUrl) {
        this(name, clientId, clientSecret, authorizationUrl, tokenUrl, java.util.List.of());
    }

    static Scenario of(String name, Optional<String> contextJson) {
        JsonNode context = contextJson.filter(s -> !s.isBlank()).map(s -> JsonMapper.builder().build().readTree(s))
                .filter(JsonNode::isObject).orElse(null);
        return new Scenario(name, text(context, "client_id"), text(context, "client_secret"),
                text(context, "authorization_url"), text(context, "token_url"), toolCalls(context));
    }

    /** The calls a scenario's context asks for ({@code toolCalls: [{name, arguments}]}), in order. */
    @SuppressWarnings("unchecked")
    private static java.util.List<Map.Entry<String, Map<String, Object>>> toolCalls(JsonNode context) {
        if (context == null || !context.path("toolCalls").isArray()) {
            return java.util.List.of();
        }
        JsonMapper json = JsonMapper.builder().build();
        return context.get("toolCalls").valueStream().filter(c -> c.path("name").isString())
                .map(c -> Map.entry(c.get("name").asString(), c.path("arguments").isObject()
                        ? (Map<String, Object>) json.convertValue(c.get("arguments"), Map.class) : Map.<String, Object>of()))
                .toList();
    }

    private static Optional<String> text(JsonNode context, String field) {
        if (context == null || !context.hasNonNull(field) || !context.get(field).isString()) {
            return Optional.empty();
        }
        return Optional.of(context.get(field).asString());
    }

    boolean isAuth() {
        return name.startsWith("auth/");
    }

    /**
     * Scenarios whose server asks the user during a call on the session's listening stream rather than the
     * call's own (its tool sends {@code elicitation/create} without tying it to the call): an operator connects
     * such a server per user, the only way the gateway can give the question to the right call.
     */
    boolean asksOnItsOwnStream() {
        return name.equals("elicitation-sep1034-client-defaults");
    }

    /** Scenarios whose server checks how the client treats each of its tools: every tool listed is called. */
    boolean callsEveryTool() {
        return name.equals("sep-2322-client-request-state");
    }

    /** The tool this scenario's server expects to be called, with its arguments; empty: the first one listed. */
    Optional<Map.Entry<String, Map<String, Object>>> expectedTool() {
        if (name.equals("tools_call")) {
            return Optional.of(Map.entry("add_numbers", Map.of("a", 5, "b", 3)));
        }
        if (isAuth()) {
            return Optional.of(Map.entry("test-tool", Map.of()));
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "Scenario[" + name + (clientId.isPresent() ? ", pre-registered client" : "") + "]";
    }
}
