package dev.portcullis.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.Gateway;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.store.AuditLog;
import dev.portcullis.store.Database;
import dev.portcullis.testing.ApiClient;
import dev.portcullis.testing.ConsoleSignIns;
import dev.portcullis.testing.EverythingServer;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.Services;
import dev.portcullis.testing.TestConfigs;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's admin pages over HTTP: who may open them, the audit log's filters and pages (over events the real
 * API wrote, and events appended to the same PostgreSQL schema), bad filter values, and the egress check's answers.
 * Everything outbound stays on loopback; the egress checks use literal addresses only, so nothing is looked up.
 */
class AdminConsoleTest {
    private static final String PUBLIC = "http://localhost:3080";

    @TempDir
    static Path dir;
    static MockOAuth2Server provider;
    static EverythingServer everything;
    static Gateway gateway;
    static Database database;
    static Http http;
    static ApiClient api;
    static ConsoleSignIns signIns;
    static String adminCookie;
    static String userCookie;
    static int closedPort;

    @BeforeAll
    static void start() throws Exception {
        provider = new MockOAuth2Server();
        provider.start();
        everything = EverythingServer.start("streamableHttp");
        closedPort = EverythingServer.freePort();
        String storage = Services.freshPostgresSchema();
        PortcullisConfig config = TestConfigs.fromYaml("""
                server: {port: 0, publicUrl: "%s"}
                auth:
                  secret: %s
                  oidc: {issuer: "%s", clientId: portcullis-console, clientSecret: console-secret}
                  admins: {emails: [boss@example.test]}
                storage: {url: "%s"}
                upstream: {serverChangesPerMinute: 10000}
                mcpSettings:
                  allowedAddresses: ['127.0.0.1', 'localhost']
                interface:
                  mcpServers: {use: true, create: true, share: true, public: false}
                mcpServers:
                  broken:
                    title: Broken
                    type: streamable-http
                    url: "http://127.0.0.1:%d/mcp"
                    startup: false
                """.formatted(PUBLIC, TestConfigs.SECRET, provider.issuerUrl("default"), storage, closedPort), dir);
        gateway = Gateway.start(config);
        database = Database.open(config.storage()); // the same schema: events appended here are the gateway's
        http = new Http(gateway.port());
        api = new ApiClient(http, config);
        signIns = new ConsoleSignIns(http, provider);
        adminCookie = signIn("boss-sub", Map.of("email", "boss@example.test", "email_verified", true, "name", "Boss"));
        userCookie = signIn("alice", Map.of("email", "alice@example.test", "email_verified", true, "name", "Alice"));
    }

    @AfterAll
    static void stop() throws Exception {
        signIns.close();
        http.close();
        gateway.close();
        database.close();
        everything.close();
        provider.shutdown();
    }

    private static ContentResponse get(String path, String cookie) {
        return Http.send(http.request(path).followRedirects(false).headers(h -> {
            if (cookie != null) {
                h.put("Cookie", cookie);
            }
        }));
    }

    private static String page(String path) {
        ContentResponse r = get(path, adminCookie);
        assertThat(r.getStatus()).as(path + ": " + r.getContentAsString()).isEqualTo(200);
        assertThat(r.getHeaders().get("Content-Security-Policy")).contains("script-src 'self'");
        return r.getContentAsString();
    }

