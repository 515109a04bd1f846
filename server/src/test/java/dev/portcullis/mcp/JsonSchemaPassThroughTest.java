package dev.portcullis.mcp;

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
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
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
 * A tool's JSON Schema 2020-12 {@code inputSchema} reaches clients exactly as the server wrote it, in
 * the REST listing and in the front door's {@code tools/list}; arguments are checked with its 2020-12
 * keywords; and a {@code $ref} to a network URI is never fetched — the canary it names hears nothing
 * through listing and calling on both doors.
 */
class JsonSchemaPassThroughTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final ApiClient.As ALICE = ApiClient.As.user("alice");
    private static final AtomicInteger canaryRequests = new AtomicInteger();
    private static final List<JsonNode> calls = new CopyOnWriteArrayList<>();

    @TempDir
    static Path dir;
    static HttpServer upstream;
    static Gateway gateway;
    static Http http;
    static ApiClient api;
    static JsonNode schema;

    @BeforeAll
    static void start() throws Exception {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        upstream.createContext("/mcp", JsonSchemaPassThroughTest::answer);
        upstream.createContext("/canary", exchange -> {
            canaryRequests.incrementAndGet();
            exchange.sendResponseHeaders(200, 5);
            exchange.getResponseBody().write("false".getBytes());
            exchange.close();
        });
        upstream.start();
        String origin = "http://127.0.0.1:" + upstream.getAddress().getPort();
        schema = JSON.readTree("""
                {"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
                 "$defs":{"userId":{"$anchor":"userId","type":"string","pattern":"^[a-z0-9-]+$"}},
                 "properties":{
                   "id":{"$ref":"#/$defs/userId"},
                   "profile":{"$ref":"%s/canary/profile-schema.json"},
                   "point":{"type":"array","prefixItems":[{"type":"number"},{"type":"number"}],"items":false},
                   "contact":{"type":"object","properties":{"email":{"type":"string"}},"unevaluatedProperties":false},
                   "billing":{"type":"string"},"street":{"type":"string"}},
                 "dependentRequired":{"billing":["street"]},
                 "allOf":[{"anyOf":[{"required":["id"]},{"required":["profile"]}]}],
                 "if":{"required":["billing"]},"then":{"required":["street"]},"else":{},
                 "required":["id"],"additionalProperties":false}""".formatted(origin));
        PortcullisConfig config = TestConfigs.fromYaml("""
                server: {port: 0}
                auth: {secret: %s}
                mcpSettings: {allowedAddresses: ['127.0.0.1']}
                mcpServers:
                  people: {type: streamable-http, url: "%s/mcp"}
                """.formatted(TestConfigs.SECRET, origin), dir);
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

    /** A stateless 2026-07-28 server with one tool, {@code lookup_user}, which records what it was given. */
    private static void answer(HttpExchange exchange) throws IOException {
        JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
        String method = request.path("method").asString();
        if (!request.has("id")) {
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
            return;
        }
        Object result = switch (method) {
            case "server/discover" -> Map.of("supportedVersions", List.of("2026-07-28"), "capabilities", Map.of("tools", Map.of()),
                    "_meta", Map.of("io.modelcontextprotocol/serverInfo", Map.of("name", "people", "version", "1")),
                    "resultType", "complete");
            case "tools/list" -> Map.of("tools", List.of(Map.of("name", "lookup_user", "inputSchema",
                    JSON.convertValue(schema, Map.class))), "resultType", "complete", "ttlMs", 0);
            case "tools/call" -> {
                calls.add(request.path("params").path("arguments"));
                yield Map.of("content", List.of(Map.of("type", "text", "text", "found")), "resultType", "complete");
            }
            default -> null;
        };
        Map<String, Object> body = result != null ? Map.of("jsonrpc", "2.0", "id", request.get("id"), "result", result)
                : Map.of("jsonrpc", "2.0", "id", request.get("id"), "error", Map.of("code", -32601, "message", "Method not found"));
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static ContentResponse frontDoor(String method, String params, String name) {
        String meta = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                + "\"io.modelcontextprotocol/clientCapabilities\":{}}";
        return Http.send(http.request("/mcp/people").method(HttpMethod.POST).headers(h -> {
            h.put("Authorization", "Bearer " + api.token(ALICE)).put("Accept", "application/json, text/event-stream")
                    .put("MCP-Protocol-Version", "2026-07-28").put("Mcp-Method", method);
            if (name != null) {
                h.put("Mcp-Name", name);
            }
        }).body(new StringRequestContent("application/json", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method
                + "\",\"params\":{" + params + (params.isEmpty() ? "" : ",") + meta + "}}")));
    }

    @Test
    void the_schema_is_listed_unchanged_and_its_network_ref_never_fetched() {
        JsonNode listed = ApiClient.json(api.send(ALICE, "GET", "/api/mcp/tools")).at("/servers/people/tools/0/inputSchema");
        assertThat(listed).as("REST listing").isEqualTo(schema);

        ContentResponse front = frontDoor("tools/list", "", null);
        assertThat(front.getStatus()).as(front.getContentAsString()).isEqualTo(200);
        assertThat(ApiClient.json(front).at("/result/tools/0/inputSchema")).as("front door tools/list").isEqualTo(schema);

        String arguments = "{\"id\":\"alice\",\"profile\":{\"displayName\":\"Alice\"},\"point\":[1,2],\"contact\":{\"email\":\"a@x\"}}";
        ContentResponse rest = api.send(ALICE, "POST", "/api/mcp/people/tools/lookup_user/call", "{\"arguments\":" + arguments + "}");
        assertThat(rest.getStatus()).as(rest.getContentAsString()).isEqualTo(200);
        ContentResponse called = frontDoor("tools/call", "\"name\":\"lookup_user\",\"arguments\":" + arguments, "lookup_user");
        assertThat(called.getStatus()).as(called.getContentAsString()).isEqualTo(200);
        assertThat(ApiClient.json(called).at("/result/content/0/text").asString()).isEqualTo("found");
        assertThat(calls).as("the arguments went on as sent").contains(JSON.readTree(arguments));

        assertThat(canaryRequests).as("nothing fetched the $ref's URL").hasValue(0);
    }

    @Test
    void arguments_are_checked_with_the_2020_12_keywords() {
        for (String invalid : List.of(
                "{\"id\":\"Not An Id\"}",                                   // the same-document $ref's pattern
                "{\"id\":\"a\",\"point\":[1,2,3]}",                         // prefixItems with items: false
                "{\"id\":\"a\",\"contact\":{\"email\":\"e\",\"fax\":\"f\"}}", // unevaluatedProperties
                "{\"id\":\"a\",\"billing\":\"b\"}",                         // dependentRequired
                "{\"id\":\"a\",\"other\":1}")) {                            // additionalProperties
            ContentResponse r = api.send(ALICE, "POST", "/api/mcp/people/tools/lookup_user/call", "{\"arguments\":" + invalid + "}");
            assertThat(r.getStatus()).as(invalid + ": " + r.getContentAsString()).isEqualTo(400);
            assertThat(ApiClient.json(r).get("error").asString()).isEqualTo("INVALID_ARGUMENTS");
        }
        assertThat(canaryRequests).hasValue(0);
    }
}
