package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.McpServerConfig.Transport;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code mcpServers} entries LibreChat's schema (librechat-data-provider 0.8.524) accepts are
 * accepted; what Portcullis does not use is noted with the reason; what it refuses is a security
 * boundary or cannot work, and says so.
 */
class LibreChatSchemaTest {
    @TempDir
    Path dir;

    private ConfigLoader.Result load(String yaml) {
        return load(yaml, Map.of());
    }

    private ConfigLoader.Result load(String yaml, Map<String, String> env) {
        return new ConfigLoader(env).load("test.yaml", yaml, dir);
    }

    private McpServerConfig server(String entry) {
        return server(entry, Map.of());
    }

    private McpServerConfig server(String entry, Map<String, String> env) {
        return load("mcpServers:\n  s:\n" + entry.indent(4), env).orThrow().mcpServers().get("s");
    }

    private List<ConfigProblem> problems(String entry) {
        return load("mcpServers:\n  s:\n" + entry.indent(4)).problems();
    }

    // ---- names ------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"Notion (work)", "日本", "Bob's Tools", "café", "a b", "C++ tools", "x;y", "a:b", "ünïcödé-2"})
    void a_server_name_is_any_text_that_can_be_addressed(String name) {
        ConfigLoader.Result result = load("mcpServers:\n  \"" + name + "\":\n    url: https://a.example/mcp\n");

        assertThat(result.errors()).isEmpty();
        assertThat(result.orThrow().mcpServers()).containsOnlyKeys(name);
        assertThat(result.orThrow().mcpServers().get(name).name()).isEqualTo(name);
    }

    static Stream<Arguments> unaddressableNames() {
        return Stream.of(
                Arguments.of("a/b", "'/', '\\', '?', '#' or '%'"),
                Arguments.of("a\\\\b", "'/', '\\', '?', '#' or '%'"),
                Arguments.of("a?b=1", "could not be reached"),
                Arguments.of("a#b", "could not be reached"),
                Arguments.of("x%41", "could not be reached"),
                Arguments.of("..", "URL paths drop them"),
                Arguments.of("a\\tb", "control characters"),
                Arguments.of("evil\\u202Egnp", "invisible formatting characters"),
                Arguments.of("zero\\u200Bwidth", "invisible formatting characters"),
                Arguments.of(" ", "not blank"),
                Arguments.of("a_mcp_b", "'_mcp_'"),
                Arguments.of("mcp_x", "start with 'mcp_'"),
                Arguments.of("n".repeat(129), "at most 128"));
    }

    @ParameterizedTest
    @MethodSource("unaddressableNames")
    void a_name_that_cannot_work_or_is_unsafe_is_refused_with_the_reason(String name, String reason) {
        ConfigLoader.Result result = load("mcpServers:\n  \"" + name + "\":\n    url: https://a.example/mcp\n");

        assertThat(result.errors()).singleElement().satisfies(p -> assertThat(p.message()).contains(reason));
    }

    // ---- titles -----------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"Brave-Search", "Bob's Tools", "Bob’s Tools", "Café Tools", "日本語ツール", "Ünïcödé", "Tool 2", "x"})
    void titles_follow_librechats_pattern(String title) {
        assertThat(server("url: https://a.example/mcp\ntitle: \"" + title + "\"\n").title()).contains(title);
    }

    @ParameterizedTest
    @ValueSource(strings = {"My_Tool", "a.b", " Lead", "-lead", "Notion (work)", ""})
    void titles_librechat_refuses_are_refused_in_its_words(String title) {
        assertThat(load("mcpServers:\n  s:\n    url: https://a.example/mcp\n    title: \"" + title + "\"\n").errors())
                .singleElement().satisfies(p -> {
                    assertThat(p.path()).isEqualTo("mcpServers.s.title");
                    assertThat(p.message()).isEqualTo(McpServerParser.TITLE_RULE);
                });
    }

    // ---- requestHeaders ---------------------------------------------------------------------

