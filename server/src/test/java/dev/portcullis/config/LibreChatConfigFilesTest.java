package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.McpServerConfig.Transport;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * LibreChat's own example configuration (its MCP sections uncommented) and a file of entries
 * LibreChat's {@code MCPServersSchema} accepts load without an error, and every setting in them
 * that Portcullis does not use is listed with the reason (resources/config/librechat-*.yaml).
 */
class LibreChatConfigFilesTest {
    private static final String GATEWAY_SECRET = "gateway-secret-not-for-servers";
    private static final Map<String, String> ENV = Map.of("SET_VAR", "resolved", "EMPTY_VAR", "",
            "ADMIN_API_KEY", "admin-key", "CLIENT_SECRET", "client-secret", "JWT_SECRET", GATEWAY_SECRET);

    private ConfigLoader.Result load(String resource) throws Exception {
        return new ConfigLoader(ENV).load(Path.of(getClass().getResource(resource).toURI()));
    }

    private static List<String> paths(ConfigLoader.Result result, java.util.function.Predicate<ConfigProblem> kind) {
        return result.problems().stream().filter(kind).map(ConfigProblem::path).toList();
    }

    @Test
    void librechats_example_loads_and_names_what_portcullis_does_not_use() throws Exception {
        ConfigLoader.Result result = load("/config/librechat-example.yaml");

        assertThat(result.errors()).isEmpty();
        PortcullisConfig c = result.orThrow();
        assertThat(c.mcpServers()).containsOnlyKeys("everything", "coordinated-oauth", "private-openid", "puppeteer",
                "filesystem", "mcp-obsidian");
        assertThat(c.mcpServers().get("everything").timeout()).contains(java.time.Duration.ofMinutes(1));
        assertThat(c.mcpServers().get("filesystem").type()).contains(Transport.STDIO);
        assertThat(c.egress().mcp().allowedAddresses()).containsExactly("host.docker.internal:8080", "127.0.0.1:8080");
        assertThat(c.egress().mcp().allowedDomains()).hasSize(5);

        assertThat(paths(result, ConfigProblem::isIgnored)).containsExactlyInAnyOrder(
                "version", "cache", "registration", "endpoints.custom", "mcpSettings.apps",
                "interface.customWelcome", "interface.fileSearch", "interface.privacyPolicy", "interface.prompts",
                "interface.marketplace", "interface.fileCitations",
                "interface.mcpServers.toolsRefreshInterval", "interface.mcpServers.statusRefreshInterval",
                "interface.mcpServers.trustCheckbox",
                "mcpServers.coordinated-oauth.oauthRefreshCoordination", "mcpServers.coordinated-oauth.oauthRefreshWaitTimeout",
                "mcpServers.coordinated-oauth.oauthPersistenceWaitTimeout");
        // The two placeholders that will not be filled in as in LibreChat, and nothing else.
        assertThat(result.problems()).filteredOn(ConfigProblem::isWarning).extracting(ConfigProblem::message)
                .satisfiesExactlyInAnyOrder(
                        m -> assertThat(m).startsWith("{{LIBRECHAT_OPENID_ACCESS_TOKEN}} cannot be filled in"),
                        m -> assertThat(m).startsWith("{{LIBRECHAT_BODY_CONVERSATIONID}} is always empty"));
        assertThat(result.problems()).allSatisfy(p -> assertThat(p.message()).isNotBlank());
    }

