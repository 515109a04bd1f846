package dev.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.McpServerConfig;
import dev.portcullis.identity.Caller;
import dev.portcullis.testing.TestConfigs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What an inspection connects as. (UserServersTest shows the whole path against a recording server.) */
class ServerInspectionTest {
    @Test
    void a_proposed_server_is_inspected_as_no_one_so_no_users_token_is_attached() {
        McpServerConfig proposed = TestConfigs.fromYaml("mcpServers:\n  s: {type: streamable-http, url: 'https://a.example/mcp'}\n",
                Path.of(".")).mcpServers().get("s").withOrigin(new McpServerConfig.Origin.UserManaged("id-1", "t1", 2));
        Caller editor = new Caller("alice", "USER", Optional.empty(), Optional.of("t1"), List.of());
        ServerInspection inspection = new ServerInspection(new ServerResolver(Map.of(), 1 << 20), null);

        // The app scope is the one whose requests OAuthUpstreamAuthorization never gives a token.
        assertThat(inspection.resolveForInspection(proposed, editor).scope()).isEqualTo(ConnectionScope.APP);
    }
}
