package dev.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.portcullis.Gateway;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.testing.ApiClient;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.TestConfigs;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway as a client of a server that speaks only the stateless 2026-07-28 revision: it is found
 * by {@code server/discover}, spoken to without a session with {@code _meta} and mirrored headers on
 * every request, and its multi-round-trip {@code input_required} answers are either answered for the
 * caller (a REST call, which has no one to ask: the elicitation is declined) or passed to a
 * 2026-07-28 client as they are, {@code requestState} untouched. A server of the session revisions is
 * the rest of the suite's business: every other upstream test runs against one.
 */
class StatelessUpstreamTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String STATE = "opaque-state-{\"n\":1}";

    @TempDir
    static Path dir;
    static HttpServer upstream;
    static Gateway gateway;
    static Http http;
    static ApiClient api;
    static final List<Map<String, Object>> seen = new CopyOnWriteArrayList<>();
    /** The listen streams the gateway opened, newest last. */
    static final List<Listen> listens = new CopyOnWriteArrayList<>();

    /** One open {@code subscriptions/listen} stream: what it asked for, and where to write its notifications. */
    record Listen(Object id, Map<String, Object> filter, java.io.OutputStream out, java.util.concurrent.CountDownLatch ended) {
        void send(String method, Map<String, Object> params) throws IOException {
            Map<String, Object> p = new java.util.LinkedHashMap<>(params);
            p.put("_meta", Map.of("io.modelcontextprotocol/subscriptionId", String.valueOf(id)));
            out.write(("event: message\ndata: " + JSON.writeValueAsString(Map.of("jsonrpc", "2.0", "method", method, "params", p))
                    + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    @BeforeAll
    static void start() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/mcp", StatelessUpstreamTest::answer);
        upstream.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()); // listen streams stay open
        upstream.start();
        PortcullisConfig config = TestConfigs.fromYaml("""
                server: {port: 0}
                auth: {secret: %s}
                mcpSettings: {allowedAddresses: ['127.0.0.1']}
                mcpServers:
                  modern: {type: streamable-http, url: "http://127.0.0.1:%d/mcp"}
                """.formatted(TestConfigs.SECRET, upstream.getAddress().getPort()), dir);
        gateway = Gateway.start(config);
        http = new Http(gateway.port());
        api = new ApiClient(http, config);
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
        gateway.close();
        upstream.stop(0);
    }

    /** A 2026-07-28-only server: no initialize, every request checked, one tool that needs a name first. */
    @SuppressWarnings("unchecked")
    private static void answer(HttpExchange exchange) throws IOException {
        Map<String, Object> request = JSON.readValue(exchange.getRequestBody().readAllBytes(), Map.class);
        Map<String, Object> params = (Map<String, Object>) request.getOrDefault("params", Map.of());
        Map<String, Object> meta = (Map<String, Object>) params.getOrDefault("_meta", Map.of());
        String method = String.valueOf(request.get("method"));
        seen.add(Map.of("method", method, "versionHeader", String.valueOf(exchange.getRequestHeaders().getFirst("MCP-Protocol-Version")),
                "methodHeader", String.valueOf(exchange.getRequestHeaders().getFirst("Mcp-Method")),
                "nameHeader", String.valueOf(exchange.getRequestHeaders().getFirst("Mcp-Name")),
                "metaVersion", String.valueOf(meta.get("io.modelcontextprotocol/protocolVersion")),
                "session", String.valueOf(exchange.getRequestHeaders().getFirst("Mcp-Session-Id")),
                "requestState", String.valueOf(params.get("requestState"))));
        if ("subscriptions/listen".equals(method)) {
            listen(exchange, request.get("id"), (Map<String, Object>) params.get("notifications"));
            return;
        }
        if ("notifications/cancelled".equals(method)) {
            listens.stream().filter(l -> String.valueOf(l.id()).equals(String.valueOf(params.get("requestId"))))
                    .forEach(l -> l.ended().countDown());
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
            return;
        }
        Object result;
        int status = 200;
        if (!"2026-07-28".equals(meta.get("io.modelcontextprotocol/protocolVersion"))) {
            status = 400;
            result = null;
        } else {
            result = switch (method) {
                case "server/discover" -> Map.of("supportedVersions", List.of("2026-07-28"), "capabilities", Map.of(
                                "tools", Map.of("listChanged", true), "resources", Map.of("subscribe", true)),
                        "_meta", Map.of("io.modelcontextprotocol/serverInfo", Map.of("name", "modern-server", "version", "2")),
                        "resultType", "complete");
                case "tools/list" -> Map.of("tools", List.of(Map.of("name", "greet", "inputSchema", Map.of("type", "object"))),
                        "resultType", "complete", "ttlMs", 0);
                case "tools/call" -> greet(params);
                default -> null;
            };
        }
        Map<String, Object> body = result != null ? Map.of("jsonrpc", "2.0", "id", request.get("id"), "result", result)
                : Map.of("jsonrpc", "2.0", "id", request.get("id"), "error", Map.of("code", -32022, "message", "Unsupported",
                        "data", Map.of("supported", List.of("2026-07-28"), "requested", String.valueOf(meta.get(
                                "io.modelcontextprotocol/protocolVersion")))));
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    /** Acknowledges the filter and keeps the stream open until the gateway cancels it or the test ends. */
    private static void listen(HttpExchange exchange, Object id, Map<String, Object> filter) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        Listen l = new Listen(id, filter, exchange.getResponseBody(), new java.util.concurrent.CountDownLatch(1));
        l.send("notifications/subscriptions/acknowledged", Map.of("notifications", filter));
        listens.add(l);
        try {
            l.ended().await(5, java.util.concurrent.TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            exchange.close();
        }
    }

    @SuppressWarnings("unchecked")
    private static Object greet(Map<String, Object> params) {
        Map<String, Object> responses = (Map<String, Object>) params.get("inputResponses");
        if (responses == null) {
            return Map.of("resultType", "input_required", "requestState", STATE, "inputRequests", Map.of("who",
                    Map.of("method", "elicitation/create", "params", Map.of("message", "Your name?", "requestedSchema",
                            Map.of("type", "object", "properties", Map.of("name", Map.of("type", "string")))))));
        }
        if (!STATE.equals(params.get("requestState"))) {
            return Map.of("content", List.of(Map.of("type", "text", "text", "tampered state")), "isError", true);
        }
        Map<String, Object> who = (Map<String, Object>) responses.get("who");
        String text = "accept".equals(who.get("action"))
                ? "Hello, " + ((Map<String, Object>) who.get("content")).get("name") + "!"
                : "no name: " + who.get("action");
        return Map.of("content", List.of(Map.of("type", "text", "text", text)), "resultType", "complete");
    }

    @Test
    void a_rest_call_reaches_the_server_statelessly_and_its_input_request_is_declined_for_want_of_someone_to_ask() {
        int before = seen.size();
        ContentResponse r = api.send(ApiClient.As.user("alice"), "POST", "/api/mcp/modern/tools/greet/call", "{\"arguments\":{}}");
        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(200);
        assertThat(r.getContentAsString()).contains("no name: decline");
        assertThat(seen).extracting(m -> m.get("method")).contains("server/discover", "tools/list", "tools/call")
                .doesNotContain("initialize");
        List<Map<String, Object>> call = List.copyOf(seen.subList(before, seen.size()));
        assertThat(seen).allSatisfy(m -> {
            assertThat(m.get("versionHeader")).isEqualTo("2026-07-28");
            assertThat(m.get("metaVersion")).isEqualTo("2026-07-28");
            assertThat(m.get("methodHeader")).isEqualTo(m.get("method"));
            assertThat(m.get("session")).isEqualTo("null");
        });
        assertThat(call).filteredOn(m -> m.get("method").equals("tools/call")).allSatisfy(m ->
                assertThat(m.get("nameHeader")).isEqualTo("greet"));
        assertThat(call).filteredOn(m -> m.get("method").equals("tools/call")).extracting(m -> m.get("requestState"))
                .as("the retry sends the server's state back as it came").containsExactly("null", STATE);
    }

    @Test
    void a_2026_client_gets_the_input_request_itself_and_its_retry_goes_through_untouched() {
        String meta = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                + "\"io.modelcontextprotocol/clientCapabilities\":{\"elicitation\":{}}}";
        String first = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"greet\",\"arguments\":{}," + meta + "}}";
        JsonNode asked = ApiClient.json(post(first, "alice"));
        assertThat(asked.get("result").get("resultType").asString()).isEqualTo("input_required");
        String sealed = asked.get("result").get("requestState").asString();
        assertThat(sealed).as("the server's state is sealed to the user and request").startsWith("portcullis-upstream:")
                .doesNotContain("opaque-state");
        java.util.function.Function<String, String> retry = state -> "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"greet\",\"arguments\":{},"
                + "\"inputResponses\":{\"who\":{\"action\":\"accept\",\"content\":{\"name\":\"Alice\"}}},"
                + "\"requestState\":" + JSON.writeValueAsString(state) + "," + meta + "}}";
        assertThat(post(retry.apply(sealed), "bob").getStatus()).as("another user cannot use it").isEqualTo(400);
        JsonNode raw = ApiClient.json(post(retry.apply(STATE), "alice"));
        assertThat(raw.get("result").get("resultType").asString()).as("a state the gateway did not give out never reaches "
                + "the server: the request starts afresh").isEqualTo("input_required");
        JsonNode done = ApiClient.json(post(retry.apply(sealed), "alice"));
        assertThat(done.get("result").get("content").get(0).get("text").asString()).isEqualTo("Hello, Alice!");
        assertThat(done.get("result").get("resultType").asString()).isEqualTo("complete");
    }

    @Test
    void the_servers_own_description_reaches_a_client_of_the_endpoint() {
        String discover = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"server/discover\",\"params\":{\"_meta\":{"
                + "\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}";
        JsonNode result = ApiClient.json(Http.send(http.request("/mcp/modern").method(HttpMethod.POST)
                .headers(h -> h.put("Authorization", "Bearer " + api.token(ApiClient.As.user("alice")))
                        .put("MCP-Protocol-Version", "2026-07-28").put("Mcp-Method", "server/discover"))
                .body(new StringRequestContent("application/json", discover)))).get("result");
        assertThat(result.get("_meta").get("io.modelcontextprotocol/serverInfo").get("name").asString()).isEqualTo("modern-server");
    }

    private static ContentResponse post(String body, String user) {
        return Http.send(http.request("/mcp/modern").method(HttpMethod.POST)
                .headers(h -> h.put("Authorization", "Bearer " + api.token(ApiClient.As.user(user)))
                        .put("MCP-Protocol-Version", "2026-07-28").put("Mcp-Method", "tools/call").put("Mcp-Name", "greet")
                        .put("Accept", "application/json, text/event-stream"))
                .body(new StringRequestContent("application/json", body)));
    }

    /**
     * A REST caller that declares it can answer elicitations gets the server's input request as an
     * {@code input} event on its call's stream, answers it at the inputs route, and the call finishes
     * with the answer; only the caller can answer, and only once.
     */
    @Test
    void a_rest_caller_that_declares_elicitation_answers_the_servers_input_request_itself() throws Exception {
        try (dev.portcullis.testing.SseCall call = dev.portcullis.testing.SseCall.post(gateway.port(), "/api/mcp/modern/tools/greet/call",
                api.token(ApiClient.As.user("alice")), "{\"arguments\":{},\"clientCapabilities\":{\"elicitation\":{}}}")) {
            JsonNode input = call.next("input", java.time.Duration.ofSeconds(20)).data();
            assertThat(input.get("method").asString()).isEqualTo("elicitation/create");
            assertThat(input.get("params").get("message").asString()).isEqualTo("Your name?");
            String path = "/api/mcp/modern/inputs/" + input.get("inputId").asString();
            String answer = "{\"result\":{\"action\":\"accept\",\"content\":{\"name\":\"Alice\"}}}";
            assertThat(api.send(ApiClient.As.user("bob"), "POST", path, answer).getStatus()).as("not bob's to answer").isEqualTo(404);
            assertThat(api.send(ApiClient.As.user("alice"), "POST", "/api/mcp/other/inputs/" + input.get("inputId").asString(),
                    answer).getStatus()).as("the server in the path is the one that asked").isEqualTo(404);
            assertThat(api.send(ApiClient.As.user("alice"), "POST", path, "{\"action\":\"accept\"}").getStatus())
                    .as("the answer goes under result").isEqualTo(400);
            assertThat(api.send(ApiClient.As.user("alice"), "POST", path, answer).getStatus()).isEqualTo(204);
            assertThat(api.send(ApiClient.As.user("alice"), "POST", path, answer).getStatus()).as("once").isEqualTo(404);
            JsonNode result = call.next("result", java.time.Duration.ofSeconds(20)).data();
            assertThat(result.get("content").get(0).get("text").asString()).isEqualTo("Hello, Alice!");
            assertThat(result.get("isError").asBoolean()).isFalse();
        }
    }

    @Test
    void client_capabilities_need_an_event_stream_and_say_what_they_may_declare() {
        ContentResponse plain = api.send(ApiClient.As.user("alice"), "POST", "/api/mcp/modern/tools/greet/call",
                "{\"arguments\":{},\"clientCapabilities\":{\"elicitation\":{}}}");
        assertThat(plain.getStatus()).isEqualTo(400);
        assertThat(plain.getContentAsString()).contains("text/event-stream");
        ContentResponse roots = api.send(ApiClient.As.user("alice"), "POST", "/api/mcp/modern/tools/greet/call",
                "{\"arguments\":{},\"clientCapabilities\":{\"roots\":{}}}");
        assertThat(roots.getStatus()).isEqualTo(400);
        assertThat(roots.getContentAsString()).contains("\\\"elicitation\\\" and \\\"sampling\\\", not roots");
    }

    /**
     * A stateless server sends changes only on a stream the client opens: the gateway keeps a
     * {@code subscriptions/listen} stream open asking for the list changes the server announces, and
     * what arrives on it reaches the gateway's own clients.
     */
    @Test
    void the_gateway_listens_for_a_stateless_servers_changes_and_passes_them_on() throws Exception {
        try (dev.portcullis.testing.SseCall client = listen("l1", "{\"toolsListChanged\":true}")) {
            assertThat(client.next(java.time.Duration.ofSeconds(10)).data().get("method").asString())
                    .isEqualTo("notifications/subscriptions/acknowledged");
            assertThat(api.send(ApiClient.As.user("alice"), "GET", "/api/mcp/tools").getStatus()).isEqualTo(200); // connects
            Listen upstreamStream = awaitListen(l -> Boolean.TRUE.equals(l.filter().get("toolsListChanged")));
            assertThat(upstreamStream.filter()).as("only what the server announces").doesNotContainKeys("promptsListChanged",
                    "resourcesListChanged");
            upstreamStream.send("notifications/tools/list_changed", Map.of());
            JsonNode heard = client.next(java.time.Duration.ofSeconds(10)).data();
            assertThat(heard.get("method").asString()).isEqualTo("notifications/tools/list_changed");
            assertThat(heard.get("params").get("_meta").get("io.modelcontextprotocol/subscriptionId").asString())
                    .as("tagged with the client's own listen request").isEqualTo("l1");
        }
    }

    /**
     * A session client's {@code resources/subscribe} to a stateless server (which has no such method)
     * becomes a resource in the filter of the gateway's listen stream; unsubscribing takes it out.
     */
    @Test
    void a_session_clients_resource_subscription_joins_the_listen_streams_filter() throws Exception {
        String alice = api.token(ApiClient.As.user("alice"));
        ContentResponse init = Http.send(http.request("/mcp/modern").method(HttpMethod.POST)
                .headers(h -> h.put("Authorization", "Bearer " + alice).put("Accept", "application/json, text/event-stream"))
                .body(new StringRequestContent("application/json", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                        + "\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}")));
        String session = init.getHeaders().get("Mcp-Session-Id");
        java.util.function.Function<String, ContentResponse> post = body -> Http.send(http.request("/mcp/modern").method(HttpMethod.POST)
                .headers(h -> h.put("Authorization", "Bearer " + alice).put("Accept", "application/json, text/event-stream")
                        .put("Mcp-Session-Id", session).put("MCP-Protocol-Version", "2025-11-25"))
                .body(new StringRequestContent("application/json", body)));
        ContentResponse subscribed = post.apply("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"resources/subscribe\",\"params\":{\"uri\":\"note://one\"}}");
        assertThat(subscribed.getContentAsString()).contains("\"result\"");
        awaitListen(l -> l.filter().get("resourceSubscriptions") instanceof List<?> uris && uris.contains("note://one"));
        post.apply("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"resources/unsubscribe\",\"params\":{\"uri\":\"note://one\"}}");
        Listen latest = awaitListen(l -> !(l.filter().get("resourceSubscriptions") instanceof List<?> uris && uris.contains("note://one")));
        assertThat(latest.filter()).containsEntry("toolsListChanged", true);
    }

    /**
     * Two clients watch the same resource on the connection they share: the server's filter names it
     * once, and one client's unsubscribe does not end the other's watch; the last one's does.
     */
    @Test
    void one_clients_unsubscribe_does_not_end_anothers_watch_of_the_same_resource() throws Exception {
        java.util.function.Function<String, String> open = user -> {
            String token = api.token(ApiClient.As.user(user));
            ContentResponse init = Http.send(http.request("/mcp/modern").method(HttpMethod.POST)
                    .headers(h -> h.put("Authorization", "Bearer " + token).put("Accept", "application/json, text/event-stream"))
                    .body(new StringRequestContent("application/json", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                            + "\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}")));
            return init.getHeaders().get("Mcp-Session-Id");
        };
        java.util.function.BiFunction<String, String, ContentResponse> post = (user, body) -> Http.send(http.request("/mcp/modern")
                .method(HttpMethod.POST).headers(h -> h.put("Authorization", "Bearer " + api.token(ApiClient.As.user(user)))
                        .put("Accept", "application/json, text/event-stream").put("MCP-Protocol-Version", "2025-11-25")
                        .put("Mcp-Session-Id", body.substring(0, body.indexOf('|'))))
                .body(new StringRequestContent("application/json", body.substring(body.indexOf('|') + 1))));
        String carol = open.apply("carol");
        String dave = open.apply("dave");
        String subscribe = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"resources/subscribe\",\"params\":{\"uri\":\"note://shared\"}}";
        String unsubscribe = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"resources/unsubscribe\",\"params\":{\"uri\":\"note://shared\"}}";
        assertThat(post.apply("carol", carol + "|" + subscribe).getContentAsString()).contains("\"result\"");
        assertThat(post.apply("dave", dave + "|" + subscribe).getContentAsString()).contains("\"result\"");
        Listen watching = awaitListen(l -> l.filter().get("resourceSubscriptions") instanceof List<?> uris && uris.contains("note://shared"));
        assertThat(java.util.Collections.frequency((List<?>) watching.filter().get("resourceSubscriptions"), "note://shared")).as("once, for both").isEqualTo(1);
        post.apply("carol", carol + "|" + unsubscribe);
        post.apply("carol", carol + "|" + unsubscribe); // a second time changes nothing
        Thread.sleep(1_500); // a change of filter would have replaced the stream by now
        assertThat(listens.getLast().filter().get("resourceSubscriptions")).as("dave still watches it")
                .isInstanceOf(List.class).asList().contains("note://shared");
        post.apply("dave", dave + "|" + unsubscribe);
        awaitListen(l -> !(l.filter().get("resourceSubscriptions") instanceof List<?> uris && uris.contains("note://shared")));
    }

    /** A 2026-07-28 client's listen stream at /mcp/modern, as alice, with this id and filter (JSON). */
    private static dev.portcullis.testing.SseCall listen(String id, String filter) {
        return dev.portcullis.testing.SseCall.post(gateway.port(), "/mcp/modern", api.token(ApiClient.As.user("alice")),
                "{\"jsonrpc\":\"2.0\",\"id\":\"" + id + "\",\"method\":\"subscriptions/listen\",\"params\":{\"notifications\":"
                        + filter + ",\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                        + "\"io.modelcontextprotocol/clientCapabilities\":{}}}}",
                "MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "subscriptions/listen");
    }

    private static Listen awaitListen(java.util.function.Predicate<Listen> wanted) throws InterruptedException {
        return awaitListen(wanted, 15);
    }

    private static Listen awaitListen(java.util.function.Predicate<Listen> wanted, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (!listens.isEmpty() && wanted.test(listens.getLast())) {
                return listens.getLast();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no listen stream as wanted; streams: " + listens.stream().map(Listen::filter).toList());
    }

    /**
     * A 2026-07-28 client's listen stream may watch resources (the revision's replacement for
     * {@code resources/subscribe}): the gateway subscribes at the server — here a stateless one, whose
     * listen filter gains the resource — and the server's update reaches the client, tagged.
     */
    @Test
    void a_listen_streams_resource_subscriptions_are_watched_at_the_server() throws Exception {
        try (dev.portcullis.testing.SseCall client = listen("w1", "{\"resourceSubscriptions\":[\"note://two\"]}")) {
            JsonNode ack = client.next(java.time.Duration.ofSeconds(10)).data();
            assertThat(ack.get("method").asString()).isEqualTo("notifications/subscriptions/acknowledged");
            assertThat(ack.get("params").get("notifications").get("resourceSubscriptions").toString()).isEqualTo("[\"note://two\"]");
            Listen upstreamStream = awaitListen(l -> l.filter().get("resourceSubscriptions") instanceof List<?> uris
                    && uris.contains("note://two"));
            upstreamStream.send("notifications/resources/updated", Map.of("uri", "note://two"));
            JsonNode heard = client.next(java.time.Duration.ofSeconds(10)).data();
            assertThat(heard.get("method").asString()).isEqualTo("notifications/resources/updated");
            assertThat(heard.get("params").get("uri").asString()).isEqualTo("note://two");
            assertThat(heard.get("params").get("_meta").get("io.modelcontextprotocol/subscriptionId").asString()).isEqualTo("w1");
        }
        // The gateway notices a client has gone at the stream's next keep-alive (every 15 s); then the watch ends.
        awaitListen(l -> !(l.filter().get("resourceSubscriptions") instanceof List<?> uris && uris.contains("note://two")), 45);
    }
}