    private static String signIn(String subject, Map<String, Object> claims) throws Exception {
        return signIns.signIn(subject, claims);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static int rows(String html) {
        return (int) Pattern.compile("<td class=\"nowrap\">").matcher(html).results().count();
    }

    private static void append(String actor, String action, String subject, Instant at) {
        new AuditLog(database.jdbi()).append(new AuditLog.Event(at, Optional.empty(), actor, action, subject,
                Optional.of("req-" + at.toEpochMilli()), Optional.of("{\"note\":\"appended by the test\"}")));
    }

    @Test
    void without_a_sign_in_every_admin_page_sends_the_browser_to_sign_in() {
        for (String path : new String[] {"/console/admin", "/console/admin/audit", "/console/admin/egress?url=127.0.0.1"}) {
            ContentResponse r = get(path, null);
            assertThat(r.getStatus()).as(path).isEqualTo(303);
            assertThat(r.getHeaders().get("Location")).as(path).isEqualTo("/console/login");
        }
    }

    @Test
    void people_without_the_admin_role_get_a_readable_403_page_and_no_admin_link() {
        for (String path : new String[] {"/console/admin", "/console/admin/audit?actor=x", "/console/admin/egress?url=127.0.0.1"}) {
            ContentResponse r = get(path, userCookie);
            assertThat(r.getStatus()).as(path).isEqualTo(403);
            assertThat(r.getMediaType()).isEqualTo("text/html");
            assertThat(r.getContentAsString()).contains("<h1>Admins only</h1>", "ADMIN role")
                    .doesNotContain("Audit events", "Egress check</h2>");
        }
        assertThat(get("/console/", userCookie).getContentAsString()).doesNotContain("/console/admin\"");
        assertThat(page("/console/")).contains("href=\"/console/admin\"");
    }

    @Test
    void a_link_from_another_site_does_not_open_an_admin_page() {
        ContentResponse r = Http.send(http.request("/console/admin/egress?url=127.0.0.1").followRedirects(false)
                .headers(h -> h.put("Cookie", adminCookie).put("Sec-Fetch-Site", "cross-site")));
        assertThat(r.getStatus()).isEqualTo(303);
        assertThat(r.getHeaders().get("Location")).isEqualTo("/console/");
    }

    @Test
    void the_servers_page_lists_operator_and_user_servers_and_this_replicas_failures() {
        ContentResponse created = api.send(ApiClient.As.user("carol"), "POST", "/api/mcp/servers", """
                {"config": {"type": "streamable-http", "url": "%s", "title": "Carols tools"}}""".formatted(everything.uri("/mcp")));
        assertThat(created.getStatus()).as(created.getContentAsString()).isEqualTo(201);
        ContentResponse failed = api.send(ApiClient.As.user("dave"), "POST", "/api/mcp/broken/tools/echo/call",
                "{\"arguments\": {\"message\": \"hi\"}}");
        assertThat(failed.getStatus()).as(failed.getContentAsString()).isGreaterThanOrEqualTo(500);

        String html = page("/console/admin");
        assertThat(html).contains("this replica", "Broken", "Configured by the operator", "Carols tools", "A user's own")
                .contains("Recent errors of Broken", "UPSTREAM_UNAVAILABLE", "Shared (every user)");
        assertThat(html).doesNotContain(TestConfigs.SECRET);
    }

    @Test
    void audit_events_written_by_the_api_are_found_by_actor_server_name_and_action() {
        String[] names = new String[2];
        for (int i = 0; i < 2; i++) {
            ContentResponse created = api.send(ApiClient.As.user("erin"), "POST", "/api/mcp/servers", """
                    {"config": {"type": "streamable-http", "url": "%s", "title": "Erins %d"}}""".formatted(everything.uri("/mcp"), i));
            assertThat(created.getStatus()).as(created.getContentAsString()).isEqualTo(201);
            names[i] = ApiClient.json(created).get("serverName").asString();
        }
        String byActor = page("/console/admin/audit?actor=erin");
        assertThat(rows(byActor)).isEqualTo(2);
        assertThat(byActor).contains("server.create").doesNotContain("Older events");

        String byServer = page("/console/admin/audit?server=" + encode(names[0]));
        assertThat(rows(byServer)).isEqualTo(1);
        assertThat(byServer).contains("\"name\":\"" + names[0] + "\"").doesNotContain(names[1] + "\"");
        assertThat(byServer).as("the field keeps what was entered").contains("value=\"" + names[0] + "\"");

        assertThat(rows(page("/console/admin/audit?actor=erin&action=server.delete"))).isZero();
        assertThat(page("/console/admin/audit?actor=erin&action=server.delete")).contains("No events match.");
        assertThat(rows(page("/console/admin/audit?actor=erin&action=server.create"))).isEqualTo(2);
    }

    @Test
    void events_come_newest_first_fifty_to_a_page_with_an_older_link_that_keeps_the_filter() {
        Instant start = Instant.parse("2021-03-01T00:00:00Z");
        for (int i = 0; i < 60; i++) {
            append("pager", "test.page", "test:" + i, start.plus(Duration.ofMinutes(i)));
        }
        String first = page("/console/admin/audit?actor=pager");
        assertThat(rows(first)).isEqualTo(50);
        assertThat(first.indexOf("test:59")).isLessThan(first.indexOf("test:58")).isPositive();
        assertThat(first).doesNotContain("test:9<");
        Matcher older = Pattern.compile("href=\"(/console/admin/audit\\?[^\"]+)\" rel=\"next\"").matcher(first);
        assertThat(older.find()).as("an Older link").isTrue();
        String link = older.group(1).replace("&amp;", "&");
        assertThat(link).contains("actor=pager", "before=");

        String second = page(link);
        assertThat(rows(second)).isEqualTo(10);
        assertThat(second).contains("test:9<", "test:0<").doesNotContain("test:10<", "rel=\"next\"");
    }

    @Test
    void from_is_inclusive_and_a_date_in_to_means_up_to_its_end() {
        append("timer", "test.time", "test:before", Instant.parse("2022-05-01T23:59:59Z"));
        append("timer", "test.time", "test:first", Instant.parse("2022-05-02T00:00:00Z"));
        append("timer", "test.time", "test:last", Instant.parse("2022-05-03T23:59:59Z"));
        append("timer", "test.time", "test:after", Instant.parse("2022-05-04T00:00:00Z"));
        String days = page("/console/admin/audit?actor=timer&from=2022-05-02&to=2022-05-03");
        assertThat(days).contains("test:first", "test:last").doesNotContain("test:before", "test:after");
        String times = page("/console/admin/audit?actor=timer&from=" + encode("2022-05-01 23:59:59") + "&to="
                + encode("2022-05-02T00:00:01Z"));
        assertThat(times).contains("test:before", "test:first").doesNotContain("test:last");
    }

    @Test
    void bad_filter_values_get_a_message_next_to_their_field_never_a_500() {
        ContentResponse r = get("/console/admin/audit?from=yesterday&to=2020-13-45&actor=" + "x".repeat(300), adminCookie);
        assertThat(r.getStatus()).isEqualTo(400);
        String html = r.getContentAsString();
        assertThat(html).contains("id=\"from-problem\">Not a date or time", "id=\"to-problem\">Not a date or time",
                "id=\"actor-problem\">At most 256 characters", "aria-invalid=\"true\"", "value=\"yesterday\"");

        String reversed = get("/console/admin/audit?from=2022-01-02&to=2022-01-01", adminCookie).getContentAsString();
        assertThat(reversed).contains("id=\"to-problem\">Must be after From");

        ContentResponse unknown = get("/console/admin/audit?server=no-such-server", adminCookie);
        assertThat(unknown.getStatus()).isEqualTo(400);
        assertThat(unknown.getContentAsString()).contains("id=\"server-problem\">No server is named “no-such-server” now");
        assertThat(get("/console/admin/audit?server=broken", adminCookie).getContentAsString())
                .contains("id=\"server-problem\">“broken” is configured by the operator");

        // Times java.time reads but the database (and the page) cannot hold.
        ContentResponse farAway = get("/console/admin/audit?from=" + encode("+300000-01-01T00:00") + "&to=1969-12-30",
                adminCookie);
        assertThat(farAway.getStatus()).isEqualTo(400);
        assertThat(farAway.getContentAsString()).contains("id=\"from-problem\">Use a time from the year 1970 to 9999",
                "id=\"to-problem\">Use a time from the year 1970 to 9999");
        for (String cursor : new String[] {"nonsense", "2021-01-01T00:00:00Z_x", "_1", "2021-99-01T00:00:00Z_1",
                "+1000000000-12-31T23:59:59Z_1"}) {
            ContentResponse bad = get("/console/admin/audit?before=" + encode(cursor), adminCookie);
            assertThat(bad.getStatus()).as(cursor).isEqualTo(400);
            assertThat(bad.getContentAsString()).as(cursor).contains("This “Older” link is not one this page made");
        }
        assertThat(get("/console/admin/audit?from=%FF%FE", adminCookie).getStatus()).isLessThan(500);
    }

    @Test
    void the_egress_check_answers_with_the_policy_of_the_gateway() {
        String metadata = page("/console/admin/egress?url=" + encode("http://169.254.169.254/latest/meta-data/") + "&context=mcp");
        assertThat(metadata).contains("Blocked", "<code>DENIED_ADDRESS</code>", "link-local");

        String allowed = page("/console/admin/egress?url=" + encode("http://127.0.0.1:9/") + "&context=mcp");
        assertThat(allowed).contains("Allowed", "<code>127.0.0.1</code>");

        String action = page("/console/admin/egress?url=" + encode("http://127.0.0.1:9/") + "&context=action");
        assertThat(action).as("allowedAddresses of mcpSettings do not apply to actions").contains("Blocked", "<dt>Code</dt>");

        String hostOnly = page("/console/admin/egress?url=127.0.0.1&context=oauth");
        assertThat(hostOnly).contains("127.0.0.1");

        assertThat(page("/console/admin/egress")).contains("<form").doesNotContain("Allowed", "Blocked");
    }

    @Test
    void the_egress_checks_bad_input_gets_a_message() {
        ContentResponse empty = get("/console/admin/egress?url=&context=mcp", adminCookie);
        assertThat(empty.getStatus()).isEqualTo(400);
        assertThat(empty.getContentAsString()).contains("id=\"url-problem\">Enter a URL or a host name");
        ContentResponse context = get("/console/admin/egress?url=127.0.0.1&context=ftp", adminCookie);
        assertThat(context.getStatus()).isEqualTo(400);
        assertThat(context.getContentAsString()).contains("id=\"context-problem\">Choose one of mcp, oauth, endpoint, action");
        ContentResponse garbage = get("/console/admin/egress?url=" + encode("http://[not-an-ip/") + "&context=mcp", adminCookie);
        assertThat(garbage.getStatus()).isEqualTo(200);
        assertThat(garbage.getContentAsString()).contains("Blocked", "<dt>Code</dt>");
    }
}
