package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.portcullis.config.McpServerConfig.EnterpriseManaged;
import dev.portcullis.config.McpServerConfig.OAuthSettings.TokenExchangeMethod;
import dev.portcullis.config.UserServerInput.FieldProblem;
import dev.portcullis.config.UserServerInput.Result;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code oauth.enterprise_managed}: what an operator writes, what is refused and where, and that users cannot have it. */
class EnterpriseManagedConfigTest {
    @TempDir
    Path dir;

    private static final String SERVER = """
            mcpServers:
              crm:
                url: https://crm.example.com/mcp
                oauth:
                  client_id: portcullis
                  client_secret: ${AS_SECRET}
                  token_url: https://as.crm.example.com/oauth2/token
                  scope: crm.read
            """;

    private ConfigLoader.Result load(String yaml) {
        return new ConfigLoader(Map.of("AS_SECRET", "as-secret", "IDP_SECRET", "idp-secret")).load("test.yaml", yaml, dir);
    }

    private ConfigLoader.Result withEnterprise(String block) {
        return load(SERVER + "      enterprise_managed:\n" + block.indent(8));
    }

    @Test
    void an_operator_server_reads_its_identity_provider_and_authorization_server() {
        PortcullisConfig config = withEnterprise("""
                issuer: https://as.crm.example.com
                idp_issuer: https://login.corp.example.com
                idp_client_id: portcullis-gateway
                idp_client_secret: ${IDP_SECRET}
                idp_token_exchange_method: default_post
                user_claim: email
                """).orThrow();

        McpServerConfig crm = config.mcpServers().get("crm");
        EnterpriseManaged e = crm.enterpriseManaged().orElseThrow();
        assertThat(e.issuer()).isEqualTo("https://as.crm.example.com");
        assertThat(e.idpIssuer()).isEqualTo("https://login.corp.example.com");
        assertThat(e.idpTokenUrl()).isEmpty();
        assertThat(e.idpClientId()).isEqualTo("portcullis-gateway");
        assertThat(e.idpClientSecret().orElseThrow().reveal()).isEqualTo("idp-secret");
        assertThat(e.idpTokenExchangeMethod()).contains(TokenExchangeMethod.DEFAULT_POST);
        assertThat(e.userClaim()).isEqualTo("email");
        assertThat(e.toString()).doesNotContain("idp-secret");
    }

    @Test
    void a_client_secret_needs_only_the_token_url_when_no_browser_authorization_happens() {
        ConfigLoader.Result result = withEnterprise("""
                issuer: https://as.crm.example.com
                idp_issuer: https://login.corp.example.com
                idp_token_url: https://login.corp.example.com/oauth2/v1/token
                idp_client_id: portcullis-gateway
                """);

        assertThat(result.errors()).isEmpty();
        EnterpriseManaged e = result.orThrow().mcpServers().get("crm").enterpriseManaged().orElseThrow();
        assertThat(e.idpTokenUrl()).contains("https://login.corp.example.com/oauth2/v1/token");
        assertThat(e.userClaim()).isEqualTo("sub");
        assertThat(e.idpClientSecret()).isEmpty();
    }

    @Test
    void the_binding_of_grants_follows_the_enterprise_settings() {
        String first = withEnterprise("issuer: https://as.crm.example.com\nidp_issuer: https://login.corp.example.com\n"
                + "idp_client_id: a\n").orThrow().mcpServers().get("crm").credentialBinding();
        String moved = withEnterprise("issuer: https://as.crm.example.com\nidp_issuer: https://other-idp.example.com\n"
                + "idp_client_id: a\n").orThrow().mcpServers().get("crm").credentialBinding();

        assertThat(moved).as("tokens obtained through another identity provider are not used").isNotEqualTo(first);
    }

