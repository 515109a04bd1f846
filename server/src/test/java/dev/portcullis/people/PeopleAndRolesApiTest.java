package dev.portcullis.people;

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
import java.util.UUID;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Roles and people through LibreChat's routes, on the machine's PostgreSQL: the operator's mapping
 * of LibreChat users to roles and groups, the people picker ({@code search-principals}), the
 * {@code /api/roles} routes and the sharing list's names. Each test works in a tenant of its own,
 * so what one records or stores cannot leak into another's expectations.
 */
class PeopleAndRolesApiTest {
    @TempDir
    static Path dir;
    static EverythingServer everything;
    static Gateway gateway;
    static Http http;
    static ApiClient api;

    @BeforeAll
    static void start() {
        everything = EverythingServer.start("streamableHttp");
        PortcullisConfig config = TestConfigs.fromYaml("""
                server: {port: 0}
                auth:
                  secret: %s
                  admins: {ids: [root]}
                  roles:
                    REVIEWER: {emails: [rita@example.com]}
                  groups:
                    research: {ids: [ada]}
                storage: {url: "%s"}
                upstream: {serverChangesPerMinute: 10000}
                mcpSettings:
                  allowedAddresses: ['127.0.0.1']
                interface:
                  mcpServers: {use: true, create: true, share: true, public: false}
                """.formatted(TestConfigs.SECRET, Services.freshPostgresSchema()), dir);
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

    private static String tenant() {
        return "t-" + UUID.randomUUID();
    }

    /** A plain LibreChat user: role USER, no groups, named as LibreChat's token names them. */
    private static As user(String id, String tenant) {
        return As.user(id).inTenant(tenant).named(id + "@example.com", id, id.substring(0, 1).toUpperCase() + id.substring(1));
    }

    /** The configured admin: the token says USER, auth.admins says otherwise. */
    private static As root(String tenant) {
        return As.user("root").inTenant(tenant);
    }

    private static JsonNode ok(ContentResponse r) {
        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(200);
        return ApiClient.json(r);
    }

    private static void refused(ContentResponse r, int status, String code, String message) {
        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(status);
        JsonNode body = ApiClient.json(r);
        assertThat(body.get("error").asString()).isEqualTo(code);
        assertThat(body.get("message").asString()).isEqualTo(message);
    }

    private static JsonNode search(As as, String query) {
        return ok(api.send(as, "GET", "/api/permissions/search-principals?" + query));
    }

    private static List<String> found(JsonNode body) {
        List<String> found = new ArrayList<>();
        body.get("results").forEach(r -> found.add(r.get("type").asString() + ":" + r.get("id").asString()));
        return found;
    }

    private static String createServer(As owner, String title) {
        ContentResponse created = api.send(owner, "POST", "/api/mcp/servers", """
                {"config": {"type": "streamable-http", "url": "%s", "title": "%s"}}""".formatted(everything.uri("/mcp"), title));
        assertThat(created.getStatus()).as(created.getContentAsString()).isEqualTo(201);
        return ApiClient.json(created).get("dbId").asString();
    }

    // ---- the operator's mapping -----------------------------------------------------------------

    @Test
    void a_librechat_user_named_in_auth_admins_is_an_admin() {
        String t = tenant();
        ok(api.send(root(t), "GET", "/api/roles/ADMIN"));
        refused(api.send(user("bob", t), "GET", "/api/roles/ADMIN"), 403, "FORBIDDEN",
                "Forbidden: you may read your own role and USER; other roles are for admins");
    }

    @Test
    void a_group_grant_reaches_a_user_whose_token_names_no_group() {
        String t = tenant();
        As alice = user("alice", t);
        String id = createServer(alice, "Research tools");
        ok(api.send(alice, "PUT", "/api/permissions/mcpServer/" + id,
                "{\"updated\": [{\"type\": \"group\", \"id\": \"research\", \"accessRoleId\": \"mcpServer_viewer\"}]}"));
        assertThat(api.send(user("ada", t), "GET", "/api/mcp/servers/research-tools").getStatus())
                .as("ada is in research by auth.groups").isEqualTo(200);
        assertThat(api.send(user("bob", t), "GET", "/api/mcp/servers/research-tools").getStatus()).isEqualTo(404);
    }

    // ---- the people picker ----------------------------------------------------------------------

    @Test
    void a_plain_user_may_not_search_until_the_people_picker_allows_it() {
        String t = tenant();
        As bob = user("bob", t);
        refused(api.send(bob, "GET", "/api/permissions/search-principals?q=ada"), 403, "FORBIDDEN",
                "Insufficient permissions to search for users, groups, or roles");
        refused(api.send(bob, "GET", "/api/permissions/search-principals?q=ada&types=user"), 403, "FORBIDDEN",
                "Insufficient permissions to search for users");

        ok(api.send(root(t), "PUT", "/api/roles/USER/people-picker", "{\"VIEW_GROUPS\": true}"));
        ok(api.send(user("ada", t), "GET", "/api/mcp/servers")); // ada is seen: a user, in the group research
        refused(api.send(bob, "GET", "/api/permissions/search-principals?q=ada&types=user"), 403, "FORBIDDEN",
                "Insufficient permissions to search for users");
        refused(api.send(bob, "GET", "/api/permissions/search-principals?q=ada&type=user"), 403, "FORBIDDEN",
                "Insufficient permissions to search for users");
        JsonNode unfiltered = search(bob, "q=res");
        assertThat(unfiltered.get("types").isNull()).isTrue();
        assertThat(found(unfiltered)).as("only the kinds bob may search").containsExactly("group:research");
        assertThat(found(search(bob, "q=ada"))).as("users stay hidden from bob").isEmpty();
    }

    @Test
    void the_query_rules_are_librechats() {
        String t = tenant();
        As root = root(t);
        refused(api.send(root, "GET", "/api/permissions/search-principals"), 400, "BAD_REQUEST",
                "Query parameter \"q\" is required and must not be empty");
        refused(api.send(root, "GET", "/api/permissions/search-principals?q=%20%20"), 400, "BAD_REQUEST",
                "Query parameter \"q\" is required and must not be empty");
        refused(api.send(root, "GET", "/api/permissions/search-principals?q=a&q=b"), 400, "BAD_REQUEST",
                "Query parameter \"q\" is required and must not be empty");
        refused(api.send(root, "GET", "/api/permissions/search-principals?q=%20a%20"), 400, "BAD_REQUEST",
                "Query must be at least 2 characters long");

        JsonNode body = search(root, "q=%20%20xyz%20");
        assertThat(body.get("query").asString()).isEqualTo("xyz");
        assertThat(body.get("limit").asInt()).isEqualTo(20);
        assertThat(body.get("types").isNull()).isTrue();
        assertThat(body.get("results").isArray()).isTrue();
        assertThat(body.get("count").asInt()).isZero();
        assertThat(body.get("sources").toString()).isEqualTo("{\"local\":0,\"entra\":0}");
        assertThat(search(root, "q=xyz&limit=abc").get("limit").asInt()).isEqualTo(10);
        assertThat(search(root, "q=xyz&limit=0").get("limit").asInt()).isEqualTo(10);
        assertThat(search(root, "q=xyz&limit=7abc").get("limit").asInt()).isEqualTo(7);
        assertThat(search(root, "q=xyz&limit=-3").get("limit").asInt()).isEqualTo(1);
        assertThat(search(root, "q=xyz&limit=500").get("limit").asInt()).isEqualTo(50);
        assertThat(search(root, "q=xyz&types=user,robot").get("types").toString()).isEqualTo("[\"user\"]");
        assertThat(search(root, "q=xyz&types=group&types=role").get("types").toString()).isEqualTo("[\"group\",\"role\"]");
        assertThat(search(root, "q=xyz&types=robot").get("types").isNull()).isTrue();
    }

    @Test
    void search_finds_the_people_of_the_callers_tenant_only() {
        String t1 = tenant();
        String t2 = tenant();
        ok(api.send(As.user("ada").inTenant(t1).named("ada@example.com", "ada", "Ada Lovelace"), "GET", "/api/mcp/servers"));
        ok(api.send(As.user("adab").inTenant(t2).named("adab@example.com", "adab", "Ada Byron"), "GET", "/api/mcp/servers"));

        JsonNode mine = search(root(t1), "q=ada&types=user");
        assertThat(found(mine)).containsExactly("user:ada");
        JsonNode ada = mine.get("results").get(0);
        assertThat(ada.toString()).isEqualTo("{\"id\":\"ada\",\"type\":\"user\",\"name\":\"Ada Lovelace\",\"email\":"
                + "\"ada@example.com\",\"username\":\"ada\",\"provider\":\"local\",\"source\":\"local\",\"idOnTheSource\":\"ada\","
                + "\"isAdmin\":false}");
        assertThat(mine.get("sources").get("local").asInt()).isEqualTo(1);
        assertThat(found(search(root(t2), "q=ada&types=user"))).containsExactly("user:adab");
        assertThat(found(search(As.user("root"), "q=ada&types=user"))).as("the default tenant").isEmpty();
    }

    @Test
    void search_ranks_exact_then_prefix_then_substring_and_finds_groups_and_roles() {
        String t = tenant();
        ok(api.send(As.user("u1").inTenant(t).named("zed@example.com", "zed", "Zed Research"), "GET", "/api/mcp/servers"));
        ok(api.send(user("ada", t), "GET", "/api/mcp/servers"));
        ok(api.send(As.user("rita").inTenant(t).named("Rita@Example.com", "rita", "Rita"), "GET", "/api/mcp/servers"));

        JsonNode body = search(root(t), "q=research");
        assertThat(found(body)).containsExactly("group:research", "user:u1");
        assertThat(body.get("results").get(0).toString()).isEqualTo("{\"id\":\"research\",\"type\":\"group\",\"name\":"
                + "\"research\",\"source\":\"local\",\"memberCount\":1,\"idOnTheSource\":\"research\"}");
        JsonNode roles = search(root(t), "q=er&types=role");
        assertThat(found(roles)).as("roles the tenant's users hold, and those configured").containsExactly("role:REVIEWER", "role:USER");
        assertThat(search(root(t), "q=admin&types=role").get("results").get(0).toString()).isEqualTo("{\"id\":\"ADMIN\","
                + "\"type\":\"role\",\"name\":\"ADMIN\",\"source\":\"local\",\"idOnTheSource\":\"ADMIN\",\"isAdmin\":true}");
        JsonNode limited = search(root(t), "q=example&types=user&limit=1");
        assertThat(limited.get("count").asInt()).as("three match, one asked for").isEqualTo(1);
        assertThat(limited.get("results").size()).isEqualTo(1);
    }

    // ---- /api/roles ------------------------------------------------------------------------------

    @Test
    void anyone_reads_user_and_their_own_role_and_only_admins_read_the_others() {
        String t = tenant();
        As bob = user("bob", t);
        As rita = As.user("rita").inTenant(t).named("Rita@Example.com", "rita", "Rita");
        JsonNode role = ok(api.send(bob, "GET", "/api/roles/USER"));
        assertThat(role.get("name").asString()).isEqualTo("USER");
        assertThat(role.get("description").asString()).isEmpty();
        List<String> types = new ArrayList<>();
        role.get("permissions").propertyNames().forEach(types::add);
        assertThat(types).containsExactly("PROMPTS", "BOOKMARKS", "MEMORIES", "AGENTS", "MULTI_CONVO", "TEMPORARY_CHAT",
                "RUN_CODE", "WEB_SEARCH", "PEOPLE_PICKER", "MARKETPLACE", "FILE_SEARCH", "FILE_CITATIONS", "MCP_SERVERS",
                "REMOTE_AGENTS", "SKILLS", "SHARED_LINKS", "SCHEDULES");
        assertThat(role.get("permissions").get("MCP_SERVERS").toString())
                .isEqualTo("{\"USE\":true,\"CREATE\":true,\"SHARE\":true,\"SHARE_PUBLIC\":false,\"CONFIGURE_OBO\":false}");
        assertThat(role.get("permissions").get("PEOPLE_PICKER").toString())
                .isEqualTo("{\"VIEW_USERS\":false,\"VIEW_GROUPS\":false,\"VIEW_ROLES\":false}");

        ok(api.send(rita, "GET", "/api/roles/REVIEWER"));
        refused(api.send(bob, "GET", "/api/roles/REVIEWER"), 403, "FORBIDDEN",
                "Forbidden: you may read your own role and USER; other roles are for admins");
        JsonNode admin = ok(api.send(root(t), "GET", "/api/roles/ADMIN"));
        assertThat(admin.get("permissions").get("MCP_SERVERS").get("CONFIGURE_OBO").asBoolean()).isTrue();
        assertThat(admin.get("permissions").get("MARKETPLACE").get("USE").asBoolean()).isTrue();
        ok(api.send(root(t), "GET", "/api/roles/REVIEWER"));
        refused(api.send(root(t), "GET", "/api/roles/NOBODY"), 404, "NOT_FOUND", "Role not found");
    }

    @Test
    void only_admins_change_role_permissions_and_the_change_takes_effect_in_their_tenant_only() {
        String t = tenant();
        As bob = user("bob", t);
        As root = root(t);
        refused(api.send(bob, "PUT", "/api/roles/USER/mcp-servers", "{\"USE\": false}"), 403, "FORBIDDEN",
                "Forbidden: only admins may change role permissions");
        ContentResponse invalid = api.send(root, "PUT", "/api/roles/USER/mcp-servers", "{\"USE\": \"no\", \"SHARE\": 1}");
        refused(invalid, 400, "INVALID_ROLE_PERMISSIONS", "Invalid MCP servers permissions.");
        assertThat(ApiClient.json(invalid).get("errors").toString()).isEqualTo("[{\"code\":\"invalid_type\",\"expected\":"
                + "\"boolean\",\"received\":\"string\",\"path\":[\"USE\"],\"message\":\"Expected boolean, received string\"},"
                + "{\"code\":\"invalid_type\",\"expected\":\"boolean\",\"received\":\"number\",\"path\":[\"SHARE\"],"
                + "\"message\":\"Expected boolean, received number\"}]");
        refused(api.send(root, "PUT", "/api/roles/NOBODY/mcp-servers", "{\"USE\": false}"), 404, "NOT_FOUND", "Role not found");
        refused(api.send(root, "PUT", "/api/roles/ADMIN/mcp-servers", "{\"USE\": false}"), 403, "ROLE_READ_ONLY",
                "ADMIN holds every permission at this gateway, so that its admins cannot lock themselves out; change the"
                        + " permissions of other roles");
        ok(api.send(bob, "GET", "/api/mcp/servers"));

        JsonNode updated = ok(api.send(root, "PUT", "/api/roles/USER/mcp-servers", "{\"USE\": false, \"TELEPORT\": true}"));
        assertThat(updated.get("name").asString()).isEqualTo("USER");
        assertThat(updated.get("permissions").get("MCP_SERVERS").toString())
                .as("the unknown key is dropped").isEqualTo("{\"USE\":false,\"CREATE\":true,\"SHARE\":true,"
                        + "\"SHARE_PUBLIC\":false,\"CONFIGURE_OBO\":false}");
        ContentResponse denied = api.send(bob, "GET", "/api/mcp/servers");
        refused(denied, 403, "FORBIDDEN", "Forbidden: Insufficient permissions");
        assertThat(ApiClient.json(denied).get("permission").asString()).isEqualTo("MCP_SERVERS.USE");
        assertThat(api.send(user("bob", tenant()), "GET", "/api/mcp/servers").getStatus())
                .as("another tenant's USER role is untouched").isEqualTo(200);
        assertThat(ok(api.send(bob, "GET", "/api/roles/USER")).get("permissions").get("MCP_SERVERS").get("USE").asBoolean())
                .isFalse();

        ok(api.send(root, "PUT", "/api/roles/USER/mcp-servers", "{\"USE\": true}"));
        ok(api.send(bob, "GET", "/api/mcp/servers"));
    }

    // ---- sharing ---------------------------------------------------------------------------------

    @Test
    void a_change_without_public_leaves_the_public_grant_and_its_answer_leaves_public_out() {
        String t = tenant();
        As alice = user("alice", t);
        String id = createServer(alice, "Public thing");
        String path = "/api/permissions/mcpServer/" + id;
        JsonNode published = ok(api.send(root(t), "PUT", path, "{\"public\": true, \"publicAccessRoleId\": \"mcpServer_viewer\"}"));
        assertThat(published.get("results").get("public").asBoolean()).isTrue();
        assertThat(published.get("results").get("publicAccessRoleId").asString()).isEqualTo("mcpServer_viewer");

        JsonNode changed = ok(api.send(alice, "PUT", path,
                "{\"updated\": [{\"type\": \"user\", \"id\": \"bob\", \"accessRoleId\": \"mcpServer_editor\"}], \"removed\": []}"));
        assertThat(changed.get("message").asString()).isEqualTo("Permissions updated successfully");
        assertThat(changed.get("results").has("public")).isFalse();
        assertThat(changed.get("results").has("publicAccessRoleId")).isFalse();
        List<String> granted = new ArrayList<>();
        changed.get("results").get("principals").forEach(p -> granted.add(p.get("id").asString()));
        assertThat(granted).as("what this request granted").containsExactly("bob");
        JsonNode listed = ok(api.send(alice, "GET", path));
        assertThat(listed.get("public").asBoolean()).as("the public grant is left as it was").isTrue();
        assertThat(listed.get("publicAccessRoleId").asString()).isEqualTo("mcpServer_viewer");

        JsonNode unpublished = ok(api.send(alice, "PUT", path, "{\"public\": false}"));
        assertThat(unpublished.get("results").get("public").asBoolean()).isFalse();
        assertThat(ok(api.send(alice, "GET", path)).get("public").asBoolean()).isFalse();
    }

    @Test
    void shared_principals_carry_the_names_the_directory_knows() {
        String t = tenant();
        As alice = user("alice", t);
        ok(api.send(As.user("ada").inTenant(t).named("ada@example.com", "ada", "Ada Lovelace"), "GET", "/api/mcp/servers"));
        String id = createServer(alice, "Named");
        String path = "/api/permissions/mcpServer/" + id;
        JsonNode put = ok(api.send(root(t), "PUT", path, """
                {"updated": [{"type": "user", "id": "ada", "accessRoleId": "mcpServer_viewer"},
                             {"type": "group", "id": "skunkworks", "accessRoleId": "mcpServer_viewer"},
                             {"type": "role", "id": "REVIEWER", "accessRoleId": "mcpServer_viewer"}]}"""));
        assertThat(put.get("results").get("principals").size()).isEqualTo(3);

        List<String> principals = new ArrayList<>();
        ok(api.send(root(t), "GET", path)).get("principals").forEach(p -> {
            ((tools.jackson.databind.node.ObjectNode) p).remove(List.of("grantedBy", "grantedAt"));
            principals.add(p.toString());
        });
        assertThat(principals).containsExactlyInAnyOrder(
                "{\"type\":\"user\",\"id\":\"alice\",\"name\":\"Alice\",\"email\":\"alice@example.com\",\"source\":\"local\","
                        + "\"idOnTheSource\":\"alice\",\"accessRoleId\":\"mcpServer_owner\"}",
                "{\"type\":\"user\",\"id\":\"ada\",\"name\":\"Ada Lovelace\",\"email\":\"ada@example.com\",\"source\":\"local\","
                        + "\"idOnTheSource\":\"ada\",\"accessRoleId\":\"mcpServer_viewer\"}",
                "{\"type\":\"group\",\"id\":\"skunkworks\",\"name\":\"skunkworks\",\"source\":\"local\","
                        + "\"idOnTheSource\":\"skunkworks\",\"accessRoleId\":\"mcpServer_viewer\"}",
                "{\"type\":\"role\",\"id\":\"REVIEWER\",\"name\":\"REVIEWER\",\"description\":\"System role: REVIEWER\","
                        + "\"accessRoleId\":\"mcpServer_viewer\"}");
        assertThat(found(search(root(t), "q=skunk&types=group"))).as("a group shared with is found from then on")
                .containsExactly("group:skunkworks");
    }

    /**
     * Names and addresses come with the sharing list only for callers who may find users in the
     * people picker: otherwise sharing with any id and reading the answer would look up anyone.
     */
    @Test
    void sharing_lists_show_addresses_only_to_who_may_find_users() {
        String t = tenant();
        As alice = user("alice", t);
        ok(api.send(As.user("ada").inTenant(t).named("ada@example.com", "ada", "Ada Lovelace"), "GET", "/api/mcp/servers"));
        String id = createServer(alice, "Lookup");
        String path = "/api/permissions/mcpServer/" + id;

        JsonNode put = ok(api.send(alice, "PUT", path,
                "{\"updated\": [{\"type\": \"user\", \"id\": \"ada\", \"accessRoleId\": \"mcpServer_viewer\"}]}"));
        JsonNode listed = ok(api.send(alice, "GET", path));

        assertThat(put.toString()).doesNotContain("ada@example.com").doesNotContain("Ada Lovelace");
        assertThat(listed.toString()).doesNotContain("ada@example.com").doesNotContain("Ada Lovelace");
        assertThat(listed.get("principals").findValuesAsString("name")).contains("ada");
    }
}
