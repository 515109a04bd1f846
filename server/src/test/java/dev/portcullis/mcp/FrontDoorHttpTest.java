package dev.portcullis.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.Gateway;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.testing.ApiClient;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.TestConfigs;
import java.nio.file.Path;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The front door's guard and protocol rules, each of which a test here fails without: the Host and
 * Origin checks, the 401 that names the protected-resource metadata, the metadata itself, sessions
 * that belong to their user, the service credential's limits, and the protocol's refusals. Real
 * clients through the whole relay are compat/mcp-clients' part.
 */
class FrontDoorHttpTest {
    private static final String KEY = "k".repeat(20) + "-service-credential-for-tests";
    private static final String INITIALIZE = """
            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"%s","capabilities":{},
             "clientInfo":{"name":"test","version":"1"}}}""";

    @TempDir
    static Path dir;
    static Gateway gateway;
    static Http http;
    static ApiClient api;
    static int port;

    @BeforeAll
    static void start() {
        PortcullisConfig config = TestConfigs.fromYaml("""
                server: {port: 0, publicUrl: "https://gateway.example.com"}
                auth: {secret: %s, issuer: "https://idp.example.com/"}
                mcpEndpoint:
                  allowedOrigins: ["https://chat.example.com"]
                  allowedHosts: ["mcp.internal:8443"]
                  scopes: [mcp]
                  serviceCredentials:
                    - {name: librechat, key: "%s", tenant: acme}
                mcpServers:
                  everything: {command: /bin/false, startup: false}
                """.formatted(TestConfigs.SECRET, KEY), dir);
        gateway = Gateway.start(config);
        port = gateway.port();
        http = new Http(port);
        api = new ApiClient(http, config);
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
        gateway.close();
    }

    private static Request post(String path, String body) {
        return http.request(path).method(HttpMethod.POST)
                .headers(h -> h.put("Accept", "application/json, text/event-stream"))
                .body(new StringRequestContent("application/json", body));
    }

    private static Request as(Request r, String user) {
        return r.headers(h -> h.put("Authorization", "Bearer " + api.token(ApiClient.As.user(user))));
    }

    private static ContentResponse initialize(String user, String version) {
        return Http.send(as(post("/mcp", INITIALIZE.formatted(version)), user));
    }

    @Test
    void without_a_token_the_401_names_the_metadata_which_names_the_issuer_and_scopes() {
        ContentResponse r = Http.send(post("/mcp", INITIALIZE.formatted("2025-11-25")));
        assertThat(r.getStatus()).isEqualTo(401);
        assertThat(r.getHeaders().get("WWW-Authenticate"))
                .contains("resource_metadata=\"https://gateway.example.com/.well-known/oauth-protected-resource/mcp\"");
        JsonNode doc = ApiClient.json(http.get("/.well-known/oauth-protected-resource/mcp"));
        assertThat(doc.get("resource").asString()).isEqualTo("https://gateway.example.com/mcp");
        assertThat(doc.get("authorization_servers").get(0).asString()).isEqualTo("https://idp.example.com/");
        assertThat(doc.get("scopes_supported").get(0).asString()).isEqualTo("mcp");
        JsonNode one = ApiClient.json(http.get("/.well-known/oauth-protected-resource/mcp/everything"));
        assertThat(one.get("resource").asString()).isEqualTo("https://gateway.example.com/mcp/everything");
    }

    @Test
    void a_foreign_host_is_refused_and_configured_and_loopback_hosts_are_answered() {
        Request evil = as(post("/mcp", INITIALIZE.formatted("2025-11-25")), "alice")
                .headers(h -> h.put("Host", "attacker.example"));
        ContentResponse refused = Http.send(evil);
        assertThat(refused.getStatus()).isEqualTo(403);
        assertThat(ApiClient.json(refused).get("error").asString()).isEqualTo("HOST_NOT_ALLOWED");
        for (String host : new String[] {"gateway.example.com", "mcp.internal:8443", "localhost:" + port}) {
            Request ok = as(post("/mcp", INITIALIZE.formatted("2025-11-25")), "alice").headers(h -> h.put("Host", host));
            assertThat(Http.send(ok).getStatus()).as(host).isEqualTo(200);
        }
        Request wrongPort = as(post("/mcp", INITIALIZE.formatted("2025-11-25")), "alice")
                .headers(h -> h.put("Host", "mcp.internal:9999"));
        assertThat(Http.send(wrongPort).getStatus()).isEqualTo(403);
    }

