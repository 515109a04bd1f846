package dev.portcullis.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.Gateway;
import dev.portcullis.testing.ConsoleSignIns;
import dev.portcullis.testing.EverythingServer;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.Peers;
import dev.portcullis.testing.TestConfigs;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.StringRequestContent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The console's forms over HTTP, for the rules a browser test cannot show one by one: a person's values, adding a
 * server and sharing it go through the API's checks (the same messages, the same permissions), a form without the
 * sign-in's token changes nothing, and a person learns nothing of servers they may not see.
 */
class ConsoleServersTest {
    private static final String PUBLIC = "http://localhost:3080";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path dir;
    static MockOAuth2Server provider;
    static EverythingServer everything;
    static Gateway gateway;
    static Http http;
    static ConsoleSignIns signIns;
    static ConsoleSignIns.Person alice;
    static ConsoleSignIns.Person bob;
    static ConsoleSignIns.Person carol;
    static ConsoleSignIns.Person boss;

    @BeforeAll
    static void start() throws Exception {
        provider = new MockOAuth2Server();
        provider.start();
        everything = EverythingServer.start("streamableHttp");
        gateway = Gateway.start(TestConfigs.fromYaml("""
                server: {port: 0, publicUrl: "%s"}
                auth:
                  secret: %s
                  oidc: {issuer: "%s", clientId: portcullis-console, clientSecret: console-secret}
                  admins: {emails: [boss@example.test]}
                upstream: {serverChangesPerMinute: 10000}
                mcpSettings: {allowedAddresses: ['127.0.0.1', 'localhost']}
                interface:
                  mcpServers: {use: true, create: true, share: true, public: false}
                mcpServers:
                  everything: {command: node, args: ["%s", "stdio"], startup: false}
                  keyed:
                    type: streamable-http
                    url: "%s"
                    headers: {X-Api-Key: "{{API_KEY}}"}
                    customUserVars:
                      API_KEY: {title: API key, description: Your key at the service}
                    startup: false
                """.formatted(PUBLIC, TestConfigs.SECRET, provider.issuerUrl("default"), Peers.serverEverything(),
                everything.uri("/mcp")), dir));
        http = new Http(gateway.port());
        signIns = new ConsoleSignIns(http, provider);
        alice = signIns.person("alice", Map.of("name", "Alice", "email", "alice@example.test", "email_verified", true));
        bob = signIns.person("bob", Map.of("name", "Bob", "email", "bob@example.test", "email_verified", true));
        carol = signIns.person("carol", Map.of("name", "Carol"));
        boss = signIns.person("boss", Map.of("name", "Boss", "email", "boss@example.test", "email_verified", true));
    }

    @AfterAll
    static void stop() throws Exception {
        signIns.close();
        http.close();
        gateway.close();
        everything.close();
        provider.shutdown();
    }

    private static ContentResponse get(String path, ConsoleSignIns.Person who) {
        return Http.send(http.request(path).followRedirects(false).headers(h -> {
            if (who != null) {
                h.put("Cookie", who.cookie());
            }
        }));
    }

    /** A console form, as htmx posts it: form-encoded, with the cookie, the token and the gateway's origin. */
    private static ContentResponse post(String path, ConsoleSignIns.Person who, Map<String, String> form, boolean withToken) {
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return Http.send(http.request(path).method("POST").followRedirects(false).headers(h -> {
            h.put("Cookie", who.cookie());
            h.put("Origin", PUBLIC);
            h.put("HX-Request", "true");
            if (withToken) {
                h.put("X-CSRF-Token", who.csrfToken());
            }
        }).body(new StringRequestContent("application/x-www-form-urlencoded", body)));
    }

    private static JsonNode json(ContentResponse r) {
        return JSON.readTree(r.getContentAsString());
    }

    /** Alice adds a server from the form; its name. */
    private static String added(String title) {
        ContentResponse r = post("/console/servers/new", alice, Map.of("title", title, "url", everything.uri("/mcp").toString(),
                "type", "streamable-http"), true);
        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(204);
        String redirect = r.getHeaders().get("HX-Redirect");
        assertThat(redirect).startsWith("/console/?added=");
        return URLDecoder.decode(redirect.substring("/console/?added=".length()), StandardCharsets.UTF_8);
    }