    @Test
    void request_headers_are_sent_like_headers_and_win_on_a_duplicate_name() {
        McpServerConfig c = server("""
                type: streamable-http
                url: https://a.example/mcp
                headers: {X-Static: a, X-Conversation: from-headers}
                requestHeaders: {x-conversation: "{{LIBRECHAT_BODY_CONVERSATIONID}}", X-Team: "${TEAM}"}
                """, Map.of("TEAM", "blue"));

        assertThat(c.headers()).containsOnlyKeys("X-Static", "x-conversation", "X-Team");
        assertThat(c.headers().get("x-conversation").reveal()).isEqualTo("{{LIBRECHAT_BODY_CONVERSATIONID}}");
        assertThat(c.headers().get("X-Team").reveal()).isEqualTo("blue");
    }

    @Test
    void a_request_header_value_is_held_to_the_header_rule() {
        ConfigLoader.Result result = load("mcpServers:\n  s:\n    url: https://a.example/mcp\n    requestHeaders:\n"
                + "      X-Id: \"a\\nb\"\n");
        assertThat(result.errors()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("mcpServers.s.requestHeaders.X-Id");
            assertThat(p.message()).contains(HeaderValues.PROBLEM);
        });
    }

    // ---- ${VAR} in mcpServers: LibreChat's rules ---------------------------------------------

    @Test
    void an_unset_or_empty_variable_stays_as_written_with_a_warning_naming_it() {
        ConfigLoader.Result result = load("""
                mcpServers:
                  s:
                    command: node
                    args: ["${SCRIPT}"]
                    env: {A: "${UNSET_VAR}", B: "${SET_VAR}", C: "pre-${SET_VAR}-${UNSET_VAR}", D: "${EMPTY_VAR}", E: "${UNSET_VAR:-fallback}"}
                """, Map.of("SET_VAR", "resolved", "EMPTY_VAR", "", "SCRIPT", "s.js"));

        assertThat(result.errors()).isEmpty();
        McpServerConfig s = result.orThrow().mcpServers().get("s");
        assertThat(s.env().get("A").reveal()).isEqualTo("${UNSET_VAR}");
        assertThat(s.env().get("B").reveal()).isEqualTo("resolved");
        assertThat(s.env().get("C").reveal()).isEqualTo("pre-resolved-${UNSET_VAR}");
        assertThat(s.env().get("D").reveal()).isEqualTo("${EMPTY_VAR}");
        assertThat(s.env().get("E").reveal()).as("Portcullis' default syntax still works").isEqualTo("fallback");
        assertThat(result.problems()).filteredOn(ConfigProblem::isWarning).extracting(ConfigProblem::path)
                .containsExactly("mcpServers.s.env.A", "mcpServers.s.env.C", "mcpServers.s.env.D");
        assertThat(result.problems()).filteredOn(ConfigProblem::isWarning)
                .allSatisfy(p -> assertThat(p.message()).contains("stays as written").doesNotContain("resolved"));
    }

    @Test
    void portcullis_own_sections_still_refuse_an_unset_variable() {
        assertThat(load("server:\n  host: ${NOPE}\n").errors()).extracting(ConfigProblem::message)
                .containsExactly("environment variable NOPE is not set; set it, or write ${NOPE:-default} to give a default");
    }

    @ParameterizedTest
    @ValueSource(strings = {"JWT_SECRET", "JWT_REFRESH_SECRET", "CREDS_KEY", "CREDS_IV", "MEILI_MASTER_KEY", "MONGO_URI",
            "REDIS_URI", "REDIS_PASSWORD"})
    void librechats_sensitive_variables_are_never_resolved_in_mcp_servers(String name) {
        String secret = "gateway-secret-0123456789abcdef0123456789";
        ConfigLoader.Result result = load("auth:\n  secret: ${" + name + "}\nmcpServers:\n  s:\n    url: https://a.example/mcp\n"
                + "    headers: {Authorization: \"Bearer ${" + name + "}\"}\n", Map.of(name, secret));

        PortcullisConfig c = result.orThrow();
        assertThat(c.auth().secret().orElseThrow().reveal()).as("Portcullis' own section resolves it").isEqualTo(secret);
        assertThat(c.mcpServers().get("s").headers().get("Authorization").reveal()).isEqualTo("Bearer ${" + name + "}");
        assertThat(result.problems()).filteredOn(ConfigProblem::isWarning).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("mcpServers.s.headers.Authorization");
            assertThat(p.message()).contains("${" + name + "} is never resolved in mcpServers").doesNotContain(secret);
        });
    }

    @Test
    void the_variables_portcullis_secrets_read_are_not_resolved_in_mcp_servers_either() {
        String secret = "k".repeat(40);
        PortcullisConfig c = load("""
                auth: {secret: "${GW_SECRET}"}
                storage: {url: "jdbc:postgresql://db/p?password=${URL_PW}", password: "${DB_PW}"}
                redis: {url: "redis://:${REDIS_PW}@cache:6379"}
                encryption: {key: "${ENC_KEY}", previousKeys: ["${OLD_KEY}"]}
                mcpServers:
                  s:
                    command: node
                    env: {A: "${GW_SECRET}", B: "${DB_PW}", C: "${REDIS_PW}", D: "${ENC_KEY}", E: "${OLD_KEY}", F: "${FINE}", G: "${URL_PW}"}
                """, Map.of("GW_SECRET", secret, "DB_PW", "pw", "REDIS_PW", "rpw", "FINE", "ok", "URL_PW", "upw",
                "ENC_KEY", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "OLD_KEY", "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB="))
                .orThrow();

        Map<String, Secret> env = c.mcpServers().get("s").env();
        assertThat(env.get("A").reveal()).isEqualTo("${GW_SECRET}");
        assertThat(env.get("B").reveal()).isEqualTo("${DB_PW}");
        assertThat(env.get("C").reveal()).isEqualTo("${REDIS_PW}");
        assertThat(env.get("D").reveal()).isEqualTo("${ENC_KEY}");
        assertThat(env.get("E").reveal()).isEqualTo("${OLD_KEY}");
        assertThat(env.get("F").reveal()).isEqualTo("ok");
        assertThat(env.get("G").reveal()).as("a password in the storage URL").isEqualTo("${URL_PW}");
    }

    @Test
    void a_servers_own_api_key_variable_is_the_servers_to_send() {
        McpServerConfig c = server("url: https://a.example/mcp\napiKey: {source: admin, authorization_type: bearer, key: '${KEY}'}\n"
                + "headers: {X-Key: '${KEY}'}\n", Map.of("KEY", "k1"));
        assertThat(c.apiKey().orElseThrow().key().orElseThrow().reveal()).isEqualTo("k1");
        assertThat(c.headers().get("X-Key").reveal()).isEqualTo("k1");
    }

    @Test
    void a_url_with_an_unset_variable_in_its_path_passes_with_the_warning() {
        ConfigLoader.Result result = load("mcpServers:\n  s:\n    url: 'https://a.example/${UNSET_VAR}/mcp'\n");
        assertThat(result.errors()).isEmpty();
        assertThat(result.orThrow().mcpServers().get("s").url()).contains("https://a.example/${UNSET_VAR}/mcp");
    }

    // ---- options LibreChat has and Portcullis does not use -----------------------------------

    @Test
    void options_portcullis_does_not_use_are_noted_with_the_reason() {
        List<ConfigProblem> problems = problems("""
                url: https://a.example/mcp
                oauthRefreshWaitTimeout: 15000
                oauthRefreshCoordination: true
                oauthPersistenceWaitTimeout: 840000
                """);

        assertThat(problems).allSatisfy(p -> assertThat(p.isIgnored()).isTrue()).extracting(ConfigProblem::path, ConfigProblem::message)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("mcpServers.s.oauthRefreshWaitTimeout", LibreChatOnlyOptions.REFRESH_WAIT),
                        org.assertj.core.groups.Tuple.tuple("mcpServers.s.oauthRefreshCoordination", LibreChatOnlyOptions.REFRESH_COORDINATION),
                        org.assertj.core.groups.Tuple.tuple("mcpServers.s.oauthPersistenceWaitTimeout", LibreChatOnlyOptions.PERSISTENCE_WAIT));
        assertThat(problems("command: node\nargs: [s.js]\nstderr: inherit\n")).singleElement()
                .satisfies(p -> assertThat(p.message()).isEqualTo(LibreChatOnlyOptions.STDERR));
    }

    @Test
    void options_whose_absence_changes_what_happens_are_warnings() {
        assertThat(problems("url: https://a.example/mcp\nproxy: http://proxy.internal:3128\nobo: {scopes: api://x/.default}\n"))
                .allSatisfy(p -> assertThat(p.isWarning()).isTrue()).extracting(ConfigProblem::message)
                .containsExactlyInAnyOrder(LibreChatOnlyOptions.PROXY, LibreChatOnlyOptions.OBO);
    }

    static Stream<Arguments> librechatRefuses() {
        return Stream.of(
                Arguments.of("sseReadTimeout: 0", "mcpServers.s.sseReadTimeout"),
                Arguments.of("timeout: -1", "mcpServers.s.timeout"),
                Arguments.of("timeout: 1.5", "mcpServers.s.timeout"),
                Arguments.of("initTimeout: -1", "mcpServers.s.initTimeout"),
                Arguments.of("oauthRefreshWaitTimeout: 0", "mcpServers.s.oauthRefreshWaitTimeout"),
                Arguments.of("oauthPersistenceWaitTimeout: 840001", "mcpServers.s.oauthPersistenceWaitTimeout"),
                Arguments.of("oauthRefreshCoordination: maybe", "mcpServers.s.oauthRefreshCoordination"),
                Arguments.of("proxy: ftp://proxy.internal", "mcpServers.s.proxy"),
                Arguments.of("obo: {scopes: ''}", "mcpServers.s.obo"),
                Arguments.of("oauth: {audience: ''}", "mcpServers.s.oauth.audience"),
                Arguments.of("oauth: {redirect_uri: callback}", "mcpServers.s.oauth.redirect_uri"),
                Arguments.of("oauth: {send_resource: true, send_resource_parameter: false}", "mcpServers.s.oauth.send_resource"));
    }

    @ParameterizedTest
    @MethodSource("librechatRefuses")
    void values_librechats_schema_refuses_are_refused(String option, String path) {
        assertThat(load("mcpServers:\n  s:\n    url: https://a.example/mcp\n    " + option + "\n").errors())
                .extracting(ConfigProblem::path).containsExactly(path);
    }

    @Test
    void a_stderr_mode_is_one_of_librechats() {
        assertThat(load("mcpServers:\n  s:\n    command: x\n    args: []\n    stderr: file\n").errors())
                .extracting(ConfigProblem::path).containsExactly("mcpServers.s.stderr");
        assertThat(load("mcpServers:\n  s:\n    command: x\n    args: []\n    stderr: 2\n").errors()).isEmpty();
    }

    // ---- keys of another transport ----------------------------------------------------------

    @Test
    void a_key_of_another_transport_is_dropped_with_a_warning_as_librechat_drops_it() {
        ConfigLoader.Result stdio = load("mcpServers:\n  s:\n    command: node\n    url: https://a.example/mcp\n"
                + "    headers: {A: b}\n    proxy: http://p.internal:1\n");
        assertThat(stdio.errors()).isEmpty();
        McpServerConfig s = stdio.orThrow().mcpServers().get("s");
        assertThat(s.type()).contains(Transport.STDIO);
        assertThat(s.url()).isEmpty();
        assertThat(s.headers()).isEmpty();
        assertThat(stdio.problems()).extracting(ConfigProblem::path)
                .containsExactlyInAnyOrder("mcpServers.s.url", "mcpServers.s.headers", "mcpServers.s.proxy");

        ConfigLoader.Result remote = load("mcpServers:\n  s:\n    type: websocket\n    url: wss://a.example/ws\n"
                + "    args: [x]\n    env: {A: b}\n    cwd: /tmp\n    stderr: pipe\n    obo: {scopes: s}\n");
        assertThat(remote.errors()).isEmpty();
        assertThat(remote.orThrow().mcpServers().get("s").args()).isEmpty();
        assertThat(remote.problems()).allSatisfy(p -> assertThat(p.message()).contains("(LibreChat drops it too)"))
                .extracting(ConfigProblem::path).containsExactlyInAnyOrder("mcpServers.s.args", "mcpServers.s.env",
                        "mcpServers.s.cwd", "mcpServers.s.stderr", "mcpServers.s.obo");
    }

    // ---- placeholders -----------------------------------------------------------------------

    @Test
    void placeholders_that_will_not_be_filled_in_are_warned_about_at_load() {
        List<ConfigProblem> problems = problems("""
                url: https://a.example/mcp?c={{LIBRECHAT_BODY_CONVERSATIONID}}
                headers:
                  Authorization: "Bearer {{LIBRECHAT_OPENID_ACCESS_TOKEN}}"
                  X-Graph: "{{LIBRECHAT_GRAPH_ACCESS_TOKEN}}"
                  X-Typo: "{{LIBRECHAT_USER_NAMEE}}"
                  X-Undeclared: "{{TENANT}}"
                  X-Fine: "{{LIBRECHAT_USER_USERNAME}} {{LIBRECHAT_USER_PROVIDER}} {{KEY}}"
                customUserVars: {KEY: {title: Key}}
                """);

        assertThat(problems).allSatisfy(p -> assertThat(p.isWarning()).isTrue()).extracting(ConfigProblem::message)
                .satisfiesExactlyInAnyOrder(
                        m -> assertThat(m).startsWith("{{LIBRECHAT_BODY_CONVERSATIONID}} is always empty"),
                        m -> assertThat(m).startsWith("{{LIBRECHAT_OPENID_ACCESS_TOKEN}} cannot be filled in")
                                .contains("PLACEHOLDER_UNAVAILABLE"),
                        m -> assertThat(m).startsWith("{{LIBRECHAT_GRAPH_ACCESS_TOKEN}} cannot be filled in"),
                        m -> assertThat(m).startsWith("{{LIBRECHAT_USER_NAMEE}} is not a placeholder").contains("USERNAME"),
                        m -> assertThat(m).startsWith("{{TENANT}} is not declared in customUserVars"));
    }

    // ---- oauth ------------------------------------------------------------------------------

    @Test
    void librechats_oauth_knobs_have_their_meaning() {
        McpServerConfig c = server("""
                url: https://a.example/mcp
                oauth:
                  audience: https://api.example.com
                  forward_audience_on_refresh: false
                  send_resource_parameter: false
                  redirect_uri: https://chat.example.com/cb
                """);
        McpServerConfig.OAuthSettings o = c.oauth().orElseThrow();
        assertThat(o.audience()).contains("https://api.example.com");
        assertThat(o.forwardAudienceOnRefresh()).isFalse();
        assertThat(o.sendResource()).isFalse();
        assertThat(server("url: https://a.example/mcp\noauth: {scope: s}\n").oauth().orElseThrow())
                .satisfies(d -> assertThat(d.forwardAudienceOnRefresh()).as("LibreChat's default").isTrue())
                .satisfies(d -> assertThat(d.sendResource()).isTrue());
        assertThat(problems("url: https://a.example/mcp\noauth: {redirect_uri: 'https://chat.example.com/cb'}\n"))
                .singleElement().satisfies(p -> {
                    assertThat(p.isWarning()).isTrue();
                    assertThat(p.path()).isEqualTo("mcpServers.s.oauth.redirect_uri");
                    assertThat(p.message()).contains("{publicUrl}/api/mcp/<server>/oauth/callback");
                });
    }

    // ---- mcpSettings and interface.mcpServers -------------------------------------------------

    @Test
    void librechats_other_mcp_settings_are_noted_as_ignored() {
        ConfigLoader.Result result = load("""
                mcpSettings:
                  catalogRecovery: {discoveryTimeoutMs: 3000}
                interface:
                  mcpServers:
                    use: false
                    placeholder: Servers
                    toolsRefreshInterval: 0
                    statusRefreshInterval: 30000
                    configureObo: true
                    trustCheckbox: {label: OK}
                    nonsense: 1
                """);

        assertThat(result.errors()).isEmpty();
        assertThat(result.orThrow().mcpPermissions().use()).isFalse();
        assertThat(result.orThrow().ignoredSections()).containsExactlyInAnyOrder("mcpSettings.catalogRecovery",
                "interface.mcpServers.placeholder", "interface.mcpServers.toolsRefreshInterval",
                "interface.mcpServers.statusRefreshInterval", "interface.mcpServers.configureObo",
                "interface.mcpServers.trustCheckbox");
        assertThat(result.problems()).filteredOn(ConfigProblem::isWarning).extracting(ConfigProblem::path)
                .containsExactly("interface.mcpServers.nonsense");
        assertThat(load("interface:\n  mcpServers:\n    toolsRefreshInterval: -1\n").errors()).extracting(ConfigProblem::path)
                .containsExactly("interface.mcpServers.toolsRefreshInterval");
    }

    @Test
    void the_sections_of_librechat_0_8_524_are_known() {
        for (String section : List.of("permissions", "langfuse", "summarization", "skillSync", "cloudfront", "filters",
                "messageFilter", "openapi")) {
            assertThat(load(section + ": {}\n").errors()).as(section).isEmpty();
        }
    }
}
