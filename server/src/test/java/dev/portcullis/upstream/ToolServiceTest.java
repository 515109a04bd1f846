package dev.portcullis.upstream;

import static dev.portcullis.testing.InMemoryMcpServer.text;
import static dev.portcullis.testing.InMemoryMcpServer.textTool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.access.ServerGrants;
import dev.portcullis.config.UpstreamSettings;
import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import dev.portcullis.identity.Caller;
import dev.portcullis.registry.OperatorServers;
import dev.portcullis.registry.ServerRegistry;
import dev.portcullis.registry.UserServerStore;
import dev.portcullis.store.UserVariables;
import dev.portcullis.store.shared.PerMinuteLimit;
import dev.portcullis.store.shared.SharedState;
import dev.portcullis.testing.InMemoryMcpServer;
import dev.portcullis.testing.TestConfigs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The tool service's rules, on a server inside the test (no database, no process, no Node): what is
 * checked before anything is sent, one session per call with one retry for a session the server lost,
 * and whose connection a call goes on.
 */
class ToolServiceTest {
    private static final Caller ALICE = new Caller("alice", "USER", Optional.empty(), Optional.empty(), List.of());
    private static final Caller BOB = new Caller("bob", "USER", Optional.empty(), Optional.empty(), List.of());
    private static final Map<String, Object> HELLO = Map.of("text", "hello");
    private static final Clock CLOCK = Clock.systemUTC();

    /** Every connection the service opened, in order: one in-memory server each. */
    private final List<InMemoryMcpServer> opened = new CopyOnWriteArrayList<>();
    private volatile InMemoryMcpServer.Answer answer = (server, request) ->
            McpSchema.METHOD_TOOLS_CALL.equals(request.method()) ? text("ok") : null;
    private ConnectionManager manager;

    private ToolService service(String servers) {
        var config = TestConfigs.fromYaml("mcpServers:\n" + servers.indent(2), Path.of("."));
        manager = new ConnectionManager(UpstreamSettings.DEFAULTS, resolved -> {
            InMemoryMcpServer server = new InMemoryMcpServer(List.of(textTool("echo")), (s, r) -> answer.answer(s, r));
            opened.add(server);
            return server;
        }, InMemoryMcpServer.JSON, new UpstreamNames(new SimpleMeterRegistry(), Set.of()), CLOCK);
        // Operator servers only: the stores behind user servers, variables and grants are never reached.
        var registry = new ServerRegistry(new OperatorServers(config.mcpServers()), new UserServerStore(null, null, null, CLOCK),
                new ServerGrants(null, CLOCK));
        return new ToolService(registry, new UserVariables(null, null, CLOCK), new ServerResolver(Map.of(), 1 << 20), manager,
                new OfflineSchemaValidator(JsonMapper.builder().build()), UpstreamAuthorization.NONE,
                new PerMinuteLimit(SharedState.memory(CLOCK).keyValues(), "test", 10, CLOCK), new ToolService.CallLimits(16, 64));
    }

    private static final String SHARED = "shared:\n  command: node\n";
    private static final String PER_USER = "mine:\n  command: node\n  env: {WHO: '{{LIBRECHAT_USER_ID}}'}\n";
    private static final String REMOTE = "remote:\n  type: streamable-http\n  url: http://127.0.0.1:9/mcp\n";

    @AfterEach
    void close() {
        if (manager != null) {
            manager.close();
        }
    }