    @Test
    void a_browser_origin_must_be_allowed_and_an_allowed_one_gets_cors_headers() {
        Request evil = as(post("/mcp", INITIALIZE.formatted("2025-11-25")), "alice")
                .headers(h -> h.put("Origin", "https://evil.example"));
        ContentResponse refused = Http.send(evil);
        assertThat(refused.getStatus()).isEqualTo(403);
        assertThat(ApiClient.json(refused).get("error").asString()).isEqualTo("ORIGIN_NOT_ALLOWED");
        Request good = as(post("/mcp", INITIALIZE.formatted("2025-11-25")), "alice")
                .headers(h -> h.put("Origin", "https://chat.example.com"));
        ContentResponse ok = Http.send(good);
        assertThat(ok.getStatus()).isEqualTo(200);
        assertThat(ok.getHeaders().get("Access-Control-Allow-Origin")).isEqualTo("https://chat.example.com");
        assertThat(ok.getHeaders().get("Access-Control-Expose-Headers")).contains("Mcp-Session-Id");
        ContentResponse preflight = Http.send(http.request("/mcp").method(HttpMethod.OPTIONS)
                .headers(h -> h.put("Origin", "https://chat.example.com").put("Access-Control-Request-Method", "POST")));
        assertThat(preflight.getStatus()).isEqualTo(204);
        assertThat(preflight.getHeaders().get("Access-Control-Allow-Headers")).contains("Authorization", "Mcp-Session-Id");
        ContentResponse evilPreflight = Http.send(http.request("/mcp").method(HttpMethod.OPTIONS)
                .headers(h -> h.put("Origin", "https://evil.example")));
        assertThat(evilPreflight.getStatus()).isEqualTo(403);
    }

    @Test
    void versions_are_negotiated_as_the_specification_says() {
        for (String version : FrontDoor.VERSIONS) {
            JsonNode r = ApiClient.json(initialize("alice", version));
            assertThat(r.get("result").get("protocolVersion").asString()).isEqualTo(version);
        }
        JsonNode unknown = ApiClient.json(initialize("alice", "2024-01-01"));
        assertThat(unknown.get("result").get("protocolVersion").asString()).isEqualTo("2025-11-25");
    }

    @Test
    void a_session_belongs_to_its_user_and_ends_with_delete() {
        ContentResponse init = initialize("alice", "2025-11-25");
        String session = init.getHeaders().get("Mcp-Session-Id");
        assertThat(session).matches("[A-Za-z0-9_-]{32}");
        String list = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";
        assertThat(Http.send(as(post("/mcp", list), "alice").headers(h -> h.put("Mcp-Session-Id", session))).getStatus())
                .isEqualTo(200);
        ContentResponse bob = Http.send(as(post("/mcp", list), "bob").headers(h -> h.put("Mcp-Session-Id", session)));
        assertThat(bob.getStatus()).isEqualTo(404);
        assertThat(ApiClient.json(bob).get("error").get("code").asInt()).isEqualTo(-32600);
        ContentResponse elsewhere = Http.send(as(post("/mcp/everything", list), "alice")
                .headers(h -> h.put("Mcp-Session-Id", session)));
        assertThat(elsewhere.getStatus()).as("a session is of the endpoint it was opened at").isEqualTo(404);
        assertThat(Http.send(as(http.request("/mcp").method(HttpMethod.DELETE), "bob")
                .headers(h -> h.put("Mcp-Session-Id", session))).getStatus()).isEqualTo(404);
        assertThat(Http.send(as(http.request("/mcp").method(HttpMethod.DELETE), "alice")
                .headers(h -> h.put("Mcp-Session-Id", session))).getStatus()).isEqualTo(204);
        assertThat(Http.send(as(post("/mcp", list), "alice").headers(h -> h.put("Mcp-Session-Id", session))).getStatus())
                .isEqualTo(404);
    }

