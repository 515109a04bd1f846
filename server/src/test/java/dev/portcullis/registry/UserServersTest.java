package dev.portcullis.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.Gateway;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.testing.ApiClient;
import dev.portcullis.testing.ApiClient.As;
import dev.portcullis.testing.EverythingServer;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.SdkDemoServer;
import dev.portcullis.testing.Services;
import dev.portcullis.testing.TestConfigs;
import java.net.HttpCookie;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * User-managed servers end to end, on the machine's PostgreSQL, in front of the real
 * server-everything and the SDK's OAuth demo: create (validation, egress, inspection, names),
 * read (redaction), list (pages, search), update (version, staleness, secret re-entry), delete
 * (the cascade through other users' tokens, variables, connections and grants), sharing and the
 * operator's access limits.
 */
class UserServersTest {
    private static final As ALICE = As.user("alice");
    private static final As BOB = As.user("bob");
    private static final As CAROL = As.user("carol");
    private static final As OPS = As.user("olga", "ops");
    private static final As ADMIN = As.admin("root");

    @TempDir
    static Path dir;
    static EverythingServer everything;
    static SdkDemoServer demo;
    static Gateway gateway;
    static Http http;
    static ApiClient api;
    static String database;
    static HttpClient browser;

    @BeforeAll
    static void start() throws Exception {
        everything = EverythingServer.start("streamableHttp");
        demo = new SdkDemoServer();
        database = Services.freshPostgresSchema();
        PortcullisConfig config = TestConfigs.fromYaml("""
                server: {port: 0, publicUrl: "http://localhost:3080"}
                auth: {secret: %s}
                storage: {url: "%s"}
                upstream: {serverChangesPerMinute: 10000}
                mcpSettings:
                  allowedDomains: ['localhost', '127.0.0.1']
                mcpServers:
                  everything: {type: streamable-http, url: "%s", title: "Everything", description: "The operator's", startup: false}
                  ops-console: {type: streamable-http, url: "%s", title: "Ops Console", startup: false, access: {groups: [ops]}}
                interface:
                  mcpServers: {use: true, create: true, share: true, public: false}
                """.formatted(TestConfigs.SECRET, database, everything.uri("/mcp"), everything.uri("/mcp")), dir);
        gateway = Gateway.start(config);
        http = new Http(gateway.port());
        api = new ApiClient(http, config);
        browser = new HttpClient();
        browser.setFollowRedirects(false);
        browser.start();
    }

    @AfterAll
    static void stop() throws Exception {
        browser.stop();
        http.close();
        gateway.close();
        demo.close();
        everything.close();
    }

    private static String everythingUrl() {
        return everything.uri("/mcp").toString();
    }

    private static ContentResponse create(As as, String configJson) {
        return api.send(as, "POST", "/api/mcp/servers", "{\"config\": " + configJson + "}");
    }

    private static JsonNode created(As as, String configJson) {
        ContentResponse r = create(as, configJson);
        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(201);
        return ApiClient.json(r);
    }

    private static JsonNode everythingServer(As as, String title) {
        return created(as, "{\"type\": \"streamable-http\", \"url\": \"%s\", \"title\": \"%s\"}".formatted(everythingUrl(), title));
    }

    private static void share(As owner, String id, String principalsJson) {
        ContentResponse r = api.send(owner, "PUT", "/api/permissions/mcpServer/" + id, "{\"updated\": " + principalsJson + "}");
        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(200);
    }

    private static void assertError(ContentResponse r, int status, String code) {
        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(status);
        JsonNode body = ApiClient.json(r);
        assertThat(body.get("error").asString()).isEqualTo(code);
        assertThat(body.get("message").asString()).isNotBlank();
    }

    private static long count(String sql, Object... args) {
        try (Connection c = DriverManager.getConnection(database); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static String text(String sql, Object... args) {
        try (Connection c = DriverManager.getConnection(database); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static int openSessions() {
        String metrics = http.get("/metrics").getContentAsString();
        return metrics.lines().filter(l -> l.startsWith("portcullis_upstream_sessions ")).findFirst()
                .map(l -> (int) Double.parseDouble(l.substring(l.indexOf(' ') + 1).strip())).orElseThrow();
    }

    @Test
    void a_created_server_is_inspected_owned_audited_and_usable() {
        ContentResponse r = create(ALICE, """
                {"type": "streamable-http", "url": "%s", "title": "Alice Tools", "description": "Echo and friends"}"""
                .formatted(everythingUrl()));
        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(201);
        JsonNode body = ApiClient.json(r);
        assertThat(body.get("serverName").asString()).isEqualTo("alice-tools");
        assertThat(body.get("source").asString()).isEqualTo("user");
        assertThat(body.at("/inspection/connected").asBoolean()).isTrue();
        assertThat(body.get("requiresOAuth").asBoolean()).isFalse();
        assertThat(body.at("/inspection/tools").toString()).contains("\"echo\"", "\"get-sum\"");
        assertThat(body.at("/inspection/capabilities").has("tools")).isTrue();
        // LibreChat's types: capabilities as JSON text, tools as comma-separated names, times as epoch ms
        assertThat(ApiClient.JSON.readTree(body.get("capabilities").asString()).has("tools")).isTrue();
        assertThat(body.get("tools").asString()).contains("echo").contains(", ");
        assertThat(body.get("updatedAt").isNumber()).isTrue();
        assertThat(body.get("serverInfo").get("name").asString()).as("server-everything's own name").isNotBlank();
        assertThat(body.get("url").asString()).isEqualTo(everythingUrl());
        assertThat(body.get("permissionBits").asInt()).isEqualTo(15);
        assertThat(body.get("version").asInt()).isEqualTo(1);
        String id = body.get("dbId").asString();

        assertThat(count("SELECT COUNT(*) FROM server_grants WHERE server_id = ? AND principal_type = 'user'"
                + " AND principal_id = 'alice' AND access_role = 'mcpServer_owner'", id)).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM audit_events WHERE subject = ? AND action = 'server.create'"
                + " AND actor_id = 'alice' AND request_id = ?", "mcpServer:" + id, r.getHeaders().get("X-Request-Id"))).isEqualTo(1);

        ContentResponse call = api.send(ALICE, "POST", "/api/mcp/alice-tools/tools/echo/call", "{\"arguments\": {\"message\": \"hi\"}}");
        assertThat(call.getStatus()).as(call.getContentAsString()).isEqualTo(200);
        assertThat(call.getContentAsString()).contains("Echo: hi");
        JsonNode tools = ApiClient.json(api.send(ALICE, "GET", "/api/mcp/tools")).get("servers");
        assertThat(tools.has("alice-tools")).isTrue();
        assertThat(tools.get("alice-tools").get("tools").toString()).contains("echo_mcp_alice-tools");
        assertThat(ApiClient.json(api.send(ALICE, "GET", "/api/mcp/connection/status")).get("connectionStatus")
                .get("alice-tools").get("connectionState").asString()).isEqualTo("connected");
        // Nobody else sees it: not in their tools, not in their status, not by name.
        assertThat(ApiClient.json(api.send(BOB, "GET", "/api/mcp/tools")).get("servers").has("alice-tools")).isFalse();
        assertThat(ApiClient.json(api.send(BOB, "GET", "/api/mcp/connection/status")).get("connectionStatus")
                .has("alice-tools")).isFalse();
        assertError(api.send(BOB, "POST", "/api/mcp/alice-tools/tools/echo/call", "{\"arguments\": {\"message\": \"hi\"}}"),
                404, "NOT_FOUND");
    }

    @Test
    void names_are_slugs_of_the_title_and_never_collide() {
        assertThat(everythingServer(BOB, "Weather Station").get("serverName").asString()).isEqualTo("weather-station");
        assertThat(everythingServer(CAROL, "Weather  Station").get("serverName").asString()).isEqualTo("weather-station-2");
        assertThat(everythingServer(BOB, "weather station").get("serverName").asString()).isEqualTo("weather-station-3");
        // Never an operator server's name, nor a segment of the API's own routes.
        assertThat(everythingServer(BOB, "Everything").get("serverName").asString()).isEqualTo("everything-2");
        assertThat(everythingServer(BOB, "Ops Console").get("serverName").asString()).isEqualTo("ops-console-2");
        assertThat(everythingServer(BOB, "Tools").get("serverName").asString()).isEqualTo("tools-2");
        JsonNode untitled = created(BOB, "{\"type\": \"streamable-http\", \"url\": \"%s\"}".formatted(everythingUrl()));
        assertThat(untitled.get("serverName").asString()).matches("mcp-[a-z0-9]{16}");
    }

    @Test
    void concurrent_creates_with_one_title_get_distinct_names() throws Exception {
        List<Future<ContentResponse>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 5; i++) {
                results.add(pool.submit(() -> create(CAROL, "{\"type\": \"streamable-http\", \"url\": \"%s\", \"title\": \"Race\"}"
                        .formatted(everythingUrl()))));
            }
        }
        Set<String> names = new HashSet<>();
        for (Future<ContentResponse> f : results) {
            ContentResponse r = f.get();
            assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(201);
            names.add(ApiClient.json(r).get("serverName").asString());
        }
        assertThat(names).containsExactlyInAnyOrder("race", "race-2", "race-3", "race-4", "race-5");
    }

    @Test
    void invalid_input_gets_a_400_naming_every_problem_and_stores_nothing() {
        long before = count("SELECT COUNT(*) FROM user_servers");
        ContentResponse r = create(BOB, """
                {"type": "stdio", "command": "sh", "url": "http://127.0.0.1/?k=${JWT_SECRET}", "title": "Bad <b>",
                 "headers": {"X-User": "{{LIBRECHAT_USER_EMAIL}}", "X-Key": "{{UNDECLARED}}"}}""");
        assertError(r, 400, "INVALID_SERVER_CONFIG");
        List<String> fields = new ArrayList<>();
        ApiClient.json(r).get("errors").forEach(e -> fields.add(e.get("field").asString()));
        assertThat(fields).contains("config.type", "config.command", "config.url", "config.title", "config.headers.X-User",
                "config.headers.X-Key");
        assertThat(r.getContentAsString()).doesNotContain("JWT_SECRET}");

        assertError(create(BOB, "{\"type\": \"websocket\", \"url\": \"http://127.0.0.1:1/\"}"), 400, "INVALID_SERVER_CONFIG");
        assertError(api.send(BOB, "POST", "/api/mcp/servers", "{\"type\": \"sse\"}"), 400, "INVALID_SERVER_CONFIG");
        assertError(api.send(BOB, "POST", "/api/mcp/servers", "{\"config\": "), 400, "INVALID_JSON");
        assertThat(count("SELECT COUNT(*) FROM user_servers")).isEqualTo(before);
    }

    @Test
    void the_egress_policy_applies_at_create_and_update_before_any_connection() {
        long before = count("SELECT COUNT(*) FROM user_servers");
        ContentResponse metadata = create(BOB, "{\"type\": \"streamable-http\", \"url\": \"http://169.254.169.254/mcp\", \"title\": \"Meta\"}");
        assertError(metadata, 403, "MCP_DOMAIN_NOT_ALLOWED");
        assertThat(ApiClient.json(metadata).get("field").asString()).isEqualTo("config.url");
        assertError(create(BOB, "{\"type\": \"sse\", \"url\": \"http://10.1.2.3/sse\"}"), 403, "MCP_DOMAIN_NOT_ALLOWED");
        ContentResponse token = create(BOB, """
                {"type": "streamable-http", "url": "%s", "oauth": {"client_id": "c", "client_secret": "s",
                 "authorization_url": "http://localhost:1/authorize", "token_url": "http://10.9.9.9/token"}}"""
                .formatted(everythingUrl()));
        assertError(token, 403, "MCP_DOMAIN_NOT_ALLOWED");
        assertThat(ApiClient.json(token).get("field").asString()).isEqualTo("config.oauth.token_url");
        assertThat(count("SELECT COUNT(*) FROM user_servers")).isEqualTo(before);

        String name = everythingServer(BOB, "Egress Patch").get("serverName").asString();
        assertError(api.send(BOB, "PATCH", "/api/mcp/servers/" + name,
                "{\"config\": {\"url\": \"http://169.254.169.254/latest/meta-data/\"}}"), 403, "MCP_DOMAIN_NOT_ALLOWED");
        assertThat(ApiClient.json(api.send(BOB, "GET", "/api/mcp/servers/" + name)).get("url").asString()).isEqualTo(everythingUrl());
    }

    @Test
    void an_unreachable_server_is_refused_and_nothing_is_stored() {
        long before = count("SELECT COUNT(*) FROM user_servers");
        int closed = EverythingServer.freePort();
        assertError(create(BOB, "{\"type\": \"streamable-http\", \"url\": \"http://127.0.0.1:%d/mcp\", \"title\": \"Gone\"}"
                .formatted(closed)), 400, "MCP_INSPECTION_FAILED");
        assertThat(count("SELECT COUNT(*) FROM user_servers")).isEqualTo(before);
    }

    @Test
    void an_oauth_protected_server_is_accepted_and_asks_each_user_to_authorize() {
        JsonNode body = created(CAROL, "{\"type\": \"streamable-http\", \"url\": \"%s\", \"title\": \"Demo Carol\"}"
                .formatted(demo.mcpUrl()));
        assertThat(body.get("requiresOAuth").asBoolean()).isTrue();
        assertThat(body.at("/inspection/connected").asBoolean()).isFalse();
        assertThat(body.has("capabilities")).as("nothing inspected, nothing to show").isFalse();
        ContentResponse call = api.send(CAROL, "POST", "/api/mcp/demo-carol/tools/greet/call", "{\"arguments\": {\"name\": \"x\"}}");
        assertError(call, 403, "OAUTH_REQUIRED");
    }

    @Test
    void secrets_are_sealed_at_rest_and_never_returned() {
        JsonNode body = created(ALICE, """
                {"type": "streamable-http", "url": "%s", "title": "Secretive",
                 "headers": {"X-Header-Secret": "hdr-s3cr3t"},
                 "apiKey": {"source": "admin", "authorization_type": "custom", "custom_header": "X-Api-Key", "key": "key-s3cr3t"},
                 "oauth": {"client_id": "client-1", "client_secret": "oauth-s3cr3t",
                           "authorization_url": "http://localhost:1/authorize", "token_url": "http://localhost:1/token"}}"""
                .formatted(everythingUrl()));
        String id = body.get("dbId").asString();
        share(ALICE, id, "[{\"type\": \"user\", \"id\": \"bob\", \"accessRoleId\": \"mcpServer_editor\"},"
                + " {\"type\": \"user\", \"id\": \"carol\", \"accessRoleId\": \"mcpServer_viewer\"}]");
        List<String> responses = new ArrayList<>();
        responses.add(body.toString());
        for (As as : List.of(ALICE, BOB, CAROL, ADMIN)) {
            responses.add(api.send(as, "GET", "/api/mcp/servers/secretive").getContentAsString());
            responses.add(api.send(as, "GET", "/api/mcp/servers").getContentAsString());
        }
        responses.add(api.send(BOB, "PATCH", "/api/mcp/servers/secretive", "{\"config\": {\"description\": \"edited\"}}")
                .getContentAsString());
        for (String response : responses) {
            assertThat(response).doesNotContain("s3cr3t").doesNotContain("X-Header-Secret");
        }
        JsonNode editor = ApiClient.json(api.send(BOB, "GET", "/api/mcp/servers/secretive"));
        assertThat(editor.get("url").asString()).isEqualTo(everythingUrl());
        assertThat(editor.get("oauth").get("token_url").asString()).isEqualTo("http://localhost:1/token");
        assertThat(editor.get("oauth").has("client_secret")).isFalse();
        JsonNode viewer = ApiClient.json(api.send(CAROL, "GET", "/api/mcp/servers/secretive"));
        assertThat(viewer.has("url")).isFalse();
        assertThat(viewer.has("oauth")).isFalse();
        assertThat(viewer.get("title").asString()).isEqualTo("Secretive");
        // At rest: sealed, so neither the secrets nor the URL are readable in the table.
        String row = text("SELECT sealed_config FROM user_servers WHERE id = ?", id);
        assertThat(row).doesNotContain("s3cr3t").doesNotContain("client-1").doesNotContain("127.0.0.1");
        // The sealed secrets still work: the admin key went out as a header, and the server answered.
        assertThat(ApiClient.json(api.send(ALICE, "GET", "/api/mcp/servers/secretive")).at("/inspection/connected").asBoolean()).isTrue();
    }

    @Test
    void listing_pages_through_everything_once_and_searches_title_and_description() {
        As dana = As.user("dana");
        for (int i = 1; i <= 7; i++) {
            created(dana, "{\"type\": \"streamable-http\", \"url\": \"%s\", \"title\": \"Dana Page %d\", \"description\": \"%s\"}"
                    .formatted(everythingUrl(), i, i % 2 == 0 ? "has 100% Widgets" : "plain"));
        }
        List<String> all = new ArrayList<>();
        ApiClient.json(api.send(dana, "GET", "/api/mcp/servers")).propertyNames().forEach(all::add);
        assertThat(all).startsWith("everything").contains("dana-page-1", "dana-page-7").doesNotContain("ops-console");

        List<String> paged = new ArrayList<>();
        String path = "/api/mcp/servers?limit=3";
        int pages = 0;
        while (path != null) {
            ContentResponse r = api.send(dana, "GET", path);
            assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(200);
            JsonNode page = ApiClient.json(r);
            assertThat(page.size()).isLessThanOrEqualTo(3);
            page.propertyNames().forEach(paged::add);
            String link = r.getHeaders().get("Link");
            path = link == null ? null : link.substring(1, link.indexOf('>'));
            if (link != null) {
                assertThat(link).contains("after=" + r.getHeaders().get("X-Next-Cursor"));
            }
            pages++;
        }
        assertThat(paged).containsExactlyElementsOf(all);
        assertThat(pages).isEqualTo((all.size() + 2) / 3);

        List<String> found = new ArrayList<>();
        ApiClient.json(api.send(dana, "GET", "/api/mcp/servers?search=WIDGETS")).propertyNames().forEach(found::add);
        assertThat(found).containsExactly("dana-page-2", "dana-page-4", "dana-page-6");
        found.clear();
        ApiClient.json(api.send(dana, "GET", "/api/mcp/servers?search=100%25&limit=2")).propertyNames().forEach(found::add);
        assertThat(found).containsExactly("dana-page-2", "dana-page-4");
        found.clear();
        ApiClient.json(api.send(dana, "GET", "/api/mcp/servers?search=operator")).propertyNames().forEach(found::add);
        assertThat(found).containsExactly("everything");
        // Another user's servers never show up in a search.
        assertThat(ApiClient.json(api.send(BOB, "GET", "/api/mcp/servers?search=dana")).size()).isZero();

        assertError(api.send(dana, "GET", "/api/mcp/servers?limit=0"), 400, "BAD_REQUEST");
        assertError(api.send(dana, "GET", "/api/mcp/servers?limit=101"), 400, "BAD_REQUEST");
        assertError(api.send(dana, "GET", "/api/mcp/servers?limit=ten"), 400, "BAD_REQUEST");
        assertError(api.send(dana, "GET", "/api/mcp/servers?limit=2&after=bm9wZQ"), 400, "INVALID_CURSOR");
    }

    @Test
    void an_update_bumps_the_version_and_replaces_every_users_connection() {
        JsonNode body = everythingServer(ALICE, "Versioned");
        share(ALICE, body.get("dbId").asString(), "[{\"type\": \"user\", \"id\": \"bob\", \"accessRoleId\": \"mcpServer_viewer\"}]");
        String echo = "/api/mcp/versioned/tools/echo/call";
        assertThat(api.send(BOB, "POST", echo, "{\"arguments\": {\"message\": \"before\"}}").getStatus()).isEqualTo(200);
        assertThat(ApiClient.json(api.send(BOB, "GET", "/api/mcp/connection/status/versioned")).get("connectionStatus").asString())
                .isEqualTo("connected");

        ContentResponse patched = api.send(ALICE, "PATCH", "/api/mcp/servers/versioned",
                "{\"config\": {\"title\": \"Versioned Again\", \"description\": \"new text\"}}");
        assertThat(patched.getStatus()).as(patched.getContentAsString()).isEqualTo(200);
        JsonNode after = ApiClient.json(patched);
        assertThat(after.get("version").asInt()).isEqualTo(2);
        assertThat(after.get("serverName").asString()).as("the name stays; links keep working").isEqualTo("versioned");
        assertThat(after.get("title").asString()).isEqualTo("Versioned Again");
        assertThat(after.get("url").asString()).as("fields not sent are kept").isEqualTo(everythingUrl());
        assertThat(ApiClient.json(api.send(BOB, "GET", "/api/mcp/connection/status/versioned")).get("connectionStatus").asString())
                .as("Bob's connection was built from version 1").isEqualTo("disconnected");
        assertThat(api.send(BOB, "POST", echo, "{\"arguments\": {\"message\": \"after\"}}").getContentAsString()).contains("Echo: after");
        assertThat(count("SELECT COUNT(*) FROM audit_events WHERE subject = ? AND action = 'server.update'",
                "mcpServer:" + body.get("dbId").asString())).isEqualTo(1);

        assertError(api.send(ALICE, "PATCH", "/api/mcp/servers/versioned", "{\"config\": {\"command\": \"sh\"}}"),
                400, "INVALID_SERVER_CONFIG");
        assertError(api.send(ALICE, "PATCH", "/api/mcp/servers/everything", "{\"config\": {\"title\": \"Mine\"}}"),
                403, "SERVER_READ_ONLY");
        assertError(api.send(ADMIN, "PATCH", "/api/mcp/servers/everything", "{\"config\": {\"title\": \"Mine\"}}"),
                403, "SERVER_READ_ONLY");
    }

    @Test
    void moving_a_server_requires_its_secrets_again_and_drops_what_users_stored() {
        String config = """
                {"type": "streamable-http", "url": "%s", "title": "Bound",
                 "oauth": {"client_id": "client-1", "client_secret": "first-secret",
                           "authorization_url": "http://localhost:1/authorize", "token_url": "http://localhost:1/token"}}"""
                .formatted(everythingUrl());
        created(ALICE, config);
        String moved = everything.uri("/mcp?moved=1").toString();
        assertError(api.send(ALICE, "PATCH", "/api/mcp/servers/bound", "{\"config\": {\"url\": \"%s\"}}".formatted(moved)),
                400, "MCP_OAUTH_SECRET_REENTRY_REQUIRED");
        assertError(api.send(ALICE, "PATCH", "/api/mcp/servers/bound", """
                {"config": {"oauth": {"client_id": "client-1", "authorization_url": "http://localhost:1/authorize",
                 "token_url": "http://localhost:2/token"}}}"""), 400, "MCP_OAUTH_SECRET_REENTRY_REQUIRED");
        // Changing only what does not decide where the secret goes keeps it.
        ContentResponse scope = api.send(ALICE, "PATCH", "/api/mcp/servers/bound", """
                {"config": {"oauth": {"client_id": "client-1", "authorization_url": "http://localhost:1/authorize",
                 "token_url": "http://localhost:1/token", "scope": "read"}}}""");
        assertThat(scope.getStatus()).as(scope.getContentAsString()).isEqualTo(200);
        ContentResponse resent = api.send(ALICE, "PATCH", "/api/mcp/servers/bound", """
                {"config": {"url": "%s", "oauth": {"client_id": "client-1", "client_secret": "second-secret",
                 "authorization_url": "http://localhost:1/authorize", "token_url": "http://localhost:1/token"}}}""".formatted(moved));
        assertThat(resent.getStatus()).as(resent.getContentAsString()).isEqualTo(200);

        created(ALICE, """
                {"type": "streamable-http", "url": "%s", "title": "Keyed", "headers": {"X-Team": "blue"},
                 "apiKey": {"source": "admin", "authorization_type": "bearer", "key": "k1"}}""".formatted(everythingUrl()));
        ContentResponse keyed = api.send(ALICE, "PATCH", "/api/mcp/servers/keyed", "{\"config\": {\"url\": \"%s\"}}".formatted(moved));
        assertError(keyed, 400, "MCP_CREDENTIAL_REENTRY_REQUIRED");
        assertThat(ApiClient.json(keyed).get("fields").toString()).contains("config.apiKey.key", "config.headers");
        ContentResponse rekeyed = api.send(ALICE, "PATCH", "/api/mcp/servers/keyed", """
                {"config": {"url": "%s", "headers": {"X-Team": "blue"},
                 "apiKey": {"source": "admin", "authorization_type": "bearer", "key": "k2"}}}""".formatted(moved));
        assertThat(rekeyed.getStatus()).as(rekeyed.getContentAsString()).isEqualTo(200);

        // Values users entered for the old URL do not follow the server to the new one.
        created(ALICE, """
                {"type": "streamable-http", "url": "%s", "title": "With Vars", "headers": {"X-Token": "{{TOKEN}}"},
                 "customUserVars": {"TOKEN": {"title": "Your token"}}}""".formatted(everythingUrl()));
        assertThat(api.send(ALICE, "PUT", "/api/mcp/with-vars/auth-values", "{\"TOKEN\": \"t-1\"}").getStatus()).isEqualTo(200);
        assertThat(count("SELECT COUNT(*) FROM user_variables WHERE server_name = 'with-vars'")).isEqualTo(1);
        ContentResponse movedVars = api.send(ALICE, "PATCH", "/api/mcp/servers/with-vars",
                "{\"config\": {\"url\": \"%s\", \"headers\": {\"X-Token\": \"{{TOKEN}}\"}}}".formatted(moved));
        assertThat(movedVars.getStatus()).as(movedVars.getContentAsString()).isEqualTo(200);
        assertThat(count("SELECT COUNT(*) FROM user_variables WHERE server_name = 'with-vars'")).isZero();
    }

    /** A user's browser at the provider: the callback it is sent back with, and the binding cookie. */
    private record Redirected(String callback, Optional<HttpCookie> binding) {
    }

    private static Redirected startAuthorization(As user, String server) throws Exception {
        ContentResponse started = api.send(user, "POST", "/api/mcp/" + server + "/reinitialize");
        JsonNode body = ApiClient.json(started);
        assertThat(body.get("oauthRequired").asBoolean()).as(started.getContentAsString()).isTrue();
        Optional<HttpCookie> binding = started.getHeaders().getValuesList("Set-Cookie").stream()
                .flatMap(h -> HttpCookie.parse(h).stream()).filter(c -> c.getName().startsWith("portcullis_oauth_")).findFirst();
        ContentResponse provider = browser.newRequest(body.get("oauthUrl").asString()).timeout(10, TimeUnit.SECONDS).send();
        assertThat(provider.getStatus()).isEqualTo(302);
        URI back = URI.create(provider.getHeaders().get("Location"));
        return new Redirected(back.getPath() + "?" + back.getRawQuery(), binding);
    }

    /** Follows the provider's redirect back to the gateway; returns where the gateway sends the browser. */
    private static String completeAuthorization(Redirected redirected) {
        Request callback = http.request(redirected.callback()).followRedirects(false);
        redirected.binding().ifPresent(c -> callback.headers(h -> h.put("Cookie", c.getName() + "=" + c.getValue())));
        return Http.send(callback).getHeaders().get("Location");
    }

    /** Bob authorizes at a server Alice created and shared with him, as a browser would. */
    private static void authorize(As user, String server) throws Exception {
        assertThat(completeAuthorization(startAuthorization(user, server))).contains("/oauth/success");
    }

    @Test
    void an_authorization_started_before_the_server_moved_does_not_complete_for_where_it_went() throws Exception {
        String id = created(ALICE, "{\"type\": \"streamable-http\", \"url\": \"%s\", \"title\": \"Flowy\"}"
                .formatted(demo.mcpUrl())).get("dbId").asString();
        share(ALICE, id, "[{\"type\": \"user\", \"id\": \"bob\", \"accessRoleId\": \"mcpServer_viewer\"},"
                + " {\"type\": \"user\", \"id\": \"carol\", \"accessRoleId\": \"mcpServer_viewer\"}]");
        // An edit that moves nothing leaves an attempt in progress alone.
        Redirected bobs = startAuthorization(BOB, "flowy");
        assertThat(api.send(ALICE, "PATCH", "/api/mcp/servers/flowy", "{\"config\": {\"description\": \"v2\"}}").getStatus())
                .isEqualTo(200);
        assertThat(completeAuthorization(bobs)).contains("/oauth/success");
        assertThat(count("SELECT COUNT(*) FROM oauth_grants WHERE server_name = 'flowy' AND user_id = 'bob'")).isEqualTo(1);

        // Moving the server ends Carol's attempt: its token would be for where the server was.
        Redirected carols = startAuthorization(CAROL, "flowy");
        ContentResponse moved = api.send(ALICE, "PATCH", "/api/mcp/servers/flowy",
                "{\"config\": {\"url\": \"%s\"}}".formatted(demo.mcpUrl() + "?moved=1"));
        assertThat(moved.getStatus()).as(moved.getContentAsString()).isEqualTo(200);
        assertThat(completeAuthorization(carols)).contains("/oauth/error").contains("invalid_state");
        assertThat(count("SELECT COUNT(*) FROM oauth_grants WHERE server_name = 'flowy'")).as("Carol's never stored, Bob's dropped")
                .isZero();
    }

    @Test
    void a_proposed_url_is_inspected_without_anyones_token() throws Exception {
        created(ALICE, "{\"type\": \"streamable-http\", \"url\": \"%s\", \"title\": \"Probe Target\"}".formatted(demo.mcpUrl()));
        authorize(ALICE, "probe-target");
        assertThat(count("SELECT COUNT(*) FROM oauth_grants WHERE server_name = 'probe-target' AND user_id = 'alice'")).isEqualTo(1);
        List<String> authorizations = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer recorder = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        recorder.createContext("/", exchange -> {
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"recorder\"");
            exchange.sendResponseHeaders(401, -1);
            exchange.close();
        });
        recorder.start();
        try {
            String proposed = "http://127.0.0.1:" + recorder.getAddress().getPort() + "/mcp";
            ContentResponse moved = api.send(ALICE, "PATCH", "/api/mcp/servers/probe-target",
                    "{\"config\": {\"url\": \"%s\"}}".formatted(proposed));
            assertThat(moved.getStatus()).as(moved.getContentAsString()).isEqualTo(200);
            assertThat(authorizations).isNotEmpty().containsOnly("null");
            assertThat(count("SELECT COUNT(*) FROM oauth_grants WHERE server_name = 'probe-target'"))
                    .as("the token stayed with where the server was, and is gone").isZero();
        } finally {
            recorder.stop(0);
        }
    }

    @Test
    void deleting_removes_every_users_tokens_variables_connections_and_grants() throws Exception {
        String id = created(ALICE, "{\"type\": \"streamable-http\", \"url\": \"%s\", \"title\": \"Doomed\"}"
                .formatted(demo.mcpUrl())).get("dbId").asString();
        share(ALICE, id, "[{\"type\": \"user\", \"id\": \"bob\", \"accessRoleId\": \"mcpServer_viewer\"}]");
        authorize(BOB, "doomed");
        ContentResponse greeted = api.send(BOB, "POST", "/api/mcp/doomed/tools/greet/call", "{\"arguments\": {\"name\": \"Bob\"}}");
        assertThat(greeted.getStatus()).as(greeted.getContentAsString()).isEqualTo(200);
        assertThat(count("SELECT COUNT(*) FROM oauth_grants WHERE server_name = 'doomed' AND user_id = 'bob'")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM oauth_clients WHERE server_name = 'doomed'")).isEqualTo(1);
        int sessions = openSessions();
        assertThat(sessions).isPositive();

        String varsId = created(ALICE, """
                {"type": "streamable-http", "url": "%s", "title": "Doomed Vars", "headers": {"X-Token": "{{TOKEN}}"},
                 "customUserVars": {"TOKEN": {"title": "Your token"}}}""".formatted(everythingUrl())).get("dbId").asString();
        share(ALICE, varsId, "[{\"type\": \"user\", \"id\": \"bob\", \"accessRoleId\": \"mcpServer_viewer\"}]");
        assertThat(api.send(BOB, "PUT", "/api/mcp/doomed-vars/auth-values", "{\"TOKEN\": \"bob-token\"}").getStatus()).isEqualTo(200);

        assertError(api.send(BOB, "DELETE", "/api/mcp/servers/doomed"), 403, "FORBIDDEN");
        ContentResponse deleted = api.send(ALICE, "DELETE", "/api/mcp/servers/doomed");
        assertThat(deleted.getStatus()).as(deleted.getContentAsString()).isEqualTo(200);
        assertThat(ApiClient.json(deleted).get("message").asString()).isEqualTo("MCP server deleted successfully");

        assertThat(count("SELECT COUNT(*) FROM oauth_grants WHERE server_name = 'doomed'")).as("Bob's tokens").isZero();
        assertThat(count("SELECT COUNT(*) FROM oauth_clients WHERE server_name = 'doomed'")).isZero();
        assertThat(count("SELECT COUNT(*) FROM server_grants WHERE server_id = ?", id)).isZero();
        assertThat(count("SELECT COUNT(*) FROM user_servers WHERE id = ?", id)).isZero();
        assertThat(openSessions()).as("Bob's connection was closed").isEqualTo(sessions - 1);
        assertError(api.send(BOB, "POST", "/api/mcp/doomed/tools/greet/call", "{\"arguments\": {\"name\": \"Bob\"}}"), 404, "NOT_FOUND");
        assertThat(count("SELECT COUNT(*) FROM audit_events WHERE subject = ? AND action = 'server.delete' AND actor_id = 'alice'",
                "mcpServer:" + id)).isEqualTo(1);

        assertThat(api.send(ALICE, "DELETE", "/api/mcp/servers/doomed-vars").getStatus()).isEqualTo(200);
        assertThat(count("SELECT COUNT(*) FROM user_variables WHERE server_name = 'doomed-vars'")).as("Bob's values").isZero();

        // A new server under the old name starts clean: no grant, no token carried over.
        String reborn = created(CAROL, "{\"type\": \"streamable-http\", \"url\": \"%s\", \"title\": \"Doomed\"}"
                .formatted(demo.mcpUrl())).get("serverName").asString();
        assertThat(reborn).isEqualTo("doomed");
        assertError(api.send(BOB, "GET", "/api/mcp/servers/doomed"), 404, "NOT_FOUND");
    }

    @Test
    void operator_servers_can_be_limited_to_groups_and_are_read_only() {
        for (As outsider : List.of(ALICE, BOB)) {
            assertThat(ApiClient.json(api.send(outsider, "GET", "/api/mcp/servers")).has("ops-console")).isFalse();
            assertError(api.send(outsider, "GET", "/api/mcp/servers/ops-console"), 404, "NOT_FOUND");
            assertError(api.send(outsider, "POST", "/api/mcp/ops-console/tools/echo/call", "{\"arguments\": {\"message\": \"x\"}}"),
                    404, "NOT_FOUND");
            assertThat(ApiClient.json(api.send(outsider, "GET", "/api/mcp/tools")).get("servers").has("ops-console")).isFalse();
            assertThat(ApiClient.json(api.send(outsider, "GET", "/api/mcp/connection/status")).get("connectionStatus")
                    .has("ops-console")).isFalse();
        }
        assertThat(ApiClient.json(api.send(OPS, "GET", "/api/mcp/servers")).has("ops-console")).isTrue();
        JsonNode seen = ApiClient.json(api.send(OPS, "GET", "/api/mcp/servers/ops-console"));
        assertThat(seen.get("source").asString()).isEqualTo("yaml");
        assertThat(seen.has("url")).as("operator URLs are for admins").isFalse();
        assertThat(api.send(OPS, "POST", "/api/mcp/ops-console/tools/echo/call", "{\"arguments\": {\"message\": \"x\"}}")
                .getStatus()).isEqualTo(200);
        assertThat(ApiClient.json(api.send(ADMIN, "GET", "/api/mcp/servers")).has("ops-console")).isTrue();
        assertError(api.send(ADMIN, "DELETE", "/api/mcp/servers/ops-console"), 403, "SERVER_READ_ONLY");
    }

    @Test
    void two_owners_removing_each_other_at_once_leave_one_owner() throws Exception {
        for (int round = 0; round < 8; round++) {
            String id = everythingServer(ALICE, "Duel " + round).get("dbId").asString();
            share(ALICE, id, "[{\"type\": \"user\", \"id\": \"bob\", \"accessRoleId\": \"mcpServer_owner\"}]");
            String path = "/api/permissions/mcpServer/" + id;
            List<Integer> statuses = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<ContentResponse> a = pool.submit(() -> api.send(ALICE, "PUT", path,
                        "{\"removed\": [{\"type\": \"user\", \"id\": \"bob\"}]}"));
                Future<ContentResponse> b = pool.submit(() -> api.send(BOB, "PUT", path,
                        "{\"removed\": [{\"type\": \"user\", \"id\": \"alice\"}]}"));
                statuses.add(a.get().getStatus());
                statuses.add(b.get().getStatus());
            }
            assertThat(statuses).as("round " + round).containsOnlyOnce(200).doesNotContain(500);
            assertThat(count("SELECT COUNT(*) FROM server_grants WHERE server_id = ? AND access_role = 'mcpServer_owner'", id))
                    .isEqualTo(1);
        }
    }

    @Test
    void sharing_is_validated_audited_and_never_leaves_a_server_without_an_owner() {
        JsonNode body = everythingServer(ALICE, "Shared Thing");
        String id = body.get("dbId").asString();
        String path = "/api/permissions/mcpServer/" + id;
        assertError(api.send(ALICE, "PUT", path, "{\"updated\": [{\"type\": \"robot\", \"id\": \"r2\", \"accessRoleId\": \"mcpServer_viewer\"}]}"),
                400, "INVALID_PERMISSIONS");
        assertError(api.send(ALICE, "PUT", path, "{\"updated\": [{\"type\": \"user\", \"id\": \"bob\", \"accessRoleId\": \"mcpServer_god\"}]}"),
                400, "INVALID_PERMISSIONS");
        assertError(api.send(ALICE, "PUT", path, "{\"public\": true, \"publicAccessRoleId\": \"mcpServer_viewer\"}"), 403, "FORBIDDEN");
        assertError(api.send(ALICE, "PUT", path, "{\"removed\": [{\"type\": \"user\", \"id\": \"alice\"}]}"), 409, "LAST_OWNER");

        // A whole role is everyone in practice: like a public grant, it needs SHARE_PUBLIC.
        assertError(api.send(ALICE, "PUT", path, "{\"updated\": [{\"type\": \"role\", \"id\": \"USER\", \"accessRoleId\": \"mcpServer_owner\"}]}"),
                403, "FORBIDDEN");
        ContentResponse shared = api.send(ALICE, "PUT", path,
                "{\"updated\": [{\"type\": \"user\", \"id\": \"bob\", \"accessRoleId\": \"mcpServer_owner\"}]}");
        assertThat(shared.getStatus()).as(shared.getContentAsString()).isEqualTo(200);
        assertThat(api.send(ADMIN, "PUT", path,
                "{\"updated\": [{\"type\": \"role\", \"id\": \"USER\", \"accessRoleId\": \"mcpServer_viewer\"}]}").getStatus())
                .isEqualTo(200);
        assertThat(ApiClient.json(shared).get("message").asString()).isEqualTo("Permissions updated successfully");
        // Now Bob owns it too, so Alice may step back.
        assertThat(api.send(ALICE, "PUT", path, "{\"removed\": [{\"type\": \"user\", \"id\": \"alice\"}]}").getStatus()).isEqualTo(200);
        assertError(api.send(ALICE, "PATCH", "/api/mcp/servers/shared-thing", "{\"config\": {\"description\": \"x\"}}"), 403, "FORBIDDEN");
        assertThat(api.send(CAROL, "GET", "/api/mcp/servers/shared-thing").getStatus()).as("the role grant").isEqualTo(200);

        JsonNode listed = ApiClient.json(api.send(BOB, "GET", path));
        assertThat(listed.get("resourceType").asString()).isEqualTo("mcpServer");
        assertThat(listed.get("resourceId").asString()).isEqualTo(id);
        assertThat(listed.get("public").asBoolean()).isFalse();
        List<String> principals = new ArrayList<>();
        listed.get("principals").forEach(p -> principals.add(p.get("type").asString() + ":" + p.get("id").asString() + ":"
                + p.get("accessRoleId").asString()));
        assertThat(principals).containsExactlyInAnyOrder("user:bob:mcpServer_owner", "role:USER:mcpServer_viewer");

        ContentResponse pub = api.send(ADMIN, "PUT", path, "{\"public\": true, \"publicAccessRoleId\": \"mcpServer_viewer\"}");
        assertThat(ApiClient.json(pub).get("results").get("public").asBoolean()).isTrue();
        assertThat(count("SELECT COUNT(*) FROM audit_events WHERE subject = ? AND action = 'server.share'", "mcpServer:" + id))
                .isEqualTo(3);
        assertThat(count("SELECT COUNT(*) FROM audit_events WHERE subject = ? AND action = 'server.unshare'", "mcpServer:" + id))
                .isEqualTo(1);

        JsonNode roles = ApiClient.json(api.send(CAROL, "GET", "/api/permissions/mcpServer/roles"));
        assertThat(roles.toString()).contains("\"mcpServer_viewer\"", "\"permBits\":15");
        JsonNode effective = ApiClient.json(api.send(BOB, "GET", "/api/permissions/mcpServer/effective/all"));
        assertThat(effective.get(id).asInt()).isEqualTo(15);
        assertThat(ApiClient.json(api.send(CAROL, "GET", "/api/permissions/mcpServer/" + id + "/effective"))
                .get("permissionBits").asInt()).isEqualTo(1);
    }
}
