package dev.portcullis.cli;

import java.io.PrintWriter;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import dev.portcullis.egress.EgressContext;
import dev.portcullis.egress.EgressLists;
import dev.portcullis.egress.EgressPolicy;
import dev.portcullis.egress.EgressTarget;
import dev.portcullis.egress.EgressTargetException;
import dev.portcullis.egress.jetty.GuardedHttpClients;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A test user at the gateway's HTTP API, and the browser that user would have: the browser only
 * opens the authorization URL (the suite's authorization endpoint approves at once with a 302) and
 * carries the redirect back to the gateway's callback with the binding cookie.
 */
final class ConformanceSession implements AutoCloseable {
    /** Authorizations per run: the first one, and step-ups after a 403. */
    static final int MAX_AUTHORIZATIONS = 3;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String base;
    private final String token;
    private final String server;
    private final PrintWriter out;
    private final PrintWriter trace;
    private final HttpClient client;

    /** @param trace where to write each exchange, or null */
    ConformanceSession(int gatewayPort, String token, String server, PrintWriter out, PrintWriter trace) throws Exception {
        this.base = "http://127.0.0.1:" + gatewayPort;
        this.token = token;
        this.server = server;
        this.out = out;
        this.trace = trace;
        // Even the test user's "browser" leaves through a guarded client (DESIGN.md, one door out), with
        // exactly the loopback names the suite uses exempted.
        EgressPolicy policy = EgressPolicy.builder().lists(EgressContext.ENDPOINT,
                EgressLists.addressesOnly(List.of("localhost", "127.0.0.1"))).build();
        this.client = GuardedHttpClients.create(policy);
        client.start();
    }

    /** The whole scenario; true when the tool call (or, with no tools, the listing) succeeded. */
    boolean run(Scenario scenario) throws Exception {
        out.println("conformance: " + scenario.name() + " as test user 'conformance-user'");
        int authorizations = 0;
        Reply reinit = reinitialize();
        while (reinit.body().path("oauthRequired").asBoolean(false)) {
            if (++authorizations > MAX_AUTHORIZATIONS) {
                return fail("gave up: the server still asks for authorization after " + MAX_AUTHORIZATIONS + " grants");
            }
            if (!authorize(reinit.body().path("oauthUrl").asString(""), reinit)) {
                return fail("authorization did not complete");
            }
            reinit = reinitialize();
        }
        if (reinit.status() != 200) {
            return fail("reinitialize answered " + reinit.status() + ": " + reinit.text());
        }
        out.println("connected: " + reinit.body().path("message").asString(""));

        JsonNode listing = send(api("GET", "/api/mcp/tools")).body().path("servers").path(server);
        if (listing.has("error")) {
            return fail("listing tools failed: " + listing.get("error"));
        }
        JsonNode tools = listing.path("tools");
        out.println("tools: " + tools.valueStream().map(t -> t.path("name").asString()).toList());
        if (scenario.listsOnly()) {
            out.println("the scenario's server only lists its tools; done");
            return true;
        }
        java.util.List<Map.Entry<String, Map<String, Object>>> calls = scenario.toolCalls();
        Optional<Scenario.SchemaEcho> echo = scenario.schemaEcho();
        if (calls.isEmpty() && echo.isPresent()) {
            // The schema as the gateway's API listed it: what is echoed is what the gateway kept.
            Optional<JsonNode> schema = tools.valueStream().filter(t -> t.path("name").asString().equals(echo.get().schemaOf()))
                    .map(t -> t.path("inputSchema")).filter(JsonNode::isObject).findFirst();
            if (schema.isEmpty()) {
                return fail("the listing has no inputSchema for " + echo.get().schemaOf() + " to echo");
            }
            calls = List.of(Map.entry(echo.get().tool(),
                    Map.<String, Object>of(echo.get().argument(), JSON.convertValue(schema.get(), Map.class))));
        }
        if (calls.isEmpty() && scenario.callsEveryTool()) {
            calls = tools.valueStream().map(t -> Map.entry(t.path("name").asString(), Map.<String, Object>of())).toList();
        }
        if (calls.isEmpty()) {
            Optional<Map.Entry<String, Map<String, Object>>> expected = scenario.expectedTool();
            if (expected.isEmpty() && tools.isEmpty()) {
                out.println("no tool to call; done");
                return true;
            }
            calls = java.util.List.of(expected.orElseGet(() -> Map.entry(tools.get(0).path("name").asString(),
                    sampleArguments(tools.get(0).path("inputSchema")))));
        }
        for (Map.Entry<String, Map<String, Object>> call : calls) {
            if (!call(call.getKey(), call.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** A value for each required property of a tool's input schema, by its type: what a person would type. */
    static Map<String, Object> sampleArguments(JsonNode schema) {
        Map<String, Object> arguments = new java.util.LinkedHashMap<>();
        schema.path("required").valueStream().map(JsonNode::asString).forEach(name -> {
            String type = schema.path("properties").path(name).path("type").asString("string");
            arguments.put(name, switch (type) {
                case "integer", "number" -> 1;
                case "boolean" -> true;
                case "array" -> java.util.List.of();
                case "object" -> Map.of();
                default -> "conformance";
            });
        });
        return arguments;
    }

    /**
     * One tool call, streamed and answering the server's forms as a person who accepts their defaults
     * ({@link StreamedCall}), authorizing on the way when the server asks; true when it succeeded.
     */
    private boolean call(String tool, Map<String, Object> arguments) throws Exception {
        int authorizations = 0;
        while (true) {
            StreamedCall.Outcome call = new StreamedCall(path -> api("POST", path), out, trace).call(
                    "/api/mcp/" + server + "/tools/" + URLEncoder.encode(tool, StandardCharsets.UTF_8) + "/call", server, arguments);
            if (call.status() == 403 && call.body().path("error").asString("").equals("OAUTH_REQUIRED")) {
                out.println("tool call needs (more) authorization: " + call.body().path("message").asString(""));
                if (++authorizations > MAX_AUTHORIZATIONS) {
                    return fail("gave up after " + MAX_AUTHORIZATIONS + " authorizations");
                }
                // LibreChat's way with a URL received from a tool call: bind this browser, then open it.
                Reply bound = send(api("POST", "/api/mcp/" + server + "/oauth/bind"));
                if (!call.body().path("oauthUrl").isString() || !bound.body().path("bound").asBoolean(false)) {
                    return fail("the tool call asked for authorization without a pending attempt to bind: " + call.text());
                }
                if (!authorize(call.body().path("oauthUrl").asString(), bound)) {
                    return fail("authorization did not complete");
                }
                continue;
            }
            if (call.status() != 200) {
                return fail("calling " + tool + " answered " + call.status() + ": " + call.text());
            }
            out.println("called " + tool + ": " + call.body().path("content"));
            if (call.body().path("isError").asBoolean(false)) {
                return fail("the tool reported an error");
            }
            out.println("ok");
            return true;
        }
    }

    private Reply reinitialize() throws Exception {
        return send(api("POST", "/api/mcp/" + server + "/reinitialize"));
    }

    /**
     * The browser's part: open the authorization URL without following redirects, then bring the
     * redirect's code and state to the gateway's callback with the binding cookie that
     * {@code started} (reinitialize or bind) set.
     */
    private boolean authorize(String authorizationUrl, Reply started) throws Exception {
        out.println("authorizing: " + authorizationUrl);
        if (!authorizationUrl.startsWith("http://") && !authorizationUrl.startsWith("https://")) {
            out.println("no authorization URL in " + started.text());
            return false;
        }
        Reply approved = send(newRequest(authorizationUrl).method("GET"));
        String location = approved.location();
        if (approved.status() / 100 != 3 || location == null) {
            out.println("the authorization endpoint answered " + approved.status() + " without a redirect: " + approved.text());
            return false;
        }
        URI back = URI.create(location);
        if (back.getRawPath() == null || !back.getRawPath().endsWith("/api/mcp/" + server + "/oauth/callback")) {
            out.println("the authorization endpoint redirected elsewhere: " + location);
            return false;
        }
        Request callback = newRequest(base + back.getRawPath() + (back.getRawQuery() == null ? "" : "?" + back.getRawQuery()));
        started.cookie("portcullis_oauth_" + server).ifPresent(c -> callback.headers(h -> h.put("Cookie", c.getName() + "=" + c.getValue())));
        Reply done = send(callback.method("GET"));
        String result = Optional.ofNullable(done.location()).orElse("");
        if (!result.contains("/oauth/success")) {
            out.println("the gateway's callback did not succeed: " + done.status() + " " + result + " " + done.text());
            return false;
        }
        out.println("authorized");
        return true;
    }

    private Request newRequest(String url) throws EgressTargetException {
        return GuardedHttpClients.newRequest(client, EgressTarget.parse(url), EgressContext.ENDPOINT);
    }

    private Request api(String method, String path) throws EgressTargetException {
        return newRequest(base + path).method(method).headers(h -> h.put("Authorization", "Bearer " + token));
    }

    private Reply send(Request request) throws Exception {
        ContentResponse r = request.timeout(60, TimeUnit.SECONDS).send();
        Reply reply = new Reply(r);
        if (trace != null) {
            trace.println("> " + request.getMethod() + " " + request.getURI().toString().replaceAll("([?&](code|state)=)[^&]*", "$1…"));
            trace.println("< " + r.getStatus() + (reply.location() == null ? "" : " Location: " + reply.location()) + " " + reply.text());
        }
        return reply;
    }

    private boolean fail(String why) {
        out.println("FAILED: " + why);
        return false;
    }

    @Override
    public void close() throws Exception {
        client.stop();
    }

    private record Reply(ContentResponse response) {
        int status() {
            return response.getStatus();
        }

        String text() {
            return response.getContentAsString();
        }

        String location() {
            return response.getHeaders().get("Location");
        }

        JsonNode body() {
            try {
                return JSON.readTree(text());
            } catch (RuntimeException e) {
                return JSON.createObjectNode();
            }
        }

        Optional<HttpCookie> cookie(String name) {
            return response.getHeaders().getValuesList("Set-Cookie").stream().flatMap(h -> HttpCookie.parse(h).stream())
                    .filter(c -> c.getName().equals(name)).findFirst();
        }
    }
}