    @Test
    void missing_settings_are_named_with_their_line_and_path() {
        ConfigLoader.Result result = withEnterprise("idp_token_exchange_method: magic\n");

        assertThat(result.config()).isEmpty();
        assertThat(result.errors()).extracting(ConfigProblem::path, ConfigProblem::message).contains(
                tuple("mcpServers.crm.oauth.enterprise_managed",
                        "needs 'issuer', the MCP server's authorization server issuer, the ID-JAG's audience"),
                tuple("mcpServers.crm.oauth.enterprise_managed",
                        "needs 'idp_issuer', the identity provider's issuer, whose ID tokens are exchanged"),
                tuple("mcpServers.crm.oauth.enterprise_managed",
                        "needs 'idp_client_id', the gateway's client at the identity provider (the ID tokens' audience)"),
                tuple("mcpServers.crm.oauth.enterprise_managed.idp_token_exchange_method",
                        "use default_post (client_secret_post) or basic_auth_header (client_secret_basic)"));
        assertThat(result.errors()).allSatisfy(p -> assertThat(p.file()).isEqualTo("test.yaml"));
        assertThat(result.errors()).anySatisfy(p -> assertThat(p.line()).isEqualTo(10));
    }

    @Test
    void the_redemption_needs_a_pinned_token_url_and_a_client_and_no_authorization_url() {
        ConfigLoader.Result result = load("""
                mcpServers:
                  crm:
                    url: https://crm.example.com/mcp
                    oauth:
                      authorization_url: https://as.crm.example.com/authorize
                      enterprise_managed:
                        issuer: https://as.crm.example.com
                        idp_issuer: https://login.corp.example.com
                        idp_client_id: portcullis-gateway
                        typo_key: x
                """);

        assertThat(result.config()).isEmpty();
        assertThat(result.errors()).extracting(ConfigProblem::path).contains("mcpServers.crm.oauth",
                "mcpServers.crm.oauth.authorization_url", "mcpServers.crm.oauth.enterprise_managed.typo_key");
        assertThat(result.errors()).extracting(ConfigProblem::message).anyMatch(m -> m.contains("needs 'token_url'"))
                .anyMatch(m -> m.contains("needs 'client_id'"))
                .anyMatch(m -> m.contains("not used with enterprise_managed"));
    }

    @Test
    void a_client_secret_without_pinned_endpoints_is_still_refused_without_enterprise_managed() {
        ConfigLoader.Result result = load(SERVER);

        assertThat(result.errors()).extracting(ConfigProblem::message)
                .anyMatch(m -> m.contains("needs authorization_url and token_url"));
    }

    @Test
    void an_issuer_is_an_absolute_url_without_query() {
        ConfigLoader.Result result = withEnterprise("issuer: as.crm.example.com\nidp_issuer: https://login.example.com/?x=1\n"
                + "idp_client_id: a\n");

        assertThat(result.errors()).extracting(ConfigProblem::path, ConfigProblem::message).contains(
                tuple("mcpServers.crm.oauth.enterprise_managed.issuer",
                        "expected an absolute http:// or https:// URL"),
                tuple("mcpServers.crm.oauth.enterprise_managed.idp_issuer",
                        "an issuer has no query or fragment (RFC 8414 §2)"));
    }

    @Test
    void a_connection_shared_by_everyone_is_refused() {
        ConfigLoader.Result result = load(SERVER.replace("    oauth:\n", "    requiresOAuth: false\n    oauth:\n")
                + "      enterprise_managed: {issuer: https://as.crm.example.com, idp_issuer: https://login.corp.example.com,"
                + " idp_client_id: a}\n");

        assertThat(result.errors()).extracting(ConfigProblem::path, ConfigProblem::message).contains(
                tuple("mcpServers.crm.requiresOAuth", "an enterprise-managed server needs per-person tokens;"
                        + " remove requiresOAuth: false"));
    }

    @Test
    void a_user_server_cannot_have_it_and_its_secret_rule_stays() {
        Result result = UserServerInput.parse("mine", """
                {"url": "https://mcp.example.com/mcp", "oauth": {"client_id": "c", "client_secret": "s",
                 "token_url": "https://as.example.com/token",
                 "enterprise_managed": {"issuer": "https://as.example.com", "idp_issuer": "https://idp.example.com",
                                        "idp_client_id": "gateway"}}}""");

        assertThat(result).isInstanceOf(Result.Invalid.class);
        List<FieldProblem> problems = ((Result.Invalid) result).problems();
        assertThat(problems).anySatisfy(p -> {
            assertThat(p.field()).isEqualTo("config.oauth.enterprise_managed");
            assertThat(p.message()).contains("only the operator can configure it");
        });
        assertThat(problems).as("a user's client secret still needs both endpoints pinned")
                .anySatisfy(p -> assertThat(p.message()).contains("needs authorization_url and token_url"));
    }
}
