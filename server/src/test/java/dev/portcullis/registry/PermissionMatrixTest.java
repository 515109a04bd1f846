package dev.portcullis.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.Gateway;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.testing.ApiClient;
import dev.portcullis.testing.ApiClient.As;
import dev.portcullis.testing.EverythingServer;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.Services;
import dev.portcullis.testing.TestConfigs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Every kind of caller against every route of a user server, each on a fresh server so no case
 * depends on another: owner, editor, viewer, a user with no grant, a group grant (editor), a
 * public grant (viewer) and an admin. The gateway runs on the machine's PostgreSQL, in front of
 * the real server-everything.
 */
class PermissionMatrixTest {
    private static final As OWNER = As.user("alice");
    private static final As EDITOR = As.user("ed");
    private static final As VIEWER = As.user("vic");
    private static final As NO_GRANT = As.user("nora");
    private static final As GROUP = As.user("gus", "team");
    private static final As PUBLIC = As.user("pat");
    private static final As ADMIN = As.admin("root");

    @TempDir
    static Path dir;
    static EverythingServer everything;
    static Gateway gateway;
    static Http http;
    static ApiClient api;
    static final AtomicInteger counter = new AtomicInteger();

    @BeforeAll
    static void start() {
        everything = EverythingServer.start("streamableHttp");
        PortcullisConfig config = TestConfigs.fromYaml("""
                server: {port: 0}
                auth: {secret: %s}
                storage: {url: "%s"}
                upstream: {serverChangesPerMinute: 10000}
                mcpSettings:
                  allowedAddresses: ['127.0.0.1']
                interface:
                  mcpServers: {use: true, create: true, share: true, public: false}
                """.formatted(TestConfigs.SECRET, Services.freshPostgresSchema(), everything.uri("/mcp")), dir);
        gateway = Gateway.start(config);
        http = new Http(gateway.port());
        api = new ApiClient(http, config);
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
        gateway.close();
        everything.close();
    }

    /** A fresh server of the owner's, shared as the case needs; returns {name, id}. */
    private static String[] serverFor(As caller) {
        String title = "Matrix " + counter.incrementAndGet();
        ContentResponse created = api.send(OWNER, "POST", "/api/mcp/servers", """
                {"config": {"type": "streamable-http", "url": "%s", "title": "%s", "description": "for the matrix"}}"""
                .formatted(everything.uri("/mcp"), title));
        assertThat(created.getStatus()).as(created.getContentAsString()).isEqualTo(201);
        JsonNode body = ApiClient.json(created);
        String name = body.get("serverName").asString();
        String id = body.get("dbId").asString();
        String grant = caller == EDITOR ? "{\"type\":\"user\",\"id\":\"ed\",\"accessRoleId\":\"mcpServer_editor\"}"
                : caller == VIEWER ? "{\"type\":\"user\",\"id\":\"vic\",\"accessRoleId\":\"mcpServer_viewer\"}"
                : caller == GROUP ? "{\"type\":\"group\",\"id\":\"team\",\"accessRoleId\":\"mcpServer_editor\"}" : null;
        if (grant != null) {
            ContentResponse shared = api.send(OWNER, "PUT", "/api/permissions/mcpServer/" + id, "{\"updated\":[" + grant + "]}");
            assertThat(shared.getStatus()).as(shared.getContentAsString()).isEqualTo(200);
        }
        if (caller == PUBLIC) {
            // Public sharing needs SHARE_PUBLIC, which this configuration gives admins only.
            ContentResponse shared = api.send(ADMIN, "PUT", "/api/permissions/mcpServer/" + id,
                    "{\"public\": true, \"publicAccessRoleId\": \"mcpServer_viewer\"}");
            assertThat(shared.getStatus()).as(shared.getContentAsString()).isEqualTo(200);
        }
        return new String[] {name, id};
    }

    private record Route(String label, Action action) {
    }

    @FunctionalInterface
    private interface Action {
        /** Runs the route as the caller against the server; returns the status (and checks the body where it matters). */
        int run(As caller, String name, String id);
    }

