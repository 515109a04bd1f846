package dev.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.config.McpServerConfig;
import dev.portcullis.identity.Caller;
import dev.portcullis.testing.TestConfigs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServerResolverTest {
    private static final Caller ALICE = new Caller("alice", "USER", Optional.of("alice@example.com"), Optional.of("t1"), List.of());
    private final ServerResolver resolver = new ServerResolver(Map.of("PATH", "/usr/bin", "SECRET_OF_GATEWAY", "s"), 1 << 20);

    private static McpServerConfig server(String yaml) {
        return TestConfigs.fromYaml("mcpServers:\n  s:\n" + yaml.indent(4), Path.of("."), Map.of("OP", "operator-value"))
                .mcpServers().get("s");
    }

    @Test
    void a_server_that_needs_nothing_per_user_shares_the_app_connection() {
        ResolvedServer r = resolver.resolve(server("command: node\nargs: [x]\n"), ALICE, Map.of());
        assertThat(r.scope()).isEqualTo(ConnectionScope.APP);
    }

    @Test
    void oauth_user_vars_and_user_placeholders_make_connections_per_user() {
        assertThat(ConnectionScopes.configuredPerUser(server("url: https://a.example/mcp\nrequiresOAuth: true\n"))).isTrue();
        assertThat(ConnectionScopes.configuredPerUser(server("command: x\ncustomUserVars: {K: {title: K}}\n"))).isTrue();
        assertThat(ConnectionScopes.configuredPerUser(server("url: https://a.example/mcp\nheaders: {X-User: '{{LIBRECHAT_USER_ID}}'}\n"))).isTrue();
        assertThat(ConnectionScopes.configuredPerUser(server("url: https://a.example/mcp\n"))).isFalse();
    }

    @Test
    void stdio_children_get_path_and_their_configured_env_only() {
        ResolvedServer r = resolver.resolve(server("command: node\nenv: {A: '${OP}', B: b}\n"), ALICE, Map.of());
        var launch = ((ResolvedServer.Stdio) r.endpoint()).launch();
        assertThat(launch.environment()).containsOnlyKeys("PATH", "A", "B").containsEntry("A", "operator-value");
        assertThat(launch.toString()).doesNotContain("operator-value");
    }

    @Test
    void user_values_and_fields_fill_placeholders_in_one_pass() {
        McpServerConfig c = server("""
                url: "https://mcp.example.com/{{TENANT}}/mcp?u={{LIBRECHAT_USER_ID}}"
                headers: {X-Key: "{{KEY}}", X-Mail: "{{LIBRECHAT_USER_EMAIL}}", X-Unknown: "{{LIBRECHAT_USER_GOOGLEID}}"}
                customUserVars: {TENANT: {title: T}, KEY: {title: K}}
                """);
        ResolvedServer r = resolver.resolve(c, ALICE, Map.of("TENANT", "acme", "KEY", "{{TENANT}}-${OP}"));
        var remote = (ResolvedServer.Remote) r.endpoint();
        assertThat(remote.url()).hasToString("https://mcp.example.com/acme/mcp?u=alice");
        assertThat(remote.headers()).containsEntry("X-Key", "{{TENANT}}-${OP}").containsEntry("X-Mail", "alice@example.com")
                .containsEntry("X-Unknown", "");
        assertThat(r.scope()).isEqualTo(new ConnectionScope.User("t1", "alice"));
        assertThat(remote.toString()).doesNotContain("{{TENANT}}-${OP}");
    }

    /**
     * A value fills its own place in the URL and nothing else: a username like {@code evil.example#}
     * or {@code ../admin?x=} cannot move the host, climb the path or add parameters, while the
     * operator's headers and keys go with the request.
     */
    @Test
    void values_in_a_url_are_encoded_for_where_they_stand() {
        McpServerConfig c = server("url: \"https://crm.example.com/u/{{LIBRECHAT_USER_USERNAME}}/mcp?who={{LIBRECHAT_USER_USERNAME}}\"\n"
                + "headers: {X-Api-Key: operator-key}\n");
        java.util.function.Function<String, String> resolvedFor = username -> ((ResolvedServer.Remote) resolver.resolve(c,
                new Caller("u1", "USER", Optional.empty(), Optional.empty(), List.of(), Map.of("username", username)),
                Map.of()).endpoint()).url().toString();

        assertThat(resolvedFor.apply("evil.example#")).isEqualTo("https://crm.example.com/u/evil.example%23/mcp?who=evil.example%23");
        assertThat(resolvedFor.apply("a?b=c&d")).isEqualTo("https://crm.example.com/u/a%3Fb=c&d/mcp?who=a%3Fb%3Dc%26d");
        assertThat(resolvedFor.apply("%2e%2e")).isEqualTo("https://crm.example.com/u/%252e%252e/mcp?who=%252e%252e");
        assertThat(resolvedFor.apply("owner/repo")).as("a slash stays a slash in the path")
                .isEqualTo("https://crm.example.com/u/owner/repo/mcp?who=owner%2Frepo");
        for (String climbing : List.of("..", ".", "../admin", "a/../../export")) {
            assertThatThrownBy(() -> resolvedFor.apply(climbing)).as(climbing)
                    .isInstanceOf(dev.portcullis.error.GatewayException.class).hasMessageContaining("climb");
        }
    }

    @Test
    void every_librechat_user_field_comes_from_the_token_and_an_absent_one_is_empty() {
        Caller bob = new Caller("u1", "ADMIN", Optional.of("bob@example.com"), Optional.empty(), List.of(),
                Map.of("username", "bob", "name", "Bob Builder", "provider", "openid", "openidId", "sub-1", "emailVerified", "true"));
        McpServerConfig c = server("""
                url: https://a.example/mcp
                headers:
                  X-Who: "{{LIBRECHAT_USER_ID}}|{{LIBRECHAT_USER_USERNAME}}|{{LIBRECHAT_USER_NAME}}|{{LIBRECHAT_USER_EMAIL}}"
                  X-How: "{{LIBRECHAT_USER_PROVIDER}}|{{LIBRECHAT_USER_ROLE}}|{{LIBRECHAT_USER_OPENIDID}}|{{LIBRECHAT_USER_EMAILVERIFIED}}"
                  X-Absent: "[{{LIBRECHAT_USER_GOOGLEID}}][{{LIBRECHAT_USER_TERMSACCEPTEDAT}}][{{LIBRECHAT_USER_TENANTID}}]"
                  X-Unknown: "{{LIBRECHAT_USER_SHOESIZE}}"
                """);
        var headers = ((ResolvedServer.Remote) resolver.resolve(c, bob, Map.of()).endpoint()).headers();
        assertThat(headers).containsEntry("X-Who", "u1|bob|Bob Builder|bob@example.com")
                .containsEntry("X-How", "openid|ADMIN|sub-1|true")
                .containsEntry("X-Absent", "[][][]")
                .containsEntry("X-Unknown", "{{LIBRECHAT_USER_SHOESIZE}}");
    }

    @Test
    void a_name_username_or_email_beyond_latin_1_goes_in_a_header_as_librechats_b64() {
        Caller maric = new Caller("u2", "USER", Optional.of("marić@example.com"), Optional.empty(), List.of(),
                Map.of("name", "José Marić", "username", "José"));
        McpServerConfig c = server("""
                command: node
                args: ["--who={{LIBRECHAT_USER_NAME}}"]
                """);
        McpServerConfig remote = server("""
                url: "https://a.example/mcp"
                headers: {X-Name: "{{LIBRECHAT_USER_NAME}}", X-User: "{{LIBRECHAT_USER_USERNAME}}", X-Mail: "{{LIBRECHAT_USER_EMAIL}}"}
                """);
        var r = (ResolvedServer.Remote) resolver.resolve(remote, maric, Map.of()).endpoint();
        assertThat(r.headers()).containsEntry("X-Name", "b64:" + java.util.Base64.getEncoder()
                        .encodeToString("José Marić".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .as("é is Latin-1: sent as it is").containsEntry("X-User", "José")
                .containsEntry("X-Mail", "b64:" + java.util.Base64.getEncoder()
                        .encodeToString("marić@example.com".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(((ResolvedServer.Stdio) resolver.resolve(c, maric, Map.of()).endpoint()).launch().commandLine())
                .as("only headers are encoded").containsExactly("node", "--who=José Marić");
    }

    @Test
    void request_body_fields_are_empty_for_every_caller() {
        McpServerConfig c = server("url: https://a.example/mcp\nrequestHeaders: {X-Conversation: '[{{LIBRECHAT_BODY_CONVERSATIONID}}]'}\n");
        assertThat(ConnectionScopes.configuredPerUser(c)).isFalse();
        assertThat(((ResolvedServer.Remote) resolver.resolve(c, ALICE, Map.of()).endpoint()).headers())
                .containsEntry("X-Conversation", "[]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"LIBRECHAT_OPENID_ACCESS_TOKEN", "LIBRECHAT_OPENID_TOKEN", "LIBRECHAT_OPENID_ID_TOKEN",
            "LIBRECHAT_OPENID_USER_ID", "LIBRECHAT_OPENID_EXPIRES_AT", "LIBRECHAT_GRAPH_ACCESS_TOKEN", "librechat_openid_access_token"})
    void an_identity_provider_token_placeholder_fails_the_call_and_is_never_sent(String name) {
        McpServerConfig c = server("url: https://a.example/mcp\nheaders: {Authorization: 'Bearer {{" + name + "}}'}\n");
        assertThat(ConnectionScopes.configuredPerUser(c)).as("never connected for everyone at startup").isTrue();
        assertThatThrownBy(() -> resolver.resolve(c, ALICE, Map.of()))
                .isInstanceOfSatisfying(dev.portcullis.error.GatewayException.class, e -> {
                    assertThat(e.code()).isEqualTo(dev.portcullis.error.ErrorCode.PLACEHOLDER_UNAVAILABLE);
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("{{" + name + "}}").contains("'s'");
                    assertThat(e.details()).containsEntry("placeholder", "{{" + name + "}}");
                });
    }

    /** An operator's API key is filled in like a header: an identity-provider token there fails too. */
    @Test
    void an_api_key_is_filled_in_and_an_identity_provider_token_there_fails_the_call() {
        McpServerConfig filled = server("url: https://a.example/mcp\napiKey: {source: admin, authorization_type: custom,"
                + " custom_header: X-Key, key: 'k-{{LIBRECHAT_USER_ID}}'}\n");
        assertThat(((ResolvedServer.Remote) resolver.resolve(filled, ALICE, Map.of()).endpoint()).headers())
                .containsEntry("X-Key", "k-alice");
        McpServerConfig openid = server("url: https://a.example/mcp\napiKey: {source: admin, authorization_type: bearer,"
                + " key: '{{LIBRECHAT_OPENID_ACCESS_TOKEN}}'}\n");
        assertThatThrownBy(() -> resolver.resolve(openid, ALICE, Map.of()))
                .isInstanceOfSatisfying(dev.portcullis.error.GatewayException.class, e ->
                        assertThat(e.code()).isEqualTo(dev.portcullis.error.ErrorCode.PLACEHOLDER_UNAVAILABLE));
    }

    @Test
    void missing_user_values_are_named() {
        McpServerConfig c = server("command: x\ncustomUserVars: {A: {title: A}, B: {title: B}}\n");
        assertThatThrownBy(() -> resolver.resolve(c, ALICE, Map.of("A", "1", "B", "")))
                .isInstanceOfSatisfying(MissingUserVariablesException.class, e -> assertThat(e.missing()).containsExactly("B"));
    }

    @Test
    void an_admin_api_key_becomes_a_header() {
        ResolvedServer r = resolver.resolve(server("url: https://a.example/mcp\napiKey: {source: admin, key: k1}\n"), ALICE, Map.of());
        assertThat(((ResolvedServer.Remote) r.endpoint()).headers()).containsEntry("Authorization", "Bearer k1");
        ResolvedServer custom = resolver.resolve(server(
                "url: https://a.example/mcp\napiKey: {source: admin, key: k1, authorization_type: custom, custom_header: X-Api-Key}\n"),
                ALICE, Map.of());
        assertThat(((ResolvedServer.Remote) custom.endpoint()).headers()).containsEntry("X-Api-Key", "k1");
    }

    @Test
    void a_user_api_key_is_a_per_user_variable_sent_as_the_configured_header() {
        McpServerConfig c = server("url: https://a.example/mcp\napiKey: {source: user, authorization_type: bearer}\n");
        assertThat(c.customUserVars()).containsKey("MCP_API_KEY");
        assertThat(ConnectionScopes.configuredPerUser(c)).isTrue();
        assertThatThrownBy(() -> resolver.resolve(c, ALICE, Map.of())).isInstanceOf(MissingUserVariablesException.class);
        ResolvedServer r = resolver.resolve(c, ALICE, Map.of("MCP_API_KEY", "alice-key"));
        assertThat(((ResolvedServer.Remote) r.endpoint()).headers()).containsEntry("Authorization", "Bearer alice-key");
    }

    @Test
    void different_values_give_different_fingerprints() {
        McpServerConfig c = server("command: x\nenv: {K: '{{K}}'}\ncustomUserVars: {K: {title: K}}\n");
        String a = resolver.resolve(c, ALICE, Map.of("K", "1")).fingerprint();
        assertThat(resolver.resolve(c, ALICE, Map.of("K", "1")).fingerprint()).isEqualTo(a);
        assertThat(resolver.resolve(c, ALICE, Map.of("K", "2")).fingerprint()).isNotEqualTo(a);
    }

    @Test
    void a_user_server_is_always_per_user_and_each_version_is_a_new_fingerprint() {
        McpServerConfig operator = server("type: streamable-http\nurl: https://a.example/mcp\n");
        McpServerConfig v1 = operator.withOrigin(new McpServerConfig.Origin.UserManaged("id-1", "t1", 1));
        McpServerConfig v2 = operator.withOrigin(new McpServerConfig.Origin.UserManaged("id-1", "t1", 2));
        assertThat(ConnectionScopes.configuredPerUser(operator)).isFalse();
        assertThat(ConnectionScopes.configuredPerUser(v1)).as("shared through grants, never through a connection").isTrue();
        ResolvedServer first = resolver.resolve(v1, ALICE, Map.of());
        assertThat(first.scope()).isEqualTo(new ConnectionScope.User("t1", "alice"));
        assertThat(resolver.resolve(v1, ALICE, Map.of()).fingerprint()).isEqualTo(first.fingerprint());
        assertThat(resolver.resolve(v2, ALICE, Map.of()).fingerprint()).as("an update makes connections stale")
                .isNotEqualTo(first.fingerprint());
    }

    @Test
    void a_stored_value_that_would_split_a_header_is_refused_before_anything_is_sent() {
        McpServerConfig c = server("url: https://a.example/mcp\nheaders: {X-Key: '{{KEY}}'}\ncustomUserVars: {KEY: {title: K}}\n");
        assertThatThrownBy(() -> resolver.resolve(c, ALICE, Map.of("KEY", "k\r\nX-Injected: yes")))
                .isInstanceOfSatisfying(dev.portcullis.error.GatewayException.class, e -> {
                    assertThat(e.code()).isEqualTo(dev.portcullis.error.ErrorCode.INVALID_AUTH_VALUE);
                    assertThat(e.getMessage()).contains("(KEY)").doesNotContain("X-Injected");
                });
    }
}