    private static String serverId(String name, ConsoleSignIns.Person who) {
        return json(get("/api/mcp/servers/" + name, who)).get("dbId").asString();
    }

    @Test
    void a_persons_values_get_the_apis_checks_and_are_never_shown_back() {
        ContentResponse broken = post("/console/servers/keyed/variables", alice,
                Map.of("var.API_KEY", "abc\r\nX-Injected: 1"), true);
        assertThat(broken.getStatus()).isEqualTo(200);
        assertThat(broken.getContentAsString()).contains("must not contain line breaks", "(0 of 1 set)");
        assertThat(json(get("/api/mcp/keyed/auth-values", alice)).at("/authValueFlags/API_KEY").asBoolean()).isFalse();

        ContentResponse tooLong = post("/console/servers/keyed/variables", alice, Map.of("var.API_KEY", "k".repeat(4097)), true);
        assertThat(tooLong.getContentAsString()).contains("longer than 4096 characters");

        Map<String, String> form = new LinkedHashMap<>();
        form.put("var.API_KEY", "key-of-alice");
        form.put("var.SOMETHING_ELSE", "ignored: the form reads only the variables the server declares");
        ContentResponse saved = post("/console/servers/keyed/variables", alice, form, true);
        assertThat(saved.getContentAsString()).contains("Saved: 1 value.", "(1 of 1 set)").doesNotContain("key-of-alice");
        assertThat(json(get("/api/mcp/keyed/auth-values", alice)).at("/authValueFlags/API_KEY").asBoolean()).isTrue();
        assertThat(json(get("/api/mcp/keyed/auth-values", bob)).at("/authValueFlags/API_KEY").asBoolean())
                .as("Alice's value is hers only").isFalse();
        assertThat(get("/console/", alice).getContentAsString()).doesNotContain("key-of-alice");

        ContentResponse cleared = post("/console/servers/keyed/variables", alice, Map.of("action", "clear"), true);
        assertThat(cleared.getContentAsString()).contains("Your values are deleted.", "(0 of 1 set)");
    }

    @Test
    void without_the_sign_ins_token_no_form_changes_anything() {
        ContentResponse values = post("/console/servers/keyed/variables", bob, Map.of("var.API_KEY", "planted"), false);
        assertThat(values.getStatus()).isEqualTo(403);
        assertThat(json(values).get("error").asString()).isEqualTo("CSRF_TOKEN_INVALID");
        assertThat(json(get("/api/mcp/keyed/auth-values", bob)).at("/authValueFlags/API_KEY").asBoolean()).isFalse();

        ContentResponse create = post("/console/servers/new", bob, Map.of("title", "Planted", "url", everything.uri("/mcp")
                .toString()), false);
        assertThat(create.getStatus()).isEqualTo(403);
        assertThat(json(get("/api/mcp/servers", bob)).has("planted")).isFalse();
    }

    @Test
    void the_add_form_shows_the_apis_problems_and_stores_nothing_until_they_are_fixed() {
        ContentResponse empty = post("/console/servers/new", carol, Map.of("title", "", "url", ""), true);
        assertThat(empty.getStatus()).isEqualTo(200);
        assertThat(empty.getContentAsString()).contains("id=\"title-error\"", "id=\"url-error\"", "aria-invalid=\"true\"",
                "The server was not added.");
        ContentResponse blocked = post("/console/servers/new", carol, Map.of("title", "Metadata", "url",
                "http://169.254.169.254/mcp"), true);
        assertThat(blocked.getContentAsString()).contains("id=\"url-error\"", "egress", "value=\"Metadata\"");
        // A secret without the endpoints it may go to: said beside those fields, and the secret never sent back.
        ContentResponse secret = post("/console/servers/new", carol, Map.of("title", "Pre-registered", "url",
                everything.uri("/mcp").toString(), "clientId", "app-id", "clientSecret", "never-shown-again"), true);
        assertThat(secret.getContentAsString()).contains("id=\"oauth-error\"", "authorization_url and token_url", "value=\"app-id\"")
                .doesNotContain("never-shown-again");
        assertThat(json(get("/api/mcp/servers", carol)).propertyNames()).containsOnly("everything", "keyed");
    }