    private static final List<Route> ROUTES = List.of(
            new Route("list", (c, name, id) -> {
                ContentResponse r = api.send(c, "GET", "/api/mcp/servers");
                return r.getStatus() == 200 && ApiClient.json(r).has(name) ? 200 : r.getStatus() == 200 ? -1 : r.getStatus();
            }),
            new Route("get", (c, name, id) -> api.send(c, "GET", "/api/mcp/servers/" + name).getStatus()),
            new Route("patch", (c, name, id) -> api.send(c, "PATCH", "/api/mcp/servers/" + name,
                    "{\"config\": {\"description\": \"changed\"}}").getStatus()),
            new Route("delete", (c, name, id) -> api.send(c, "DELETE", "/api/mcp/servers/" + name).getStatus()),
            new Route("permissions.get", (c, name, id) -> api.send(c, "GET", "/api/permissions/mcpServer/" + id).getStatus()),
            new Route("permissions.put", (c, name, id) -> api.send(c, "PUT", "/api/permissions/mcpServer/" + id,
                    "{\"updated\":[{\"type\":\"user\",\"id\":\"zed\",\"accessRoleId\":\"mcpServer_viewer\"}]}").getStatus()),
            new Route("effective", (c, name, id) -> ApiClient.json(api.send(c, "GET",
                    "/api/permissions/mcpServer/" + id + "/effective")).get("permissionBits").asInt()),
            new Route("call", (c, name, id) -> api.send(c, "POST", "/api/mcp/" + name + "/tools/echo/call",
                    "{\"arguments\": {\"message\": \"hi\"}}").getStatus()),
            new Route("status", (c, name, id) -> api.send(c, "GET", "/api/mcp/connection/status/" + name).getStatus()),
            new Route("tools", (c, name, id) -> {
                ContentResponse r = api.send(c, "GET", "/api/mcp/tools");
                return r.getStatus() == 200 && ApiClient.json(r).get("servers").has(name) ? 200 : r.getStatus() == 200 ? -1 : r.getStatus();
            }),
            new Route("auth-values", (c, name, id) -> api.send(c, "GET", "/api/mcp/" + name + "/auth-values").getStatus()),
            new Route("reinitialize", (c, name, id) -> api.send(c, "POST", "/api/mcp/" + name + "/reinitialize").getStatus()),
            new Route("effective/all", (c, name, id) -> {
                JsonNode all = ApiClient.json(api.send(c, "GET", "/api/permissions/mcpServer/effective/all"));
                return all.has(id) ? all.get(id).asInt() : 0;
            }));

    /** Expected results per caller, in the order of {@link #ROUTES}; -1 means "listed without it", bits for effective. */
    private static final List<Object[]> MATRIX = List.of(
            new Object[] {"owner", OWNER, new int[] {200, 200, 200, 200, 200, 200, 15, 200, 200, 200, 200, 200, 15}},
            new Object[] {"editor", EDITOR, new int[] {200, 200, 200, 403, 403, 403, 3, 200, 200, 200, 200, 200, 3}},
            new Object[] {"viewer", VIEWER, new int[] {200, 200, 403, 403, 403, 403, 1, 200, 200, 200, 200, 200, 1}},
            new Object[] {"no grant", NO_GRANT, new int[] {-1, 404, 404, 404, 404, 404, 0, 404, 404, -1, 404, 404, 0}},
            new Object[] {"group grant (editor)", GROUP, new int[] {200, 200, 200, 403, 403, 403, 3, 200, 200, 200, 200, 200, 3}},
            new Object[] {"public grant (viewer)", PUBLIC, new int[] {200, 200, 403, 403, 403, 403, 1, 200, 200, 200, 200, 200, 1}},
            // An admin manages and may use every server, but their tool listing holds only what is granted to them.
            new Object[] {"admin", ADMIN, new int[] {200, 200, 200, 200, 200, 200, 15, 200, 200, -1, 200, 200, 15}});

    @TestFactory
    Stream<DynamicTest> every_caller_against_every_route() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Object[] row : MATRIX) {
            As caller = (As) row[1];
            int[] expected = (int[]) row[2];
            for (int i = 0; i < ROUTES.size(); i++) {
                Route route = ROUTES.get(i);
                int want = expected[i];
                tests.add(DynamicTest.dynamicTest(row[0] + " → " + route.label() + " = " + want, () -> {
                    String[] server = serverFor(caller);
                    try {
                        assertThat(route.action().run(caller, server[0], server[1])).isEqualTo(want);
                    } finally {
                        // Closes every session to it: one server-everything process serves all cases.
                        api.send(ADMIN, "DELETE", "/api/mcp/servers/" + server[0]);
                    }
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> every_user_with_the_create_permission_may_create() {
        return Stream.of(OWNER, EDITOR, VIEWER, NO_GRANT, GROUP, PUBLIC, ADMIN).map(caller ->
                DynamicTest.dynamicTest(caller.userId() + " → create = 201", () -> {
                    ContentResponse r = api.send(caller, "POST", "/api/mcp/servers", """
                            {"config": {"type": "streamable-http", "url": "%s", "title": "Created by %s"}}"""
                            .formatted(everything.uri("/mcp"), caller.userId()));
                    assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(201);
                    assertThat(ApiClient.json(r).get("permissionBits").asInt()).isEqualTo(15);
                }));
    }
}
