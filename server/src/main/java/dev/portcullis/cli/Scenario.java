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
                java.util.List<Map.Entry<String, Map<String, Object>>> toolCalls, Optional<Enterprise> enterprise) {

    Scenario(String name, Optional<String> clientId, Optional<String> clientSecret, Optional<String> authorizationUrl,
             Optional<String> tokenUrl) {
        this(name, clientId, clientSecret, authorizationUrl, tokenUrl, java.util.List.of());
    }

    Scenario(String name, Optional<String> clientId, Optional<String> clientSecret, Optional<String> authorizationUrl,
             Optional<String> tokenUrl, java.util.List<Map.Entry<String, Map<String, Object>>> toolCalls) {
        this(name, clientId, clientSecret, authorizationUrl, tokenUrl, toolCalls, Optional.empty());
    }

    /**
     * Enterprise-managed authorization (ID-JAG): the identity provider the suite runs, the client it knows the
     * gateway as, and the signed-in person's ID token. {@code serverIssuer} is the MCP server's authorization
     * server, looked up by the operator (see {@link ConformanceClientCommand#withPinnedEndpoints}).
     */
    record Enterprise(String idpIssuer, String idpTokenUrl, String idpClientId, String idToken, Optional<String> serverIssuer) {
        Enterprise withServerIssuer(String issuer) {
            return new Enterprise(idpIssuer, idpTokenUrl, idpClientId, idToken, Optional.of(issuer));
        }

        @Override
        public String toString() {
            return "Enterprise[" + idpIssuer + ", ID token redacted]";
        }
    }

    static Scenario of(String name, Optional<String> contextJson) {
        JsonNode context = contextJson.filter(s -> !s.isBlank()).map(s -> JsonMapper.builder().build().readTree(s))
                .filter(JsonNode::isObject).orElse(null);
        Optional<Enterprise> enterprise = text(context, "idp_id_token").flatMap(token -> text(context, "idp_issuer")
                .flatMap(issuer -> text(context, "idp_token_endpoint").flatMap(url -> text(context, "idp_client_id")
                        .map(client -> new Enterprise(issuer, url, client, token, Optional.empty())))));
        return new Scenario(name, text(context, "client_id"), text(context, "client_secret"),
                text(context, "authorization_url"), text(context, "token_url"), toolCalls(context), enterprise);
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
