package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.ConfigLoader;
import dev.portcullis.config.ConfigProblem;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

class ConformanceClientCommandTest {
    @TempDir
    Path dir;

    private ConfigLoader.Result load(Scenario scenario) {
        String yaml = ConformanceClientCommand.configYaml(40123, "a".repeat(64), dir, "http://localhost:41000/mcp", scenario);
        return new ConfigLoader(Map.of()).load("conformance.yaml", yaml, dir);
    }

    @Test
    void the_generated_configuration_names_one_streamable_http_server_and_the_public_url() {
        ConfigLoader.Result r = load(Scenario.of("auth/metadata-default", Optional.empty()));
        assertThat(r.errors()).isEmpty();
        var config = r.config().orElseThrow();
        assertThat(config.server().publicUrl()).hasToString("http://localhost:40123");
        assertThat(config.server().port()).isEqualTo(40123);
        assertThat(config.mcpServers()).containsOnlyKeys(ConformanceClientCommand.SERVER);
        assertThat(config.storage().dataDir()).isEqualTo(dir);
    }

    @Test
    void scenarios_name_the_tool_the_suite_expects() {
        assertThat(Scenario.of("tools_call", Optional.empty()).expectedTool())
                .hasValueSatisfying(t -> assertThat(t.getKey()).isEqualTo("add_numbers"));
        assertThat(Scenario.of("auth/scope-step-up", Optional.empty()).expectedTool())
                .hasValueSatisfying(t -> assertThat(t.getKey()).isEqualTo("test-tool"));
        assertThat(Scenario.of("sse-retry", Optional.empty()).expectedTool()).isEmpty();
        assertThat(Scenario.of("json-schema-ref-no-deref", Optional.empty()).listsOnly())
                .as("its server answers tools/list only").isTrue();
        assertThat(Scenario.of("tools_call", Optional.empty()).listsOnly()).isFalse();
    }

    @Test
    void the_preservation_scenario_echoes_its_focal_tools_schema() {
        assertThat(Scenario.of("json-schema-2020-12-preservation", Optional.empty()).schemaEcho())
                .contains(new Scenario.SchemaEcho("json_schema_2020_12_tool", "json_schema_echo", "schema"));
        assertThat(Scenario.of("tools_call", Optional.empty()).schemaEcho()).isEmpty();
    }

    @Test
    void the_context_gives_pre_registered_credentials_and_never_prints_them() {
        Scenario s = Scenario.of("auth/pre-registration",
                Optional.of("{\"name\":\"auth/pre-registration\",\"client_id\":\"c\",\"client_secret\":\"s3cret\"}"));
        assertThat(s.clientId()).contains("c");
        assertThat(s.clientSecret()).contains("s3cret");
        assertThat(s.toString()).doesNotContain("s3cret");
    }

    /** Why auth/pre-registration is an expected failure: the suite gives a secret but no endpoints to pin. */
    @Test
    void a_pre_registered_secret_without_pinned_endpoints_is_refused_by_the_configuration_rules() {
        ConfigLoader.Result r = load(Scenario.of("auth/pre-registration", Optional.of("{\"client_id\":\"c\",\"client_secret\":\"s\"}")));
        assertThat(r.config()).isEmpty();
        assertThat(r.errors()).extracting(ConfigProblem::describe).anySatisfy(d -> assertThat(d).contains("authorization_url and token_url"));

        ConfigLoader.Result pinned = load(Scenario.of("auth/pre-registration", Optional.of(
                "{\"client_id\":\"c\",\"client_secret\":\"s\",\"authorization_url\":\"http://localhost:1/authorize\","
                        + "\"token_url\":\"http://localhost:1/token\"}")));
        assertThat(pinned.errors()).isEmpty();
    }

    /** auth/client-credentials-jwt hands over a PEM key: it reaches the configuration with its lines intact, and is never shown. */
    @Test
    void a_client_credentials_scenario_becomes_a_machine_grant_and_verbose_output_hides_its_key() throws Exception {
        var generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(generator.generateKeyPair().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        String context = "{\"client_id\":\"conformance-test-client\",\"signing_algorithm\":\"ES256\",\"private_key_pem\":"
                + JsonMapper.builder().build().writeValueAsString(pem) + "}";
        Scenario s = Scenario.of("auth/client-credentials-jwt", Optional.of(context));
        ConfigLoader.Result r = load(s);
        assertThat(r.errors()).isEmpty();
        assertThat(r.config().orElseThrow().mcpServers().get(ConformanceClientCommand.SERVER).machineGrant()).isPresent();
        String yaml = ConformanceClientCommand.configYaml(40123, "a".repeat(64), dir, "http://localhost:41000/mcp", s);
        assertThat(ConformanceClientCommand.masked(yaml, s)).contains("grant_type: client_credentials")
                .doesNotContain(pem.lines().skip(1).findFirst().orElseThrow());

        Scenario basic = Scenario.of("auth/client-credentials-basic", Optional.of(
                "{\"client_id\":\"c\",\"client_secret\":\"s3cret\",\"token_url\":\"http://localhost:1/token\"}"));
        assertThat(load(basic).errors()).isEmpty();
        assertThat(ConformanceClientCommand.masked(ConformanceClientCommand.configYaml(40123, "a".repeat(64), dir,
                "http://localhost:41000/mcp", basic), basic)).doesNotContain("s3cret");
    }

    @Test
    void an_identity_provider_in_the_context_makes_the_server_enterprise_managed() {
        Scenario s = Scenario.of("auth/enterprise-managed-authorization", Optional.of("""
                {"client_id": "c", "client_secret": "s", "idp_client_id": "idp-client", "idp_id_token": "eyJ.secret-id-token.x",
                 "idp_issuer": "http://localhost:42000", "idp_token_endpoint": "http://localhost:42000/token"}"""));
        assertThat(s.toString()).doesNotContain("secret-id-token");
        Scenario pinned = s.pinned(Optional.empty(), Optional.of("http://localhost:41001/token"))
                .withServerIssuer("http://localhost:41001");

        ConfigLoader.Result r = load(pinned);

        assertThat(r.errors()).isEmpty();
        var enterprise = r.orThrow().mcpServers().get(ConformanceClientCommand.SERVER).enterpriseManaged().orElseThrow();
        assertThat(enterprise.issuer()).isEqualTo("http://localhost:41001");
        assertThat(enterprise.idpIssuer()).isEqualTo("http://localhost:42000");
        assertThat(enterprise.idpTokenUrl()).contains("http://localhost:42000/token");
        assertThat(enterprise.idpClientId()).isEqualTo("idp-client");
        assertThat(enterprise.idpClientSecret()).isEmpty();
    }

    @Test
    void a_port_taken_between_choosing_and_binding_is_recognised_so_that_the_client_retries() {
        assertThat(ConformanceClientCommand.portTaken(new IllegalStateException("start", new java.net.BindException("in use")))).isTrue();
        assertThat(ConformanceClientCommand.portTaken(new IllegalStateException("cannot open the database"))).isFalse();
    }

    @Test
    void help_describes_the_command() {
        var cli = Main.commandLine();
        var out = new java.io.StringWriter();
        cli.setOut(new java.io.PrintWriter(out, true));
        assertThat(cli.execute("conformance-client", "--help")).isZero();
        assertThat(out.toString()).contains("MCP_CONFORMANCE_SCENARIO", "URL", "--deadline");
    }
}