    private static String said(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().getFirst()).text();
    }

    @Test
    void a_call_connects_once_lists_once_and_then_only_calls() {
        ToolService tools = service(SHARED);
        assertThat(said(tools.call(ALICE, "shared", "echo", HELLO, Optional.empty()))).isEqualTo("ok");
        tools.call(ALICE, "shared", "echo", HELLO, Optional.empty());
        assertThat(opened).hasSize(1);
        assertThat(opened.getFirst().methods()).containsExactly("initialize", "tools/list", "tools/call", "tools/call");
    }

    @Test
    void arguments_that_do_not_match_the_input_schema_are_refused_before_the_call_is_sent() {
        ToolService tools = service(SHARED);
        assertThatThrownBy(() -> tools.call(ALICE, "shared", "echo", Map.of("text", 7), Optional.empty()))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENTS));
        assertThat(opened.getFirst().methods()).doesNotContain("tools/call");
    }

    @Test
    void a_tool_the_operator_denies_is_refused_before_anything_connects() {
        ToolService tools = service(SHARED + "  tools: {deny: [echo]}\n");
        assertThatThrownBy(() -> tools.call(ALICE, "shared", "echo", HELLO, Optional.empty()))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOOL_NOT_ALLOWED));
        assertThat(opened).isEmpty();
    }

    @Test
    void a_tool_the_server_does_not_list_is_refused_with_a_suggestion() {
        ToolService tools = service(SHARED);
        assertThatThrownBy(() -> tools.call(ALICE, "shared", "ecko", HELLO, Optional.empty()))
                .isInstanceOf(GatewayException.class).hasMessageContaining("'echo'");
        assertThat(opened.getFirst().methods()).doesNotContain("tools/call");
    }

    @Test
    void a_session_the_server_lost_is_replaced_and_the_call_made_once_more() {
        ToolService tools = service(SHARED);
        tools.call(ALICE, "shared", "echo", HELLO, Optional.empty());
        InMemoryMcpServer first = opened.getFirst();
        answer = (server, request) -> {
            if (server == first && McpSchema.METHOD_TOOLS_CALL.equals(request.method())) {
                throw new InMemoryMcpServer.SendFails(new UpstreamException.SessionExpired("404 for the session"));
            }
            return McpSchema.METHOD_TOOLS_CALL.equals(request.method()) ? text("again") : null;
        };
        assertThat(said(tools.call(ALICE, "shared", "echo", HELLO, Optional.empty()))).isEqualTo("again");
        assertThat(opened).hasSize(2);
        assertThat(first.isClosed()).as("the lost session is closed").isTrue();
        assertThat(opened.get(1).methods()).containsExactly("initialize", "tools/list", "tools/call");
    }

    @Test
    void a_session_lost_twice_in_one_call_is_not_retried_a_second_time() {
        ToolService tools = service(SHARED);
        answer = (server, request) -> {
            if (McpSchema.METHOD_TOOLS_CALL.equals(request.method())) {
                throw new InMemoryMcpServer.SendFails(new UpstreamException.SessionExpired("404 for the session"));
            }
            return null;
        };
        assertThatThrownBy(() -> tools.call(ALICE, "shared", "echo", HELLO, Optional.empty()))
                .isInstanceOf(UpstreamException.SessionExpired.class);
        assertThat(opened).hasSize(2);
    }

    @Test
    void one_failed_request_keeps_the_shared_connection_but_drops_a_users_own() {
        ToolService tools = service(SHARED + PER_USER);
        answer = (server, request) -> {
            if (McpSchema.METHOD_TOOLS_CALL.equals(request.method())) {
                throw new InMemoryMcpServer.SendFails(new UpstreamException.Unreachable("HTTP 502 for this request", null));
            }
            return null;
        };
        for (String server : List.of("shared", "mine")) {
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() -> tools.call(ALICE, server, "echo", HELLO, Optional.empty()))
                        .isInstanceOf(UpstreamException.Unreachable.class);
            }
        }
        assertThat(opened).as("shared: one connection for both calls; mine: one per failed call").hasSize(3);
    }

    @Test
    void a_shared_server_is_one_connection_for_everyone_and_a_per_user_server_one_per_user() {
        ToolService tools = service(SHARED + PER_USER);
        for (Caller caller : List.of(ALICE, BOB)) {
            tools.call(caller, "shared", "echo", HELLO, Optional.empty());
            tools.call(caller, "mine", "echo", HELLO, Optional.empty());
        }
        assertThat(opened).hasSize(3);
        assertThat(tools.key(ALICE, tools.server(ALICE, "shared")).scope()).isEqualTo(ConnectionScope.APP);
        assertThat(tools.key(ALICE, tools.server(ALICE, "mine")).scope()).isEqualTo(new ConnectionScope.User("", "alice"));
    }

    @Test
    void a_shared_server_that_answers_401_becomes_per_user_and_needs_oauth() {
        ToolService tools = service(REMOTE);
        answer = (server, request) -> {
            throw new InMemoryMcpServer.SendFails(new UpstreamException.AuthorizationRequired(401, Optional.empty()));
        };
        var config = tools.server(ALICE, "remote");
        assertThat(tools.key(ALICE, config).scope()).isEqualTo(ConnectionScope.APP);
        assertThat(tools.requiresOAuth(config)).isFalse();
        assertThatThrownBy(() -> tools.call(ALICE, "remote", "echo", HELLO, Optional.empty()))
                .isInstanceOf(UpstreamException.AuthorizationRequired.class);
        assertThat(tools.key(ALICE, config).scope()).isEqualTo(new ConnectionScope.User("", "alice"));
        assertThat(tools.requiresOAuth(config)).isTrue();
        assertThat(tools.needsAuthorization(BOB, "remote")).as("a listing by anyone now starts nothing").isTrue();
    }

    @Test
    void a_401_from_a_server_the_operator_said_needs_no_oauth_changes_nothing() {
        ToolService tools = service(REMOTE + "  requiresOAuth: false\n");
        answer = (server, request) -> {
            throw new InMemoryMcpServer.SendFails(new UpstreamException.AuthorizationRequired(401, Optional.empty()));
        };
        var config = tools.server(ALICE, "remote");
        assertThatThrownBy(() -> tools.call(ALICE, "remote", "echo", HELLO, Optional.empty()))
                .isInstanceOf(UpstreamException.AuthorizationRequired.class);
        assertThat(tools.key(ALICE, config).scope()).isEqualTo(ConnectionScope.APP);
        assertThat(tools.requiresOAuth(config)).isFalse();
    }
}