    @Test
    void protocol_refusals_are_json_rpc_errors_with_the_right_status() {
        String list = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";
        ContentResponse noSession = Http.send(as(post("/mcp", list), "alice"));
        assertThat(noSession.getStatus()).isEqualTo(400);
        assertThat(ApiClient.json(noSession).get("error").get("message").asString()).contains("Mcp-Session-Id");
        String session = initialize("alice", "2025-11-25").getHeaders().get("Mcp-Session-Id");
        ContentResponse badVersion = Http.send(as(post("/mcp", list), "alice").headers(h -> h.put("Mcp-Session-Id", session)
                .put("MCP-Protocol-Version", "1999-01-01")));
        assertThat(badVersion.getStatus()).isEqualTo(400);
        ContentResponse batch = Http.send(as(post("/mcp", "[" + list + "]"), "alice").headers(h -> h.put("Mcp-Session-Id", session)));
        assertThat(batch.getStatus()).isEqualTo(400);
        ContentResponse notJson = Http.send(as(post("/mcp", "{nope"), "alice"));
        assertThat(ApiClient.json(notJson).get("error").get("code").asInt()).isEqualTo(-32700);
        ContentResponse unknownMethod = Http.send(as(post("/mcp", "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"nope/nope\"}"), "alice")
                .headers(h -> h.put("Mcp-Session-Id", session)));
        assertThat(ApiClient.json(unknownMethod).get("error").get("code").asInt()).isEqualTo(-32601);
        ContentResponse badLevel = Http.send(as(post("/mcp",
                "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"logging/setLevel\",\"params\":{\"level\":\"loud\"}}"), "alice")
                .headers(h -> h.put("Mcp-Session-Id", session)));
        assertThat(ApiClient.json(badLevel).get("error").get("code").asInt()).isEqualTo(-32602);
        ContentResponse notification = Http.send(as(post("/mcp", "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"), "alice")
                .headers(h -> h.put("Mcp-Session-Id", session)));
        assertThat(notification.getStatus()).isEqualTo(202);
    }

    @Test
    void a_server_the_caller_may_not_see_is_not_found() {
        ContentResponse r = Http.send(as(post("/mcp/nothing-here", INITIALIZE.formatted("2025-11-25")), "alice"));
        assertThat(r.getStatus()).isEqualTo(404);
    }

    @Test
    void a_service_credential_names_its_user_in_its_tenant_and_nothing_more() {
        Request asService = post("/mcp", INITIALIZE.formatted("2025-11-25"))
                .headers(h -> h.put("Authorization", "Bearer " + KEY).put("X-Portcullis-User", "65f0c1d2e3f4a5b6c7d8e9f0"));
        ContentResponse ok = Http.send(asService);
        assertThat(ok.getStatus()).isEqualTo(200);
        String session = ok.getHeaders().get("Mcp-Session-Id");
        // The same user id with a token of the default tenant is someone else: the session is not theirs.
        ContentResponse sameIdOtherTenant = Http.send(as(post("/mcp", "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}"),
                "65f0c1d2e3f4a5b6c7d8e9f0").headers(h -> h.put("Mcp-Session-Id", session)));
        assertThat(sameIdOtherTenant.getStatus()).isEqualTo(404);

        ContentResponse noUser = Http.send(post("/mcp", INITIALIZE.formatted("2025-11-25"))
                .headers(h -> h.put("Authorization", "Bearer " + KEY)));
        assertThat(noUser.getStatus()).isEqualTo(401);
        assertThat(ApiClient.json(noUser).get("message").asString()).contains("X-Portcullis-User");
        ContentResponse badUser = Http.send(post("/mcp", INITIALIZE.formatted("2025-11-25"))
                .headers(h -> h.put("Authorization", "Bearer " + KEY).put("X-Portcullis-User", "bob smith")));
        assertThat(badUser.getStatus()).isEqualTo(401);
        ContentResponse wrongKey = Http.send(post("/mcp", INITIALIZE.formatted("2025-11-25"))
                .headers(h -> h.put("Authorization", "Bearer " + KEY + "x").put("X-Portcullis-User", "bob")));
        assertThat(wrongKey.getStatus()).as("a user header with something that is not the key").isEqualTo(403);
        ContentResponse atRest = Http.send(http.request("/api/mcp/tools")
                .headers(h -> h.put("Authorization", "Bearer " + KEY)));
        assertThat(atRest.getStatus()).isEqualTo(401);
        ContentResponse userToken = Http.send(as(post("/mcp", INITIALIZE.formatted("2025-11-25")), "alice")
                .headers(h -> h.put("X-Portcullis-User", "bob")));
        assertThat(userToken.getStatus()).isEqualTo(403);
        ContentResponse userTokenAtRest = Http.send(as(http.request("/api/mcp/tools"), "alice")
                .headers(h -> h.put("X-Portcullis-User", "bob")));
        assertThat(userTokenAtRest.getStatus()).isEqualTo(403);
    }

