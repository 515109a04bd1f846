package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.McpServerConfig.Transport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private ConfigLoader.Result load(String yaml) {
        return load(yaml, Map.of());
    }

    private ConfigLoader.Result load(String yaml, Map<String, String> env) {
        return new ConfigLoader(env).load("test.yaml", yaml, dir);
    }

    @Test
    void an_empty_file_gives_working_defaults() {
        PortcullisConfig c = load("").orThrow();
        assertThat(c.server().port()).isEqualTo(3080);
        assertThat(c.server().host()).isEqualTo("127.0.0.1");
        assertThat(c.server().publicUrl()).hasToString("http://localhost:3080");
        assertThat(c.server().basePath()).isEmpty();
        assertThat(c.storage().jdbcUrl()).startsWith("jdbc:h2:file:" + dir.resolve("data"));
        assertThat(c.storage().isPostgres()).isFalse();
        assertThat(c.redis()).isEmpty();
        assertThat(c.auth().developmentMode()).isTrue();
        assertThat(c.auth().claims()).isEqualTo(AuthSettings.ClaimNames.LIBRECHAT);
        assertThat(c.mcpPermissions()).isEqualTo(McpPermissionDefaults.LIBRECHAT);
        assertThat(c.mcpServers()).isEmpty();
    }

    @Test
    void a_librechat_yaml_is_accepted_and_its_unused_sections_listed() throws Exception {
        Path file = Path.of(getClass().getResource("/config/librechat.yaml").toURI());
        ConfigLoader.Result result = new ConfigLoader(Map.of("GITHUB_PAT", "ghp_secret_value")).load(file);

        assertThat(result.errors()).isEmpty();
        PortcullisConfig c = result.orThrow();
        assertThat(c.ignoredSections()).containsExactlyInAnyOrder("interface.customWelcome", "endpoints.custom",
                "interface.mcpServers.placeholder", "version", "cache", "fileStrategy", "registration", "speech");
        assertThat(c.mcpPermissions()).isEqualTo(new McpPermissionDefaults(true, false, true, false));
        assertThat(c.egress().mcp().allowedDomains()).containsExactly("mcp.example.com");
        assertThat(c.egress().mcp().allowedAddresses()).containsExactly("10.0.0.5:8080");
        assertThat(c.egress().endpoints().allowedAddresses()).containsExactly("127.0.0.1:11434");
        assertThat(c.egress().actions().allowedDomains()).containsExactly("swapi.dev", "*.example.com");

        assertThat(c.mcpServers()).containsOnlyKeys("everything", "github", "atlassian", "tenant-tools", "linear");
        McpServerConfig everything = c.mcpServers().get("everything");
        assertThat(everything.type()).contains(Transport.STDIO);
        assertThat(everything.args()).containsExactly("-y", "@modelcontextprotocol/server-everything");
        assertThat(everything.timeout()).contains(Duration.ofSeconds(60));
        McpServerConfig github = c.mcpServers().get("github");
        assertThat(github.type()).contains(Transport.STREAMABLE_HTTP);
        assertThat(github.headers().get("Authorization").reveal()).isEqualTo("Bearer ghp_secret_value");
        assertThat(github.requiresOAuth()).contains(false);
        McpServerConfig atlassian = c.mcpServers().get("atlassian");
        assertThat(atlassian.type()).contains(Transport.SSE);
        assertThat(atlassian.startup()).isFalse();
        assertThat(atlassian.chatMenu()).isFalse();
        assertThat(atlassian.serverInstructions().fromServer()).isTrue();
        McpServerConfig tenant = c.mcpServers().get("tenant-tools");
        assertThat(tenant.type()).as("LibreChat's 'http' alias").contains(Transport.STREAMABLE_HTTP);
        assertThat(tenant.url()).contains("https://tools.example.com/{{TENANT}}/mcp");
        assertThat(tenant.customUserVars()).containsKey("TENANT");
        assertThat(c.mcpServers().get("linear").type()).as("a ws URL is a WebSocket server").contains(Transport.WEBSOCKET);

        assertThat(result.problems()).filteredOn(ConfigProblem::isWarning).extracting(ConfigProblem::path)
                .containsExactly("mcpServers.tenant-tools.proxy");
    }

    @Test
    void sections_portcullis_ignores_are_not_substituted() {
        // speech.tts uses ${OPENAI_API_KEY}, unset here; that must not be an error.
        ConfigLoader.Result result = load("speech:\n  apiKey: ${OPENAI_API_KEY}\n");
        assertThat(result.errors()).isEmpty();
    }

    @Test
    void a_url_without_type_is_left_to_the_transport_probe() {
        PortcullisConfig c = load("mcpServers:\n  remote:\n    url: https://mcp.example.com/mcp\n").orThrow();
        assertThat(c.mcpServers().get("remote").type()).isEmpty();
    }

    @Test
    void env_references_are_substituted_with_defaults() {
        PortcullisConfig c = load("""
                server:
                  port: ${PORT:-4000}
                  publicUrl: https://${HOST}/
                  basePath: ${BASE:-}
                mcpServers:
                  s:
                    command: node
                    args: ["${SCRIPT}", "--flag=${MISSING:-x}"]
                    env:
                      TOKEN: "${TOKEN}"
                      TEMPLATE: "{{USER_VAR}}"
                """, Map.of("HOST", "gw.example.com", "SCRIPT", "/srv/s.js", "TOKEN", "t0k")).orThrow();
        assertThat(c.server().port()).isEqualTo(4000);
        assertThat(c.server().publicUrl()).hasToString("https://gw.example.com");
        assertThat(c.server().basePath()).isEmpty();
        McpServerConfig s = c.mcpServers().get("s");
        assertThat(s.args()).containsExactly("/srv/s.js", "--flag=x");
        assertThat(s.env().get("TOKEN").reveal()).isEqualTo("t0k");
        assertThat(s.env().get("TEMPLATE").reveal()).as("user placeholders are not operator env").isEqualTo("{{USER_VAR}}");
    }

    @Test
    void an_empty_variable_takes_the_default_and_a_set_one_wins() {
        PortcullisConfig c = load("server:\n  host: ${H:-0.0.0.0}\n  basePath: ${B:-/chat}\n",
                Map.of("H", "", "B", "/app")).orThrow();
        assertThat(c.server().host()).isEqualTo("0.0.0.0");
        assertThat(c.server().basePath()).isEqualTo("/app");
    }

    @Test
    void a_value_from_the_environment_is_not_expanded_again() {
        PortcullisConfig c = load("mcpServers:\n  s:\n    command: x\n    env:\n      A: ${A}\n",
                Map.of("A", "${B}", "B", "leaked")).orThrow();
        assertThat(c.mcpServers().get("s").env().get("A").reveal()).isEqualTo("${B}");
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("not YAML", "server: [\n", 1, "", "opened on this line"),
                Arguments.of("not a mapping at the top", "- a\n- b\n", 1, "", "expected a mapping of sections"),
                Arguments.of("unset variable", "server:\n  host: ${NOPE}\n", 2, "server.host", "environment variable NOPE is not set"),
                Arguments.of("unknown key in an own section", "server:\n  prot: 1\n", 2, "server.prot", "did you mean 'port'"),
                Arguments.of("duplicate key", "server:\n  port: 1\n  port: 2\n", 3, "server.port", "duplicate key"),
                Arguments.of("port not a number", "server:\n  port: eighty\n", 2, "server.port", "expected a whole number"),
                Arguments.of("port out of range", "server:\n  port: 70000\n", 2, "server.port", "between 0 and 65535"),
                Arguments.of("public URL not absolute", "server:\n  publicUrl: gateway.local\n", 2, "server.publicUrl", "absolute URL"),
                Arguments.of("public URL with query", "server:\n  publicUrl: https://gw.example.com/?a=b\n", 2, "server.publicUrl", "no user info, query or fragment"),
                Arguments.of("base path shape", "server:\n  basePath: chat/\n", 2, "server.basePath", "starting with '/'"),
                Arguments.of("section not a mapping", "server: 3080\n", 1, "server", "expected a mapping"),
                Arguments.of("storage URL kind", "storage:\n  url: jdbc:mysql://db/x\n", 2, "storage.url", "jdbc:postgresql://"),
                Arguments.of("redis without url", "redis:\n  host: x\n", 2, "redis", "redis needs 'url'"),
                Arguments.of("redis URL scheme", "redis:\n  url: http://cache:6379\n", 2, "redis.url", "redis:// or rediss://"),
                Arguments.of("short HS256 secret", "auth:\n  secret: short\n", 2, "auth.secret", "at least 32 bytes"),
                Arguments.of("secret and JWKS", "auth:\n  secret: " + "x".repeat(40) + "\n  jwksUrl: https://idp/jwks\n", 2, "auth", "not both"),
                Arguments.of("JWKS URL scheme", "auth:\n  jwksUrl: ftp://idp/jwks\n", 2, "auth.jwksUrl", "http:// or https://"),
                Arguments.of("OIDC without a client", "auth:\n  oidc:\n    issuer: https://idp.example\n", 3, "auth.oidc", "'clientId' is required"),
                Arguments.of("OIDC without a secret", "auth:\n  oidc:\n    issuer: https://idp.example\n    clientId: c\n", 3, "auth.oidc", "'clientSecret' is required"),
                Arguments.of("OIDC issuer with a query", "auth:\n  oidc:\n    issuer: https://idp.example/?a=b\n    clientId: c\n    clientSecret: s\n", 3, "auth.oidc.issuer", "no query or fragment"),
                Arguments.of("OIDC without openid", "auth:\n  oidc:\n    issuer: https://idp.example\n    clientId: c\n    clientSecret: s\n    scopes: [email]\n", 6, "auth.oidc.scopes", "must include 'openid'"),
                Arguments.of("OIDC claim typo", "auth:\n  oidc:\n    issuer: https://idp.example\n    clientId: c\n    clientSecret: s\n    claims: {userid: sub}\n", 6, "auth.oidc.claims.userid", "did you mean 'userId'"),
                Arguments.of("sign-in idle beyond its maximum", "auth:\n  signIn: {idleMinutes: 600, maxHours: 2}\n", 2, "auth.signIn", "longer than 'maxHours'"),
                Arguments.of("bad encryption key", "encryption:\n  key: not-base64!\n", 2, "encryption.key", "32 random bytes in base64"),
                Arguments.of("short encryption key", "encryption:\n  key: AAAA\n", 2, "encryption.key", "32 random bytes"),
                Arguments.of("boolean", "interface:\n  mcpServers:\n    use: sometimes\n", 3, "interface.mcpServers.use", "true or false"),
                Arguments.of("server without command or url", "mcpServers:\n  s:\n    title: S\n", 3, "mcpServers.s", "either 'command'"),
                Arguments.of("unknown transport", "mcpServers:\n  s:\n    type: grpc\n    url: https://a.example\n", 3, "mcpServers.s.type", "unknown transport; use stdio"),
                Arguments.of("stdio without command", "mcpServers:\n  s:\n    type: stdio\n    url: https://a.example\n", 3, "mcpServers.s", "type stdio needs 'command'"),
                Arguments.of("websocket with http URL", "mcpServers:\n  s:\n    type: websocket\n    url: https://a.example\n", 4, "mcpServers.s.url", "ws:// or wss://"),
                Arguments.of("ws URL without websocket type", "mcpServers:\n  s:\n    type: sse\n    url: ws://a.example\n", 4, "mcpServers.s.url", "type: websocket"),
                Arguments.of("relative URL", "mcpServers:\n  s:\n    url: /mcp\n", 3, "mcpServers.s.url", "absolute http:// or https:// URL"),
                Arguments.of("placeholder in the host", "mcpServers:\n  s:\n    url: https://{{LIBRECHAT_USER_USERNAME}}.crm.example.com/mcp\n", 3, "mcpServers.s.url", "placeholders may stand only in the path or query"),
                Arguments.of("header value with a line break", "mcpServers:\n  s:\n    url: https://a.example\n    headers:\n      X-Key: \"a\\r\\nX-Evil: 1\"\n", 5, "mcpServers.s.headers.X-Key", "must not contain line breaks"),
                Arguments.of("OAuth header value with NUL", "mcpServers:\n  s:\n    url: https://a.example\n    oauth_headers:\n      X-Key: \"a\\0\"\n", 5, "mcpServers.s.oauth_headers.X-Key", "must not contain line breaks, NUL"),
                Arguments.of("server name", "mcpServers:\n  a_mcp_b:\n    command: x\n", 3, "mcpServers.a_mcp_b", "'_mcp_'"),
                Arguments.of("server name starting mcp_", "mcpServers:\n  mcp_x:\n    command: x\n", 3, "mcpServers.mcp_x", "start with 'mcp_'"),
                Arguments.of("title charset", "mcpServers:\n  s:\n    command: x\n    title: 'S<script>'\n", 4, "mcpServers.s.title", "Title must start with a letter or number"),
                Arguments.of("negative timeout", "mcpServers:\n  s:\n    command: x\n    timeout: -1\n", 4, "mcpServers.s.timeout", "between 0"),
                Arguments.of("custom var without title", "mcpServers:\n  s:\n    command: x\n    customUserVars:\n      K: {description: d}\n", 5, "mcpServers.s.customUserVars.K", "needs a 'title'"),
                Arguments.of("custom var name", "mcpServers:\n  s:\n    command: x\n    customUserVars:\n      1K: {title: t}\n", 5, "mcpServers.s.customUserVars.1K", "variable names"),
                Arguments.of("apiKey without source", "mcpServers:\n  s:\n    url: https://a.example\n    apiKey: {key: k}\n", 4, "mcpServers.s.apiKey", "needs 'source'"),
                Arguments.of("admin apiKey without key", "mcpServers:\n  s:\n    url: https://a.example\n    apiKey: {source: admin}\n", 4, "mcpServers.s.apiKey", "needs 'key'"),
                Arguments.of("custom auth without header", "mcpServers:\n  s:\n    url: https://a.example\n    apiKey: {source: user, authorization_type: custom}\n", 4, "mcpServers.s.apiKey", "custom_header"),
                Arguments.of("client secret without pinned endpoints", "mcpServers:\n  s:\n    url: https://a.example\n    oauth:\n      client_id: c\n      client_secret: s\n", 5, "mcpServers.s.oauth", "authorization_url and token_url"),
                Arguments.of("client secret without id", "mcpServers:\n  s:\n    url: https://a.example\n    oauth:\n      client_secret: s\n      authorization_url: https://a.example/a\n      token_url: https://a.example/t\n", 5, "mcpServers.s.oauth", "needs client_id"),
                Arguments.of("token exchange method", "mcpServers:\n  s:\n    url: https://a.example\n    oauth:\n      token_exchange_method: magic\n", 5, "mcpServers.s.oauth.token_exchange_method", "default_post"),
                Arguments.of("dpop mode", "mcpServers:\n  s:\n    url: https://a.example\n    oauth:\n      dpop: always\n", 5, "mcpServers.s.oauth.dpop", "auto (DPoP when the authorization server offers it), required or off"),
                Arguments.of("address exemption with a scheme", "mcpSettings:\n  allowedAddresses:\n    - 127.0.0.1:8080\n    - http://10.0.0.5:8080\n", 4, "mcpSettings.allowedAddresses[1]", "10.0.0.5"),
                Arguments.of("public address needs no exemption", "endpoints:\n  allowedAddresses: ['8.8.8.8']\n", 2, "endpoints.allowedAddresses[0]", "8.8.8.8"),
                Arguments.of("bad action domain", "actions:\n  allowedDomains: ['exa mple.com']\n", 2, "actions.allowedDomains[0]", "exa mple.com"),
                Arguments.of("oauth URL scheme", "mcpServers:\n  s:\n    url: https://a.example\n    oauth:\n      token_url: javascript:alert(1)\n", 5, "mcpServers.s.oauth.token_url", "http:// or https://"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void every_error_names_file_line_path_and_fix(String name, String yaml, int line, String path, String message) {
        ConfigLoader.Result result = load(yaml);
        assertThat(result.config()).isEmpty();
        assertThat(result.errors()).anySatisfy(p -> {
            assertThat(p.file()).isEqualTo("test.yaml");
            assertThat(p.line()).isEqualTo(line);
            assertThat(p.path()).isEqualTo(path);
            assertThat(p.message()).contains(message);
        });
    }

    @Test
    void console_sign_in_reads_its_provider_with_defaults_for_the_rest() {
        PortcullisConfig c = load("auth:\n  oidc:\n    issuer: https://idp.example/realms/acme\n    clientId: portcullis\n"
                + "    clientSecret: ${S}\n    claims: {role: roles}\n  signIn: {idleMinutes: 15}\n", Map.of("S", "s3cret")).orThrow();
        OidcSettings oidc = c.auth().oidc().orElseThrow();
        assertThat(oidc.issuer().toString()).isEqualTo("https://idp.example/realms/acme");
        assertThat(oidc.clientSecret().reveal()).isEqualTo("s3cret");
        assertThat(oidc.scopes()).containsExactly("openid", "email", "profile");
        assertThat(oidc.claims()).isEqualTo(new OidcSettings.Claims("sub", "email", "name", java.util.Optional.of("roles"),
                java.util.Optional.empty()));
        assertThat(c.auth().signIn()).isEqualTo(new SignInSettings(java.time.Duration.ofMinutes(15), java.time.Duration.ofHours(12)));
        assertThat(load("server: {port: 1}\n").orThrow().auth().oidc()).isEmpty();
    }

    @Test
    void every_problem_is_reported_in_one_pass() {
        ConfigLoader.Result result = load("server:\n  port: x\n  host: ${NOPE}\nredis:\n  url: http://r\nmcpServers:\n  a: {}\n");
        assertThat(result.errors()).extracting(ConfigProblem::path)
                .containsExactlyInAnyOrder("server.port", "server.host", "redis.url", "mcpServers.a");
    }

    @Test
    void problems_describe_themselves_like_a_compiler() {
        ConfigProblem p = load("server:\n  port: x\n").errors().getFirst();
        assertThat(p.describe()).isEqualTo("test.yaml:2: server.port: expected a whole number between 0 and 65535");
    }

    @Test
    void no_message_ever_contains_a_secret_value() {
        String secret = "s3cr3t-VALUE-that-must-not-leak";
        String yaml = """
                server:
                  port: %1$s
                  publicUrl: %1$s
                auth:
                  secret: %1$s
                  jwksUrl: ftp://%1$s
                storage:
                  url: %1$s
                redis:
                  url: %1$s
                encryption:
                  key: %1$s
                mcpServers:
                  s:
                    type: %1$s
                    url: https://a.example/
                    headers: {Authorization: "%1$s"}
                    timeout: %1$s
                    apiKey: {source: %1$s, key: %1$s}
                    oauth:
                      client_secret: %1$s
                      token_exchange_method: %1$s
                """.formatted(secret);
        List<ConfigProblem> problems = load(yaml).problems();
        assertThat(problems).hasSizeGreaterThan(8);
        assertThat(problems).allSatisfy(p -> assertThat(p.describe()).doesNotContain(secret));
    }

    @Test
    void a_header_or_api_key_from_the_environment_is_checked_after_substitution() {
        String injected = "token\r\nX-Injected: yes";
        ConfigLoader.Result result = load("""
                mcpServers:
                  s:
                    url: https://a.example/mcp
                    headers: {X-Team: "${TEAM}"}
                    apiKey: {source: admin, authorization_type: bearer, key: "${KEY}"}
                """, Map.of("TEAM", injected, "KEY", injected));
        assertThat(result.errors()).extracting(ConfigProblem::line, ConfigProblem::path).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(4, "mcpServers.s.headers.X-Team"),
                org.assertj.core.groups.Tuple.tuple(5, "mcpServers.s.apiKey.key"));
        assertThat(result.errors()).allSatisfy(p -> assertThat(p.describe())
                .contains("check that variable").doesNotContain("X-Injected").doesNotContain("token"));
    }

    static Stream<Arguments> yamlMistakes() {
        return Stream.of(
                Arguments.of("a line indented too deeply", "server:\n  port: 3080\n   host: x\nauth: {}\n", 3, "indented deeper than the key on line 2"),
                Arguments.of("a line indented too little", "server:\n  port: 3080\n host: x\n", 3, "expected <block end>"),
                Arguments.of("a tab for indentation", "server:\n  port: 3080\n\thost: x\n", 3, "TAB"),
                Arguments.of("an unclosed double quote", "mcpServers:\n  a:\n    url: \"http://x\n    type: sse\n  b:\n    command: npx\n", 3, "quoted scalar that starts on this line"),
                Arguments.of("an unclosed single quote", "mcpServers:\n  a:\n    url: 'http://x\n    type: sse\n", 3, "quoted scalar that starts on this line"),
                Arguments.of("a server name without its colon", "mcpServers:\n  everything\n    command: npx\n", 2, "this line has no ':' after its key"),
                Arguments.of("an option without its colon", "mcpServers:\n  everything:\n    command npx\n    args: [a]\n", 3, "this line has no ':' after its key"),
                Arguments.of("an own option without its colon", "server:\n  port 3080\n  host: x\n", 2, "this line has no ':' after its key"),
                Arguments.of("an unclosed list", "mcpServers:\n  a:\n    args: [a, b\n  b: {}\n", 3, "'[' opened on this line"),
                Arguments.of("a list item among keys", "mcpServers:\n  - a\n  b: c\n", 3, "not valid YAML"));
    }

    /**
     * The reported line is the line to fix. For an over-indented line the failing line is named and
     * the key above it mentioned: YAML reads the pair as one multi-line value, so a missing ':' on the
     * line above would look the same.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("yamlMistakes")
    void a_yaml_error_points_at_the_line_of_the_mistake(String name, String yaml, int line, String message) {
        assertThat(load(yaml).errors()).singleElement().satisfies(p -> {
            assertThat(p.line()).as(p.describe()).isEqualTo(line);
            assertThat(p.message()).startsWith("not valid YAML: ").contains(message);
        });
    }

    @Test
    void a_yaml_syntax_error_does_not_echo_the_file() {
        ConfigLoader.Result result = load("auth:\n  secret: \"unterminated-secret-value\n");
        assertThat(result.errors()).singleElement().satisfies(p ->
                assertThat(p.describe()).contains("not valid YAML").doesNotContain("unterminated-secret-value"));
    }

    @Test
    void secrets_are_redacted_when_a_config_is_printed() {
        PortcullisConfig c = load("auth:\n  secret: " + "k".repeat(40) + "\nmcpServers:\n  s:\n    url: https://a.example\n"
                + "    headers: {Authorization: Bearer-abc}\n").orThrow();
        assertThat(c.toString()).doesNotContain("k".repeat(40)).doesNotContain("Bearer-abc");
    }

    @Test
    void unknown_options_in_librechat_sections_are_warnings_not_errors() {
        ConfigLoader.Result result = load("mcpServers:\n  s:\n    command: x\n    stderr: inherit\n    futureOption: 1\n");
        assertThat(result.errors()).isEmpty();
        assertThat(result.problems()).extracting(ConfigProblem::path)
                .containsExactlyInAnyOrder("mcpServers.s.stderr", "mcpServers.s.futureOption");
    }

    @Test
    void a_misspelled_server_option_is_named_with_the_likely_one() {
        ConfigLoader.Result result = load("mcpServers:\n  s:\n    url: https://a.example/mcp\n    tiemout: 5000\n");
        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(4);
            assertThat(p.path()).isEqualTo("mcpServers.s.tiemout");
            assertThat(p.message()).isEqualTo("unknown MCP server option; ignored; did you mean 'timeout'?");
        });
        assertThat(load("mcpServers:\n  s:\n    comand: npx\n").problems()).extracting(ConfigProblem::message)
                .contains("unknown MCP server option; ignored; did you mean 'command'?")
                .anySatisfy(m -> assertThat(m).contains("give either 'command'"));
        assertThat(load("mcpServers:\n  s:\n    url: https://a.example/mcp\n    oauth: {scopes: a}\n").problems())
                .extracting(ConfigProblem::message).containsExactly("unknown OAuth option; ignored; did you mean 'scope'?");
    }

    @Test
    void an_unknown_top_level_section_is_an_error_with_the_likely_name() {
        ConfigLoader.Result result = load("server:\n  port: 0\nmcpServer:\n  s:\n    command: npx\n");
        assertThat(result.config()).isEmpty();
        assertThat(result.errors()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.path()).isEqualTo("mcpServer");
            assertThat(p.message()).isEqualTo("unknown section; did you mean 'mcpServers'?");
        });
        assertThat(load("Server:\n  port: 0\n").errors()).extracting(ConfigProblem::message)
                .containsExactly("unknown section; did you mean 'server'?");
        assertThat(load("upstreams: {}\n").errors()).extracting(ConfigProblem::message)
                .containsExactly("unknown section; did you mean 'upstream'?");
        assertThat(load("flavour: vanilla\n").errors()).singleElement().satisfies(p -> assertThat(p.message())
                .startsWith("unknown section: neither one of Portcullis' (").contains("mcpServers").contains("upstream")
                .endsWith("nor one of LibreChat's; check its spelling or remove it"));
    }

    @Test
    void every_section_of_librechats_schema_is_accepted_and_listed_as_ignored() {
        StringBuilder yaml = new StringBuilder();
        for (String section : ConfigLoader.LIBRECHAT_SECTIONS) {
            yaml.append(section).append(": ").append(section.equals("mcpServers") ? "{}" : "null").append('\n');
        }
        ConfigLoader.Result result = load(yaml.toString());
        assertThat(result.errors()).isEmpty();
        assertThat(result.orThrow().ignoredSections()).contains("version", "cache", "ocr", "webSearch", "memory",
                "scheduledTasks", "secureImageLinks", "imageOutputType", "includedTools", "filteredTools", "turnstile",
                "fileStrategy", "fileStrategies", "registration", "balance", "transactions", "speech", "rateLimits",
                "fileConfig", "modelSpecs");
    }

    @Test
    void a_missing_file_says_how_to_point_at_one() {
        ConfigLoader.Result result = new ConfigLoader(Map.of()).load(dir.resolve("absent.yaml"));
        assertThat(result.errors()).singleElement().satisfies(p -> assertThat(p.message()).contains("--config FILE"));
    }

    @Test
    void postgres_storage_and_pool_settings() {
        PortcullisConfig c = load("storage:\n  url: jdbc:postgresql://db:5432/p\n  username: u\n  password: ${PW}\n  maxPoolSize: 20\n",
                Map.of("PW", "pw")).orThrow();
        assertThat(c.storage().isPostgres()).isTrue();
        assertThat(c.storage().username()).contains("u");
        assertThat(c.storage().password().orElseThrow().reveal()).isEqualTo("pw");
        assertThat(c.storage().maxPoolSize()).isEqualTo(20);
    }

    @Test
    void auth_claims_issuer_and_audience() {
        PortcullisConfig c = load("""
                auth:
                  jwksUrl: https://idp.example.com/jwks
                  issuer: https://idp.example.com
                  audience: portcullis
                  claims: {userId: sub, role: roles, tenant: tid}
                """).orThrow();
        assertThat(c.auth().developmentMode()).isFalse();
        assertThat(c.auth().claims()).isEqualTo(new AuthSettings.ClaimNames("sub", "roles", "email", "tid", "groups"));
        assertThat(c.auth().issuer()).contains("https://idp.example.com");
        assertThat(c.auth().audience()).contains("portcullis");
    }

    /** Where Portcullis fills in no placeholder, the operator hears that one would go out as written. */
    @Test
    void a_placeholder_in_oauth_headers_is_a_warning_that_it_is_sent_as_written() {
        ConfigLoader.Result result = load("mcpServers:\n  s:\n    url: https://a.example/mcp\n"
                + "    oauth_headers: {X-Who: '{{LIBRECHAT_OPENID_ACCESS_TOKEN}}'}\n");
        assertThat(result.errors()).isEmpty();
        assertThat(result.problems()).filteredOn(ConfigProblem::isWarning).extracting(ConfigProblem::message)
                .anyMatch(m -> m.contains("in oauth_headers is sent as written"));
    }
}
