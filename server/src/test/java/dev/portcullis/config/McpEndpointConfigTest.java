package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class McpEndpointConfigTest {
    private static final String KEY = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    private ConfigLoader.Result load(String yaml) {
        return new ConfigLoader(Map.of("SERVICE_KEY", KEY)).load("test.yaml", yaml, dir);
    }

    @Test
    void defaults_serve_the_endpoint_with_nothing_extra_allowed() {
        McpEndpointSettings s = load("").orThrow().mcpEndpoint();
        assertThat(s.enabled()).isTrue();
        assertThat(s.allowedOrigins()).isEmpty();
        assertThat(s.allowedHosts()).isEmpty();
        assertThat(s.serviceCredentials()).isEmpty();
    }

    @Test
    void every_setting_is_read_and_origins_are_normalized() {
        McpEndpointSettings s = load("""
                mcpEndpoint:
                  enabled: false
                  allowedOrigins: ["HTTPS://Chat.Example.com:443/some/path"]
                  allowedHosts: ["MCP.internal:8443", "*"]
                  authorizationServers: ["https://idp.example.com/realms/x"]
                  scopes: [mcp, openid]
                  serviceCredentials:
                    - {name: librechat, key: "${SERVICE_KEY}", tenant: acme}
                """).orThrow().mcpEndpoint();
        assertThat(s.enabled()).isFalse();
        assertThat(s.allowedOrigins()).containsExactly("https://chat.example.com");
        assertThat(s.allowedHosts()).containsExactlyInAnyOrder("mcp.internal:8443", "*");
        assertThat(s.authorizationServers()).containsExactly(URI.create("https://idp.example.com/realms/x"));
        assertThat(s.scopes()).containsExactly("mcp", "openid");
        assertThat(s.serviceCredentials()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("librechat");
            assertThat(c.key().reveal()).isEqualTo(KEY);
            assertThat(c.tenant()).contains("acme");
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "mcpEndpoint: {serviceCredentials: [{name: a, key: short}]}|shorter than 32 bytes",
        "mcpEndpoint: {serviceCredentials: [{key: '0123456789abcdef0123456789abcdef'}]}|needs a name",
        "mcpEndpoint: {serviceCredentials: [{name: a}]}|needs a key",
        "mcpEndpoint: {serviceCredentials: [{name: a, key: '0123456789abcdef 0123456789abcdef'}]}|printable ASCII",
        "mcpEndpoint: {serviceCredentials: [{name: a, key: '${SERVICE_KEY}'}, {name: a, key: '${SERVICE_KEY}x'}]}|already listed",
        "mcpEndpoint: {serviceCredentials: [{name: a, key: '${SERVICE_KEY}', role: ADMIN}]}|unknown key",
        "mcpEndpoint: {allowedOrigins: ['chat.example.com']}|http or https URL",
        "mcpEndpoint: {allowedHosts: ['https://x.example/']}|host name",
        "mcpEndpoint: {allowedOrigin: []}|unknown key",
    })
    void mistakes_are_errors_that_say_what_to_fix(String yaml, String message) {
        ConfigLoader.Result result = load(yaml);
        assertThat(result.config()).isEmpty();
        assertThat(result.errors()).anySatisfy(p -> assertThat(p.message()).contains(message));
    }
}
