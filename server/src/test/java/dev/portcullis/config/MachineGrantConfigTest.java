package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.MachineGrant.ClientProof;
import dev.portcullis.config.MachineGrant.WorkloadToken;
import dev.portcullis.upstream.ConnectionScopes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code oauth.grant_type: client_credentials | jwt_bearer}: what the operator writes, what each
 * mistake says (file, line, path), that a key never appears in a message, and that user servers
 * cannot make the gateway authenticate as itself.
 */
class MachineGrantConfigTest {
    private static final String SERVER = "mcpServers:\n  m:\n    url: https://mcp.example.com/mcp\n    oauth:\n";
    static String pem;

    @TempDir
    Path dir;

    @BeforeAll
    static void key() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(
                generator.generateKeyPair().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    }

    private ConfigLoader.Result load(String oauthLines) {
        return new ConfigLoader(Map.of("KEY", pem, "BAD_KEY", "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1ieXRlcw==\n-----END PRIVATE KEY-----"))
                .load("test.yaml", SERVER + oauthLines, dir);
    }

    private McpServerConfig server(String oauthLines) {
        return load(oauthLines).orThrow().mcpServers().get("m");
    }

    @Test
    void client_credentials_with_a_secret_uses_basic_and_the_pinned_token_url() {
        McpServerConfig c = server("""
                      grant_type: client_credentials
                      client_id: gw
                      client_secret: s3cret
                      token_url: https://login.example.com/token
                """);
        assertThat(c.machineGrant()).hasValueSatisfying(g -> assertThat(g).isInstanceOfSatisfying(
                MachineGrant.ClientCredentials.class, cc -> assertThat(cc.proof()).isInstanceOfSatisfying(
                        ClientProof.SharedSecret.class, s -> assertThat(s.inBody()).isFalse())));
        assertThat(ConnectionScopes.configuredPerUser(c)).as("one shared connection").isFalse();
        assertThat(new ConnectionScopes().noteNeedsOAuth(c)).as("a 401 is the gateway's to answer, not each user's").isFalse();
    }

    @Test
    void client_credentials_with_a_private_key_may_discover_the_token_endpoint() {
        McpServerConfig c = server("""
                      grant_type: client_credentials
                      client_id: gw
                      private_key: ${KEY}
                """);
        ClientProof proof = c.machineGrant().orElseThrow().proof();
        assertThat(proof).isInstanceOfSatisfying(ClientProof.SignedAssertion.class,
                k -> assertThat(k.algorithm()).as("the curve's algorithm").isEqualTo("ES256"));
        assertThat(c.toString()).doesNotContain(pem.lines().skip(1).findFirst().orElseThrow());
    }

    @Test
    void a_key_file_is_read_when_the_configuration_is_loaded() throws Exception {
        Path file = dir.resolve("key.pem");
        Files.writeString(file, pem);
        McpServerConfig c = server("      grant_type: client_credentials\n      client_id: gw\n      private_key_file: " + file + "\n");
        assertThat(c.machineGrant().orElseThrow().proof()).isInstanceOf(ClientProof.SignedAssertion.class);
    }

    @Test
    void jwt_bearer_reads_the_workload_token_file_and_needs_a_pinned_token_url() {
        McpServerConfig c = server("""
                      grant_type: jwt_bearer
                      workload_token_file: /var/run/secrets/tokens/mcp
                      token_url: https://login.example.com/token
                """);
        assertThat(c.machineGrant()).hasValueSatisfying(g -> assertThat(g).isInstanceOfSatisfying(MachineGrant.JwtBearer.class,
                j -> assertThat(j.assertion()).isEqualTo(new WorkloadToken.FromFile(Path.of("/var/run/secrets/tokens/mcp")))));

        assertThat(load("      grant_type: jwt_bearer\n      workload_token_file: /var/run/secrets/tokens/mcp\n").errors())
                .singleElement().satisfies(p -> {
                    assertThat(p.path()).isEqualTo("mcpServers.m.oauth");
                    assertThat(p.message()).contains("needs token_url");
                });
    }

    @Test
    void a_machine_secret_goes_only_to_a_pinned_token_url() {
        assertThat(load("      grant_type: client_credentials\n      client_id: gw\n      client_secret: s3cret\n").errors())
                .singleElement().satisfies(p -> assertThat(p.message()).contains("needs token_url"));
    }

    @Test
    void mistakes_are_named_with_their_line_and_path() {
        assertThat(load("      grant_type: password\n").errors()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("mcpServers.m.oauth.grant_type");
            assertThat(p.line()).isEqualTo(5);
            assertThat(p.message()).contains("client_credentials or jwt_bearer");
        });
        assertThat(load("      client_id: gw\n      private_key: ${KEY}\n").errors()).singleElement()
                .satisfies(p -> assertThat(p.message()).isEqualTo("needs grant_type: client_credentials or jwt_bearer"));
        assertThat(load("      grant_type: client_credentials\n      client_id: gw\n").errors()).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("client_secret, private_key or private_key_file"));
        assertThat(load("      grant_type: client_credentials\n      client_id: gw\n      private_key: ${KEY}\n"
                + "      signing_algorithm: RS256\n").errors()).singleElement().satisfies(p -> {
                    assertThat(p.path()).isEqualTo("mcpServers.m.oauth.signing_algorithm");
                    assertThat(p.message()).isEqualTo("this key signs with ES256, not RS256");
                });
        assertThat(load("      grant_type: client_credentials\n      client_id: gw\n      private_key_file: key.pem\n").errors())
                .singleElement().satisfies(p -> assertThat(p.message()).isEqualTo("give an absolute path"));
        assertThat(load("      grant_type: client_credentials\n      client_id: gw\n      private_key: ${KEY}\n"
                + "      authorization_url: https://login.example.com/authorize\n").errors()).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("has no authorization endpoint"));
    }

    @Test
    void a_bad_key_is_described_and_never_repeated() {
        var errors = load("      grant_type: client_credentials\n      client_id: gw\n      private_key: ${BAD_KEY}\n").errors();
        assertThat(errors).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("mcpServers.m.oauth.private_key");
            assertThat(p.message()).contains("neither an RSA nor an EC");
            assertThat(p.describe()).doesNotContain("c2VjcmV0LWtleS1ieXRlcw").doesNotContain("BEGIN PRIVATE KEY");
        });
    }

    @Test
    void user_servers_refuse_every_machine_key() {
        for (String key : MachineGrantReader.KEYS) {
            UserServerInput.Result result = UserServerInput.parse("mine",
                    "{\"url\": \"https://mcp.example.com/mcp\", \"oauth\": {\"" + key + "\": \"client_credentials\"}}");
            assertThat(result).as(key).isInstanceOfSatisfying(UserServerInput.Result.Invalid.class, invalid ->
                    assertThat(invalid.problems()).singleElement().satisfies(p -> {
                        assertThat(p.field()).isEqualTo("config.oauth." + key);
                        assertThat(p.message()).contains("only the operator can make the gateway authenticate as itself");
                    }));
        }
    }
}