    @Test
    void an_aggregate_without_reachable_servers_still_answers_its_lists() {
        String session = initialize("carol", "2025-06-18").getHeaders().get("Mcp-Session-Id");
        for (String method : new String[] {"resources/list", "prompts/list", "resources/templates/list"}) {
            ContentResponse r = Http.send(as(post("/mcp", "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"" + method + "\"}"), "carol")
                    .headers(h -> h.put("Mcp-Session-Id", session)));
            assertThat(r.getStatus()).as(method).isEqualTo(200);
            assertThat(ApiClient.json(r).has("result")).as(method).isTrue();
        }
        ContentResponse badCursor = Http.send(as(post("/mcp",
                "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"resources/list\",\"params\":{\"cursor\":\"!!\"}}"), "carol")
                .headers(h -> h.put("Mcp-Session-Id", session)));
        assertThat(ApiClient.json(badCursor).get("error").get("code").asInt()).isEqualTo(-32602);
    }

    // --- the stateless 2026-07-28 revision, on the same URLs -------------------------------------

    private static final String META = """
            "_meta":{"io.modelcontextprotocol/protocolVersion":"%s",
             "io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"t","version":"1"}}""";

    private static ContentResponse stateless(String method, String params, String version, String... headers) {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"" + method + "\",\"params\":{" + params + "}}";
        Request r = as(post("/mcp", body), "alice");
        r.headers(h -> {
            if (version != null) {
                h.put("MCP-Protocol-Version", version);
            }
            for (int i = 0; i + 1 < headers.length; i += 2) {
                h.put(headers[i], headers[i + 1]);
            }
        });
        return Http.send(r);
    }

    private static int code(ContentResponse r) {
        return ApiClient.json(r).get("error").get("code").asInt();
    }

    @Test
    void stateless_discover_describes_the_endpoint_with_a_complete_cacheable_result() {
        ContentResponse r = stateless("server/discover", META.formatted("2026-07-28"), "2026-07-28", "Mcp-Method", "server/discover");
        assertThat(r.getStatus()).isEqualTo(200);
        JsonNode result = ApiClient.json(r).get("result");
        assertThat(result.get("supportedVersions").toString()).contains("2026-07-28", "2025-11-25");
        assertThat(result.get("capabilities").has("tools")).isTrue();
        assertThat(result.get("capabilities").has("logging")).as("setLevel is gone in 2026-07-28").isFalse();
        assertThat(result.get("capabilities").get("tools").get("listChanged").asBoolean())
                .as("list changes come on listen streams").isTrue();
        assertThat(result.get("_meta").get("io.modelcontextprotocol/serverInfo").get("name").asString()).isEqualTo("portcullis");
        assertThat(result.get("resultType").asString()).isEqualTo("complete");
        assertThat(result.get("cacheScope").asString()).isEqualTo("private");
        assertThat(result.get("ttlMs").asInt()).isZero();
    }

