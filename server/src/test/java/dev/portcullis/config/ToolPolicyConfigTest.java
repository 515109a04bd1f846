package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code mcpServers.<name>.tools} in the configuration file, and its refusal in user servers. */
class ToolPolicyConfigTest {
    private static final String SERVER = "mcpServers:\n  s:\n    command: x\n";

    @TempDir
    Path dir;

    private ConfigLoader.Result load(String yaml) {
        return new ConfigLoader(Map.of()).load("test.yaml", yaml, dir);
    }

    @Test
    void a_server_without_tools_offers_every_tool() {
        assertThat(load(SERVER).orThrow().mcpServers().get("s").toolPolicy()).isEqualTo(ToolPolicy.ALL);
    }

    @Test
    void allow_and_deny_are_read_in_order() {
        McpServerConfig c = load(SERVER + "    tools:\n      allow: [echo, 'get-*']\n      deny:\n        - get-env\n        - 'g?ip-*'\n")
                .orThrow().mcpServers().get("s");
        assertThat(c.toolPolicy()).isEqualTo(new ToolPolicy(Optional.of(List.of("echo", "get-*")), List.of("get-env", "g?ip-*")));
    }

    @Test
    void a_deny_list_alone_keeps_allow_absent() {
        ToolPolicy policy = load(SERVER + "    tools: {deny: [get-env]}\n").orThrow().mcpServers().get("s").toolPolicy();
        assertThat(policy.allow()).isEmpty();
        assertThat(policy.permits("echo")).isTrue();
    }

    @Test
    void environment_references_in_patterns_are_substituted() {
        ToolPolicy policy = new ConfigLoader(Map.of("DENIED", "get-env")).load("test.yaml",
                SERVER + "    tools: {deny: ['${DENIED}']}\n", dir).orThrow().mcpServers().get("s").toolPolicy();
        assertThat(policy.deny()).containsExactly("get-env");
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("not a mapping", SERVER + "    tools: [echo]\n", 4, "mcpServers.s.tools", "expected {allow: [patterns], deny: [patterns]}"),
                Arguments.of("a bare string", SERVER + "    tools: echo\n", 4, "mcpServers.s.tools", "expected {allow"),
                Arguments.of("unknown key", SERVER + "    tools:\n      allow: [echo]\n      denny: [x]\n", 6, "mcpServers.s.tools.denny", "did you mean 'deny'"),
                Arguments.of("allow not a list", SERVER + "    tools:\n      allow: echo\n", 5, "mcpServers.s.tools.allow", "expected a list"),
                Arguments.of("a mapping as a pattern", SERVER + "    tools:\n      deny:\n        - echo\n        - {name: x}\n", 7, "mcpServers.s.tools.deny[1]", "expected a single value"),
                Arguments.of("a list as a pattern", SERVER + "    tools:\n      allow: [[echo]]\n", 5, "mcpServers.s.tools.allow[0]", "expected a single value"),
                Arguments.of("an empty pattern", SERVER + "    tools:\n      deny: ['']\n", 5, "mcpServers.s.tools.deny[0]", "empty pattern"),
                Arguments.of("a null pattern", SERVER + "    tools:\n      deny:\n        - echo\n        -\n", 7, "mcpServers.s.tools.deny[1]", "empty pattern"),
                Arguments.of("a space", SERVER + "    tools:\n      deny: ['fetch url']\n", 5, "mcpServers.s.tools.deny[0]", "no tool name has any other character"),
                Arguments.of("a slash", SERVER + "    tools:\n      allow:\n        - tools/echo\n", 6, "mcpServers.s.tools.allow[0]", "no tool name has any other character"),
                Arguments.of("longer than any tool name", SERVER + "    tools:\n      deny: [" + "x".repeat(129) + "]\n", 5, "mcpServers.s.tools.deny[0]", "at most 128 characters"),
                Arguments.of("an empty allow list", SERVER + "    tools:\n      allow: []\n", 5, "mcpServers.s.tools.allow", "lets no tool through"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void a_bad_tool_policy_is_an_error_at_its_line(String name, String yaml, int line, String path, String message) {
        ConfigLoader.Result result = load(yaml);
        assertThat(result.config()).isEmpty();
        assertThat(result.errors()).anySatisfy(p -> {
            assertThat(p.line()).isEqualTo(line);
            assertThat(p.path()).isEqualTo(path);
            assertThat(p.message()).contains(message);
        });
    }

    @Test
    void an_error_does_not_repeat_the_pattern() {
        ConfigLoader.Result result = load(SERVER + "    tools:\n      deny: ['secret-looking value']\n");
        assertThat(result.errors()).isNotEmpty().allSatisfy(p -> assertThat(p.describe()).doesNotContain("secret-looking"));
    }

    @Test
    void user_servers_may_not_carry_a_tool_policy() {
        UserServerInput.Result result = UserServerInput.parse("mine",
                "{\"url\": \"https://mcp.example.com/mcp\", \"tools\": {\"deny\": [\"x\"]}}");
        assertThat(result).isInstanceOfSatisfying(UserServerInput.Result.Invalid.class, invalid ->
                assertThat(invalid.problems()).singleElement().satisfies(p -> {
                    assertThat(p.field()).isEqualTo("config.tools");
                    assertThat(p.message()).contains("operator's").contains("remove it");
                }));
    }

    @Test
    void a_valid_user_server_offers_every_tool() {
        UserServerInput.Result result = UserServerInput.parse("mine", "{\"url\": \"https://mcp.example.com/mcp\"}");
        assertThat(result).isInstanceOfSatisfying(UserServerInput.Result.Valid.class, valid ->
                assertThat(valid.config().toolPolicy()).isEqualTo(ToolPolicy.ALL));
    }
}
