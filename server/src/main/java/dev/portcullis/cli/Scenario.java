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
                java.util.List<Map.Entry<String, Map<String, Object>>> toolCalls, Optional<Machine> machine,
                Optional<Enterprise> enterprise) {

    Scenario(String name, Optional<String> clientId, Optional<String> clientSecret, Optional<String> authorizationUrl,
             Optional<String> tokenUrl) {
        this(name, clientId, clientSecret, authorizationUrl, tokenUrl, java.util.List.of(), Optional.empty(),
                Optional.empty());
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

    /**
     * The gateway signing in as itself (the client credentials and workload identity extensions): the
     * grant the operator would configure, and the key or workload token the suite hands over
     * ({@code private_key_pem}, {@code signing_algorithm}, {@code valid_jwt}).
     */
    record Machine(String grantType, Optional<String> privateKeyPem, Optional<String> signingAlgorithm,
                   Optional<String> workloadToken) {
        @Override
        public String toString() {
            return "Machine[" + grantType + "]";
        }
    }

    static Scenario of(String name, Optional<String> contextJson) {
        JsonNode context = contextJson.filter(s -> !s.isBlank()).map(s -> JsonMapper.builder().build().readTree(s))
                .filter(JsonNode::isObject).orElse(null);
        Optional<Enterprise> enterprise = text(context, "idp_id_token").flatMap(token -> text(context, "idp_issuer")
                .flatMap(issuer -> text(context, "idp_token_endpoint").flatMap(url -> text(context, "idp_client_id")
                        .map(client -> new Enterprise(issuer, url, client, token, Optional.empty())))));
        return new Scenario(name, text(context, "client_id"), text(context, "client_secret"),
                text(context, "authorization_url"), text(context, "token_url"), toolCalls(context), machine(name, context),
                enterprise);
    }

    /**
     * The scenarios of the machine-to-machine extensions, by name: the suite's context for client
     * credentials with a secret looks exactly like a pre-registered client's, so only the scenario
     * says that the operator set up a client credentials grant.
     */
    private static Optional<Machine> machine(String name, JsonNode context) {
        if (name.startsWith("auth/client-credentials-")) {
            return Optional.of(new Machine("client_credentials", text(context, "private_key_pem"),
                    text(context, "signing_algorithm"), Optional.empty()));
        }
        if (name.startsWith("auth/wif-")) {
            return Optional.of(new Machine("jwt_bearer", Optional.empty(), Optional.empty(), text(context, "valid_jwt")));
        }
        return Optional.empty();
    }

    /** The same scenario with the endpoints the operator pinned. */
    Scenario pinned(Optional<String> authorization, Optional<String> token) {
        return new Scenario(name, clientId, clientSecret, authorization, token, toolCalls, machine, enterprise);
    }

    /** The same scenario with the MCP server's authorization server, which the ID-JAG names as its audience. */
    Scenario withServerIssuer(String issuer) {
        return new Scenario(name, clientId, clientSecret, authorizationUrl, tokenUrl, toolCalls, machine,
                enterprise.map(e -> e.withServerIssuer(issuer)));
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

    /**
     * A tool whose {@code inputSchema}, as the client received it, the scenario's server wants back
     * verbatim as one argument of another tool, so that it can see which keywords the client kept.
     *
     * @param schemaOf the tool whose schema is echoed
     * @param tool     the tool that echoes it
     * @param argument the argument that carries it
     */
    record SchemaEcho(String schemaOf, String tool, String argument) {
    }

    /**
     * Scenarios whose server answers {@code tools/list} and nothing else: the listing is the test
     * ({@code json-schema-ref-no-deref} watches whether a schema's network {@code $ref} gets fetched), a call
     * would only be refused.
     */
    boolean listsOnly() {
        return name.equals("json-schema-ref-no-deref");
    }

    /** {@code json-schema-2020-12-preservation}: its focal tool's schema, back through {@code json_schema_echo}. */
    Optional<SchemaEcho> schemaEcho() {
        return name.equals("json-schema-2020-12-preservation")
                ? Optional.of(new SchemaEcho("json_schema_2020_12_tool", "json_schema_echo", "schema"))
                : Optional.empty();
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