    @Test
    void every_kind_of_entry_librechat_accepts_loads() throws Exception {
        ConfigLoader.Result result = load("/config/librechat-variants.yaml");

        assertThat(result.errors()).isEmpty();
        Map<String, McpServerConfig> servers = result.orThrow().mcpServers();
        assertThat(servers).containsOnlyKeys("Notion (work)", "日本", "Bob's Tools", "every-base-option",
                "oauth-every-option", "user-key", "placeholders", "graph", "url-with-unset-variable", "stdio-every-option",
                "stderr-descriptor", "stdio-with-headers", "websocket", "websocket-inferred", "sse-inferred", "unknown-option");
        assertThat(servers.get("日本").type()).contains(Transport.STREAMABLE_HTTP);
        assertThat(servers.get("日本").title()).contains("日本語ツール");
        assertThat(servers.get("Bob's Tools").title()).contains("Bob’s Tools");

        McpServerConfig base = servers.get("every-base-option");
        assertThat(base.startup()).isFalse();
        assertThat(base.chatMenu()).isFalse();
        assertThat(base.timeout()).contains(java.time.Duration.ZERO);
        assertThat(base.apiKey().orElseThrow().key().orElseThrow().reveal()).isEqualTo("admin-key");
        assertThat(base.customUserVars().get("PROJECT").sensitive()).isFalse();
        McpServerConfig.OAuthSettings oauth = servers.get("oauth-every-option").oauth().orElseThrow();
        assertThat(oauth.clientSecret().orElseThrow().reveal()).isEqualTo("client-secret");
        assertThat(oauth.forwardAudienceOnRefresh()).isFalse();
        assertThat(oauth.sendResource()).isFalse();
        assertThat(servers.get("user-key").customUserVars()).containsKey(McpServerParser.USER_API_KEY);

        Map<String, Secret> headers = servers.get("placeholders").headers();
        assertThat(headers.get("X-Set").reveal()).isEqualTo("resolved");
        assertThat(headers.get("X-Unset").reveal()).isEqualTo("${UNSET_VAR}");
        assertThat(headers.get("X-User").reveal()).as("requestHeaders win").isEqualTo("overridden-by-request-headers");
        assertThat(headers).containsKeys("X-Conversation-Id", "X-Message-Id", "X-Who", "X-Ids");

        Map<String, Secret> env = servers.get("stdio-every-option").env();
        assertThat(env.get("A").reveal()).isEqualTo("${UNSET_VAR}");
        assertThat(env.get("B").reveal()).isEqualTo("resolved");
        assertThat(env.get("C").reveal()).isEqualTo("pre-resolved-${UNSET_VAR}");
        assertThat(env.get("D").reveal()).isEqualTo("${EMPTY_VAR}");
        assertThat(env.get("E").reveal()).as("never the gateway's secret").isEqualTo("${JWT_SECRET}");
        assertThat(servers.get("stdio-with-headers").headers()).isEmpty();
        assertThat(servers.get("websocket-inferred").type()).contains(Transport.WEBSOCKET);
        assertThat(servers.get("sse-inferred").type()).as("probed").isEmpty();

        assertThat(paths(result, ConfigProblem::isIgnored)).containsExactlyInAnyOrder("version",
                "interface.mcpServers.placeholder", "interface.mcpServers.configureObo",
                "interface.mcpServers.toolsRefreshInterval", "interface.mcpServers.statusRefreshInterval",
                "interface.mcpServers.trustCheckbox", "mcpSettings.catalogRecovery",
                "mcpServers.every-base-option.oauthRefreshWaitTimeout", "mcpServers.every-base-option.oauthRefreshCoordination",
                "mcpServers.every-base-option.oauthPersistenceWaitTimeout",
                "mcpServers.stdio-every-option.stderr", "mcpServers.stderr-descriptor.stderr");
        assertThat(paths(result, ConfigProblem::isWarning)).containsExactlyInAnyOrder(
                "mcpServers.every-base-option.proxy", "mcpServers.every-base-option.obo",
                "mcpServers.oauth-every-option.oauth.redirect_uri",
                "mcpServers.placeholders.headers.X-Unset", "mcpServers.placeholders", "mcpServers.placeholders",
                "mcpServers.placeholders", "mcpServers.graph", "mcpServers.url-with-unset-variable.url",
                "mcpServers.stdio-every-option.env.A", "mcpServers.stdio-every-option.env.C",
                "mcpServers.stdio-every-option.env.D", "mcpServers.stdio-every-option.env.E",
                "mcpServers.stdio-with-headers.headers", "mcpServers.unknown-option.someFutureOption");
        assertThat(result.problems()).allSatisfy(p -> assertThat(p.describe()).doesNotContain(GATEWAY_SECRET)
                .doesNotContain("admin-key").doesNotContain("client-secret"));
    }
}