    @Test
    void stateless_requests_are_checked_as_the_revision_says() {
        ContentResponse noHeader = stateless("tools/list", META.formatted("2026-07-28"), null, "Mcp-Method", "tools/list");
        assertThat(noHeader.getStatus()).isEqualTo(400);
        assertThat(code(noHeader)).isEqualTo(-32020);
        ContentResponse noMeta = stateless("tools/list", "", "2026-07-28", "Mcp-Method", "tools/list");
        assertThat(noMeta.getStatus()).isEqualTo(400);
        assertThat(code(noMeta)).isEqualTo(-32602);
        ContentResponse mismatch = stateless("tools/list", META.formatted("2026-07-28"), "2026-08-01", "Mcp-Method", "tools/list");
        assertThat(mismatch.getStatus()).isEqualTo(400);
        assertThat(code(mismatch)).isEqualTo(-32020);
        ContentResponse unsupported = stateless("server/discover", META.formatted("v999.0.0"), "v999.0.0", "Mcp-Method", "server/discover");
        assertThat(unsupported.getStatus()).isEqualTo(400);
        JsonNode error = ApiClient.json(unsupported).get("error");
        assertThat(error.get("code").asInt()).isEqualTo(-32022);
        assertThat(error.get("data").get("requested").asString()).isEqualTo("v999.0.0");
        assertThat(error.get("data").get("supported").toString()).contains("2026-07-28");
        assertThat(ApiClient.json(unsupported).get("id").asInt()).as("errors carry the request's id").isEqualTo(7);
        ContentResponse noMethodHeader = stateless("tools/list", META.formatted("2026-07-28"), "2026-07-28");
        assertThat(noMethodHeader.getStatus()).isEqualTo(400);
        assertThat(code(noMethodHeader)).isEqualTo(-32020);
        ContentResponse wrongMethodHeader = stateless("tools/list", META.formatted("2026-07-28"), "2026-07-28", "Mcp-Method", "prompts/list");
        assertThat(code(wrongMethodHeader)).isEqualTo(-32020);
        String call = "\"name\":\"everything__echo\",\"arguments\":{}," + META.formatted("2026-07-28");
        ContentResponse noName = stateless("tools/call", call, "2026-07-28", "Mcp-Method", "tools/call");
        assertThat(code(noName)).isEqualTo(-32020);
        ContentResponse wrongName = stateless("tools/call", call, "2026-07-28", "Mcp-Method", "tools/call", "Mcp-Name", "other");
        assertThat(code(wrongName)).isEqualTo(-32020);
        ContentResponse spaced = stateless("tools/call", call, "2026-07-28", "Mcp-Method", "tools/call", "Mcp-Name", " everything__echo ");
        assertThat(spaced.getStatus()).as("surrounding whitespace is not part of a header's value").isEqualTo(200);
    }

    @Test
    void methods_the_revision_removed_and_unknown_ones_are_not_found() {
        for (String method : new String[] {"initialize", "ping", "logging/setLevel", "resources/subscribe", "nope/nope"}) {
            ContentResponse r = stateless(method, META.formatted("2026-07-28"), "2026-07-28", "Mcp-Method", method);
            assertThat(r.getStatus()).as(method).isEqualTo(404);
            assertThat(code(r)).as(method).isEqualTo(-32601);
        }
    }

    @Test
    void stateless_and_session_clients_share_the_url() {
        ContentResponse list = stateless("tools/list", META.formatted("2026-07-28"), "2026-07-28", "Mcp-Method", "tools/list");
        assertThat(list.getStatus()).isEqualTo(200);
        JsonNode result = ApiClient.json(list).get("result");
        assertThat(result.get("tools").isArray()).isTrue();
        assertThat(result.get("resultType").asString()).isEqualTo("complete");
        assertThat(list.getHeaders().get("Mcp-Session-Id")).as("no session is made").isNull();
        ContentResponse session = initialize("alice", "2025-11-25");
        assertThat(session.getHeaders().get("Mcp-Session-Id")).isNotNull();
    }
}
