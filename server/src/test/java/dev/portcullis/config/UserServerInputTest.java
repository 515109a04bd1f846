package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.McpServerConfig.ApiKey;
import dev.portcullis.config.McpServerConfig.CustomUserVar;
import dev.portcullis.config.McpServerConfig.Transport;
import dev.portcullis.config.UserServerInput.FieldProblem;
import dev.portcullis.config.UserServerInput.Result;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UserServerInputTest {
    private static final String URL = "\"url\": \"https://mcp.example.com/mcp\"";

    private static Result parse(String json) {
        return UserServerInput.parse("my-server", json);
    }

    private static McpServerConfig valid(String json) {
        Result result = parse(json);
        assertThat(result).isInstanceOf(Result.Valid.class);
        return ((Result.Valid) result).config();
    }

    /** A problem as these tests compare it: where and what; codes and paths have tests of their own. */
    record Seen(String field, String message) {
    }

    private static List<Seen> problems(String json) {
        return invalid(json).stream().map(p -> new Seen(p.field(), p.message())).toList();
    }

    private static List<FieldProblem> invalid(String json) {
        Result result = parse(json);
        assertThat(result).isInstanceOf(Result.Invalid.class);
        return ((Result.Invalid) result).problems();
    }

    /** A valid server's URL plus {@code fields}. */
    private static String withUrl(String fields) {
        return "{" + URL + ", " + fields + "}";
    }

    private static String quoted(String s) {
        return "\"" + s + "\"";
    }

    // ---- what a valid server becomes --------------------------------------------------------

    @Test
    void a_url_alone_is_a_server_whose_transport_is_probed() {
        McpServerConfig c = valid("{\"url\":\"https://mcp.example.com/mcp\"}"); // compact, as serializers write it

        assertThat(c.name()).isEqualTo("my-server");
        assertThat(c.url()).contains("https://mcp.example.com/mcp");
        assertThat(c.type()).isEmpty();
        assertThat(c.origin()).isEqualTo(McpServerConfig.Origin.OPERATOR);
        assertThat(c.startup()).isFalse();
        assertThat(c.chatMenu()).isTrue();
        assertThat(c.access()).isEqualTo(McpServerConfig.AccessLimit.EVERYONE);
        assertThat(c.timeout()).isEmpty();
        assertThat(c.initTimeout()).isEqualTo(McpServerConfig.DEFAULT_INIT_TIMEOUT);
        assertThat(c.sseReadTimeout()).isEqualTo(McpServerConfig.DEFAULT_SSE_READ_TIMEOUT);
        assertThat(c.command()).isEmpty();
        assertThat(c.requiresOAuth()).isEmpty();
        assertThat(c.oauthHeaders()).isEmpty();
    }

    @Test
    void every_accepted_field_is_read() {
        McpServerConfig c = valid("""
                {
                  "type": "http",
                  "url": "https://mcp.example.com/{{TENANT}}/mcp",
                  "title": "My Tools 2",
                  "description": "Tools for {{TENANT}} users",
                  "iconPath": "https://cdn.example.com/icon.png",
                  "headers": {"X-Tenant": "{{TENANT}}", "X-Static": "yes"},
                  "apiKey": {"source": "user", "authorization_type": "custom", "custom_header": "X-Api-Key"},
                  "customUserVars": {"TENANT": {"title": "Tenant", "description": "Your tenant", "sensitive": false}},
                  "oauth": {
                    "authorization_url": "https://auth.example.com/authorize",
                    "token_url": "https://auth.example.com/token",
                    "client_id": "abc",
                    "client_secret": "shh",
                    "scope": "read write",
                    "token_exchange_method": "basic_auth_header",
                    "grant_types_supported": ["authorization_code", "refresh_token"],
                    "token_endpoint_auth_methods_supported": ["client_secret_basic"],
                    "response_types_supported": ["code"],
                    "code_challenge_methods_supported": ["S256"],
                    "skip_code_challenge_check": false,
                    "revocation_endpoint": "https://auth.example.com/revoke",
                    "revocation_endpoint_auth_methods_supported": ["client_secret_basic"],
                    "send_resource": true
                  }
                }
                """);

        assertThat(c.type()).contains(Transport.STREAMABLE_HTTP);
        assertThat(c.title()).contains("My Tools 2");
        assertThat(c.description()).contains("Tools for {{TENANT}} users");
        assertThat(c.iconPath()).contains("https://cdn.example.com/icon.png");
        assertThat(c.headers()).containsOnlyKeys("X-Tenant", "X-Static");
        assertThat(c.headers().get("X-Tenant").reveal()).isEqualTo("{{TENANT}}");
        assertThat(c.apiKey()).contains(new ApiKey(ApiKey.Source.USER, ApiKey.AuthorizationType.CUSTOM,
                Optional.of("X-Api-Key"), Optional.empty()));
        assertThat(c.customUserVars()).containsEntry("TENANT", new CustomUserVar("Tenant", Optional.of("Your tenant"), false))
                .containsKey(McpServerParser.USER_API_KEY);
        McpServerConfig.OAuthSettings oauth = c.oauth().orElseThrow();
        assertThat(oauth.tokenUrl()).contains("https://auth.example.com/token");
        assertThat(oauth.clientSecret().map(Secret::reveal)).contains("shh");
        assertThat(oauth.audience()).isEmpty();
        assertThat(oauth.grantTypesSupported()).containsExactly("authorization_code", "refresh_token");
        assertThat(oauth.tokenExchangeMethod()).contains(McpServerConfig.OAuthSettings.TokenExchangeMethod.BASIC_AUTH_HEADER);
        assertThat(c.startup()).isFalse();
    }

    @Test
    void null_reads_as_absent_for_an_optional_field() {
        McpServerConfig c = valid(withUrl("\"title\": null, \"headers\": null, \"oauth\": null"));

        assertThat(c.title()).isEmpty();
        assertThat(c.oauth()).isEmpty();
    }

    @Test
    void every_problem_is_reported_in_one_pass() {
        List<Seen> found = problems("""
                {"type": "grpc", "url": "ftp://x", "title": "Bad!", "command": "npx", "access": {},
                 "headers": {"Host": "x"}, "oauth": {"audience": "api"}, "apiKey": {"source": "nobody"}}
                """);

        assertThat(found).extracting(Seen::field).contains("config.type", "config.url", "config.title",
                "config.command", "config.access", "config.headers.Host", "config.oauth.audience",
                "config.apiKey.source");
    }

    @Test
    void request_headers_are_accepted_and_sent_over_headers() {
        McpServerConfig c = valid(withUrl("""
                "headers": {"X-Team": "blue", "X-Conversation": "none"},
                "requestHeaders": {"x-conversation": "{{CONV}}"},
                "customUserVars": {"CONV": {"title": "Conversation"}}"""));

        assertThat(c.headers()).containsOnlyKeys("X-Team", "x-conversation");
        assertThat(c.headers().get("x-conversation").reveal()).isEqualTo("{{CONV}}");
    }

    @Test
    void request_headers_are_held_to_every_header_rule() {
        assertThat(problems(withUrl("""
                "requestHeaders": {"Host": "x", "X-Env": "${JWT_SECRET}", "X-Who": "{{LIBRECHAT_BODY_CONVERSATIONID}}",
                 "X-Nope": "{{NOPE}}", "Bad Name": "x", "X-Split": "a\\nb"}"""))).extracting(Seen::field, Seen::message)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("config.requestHeaders.Host", UserServerInput.TRANSPORT_HEADER),
                        org.assertj.core.groups.Tuple.tuple("config.requestHeaders.X-Env", UserServerInput.ENVIRONMENT),
                        org.assertj.core.groups.Tuple.tuple("config.requestHeaders.X-Who", UserServerInput.DYNAMIC),
                        org.assertj.core.groups.Tuple.tuple("config.requestHeaders.X-Nope",
                                "{{NOPE}} is not declared: add NOPE to customUserVars, or remove the placeholder"),
                        org.assertj.core.groups.Tuple.tuple("config.requestHeaders.Bad Name", UserServerInput.HEADER_NAME),
                        org.assertj.core.groups.Tuple.tuple("config.requestHeaders.X-Split", "header values " + HeaderValues.PROBLEM));
    }

    /** What LibreChat's UI and zod name: a path of keys and indices from config, and an issue code. */
    @Test
    void every_problem_has_a_zod_path_and_code() {
        List<FieldProblem> found = invalid(withUrl("""
                "title": "My_Tool", "headers": {"X.Key": 1}, "apiKey": {"source": "nobody"}, "titel": "x",
                "oauth": {"grant_types_supported": ["%s"], "scope": 3}, "proxy": "http://p\"""".formatted("g".repeat(9000))));

        assertThat(found).extracting(FieldProblem::path, FieldProblem::code, FieldProblem::field).contains(
                org.assertj.core.groups.Tuple.tuple(List.of("title"), UserServerInput.Code.INVALID_STRING, "config.title"),
                org.assertj.core.groups.Tuple.tuple(List.of("headers", "X.Key"), UserServerInput.Code.INVALID_TYPE, "config.headers.X.Key"),
                org.assertj.core.groups.Tuple.tuple(List.of("apiKey", "source"), UserServerInput.Code.INVALID_ENUM_VALUE,
                        "config.apiKey.source"),
                org.assertj.core.groups.Tuple.tuple(List.of("titel"), UserServerInput.Code.UNRECOGNIZED_KEYS, "config.titel"),
                org.assertj.core.groups.Tuple.tuple(List.of("oauth", "grant_types_supported", 0), UserServerInput.Code.TOO_BIG,
                        "config.oauth.grant_types_supported[0]"),
                org.assertj.core.groups.Tuple.tuple(List.of("oauth", "scope"), UserServerInput.Code.INVALID_TYPE, "config.oauth.scope"),
                org.assertj.core.groups.Tuple.tuple(List.of("proxy"), UserServerInput.Code.CUSTOM, "config.proxy"));
        assertThat(invalid("[]")).singleElement().satisfies(p -> {
            assertThat(p.path()).isEmpty();
            assertThat(p.code()).isEqualTo(UserServerInput.Code.INVALID_TYPE);
        });
        assertThat(invalid("{}")).singleElement().satisfies(p -> {
            assertThat(p.path()).containsExactly("url");
            assertThat(p.code().zodName()).isEqualTo("invalid_type");
        });
    }

    @Test
    void an_invalid_server_name_is_reported_at_name() {
        List<FieldProblem> found = UserServerInput.parse("a/b", "{" + URL + "}") instanceof Result.Invalid i
                ? i.problems() : List.of();

        assertThat(found).extracting(FieldProblem::field).containsExactly("name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Notion (work)", "bad name!", "café", "日本", "Bob's Tools", "a+b", "x;y"})
    void server_names_are_any_text_libreChat_can_address(String name) {
        assertThat(UserServerInput.parse(name, "{" + URL + "}")).isInstanceOf(Result.Valid.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a_mcp_b", "mcp_tools"})
    void server_names_that_would_make_tool_keys_ambiguous_are_refused(String name) {
        assertThat(UserServerInput.parse(name, "{" + URL + "}")).isInstanceOfSatisfying(Result.Invalid.class, i ->
                assertThat(i.problems()).singleElement().satisfies(p -> {
                    assertThat(p.field()).isEqualTo("name");
                    assertThat(p.message()).contains("'_mcp_'").contains("'mcp_'");
                }));
    }

    // ---- 1: a JSON object, of bounded size --------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"[]", "\"https://mcp.example.com\"", "null", "42", "", "   "})
    void anything_but_an_object_is_one_problem_at_config(String json) {
        assertThat(problems(json)).containsExactly(new Seen("config", UserServerInput.NOT_AN_OBJECT));
    }

    @Test
    void text_that_is_not_json_is_one_problem_at_config() {
        List<Seen> found = problems("{\"url\": \"https://mcp.example.com\", ");

        assertThat(found).hasSize(1);
        assertThat(found.getFirst().field()).isEqualTo("config");
        assertThat(found.getFirst().message()).startsWith("not valid JSON");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{url: \"https://mcp.example.com/mcp\"}",
            "{\"url\": 'https://mcp.example.com/mcp'}",
            "url: https://mcp.example.com/mcp",
            "\"url\": \"https://mcp.example.com/mcp\"",
            "{\"url\": \"https://mcp.example.com/mcp\", \"title\": !!binary \"T\"}",
            "{\"url\": \"https://mcp.example.com/mcp\", \"title\": &a \"T\", \"description\": *a}",
            "{\"url\": \"https://mcp.example.com/mcp\", \"title\": T}"})
    void yaml_that_is_not_json_is_refused(String yaml) {
        assertThat(problems(yaml)).extracting(Seen::message).contains(UserServerInput.NOT_JSON);
    }

    @Test
    void the_whole_config_is_at_most_64_kib() {
        String start = "{" + URL;
        int room = UserServerInput.MAX_JSON_BYTES - start.length() - 1;
        String atLimit = start + " ".repeat(room) + "}";

        assertThat(atLimit.length()).isEqualTo(64 * 1024);
        valid(atLimit);
        assertThat(problems(start + " ".repeat(room + 1) + "}"))
                .containsExactly(new Seen("config", "too large: the configuration may be at most 64 KiB"));
    }

    @Test
    void any_string_is_at_most_8_kib() {
        valid(withUrl("\"headers\": {\"X-Big\": \"" + "a".repeat(8 * 1024) + "\"}"));

        assertThat(problems(withUrl("\"headers\": {\"X-Big\": \"" + "a".repeat(8 * 1024 + 1) + "\"}")))
                .containsExactly(new Seen("config.headers.X-Big", UserServerInput.TOO_LONG));
        assertThat(problems(withUrl("\"oauth\": {\"scope\": \"" + "é".repeat(4 * 1024 + 1) + "\"}")))
                .containsExactly(new Seen("config.oauth.scope", UserServerInput.TOO_LONG));
    }

    @Test
    void at_most_50_headers() {
        valid(withUrl("\"headers\": {" + headers(50) + "}"));

        assertThat(problems(withUrl("\"headers\": {" + headers(51) + "}")))
                .containsExactly(new Seen("config.headers", "too many headers: at most 50"));
    }

    private static String headers(int n) {
        return IntStream.range(0, n).mapToObj(i -> "\"X-H" + i + "\": \"v\"").collect(Collectors.joining(", "));
    }

    @Test
    void at_most_50_custom_user_variables() {
        valid(withUrl("\"customUserVars\": {" + userVars(50) + "}"));

        assertThat(problems(withUrl("\"customUserVars\": {" + userVars(51) + "}")))
                .containsExactly(new Seen("config.customUserVars", "too many custom user variables: at most 50"));
    }

    private static String userVars(int n) {
        return IntStream.range(0, n).mapToObj(i -> "\"V" + i + "\": {\"title\": \"T\"}").collect(Collectors.joining(", "));
    }

    @Test
    void deep_nesting_is_refused_before_anything_walks_it() {
        String deep = "[".repeat(5000) + "]".repeat(5000);

        assertThat(problems(withUrl("\"headers\": {\"X\": " + deep + "}"))).extracting(Seen::message)
                .singleElement().asString().startsWith("nested too deeply");
    }

    @Test
    void a_duplicate_key_is_reported_once() {
        assertThat(problems("{" + URL + ", " + URL + "}"))
                .containsExactly(new Seen("config.url", "duplicate key; each key may appear once"));
    }

    // ---- 2: the keys a user may give ---------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"\"command\": \"npx\"", "\"args\": [\"-y\"]", "\"env\": {\"A\": \"b\"}", "\"cwd\": \"tools\""})
    void stdio_fields_are_for_the_operator(String field) {
        String key = field.substring(1, field.indexOf('"', 1));

        assertThat(problems(withUrl(field))).containsExactly(new Seen("config." + key, UserServerInput.STDIO));
    }

    @Test
    void a_stdio_server_is_for_the_operator_even_without_a_command() {
        assertThat(problems(withUrl("\"type\": \"stdio\"")))
                .containsExactly(new Seen("config.type", UserServerInput.STDIO));
        assertThat(problems("{\"type\": \"stdio\", \"command\": \"npx\"}")).extracting(Seen::field)
                .containsExactlyInAnyOrder("config.type", "config.command", "config.url");
    }

    /** LibreChat's MCPServerUserInputSchema omits these as the server's, so a client may send them back: dropped. */
    @ParameterizedTest
    @ValueSource(strings = {"\"startup\": true", "\"timeout\": 1000", "\"initTimeout\": 1000", "\"sseReadTimeout\": 1000",
            "\"chatMenu\": false", "\"serverInstructions\": true", "\"requiresOAuth\": true",
            "\"oauth_headers\": {\"X\": \"y\"}", "\"oauthRefreshWaitTimeout\": 1", "\"oauthRefreshCoordination\": true",
            "\"oauthPersistenceWaitTimeout\": 1", "\"timeout\": \"soon\"", "\"serverInstructions\": \"${JWT_SECRET}\""})
    void settings_the_gateway_manages_are_accepted_and_dropped(String field) {
        McpServerConfig c = valid(withUrl(field));

        assertThat(c.startup()).isFalse();
        assertThat(c.chatMenu()).isTrue();
        assertThat(c.timeout()).isEmpty();
        assertThat(c.initTimeout()).isEqualTo(McpServerConfig.DEFAULT_INIT_TIMEOUT);
        assertThat(c.sseReadTimeout()).isEqualTo(McpServerConfig.DEFAULT_SSE_READ_TIMEOUT);
        assertThat(c.serverInstructions()).isEqualTo(McpServerConfig.ServerInstructions.NONE);
        assertThat(c.requiresOAuth()).isEmpty();
        assertThat(c.oauthHeaders()).isEmpty();
    }

    @Test
    void an_access_limit_is_the_operators() {
        assertThat(problems(withUrl("\"access\": {\"users\": [\"me\"]}")))
                .containsExactly(new Seen("config.access", UserServerInput.OPERATOR_ACCESS));
    }

    @ParameterizedTest
    @ValueSource(strings = {"proxy", "obo"})
    void unsupported_fields_are_refused(String key) {
        assertThat(problems(withUrl(quoted(key) + ": \"x\"")))
                .containsExactly(new Seen("config." + key, UserServerInput.UNSUPPORTED));
    }

    @Test
    void an_unknown_field_is_refused_with_the_nearest_known_one() {
        assertThat(problems(withUrl("\"titel\": \"T\"")))
                .containsExactly(new Seen("config.titel", "unknown field; did you mean 'title'?"));
        assertThat(problems(withUrl("\"stderr\": \"inherit\""))).singleElement()
                .satisfies(p -> assertThat(p.message()).startsWith("unknown field; known keys: type, url"));
    }

    // ---- 3: type and url -------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"streamable-http, https://x.example.com/mcp, STREAMABLE_HTTP",
            "http, http://x.example.com/mcp, STREAMABLE_HTTP",
            "sse, https://x.example.com/sse, SSE",
            "websocket, wss://x.example.com/ws, WEBSOCKET",
            "websocket, ws://x.example.com/ws, WEBSOCKET"})
    void the_remote_transports_are_accepted(String type, String url, Transport expected) {
        assertThat(valid("{\"type\": " + quoted(type) + ", \"url\": " + quoted(url) + "}").type()).contains(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"grpc", "HTTP", ""})
    void an_unknown_type_is_refused(String type) {
        assertThat(problems(withUrl("\"type\": " + quoted(type)))).singleElement()
                .satisfies(p -> {
                    assertThat(p.field()).isEqualTo("config.type");
                    assertThat(p.message()).startsWith("unknown transport; use streamable-http").doesNotContain("stdio");
                });
        assertThat(problems(withUrl("\"type\": 1"))).extracting(Seen::field).containsExactly("config.type");
    }

    @Test
    void url_is_required() {
        assertThat(problems("{\"title\": \"T\"}")).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("config.url");
            assertThat(p.message()).startsWith("required").doesNotContain("command");
        });
        assertThat(problems("{\"url\": null}")).extracting(Seen::field).containsExactly("config.url");
        assertThat(problems("{\"url\": {\"a\": \"b\"}}"))
                .containsExactly(new Seen("config.url", "expected a string"));
    }

    @ParameterizedTest
    @CsvSource({
            "'', ftp://x.example.com/mcp, expected an absolute http:// or https:// URL",
            "'', wss://x.example.com/ws, a ws:// or wss:// URL needs type: websocket",
            "sse, ws://x.example.com/ws, a ws:// or wss:// URL needs type: websocket",
            "streamable-http, mcp.example.com, expected an absolute http:// or https:// URL",
            "websocket, https://x.example.com/ws, a websocket server needs a ws:// or wss:// URL",
            "'', https:///mcp, the URL has no host",
            "'', https://exa mple.com/mcp, not a valid URL: Illegal character in authority"})
    void the_url_must_fit_the_transport_and_have_a_host(String type, String url, String message) {
        String typeField = type.isEmpty() ? "" : "\"type\": " + quoted(type) + ", ";
        String vars = ", \"customUserVars\": {\"HOST\": {\"title\": \"Host\"}}";

        assertThat(problems("{" + typeField + "\"url\": " + quoted(url) + vars + "}"))
                .containsExactly(new Seen("config.url", message));
    }

    @Test
    void a_url_with_a_declared_placeholder_is_checked_with_the_placeholder_stood_in() {
        valid("{\"url\": \"https://mcp.example.com/{{HOST}}/mcp?t={{HOST}}\", \"customUserVars\": {\"HOST\": {\"title\": \"Host\"}}}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://{{V}}/mcp", "https://{{V}}.example.com/mcp", "https://mcp.example.com:{{V}}/mcp",
            "https://u:{{V}}@mcp.example.com/mcp", "https://mcp.{{V}}"})
    void a_users_value_may_not_choose_the_host(String url) {
        // Otherwise a value such as "evil.example/#" would send the owner's key and headers elsewhere.
        assertThat(problems("{\"url\": " + quoted(url) + ", \"customUserVars\": {\"V\": {\"title\": \"V\"}}}"))
                .contains(new Seen("config.url", "placeholders may stand only in the path or query: a {{VAR}} in the"
                        + " scheme, host or port would let each user's value choose where the server's credentials are sent"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"authorization_url", "token_url", "revocation_endpoint"})
    void oauth_endpoints_take_no_placeholders(String endpoint) {
        assertThat(problems(withUrl("\"customUserVars\": {\"V\": {\"title\": \"V\"}}, \"oauth\": {\"" + endpoint
                + "\": \"https://auth.example.com/{{V}}\"}")))
                .contains(new Seen("config.oauth." + endpoint, "placeholders are not allowed in OAuth endpoints; give the full URL"));
    }

    // ---- 4: no ${...} ------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"url\": \"https://${HOST}/mcp\"                                 | config.url",
            "\"url\": \"https://mcp.example.com/mcp?k=${KEY:-x}\"              | config.url",
            "\"url\": \"https://mcp.example.com/mcp\", \"headers\": {\"X\": \"${TOKEN}\"}  | config.headers.X",
            "\"url\": \"https://mcp.example.com/mcp\", \"headers\": {\"X${A}\": \"v\"}     | config.headers.X${A}",
            "\"url\": \"https://mcp.example.com/mcp\", \"oauth\": {\"grant_types_supported\": [\"${G}\"]} | config.oauth.grant_types_supported[0]",
            "\"url\": \"https://mcp.example.com/mcp\", \"customUserVars\": {\"A\": {\"title\": \"${T}\"}} | config.customUserVars.A.title",
            "\"url\": \"https://mcp.example.com/mcp\", \"apiKey\": {\"source\": \"admin\", \"key\": \"${KEY}\"} | config.apiKey.key",
            "\"url\": \"https://mcp.example.com/mcp\", \"env\": {\"A\": {\"B\": \"${DEEP}\"}} | config.env.A.B"})
    void the_gateways_environment_is_never_read(String fields, String field) {
        assertThat(problems("{" + fields + "}")).contains(new Seen(field, UserServerInput.ENVIRONMENT))
                .extracting(Seen::message).noneMatch(m -> m.startsWith("environment variable"));
    }

    // ---- 5: no LibreChat user or request placeholders ---------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"url\": \"https://mcp.example.com/{{LIBRECHAT_USER_ID}}\"                       | config.url",
            "\"url\": \"https://mcp.example.com/mcp\", \"headers\": {\"X\": \"{{librechat_user_email}}\"} | config.headers.X",
            "\"url\": \"https://mcp.example.com/mcp\", \"headers\": {\"X\": \"{{LibreChat_Body_conversationId}}\"} | config.headers.X",
            "\"url\": \"https://mcp.example.com/mcp\", \"oauth\": {\"scope\": \"{{LIBRECHAT_OPENID_TOKEN}}\"} | config.oauth.scope",
            "\"url\": \"https://mcp.example.com/mcp\", \"apiKey\": {\"source\": \"admin\", \"key\": \"{{LIBRECHAT_GRAPH_ACCESS_TOKEN}}\"} | config.apiKey.key",
            "\"url\": \"https://mcp.example.com/mcp\", \"description\": \"{{LIBRECHAT_USER_NAME\" | config.description"})
    void dynamic_placeholders_are_for_operator_servers_only(String fields, String field) {
        List<Seen> found = problems("{" + fields + "}");

        assertThat(found).containsExactly(new Seen(field, UserServerInput.DYNAMIC));
    }

    // ---- 6: {{NAME}} only for declared variables --------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"url\": \"https://mcp.example.com/{{HOST}}\"                                 | config.url",
            "\"url\": \"https://mcp.example.com/mcp\", \"headers\": {\"Authorization\": \"Bearer {{HOST}}\"} | config.headers.Authorization",
            "\"url\": \"https://mcp.example.com/mcp\", \"oauth\": {\"client_id\": \"{{HOST}}\"}     | config.oauth.client_id",
            "\"url\": \"https://mcp.example.com/mcp\", \"apiKey\": {\"source\": \"admin\", \"key\": \"{{HOST}}\"} | config.apiKey.key"})
    void a_placeholder_needs_a_declared_variable(String fields, String field) {
        assertThat(problems("{" + fields + "}")).containsExactly(new Seen(field,
                "{{HOST}} is not declared: add HOST to customUserVars, or remove the placeholder"));
        valid("{" + fields + ", \"customUserVars\": {\"HOST\": {\"title\": \"Host\"}}}");
    }

    @Test
    void the_users_api_key_variable_is_declared_only_by_a_user_sourced_api_key() {
        String header = "\"headers\": {\"X-Key\": \"{{MCP_API_KEY}}\"}";

        valid(withUrl(header + ", \"apiKey\": {\"source\": \"user\"}"));
        assertThat(problems(withUrl(header + ", \"apiKey\": {\"source\": \"admin\", \"key\": \"k\"}"))).containsExactly(
                new Seen("config.headers.X-Key",
                        "{{MCP_API_KEY}} is not declared: add MCP_API_KEY to customUserVars, or remove the placeholder"));
    }

    @Test
    void text_that_is_not_a_placeholder_is_left_alone() {
        valid(withUrl("\"headers\": {\"X\": \"{{ not one }} {{a-b}} {x}\"}"));
    }

    // ---- 7: title, description, iconPath -----------------------------------------------------

    @Test
    void titles_follow_librechats_pattern_and_have_at_most_100_characters() {
        valid(withUrl("\"title\": " + quoted("T".repeat(100))));
        for (String title : List.of("Brave-Search", "Bob's Tools", "Bob\u2019s Tools", "Café Tools", "日本語ツール", "Ünïcödé",
                "Tool 2", "x")) {
            assertThat(valid(withUrl("\"title\": " + quoted(title))).title()).contains(title);
        }
        for (String title : List.of("My_Tool", "a.b", " Lead", "-lead", "Notion (work)", "", "S<script>")) {
            assertThat(problems(withUrl("\"title\": " + quoted(title)))).as(title).containsExactly(new Seen("config.title",
                    "Title must start with a letter or number and can include spaces, hyphens, and apostrophes"));
        }
        assertThat(problems(withUrl("\"title\": " + quoted("T".repeat(101)))))
                .containsExactly(new Seen("config.title", "too long: at most 100 characters"));
    }

    @Test
    void descriptions_are_at_most_2000_characters() {
        valid(withUrl("\"description\": " + quoted("d".repeat(2000))));

        assertThat(problems(withUrl("\"description\": " + quoted("d".repeat(2001)))))
                .containsExactly(new Seen("config.description", "too long: at most 2000 characters"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://cdn.example.com/i.png", "HTTP://cdn.example.com/i.png", "data:image/png;base64,iVBORw0KGgo=",
            "/assets/icon.svg"})
    void an_icon_is_a_web_url_an_image_data_uri_or_a_path(String icon) {
        assertThat(valid(withUrl("\"iconPath\": " + quoted(icon))).iconPath()).contains(icon);
    }

    @ParameterizedTest
    @ValueSource(strings = {"javascript:alert(1)", " https://cdn.example.com/i.png", "data:text/html,<b>x</b>",
            "ftp://cdn.example.com/i.png", "assets/icon.svg", "//evil.example.com/i.png", "/\\\\evil.example.com/i.png", ""})
    void anything_else_is_not_an_icon(String icon) {
        assertThat(problems(withUrl("\"iconPath\": " + quoted(icon)))).containsExactly(new Seen("config.iconPath",
                "use an https:// or http:// URL, a data:image/ URI or a path starting with '/'"));
    }

    @Test
    void an_icon_is_at_most_8_kib() {
        String prefix = "data:image/png;base64,";
        valid(withUrl("\"iconPath\": " + quoted(prefix + "A".repeat(8 * 1024 - prefix.length()))));

        assertThat(problems(withUrl("\"iconPath\": " + quoted(prefix + "A".repeat(8 * 1024)))))
                .containsExactly(new Seen("config.iconPath", UserServerInput.TOO_LONG));
    }

    // ---- 8: oauth --------------------------------------------------------------------------

    @Test
    void oauth_keys_are_limited_to_the_known_ones() {
        assertThat(problems(withUrl("\"oauth\": {\"client_idd\": \"x\"}")))
                .containsExactly(new Seen("config.oauth.client_idd", "unknown field; did you mean 'client_id'?"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"audience\": \"api://x\"", "\"forward_audience_on_refresh\": true", "\"send_resource_parameter\": false"})
    void audience_settings_are_not_for_user_servers(String field) {
        String key = field.substring(1, field.indexOf('"', 1));

        assertThat(problems(withUrl("\"oauth\": {" + field + "}")))
                .containsExactly(new Seen("config.oauth." + key, "not accepted for user servers; remove it"));
    }

    /** LibreChat's user schema accepts redirect_uri and, like LibreChat, Portcullis never uses it. */
    @Test
    void a_redirect_uri_is_accepted_and_not_used() {
        McpServerConfig c = valid(withUrl("\"oauth\": {\"redirect_uri\": \"https://elsewhere.example.com/cb\"}"));

        assertThat(c.oauth()).isPresent();
        assertThat(c.oauth().orElseThrow().toString()).doesNotContain("elsewhere");
        assertThat(problems(withUrl("\"oauth\": {\"redirect_uri\": \"https://x.example.com/cb?resource=y\"}")))
                .containsExactly(new Seen("config.oauth.redirect_uri",
                        "must not carry an 'audience' or 'resource' query parameter; remove it"));
        assertThat(problems(withUrl("\"oauth\": {\"redirect_uri\": \"cb\"}"))).containsExactly(
                new Seen("config.oauth.redirect_uri", "expected an absolute http:// or https:// URL"));
    }

    @ParameterizedTest
    @CsvSource(quoteCharacter = '"', value = {
            "authorization_url, javascript:alert(1), expected an absolute http:// or https:// URL",
            "token_url, https:///token, the URL has no host",
            "revocation_endpoint, ftp://auth.example.com/r, expected an absolute http:// or https:// URL",
            "authorization_url, https://auth.example.com/a?audience=x, must not carry an 'audience' or 'resource' query parameter; remove it",
            "token_url, https://auth.example.com/t?a=1&RESOURCE=https://x, must not carry an 'audience' or 'resource' query parameter; remove it",
            "revocation_endpoint, https://auth.example.com/r?%61udience=x, must not carry an 'audience' or 'resource' query parameter; remove it"})
    void oauth_endpoints_are_web_urls_without_audience_or_resource(String key, String url, String message) {
        assertThat(problems(withUrl("\"oauth\": {" + quoted(key) + ": " + quoted(url) + "}")))
                .containsExactly(new Seen("config.oauth." + key, message));
        valid(withUrl("\"oauth\": {" + quoted(key) + ": \"https://auth.example.com/x?audiences=1&resourceful=2#resource=3\"}"));
    }

    @Test
    void a_client_secret_still_needs_its_client_id_and_pinned_endpoints() {
        List<Seen> found = problems(withUrl("\"oauth\": {\"client_secret\": \"shh\"}"));

        assertThat(found).extracting(Seen::field).containsOnly("config.oauth");
        assertThat(found).extracting(Seen::message).containsExactlyInAnyOrder("client_secret needs client_id",
                "a client_secret needs authorization_url and token_url set too, so the secret only goes to endpoints you chose");
    }

    @Test
    void oauth_values_have_their_json_types() {
        assertThat(problems(withUrl("""
                "oauth": {"scope": ["a"], "grant_types_supported": "authorization_code", "send_resource": "false",
                          "code_challenge_methods_supported": ["S256", 1]}""")))
                .containsExactlyInAnyOrder(new Seen("config.oauth.scope", "expected a string"),
                        new Seen("config.oauth.grant_types_supported", "expected a list of strings"),
                        new Seen("config.oauth.code_challenge_methods_supported", "expected a list of strings"),
                        new Seen("config.oauth.send_resource", "expected true or false"));
        assertThat(problems(withUrl("\"oauth\": [\"a\"]"))).containsExactly(new Seen("config.oauth", "expected an object"));
    }

    @Test
    void a_user_server_may_choose_dpop_from_the_three_modes() {
        assertThat(valid(withUrl("\"oauth\": {\"dpop\": \"required\"}")).dpopMode())
                .isEqualTo(McpServerConfig.OAuthSettings.DpopMode.REQUIRED);
        assertThat(valid(withUrl("\"oauth\": {}")).dpopMode()).isEqualTo(McpServerConfig.OAuthSettings.DpopMode.AUTO);
        assertThat(problems(withUrl("\"oauth\": {\"dpop\": \"always\"}"))).containsExactly(new Seen("config.oauth.dpop",
                "use auto (DPoP when the authorization server offers it), required or off"));
    }

    @Test
    void switching_dpop_to_required_or_off_retires_the_grants_obtained_before() {
        String before = valid(withUrl("\"oauth\": {}")).credentialBinding();

        assertThat(valid(withUrl("\"oauth\": {\"dpop\": \"auto\"}")).credentialBinding()).isEqualTo(before);
        assertThat(valid(withUrl("\"oauth\": {\"dpop\": \"required\"}")).credentialBinding()).isNotEqualTo(before);
        assertThat(valid(withUrl("\"oauth\": {\"dpop\": \"off\"}")).credentialBinding()).isNotEqualTo(before);
    }

    // ---- 9: apiKey -------------------------------------------------------------------------

    @Test
    void an_admin_api_key_is_read() {
        assertThat(valid(withUrl("\"apiKey\": {\"source\": \"admin\", \"authorization_type\": \"bearer\", \"key\": \"k\"}"))
                .apiKey()).contains(new ApiKey(ApiKey.Source.ADMIN, ApiKey.AuthorizationType.BEARER, Optional.empty(),
                Optional.of(Secret.of("k"))));
    }

    @Test
    void an_admin_api_key_needs_its_key_and_is_not_told_to_use_the_environment() {
        assertThat(problems(withUrl("\"apiKey\": {\"source\": \"admin\"}")))
                .containsExactly(new Seen("config.apiKey", "source admin needs 'key', the key to send"));
        assertThat(problems(withUrl("\"apiKey\": {\"source\": \"admin\", \"key\": \"\"}")))
                .containsExactly(new Seen("config.apiKey", "source admin needs 'key', the key to send"));
    }

    @Test
    void api_key_source_and_type_have_fixed_values() {
        assertThat(problems(withUrl("\"apiKey\": {\"source\": \"server\", \"authorization_type\": \"digest\"}")))
                .extracting(Seen::field).containsExactlyInAnyOrder("config.apiKey.source", "config.apiKey.authorization_type");
        assertThat(problems(withUrl("\"apiKey\": {\"source\": \"server\"}"))).containsExactly(new Seen(
                "config.apiKey.source", "use 'admin' (the key is given here) or 'user' (each user enters their own)"));
        assertThat(problems(withUrl("\"apiKey\": {\"authorization_type\": \"bearer\"}")))
                .extracting(Seen::field).containsExactly("config.apiKey");
    }

    @Test
    void a_custom_api_key_header_is_named_and_a_valid_header_name() {
        assertThat(problems(withUrl("\"apiKey\": {\"source\": \"user\", \"authorization_type\": \"custom\"}")))
                .extracting(Seen::field).containsExactly("config.apiKey");
        assertThat(problems(withUrl("\"apiKey\": {\"source\": \"user\", \"authorization_type\": \"custom\", \"custom_header\": \"X Key\"}")))
                .containsExactly(new Seen("config.apiKey.custom_header", UserServerInput.HEADER_NAME));
        assertThat(problems(withUrl("\"apiKey\": {\"source\": \"user\", \"authorization_type\": \"custom\", \"custom_header\": \"host\"}")))
                .containsExactly(new Seen("config.apiKey.custom_header", UserServerInput.TRANSPORT_HEADER));
    }

    @Test
    void api_key_fields_are_limited_to_the_known_ones() {
        assertThat(problems(withUrl("\"apiKey\": {\"source\": \"user\", \"sourc\": \"user\"}")))
                .containsExactly(new Seen("config.apiKey.sourc", "unknown field; did you mean 'source'?"));
    }

    // ---- 10: headers -----------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"X Key", "X:Key", "X-Ké", "(x)", ""})
    void header_names_are_http_tokens(String name) {
        assertThat(problems(withUrl("\"headers\": {" + quoted(name) + ": \"v\"}")))
                .containsExactly(new Seen("config.headers." + name, UserServerInput.HEADER_NAME));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Host", "content-length", "Transfer-Encoding", "CONNECTION", "Upgrade", "mcp-session-id",
            "MCP-Protocol-Version", "Last-Event-ID", "Cookie"})
    void headers_the_transport_sets_are_refused(String name) {
        assertThat(problems(withUrl("\"headers\": {" + quoted(name) + ": \"v\"}")))
                .containsExactly(new Seen("config.headers." + name, UserServerInput.TRANSPORT_HEADER));
    }

    @Test
    void header_values_are_strings_on_one_line() {
        valid(withUrl("\"headers\": {\"Authorization\": \"Bearer abc\", \"X-Tab\": \"a\\tb\"}"));

        assertThat(problems(withUrl("\"headers\": {\"X-A\": \"a\\r\\nInjected: 1\", \"X-B\": \"b\\n\", \"X-F\": \"f\\u0000\","
                + " \"X-G\": \"g\\u001b[0m\", \"X-C\": 5, \"X-D\": null, \"X-E\": {}}")))
                .containsExactly(
                        new Seen("config.headers.X-A", "header values " + HeaderValues.PROBLEM),
                        new Seen("config.headers.X-B", "header values " + HeaderValues.PROBLEM),
                        new Seen("config.headers.X-F", "header values " + HeaderValues.PROBLEM),
                        new Seen("config.headers.X-G", "header values " + HeaderValues.PROBLEM),
                        new Seen("config.headers.X-C", "header values must be strings"),
                        new Seen("config.headers.X-D", "header values must be strings"),
                        new Seen("config.headers.X-E", "header values must be strings"));
    }

    @Test
    void an_api_key_is_sent_in_a_header_so_it_is_held_to_the_same_rule() {
        valid(withUrl("\"apiKey\": {\"source\": \"admin\", \"authorization_type\": \"bearer\", \"key\": \"k\\tk\"}"));

        List<Seen> found = problems(withUrl(
                "\"apiKey\": {\"source\": \"admin\", \"authorization_type\": \"bearer\", \"key\": \"sk-1\\r\\nX-Evil: 1\"}"));
        assertThat(found).containsExactly(new Seen("config.apiKey.key",
                "the key is sent in a header, so it " + HeaderValues.PROBLEM));
        assertThat(found.toString()).doesNotContain("X-Evil").doesNotContain("sk-1");
    }

    // ---- 11: customUserVars ----------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"1abc", "a-b", "a b", ""})
    void variable_names_are_identifiers(String name) {
        assertThat(problems(withUrl("\"customUserVars\": {" + quoted(name) + ": {\"title\": \"T\"}}")))
                .containsExactly(new Seen("config.customUserVars." + name,
                        "variable names use letters, digits and '_', starting with a letter or '_'"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"LIBRECHAT_USER_ID", "librechat_x", "LibreChat_"})
    void variable_names_do_not_start_with_librechat(String name) {
        assertThat(problems(withUrl("\"customUserVars\": {" + quoted(name) + ": {\"title\": \"T\"}}")))
                .containsExactly(new Seen("config.customUserVars." + name,
                        "names starting with LIBRECHAT_ are reserved for the gateway's placeholders; choose another"));
    }

    @Test
    void a_variable_has_a_title_and_only_the_known_options() {
        assertThat(problems(withUrl("\"customUserVars\": {\"A\": {\"description\": \"d\"}}")))
                .containsExactly(new Seen("config.customUserVars.A", "each custom user variable needs a 'title' to show the user"));
        assertThat(problems(withUrl("\"customUserVars\": {\"A\": {\"title\": \"T\", \"sensitiv\": true}}")))
                .containsExactly(new Seen("config.customUserVars.A.sensitiv", "unknown field; did you mean 'sensitive'?"));
        assertThat(problems(withUrl("\"customUserVars\": {\"A\": {\"title\": \"T\", \"sensitive\": \"yes\"}}")))
                .containsExactly(new Seen("config.customUserVars.A.sensitive", "expected true or false"));
        assertThat(problems(withUrl("\"customUserVars\": {\"A\": \"Tenant\"}")))
                .containsExactly(new Seen("config.customUserVars.A", "expected an object: {title (required), description, sensitive}"));
    }

    @Test
    void a_variable_is_sensitive_unless_said_otherwise() {
        assertThat(valid(withUrl("\"customUserVars\": {\"A\": {\"title\": \"T\"}}")).customUserVars())
                .containsExactly(java.util.Map.entry("A", new CustomUserVar("T", Optional.empty(), true)));
    }

    // ---- messages never carry a value of the input -------------------------------------------

    @Test
    void no_message_repeats_a_value_of_the_input() {
        String secret = "s3cr3t-VALUE";
        String json = """
                {
                  "type": "S",
                  "url": "S://{{S}}",
                  "title": "S!",
                  "description": "S%1$s",
                  "iconPath": "javascript:S",
                  "headers": {"X-A": "S\\r\\n", "X-B": "${S}", "X-C": "{{LIBRECHAT_S}}", "Host": "S", "X-D": "{{UNDECLARED}} S"},
                  "apiKey": {"source": "S", "authorization_type": "S", "custom_header": "S S", "key": "S", "extra": "S"},
                  "oauth": {"authorization_url": "S", "token_url": "https://a.example.com/t?audience=S&resource=S",
                            "revocation_endpoint": "https://S:S@/r", "client_secret": "S", "audience": "S",
                            "redirect_uri": "https://S/cb", "token_exchange_method": "S", "scope": ["S"],
                            "send_resource": "S", "grant_types_supported": "S", "skip_code_challenge_check": "S"},
                  "customUserVars": {"V": {"title": "S", "sensitive": "S", "other": "S"}, "W": "S", "X": {"description": "S"}},
                  "command": "S", "env": {"K": "S"}, "timeout": "S", "access": {"users": "S"}, "proxy": "S", "nope": "S"
                }
                """.replace("S", secret);

        List<Seen> found = problems(json);

        assertThat(found).hasSizeGreaterThan(25);
        assertThat(found).extracting(Seen::message).allSatisfy(m -> assertThat(m).doesNotContain(secret));
        assertThat(problems("{\"url\": \"https://x.example.com\", \"title\": " + secret + "}"))
                .extracting(Seen::message).allSatisfy(m -> assertThat(m).doesNotContain(secret));
        assertThat(problems("{\"url\": \"" + secret + "\", " + secret + "}"))
                .extracting(Seen::message).allSatisfy(m -> assertThat(m).doesNotContain(secret));
        assertThat(problems("{\"url\": \"https://x.example.com\", \"title\": @" + secret + "}"))
                .extracting(Seen::message).allSatisfy(m -> assertThat(m).doesNotContain(secret));
    }

    // ---- slug --------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "My Tools              | my-tools",
            "  GitHub -- PRs!!  v2 | github-prs-v2",
            "ABC123                | abc123",
            "Ünïcode ß Tools       | n-code-tools",
            "!!!                   | ''",
            "''                    | ''"})
    void a_slug_is_lowercase_words_joined_by_dashes(String title, String slug) {
        assertThat(UserServerInput.slug(title)).isEqualTo(slug);
    }

    @Test
    void a_long_slug_is_cut_at_a_dash_when_it_can_be() {
        String words = "alpha beta gamma delta epsilon zeta eta theta iota kappa";
        String slug = UserServerInput.slug(words);

        assertThat(slug).isEqualTo("alpha-beta-gamma-delta-epsilon-zeta-eta-theta").hasSizeLessThanOrEqualTo(48);
        assertThat(UserServerInput.slug("a".repeat(60))).isEqualTo("a".repeat(48));
        assertThat(UserServerInput.slug("a".repeat(48) + " b")).isEqualTo("a".repeat(48));
        assertThat(UserServerInput.slug("b " + "a".repeat(60))).isEqualTo("b-" + "a".repeat(46));
    }
}