    @Test
    void sharing_from_the_console_keeps_the_apis_permissions() {
        String name = added("Alice shares");
        String id = serverId(name, alice);

        // Everyone, or a whole role, needs MCP_SERVERS.SHARE_PUBLIC, which this role lacks.
        ContentResponse everyone = post("/console/servers/" + name + "/sharing", alice, Map.of("action", "public",
                "role", "mcpServer_viewer"), true);
        assertThat(everyone.getContentAsString()).contains("Insufficient permissions");
        ContentResponse role = post("/console/servers/" + name + "/sharing", alice, Map.of("principal", "role:USER",
                "role", "mcpServer_viewer"), true);
        assertThat(role.getContentAsString()).contains("Insufficient permissions");
        assertThat(json(get("/api/permissions/mcpServer/" + id, alice)).get("public").asBoolean()).isFalse();
        assertThat(json(get("/api/mcp/servers", carol)).has(name)).isFalse();

        ContentResponse tooLong = post("/console/servers/" + name + "/sharing", alice, Map.of("principal", "user:"
                + "b".repeat(290), "role", "mcpServer_viewer"), true);
        assertThat(tooLong.getStatus()).as("the API's limit on an id, not the database's").isEqualTo(200);
        assertThat(tooLong.getContentAsString()).contains("Choose whom to share with");

        ContentResponse shared = post("/console/servers/" + name + "/sharing", alice, Map.of("principal", "user:bob",
                "role", "mcpServer_viewer"), true);
        assertThat(shared.getContentAsString()).contains("Shared with bob as Viewer.");
        assertThat(json(get("/api/mcp/servers", bob)).has(name)).isTrue();

        // A viewer may use it, not share it; someone without a grant does not learn it exists.
        ContentResponse byViewer = post("/console/servers/" + name + "/sharing", bob, Map.of("principal", "user:carol",
                "role", "mcpServer_owner"), true);
        assertThat(byViewer.getStatus()).isEqualTo(403);
        ContentResponse byStranger = post("/console/servers/" + name + "/sharing", carol, Map.of("principal", "user:carol",
                "role", "mcpServer_owner"), true);
        assertThat(byStranger.getStatus()).isEqualTo(404);
        assertThat(json(get("/api/mcp/servers", carol)).has(name)).isFalse();
        ContentResponse page = get("/console/sharing/" + name, carol);
        assertThat(page.getStatus()).isEqualTo(404);
        assertThat(page.getHeaders().get("Content-Type")).as(page.getContentAsString()).startsWith("text/html");
        assertThat(page.getContentAsString()).contains("Not found");

        // The operator's servers are shared by the configuration, not here.
        ContentResponse operator = get("/console/sharing/everything", boss);
        assertThat(operator.getStatus()).isEqualTo(403);
        assertThat(operator.getContentAsString()).contains("configured by the operator");
    }

    @Test
    void the_people_search_finds_only_what_the_role_may_search() {
        String name = added("Alice searches");
        assertThat(get("/console/servers/" + name + "/people?q=bob", alice).getContentAsString())
                .as("interface.peoplePicker gives the USER role nothing").doesNotContain("user:bob");
        ContentResponse admin = get("/console/servers/" + name + "/people?q=bob", boss);
        assertThat(admin.getStatus()).isEqualTo(200);
        assertThat(admin.getContentAsString()).contains("value=\"user:bob\"", "bob@example.test");
        assertThat(get("/console/servers/" + name + "/people?q=" + "b".repeat(300), boss).getContentAsString())
                .doesNotContain("user:");
    }

    @Test
    void the_live_states_need_a_sign_in_and_name_each_card() {
        ContentResponse signedOut = Http.send(http.request("/console/states"));
        assertThat(signedOut.getStatus()).isEqualTo(401);
        assertThat(signedOut.getHeaders().get("WWW-Authenticate")).isNotBlank();
        ContentResponse states = get("/console/states", carol);
        assertThat(states.getStatus()).isEqualTo(200);
        assertThat(states.getContentAsString()).contains("hx-swap-oob=\"true\"", "id=\"state-"
                + java.util.HexFormat.of().formatHex("everything".getBytes(StandardCharsets.UTF_8)) + "\"", "Not connected");
    }
}
