package dev.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.config.McpServerConfig;
import dev.portcullis.config.UpstreamSettings;
import dev.portcullis.identity.Caller;
import dev.portcullis.testing.MutableClock;
import dev.portcullis.testing.Peers;
import dev.portcullis.testing.TestConfigs;
import dev.portcullis.upstream.stdio.StdioProcessTransport;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The connection manager against real server-everything children. */
class ConnectionManagerTest {
    private static final JacksonMcpJsonMapper JSON = new JacksonMcpJsonMapper(JsonMapper.builder().build());
    private static final Caller ALICE = new Caller("alice", "USER", Optional.empty(), Optional.empty(), List.of());
    private static final Caller BOB = new Caller("bob", "USER", Optional.empty(), Optional.empty(), List.of());

    private final AtomicInteger created = new AtomicInteger();
    private final List<StdioProcessTransport> transports = new ArrayList<>();
    private final MutableClock clock = new MutableClock(Instant.now());
    private ConnectionManager manager;

    private ConnectionManager manager(UpstreamSettings settings) {
        manager = new ConnectionManager(settings, server -> {
            created.incrementAndGet();
            StdioProcessTransport t = new StdioProcessTransport(((ResolvedServer.Stdio) server.endpoint()).launch(), JSON,
                    new dev.portcullis.upstream.stdio.ChildProcesses());
            synchronized (transports) {
                transports.add(t);
            }
            return t;
        }, JSON, new UpstreamNames(new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), java.util.Set.of()), clock);
        return manager;
    }

    @AfterEach
    void close() {
        if (manager != null) {
            manager.close();
        }
    }

    private static McpServerConfig everything(String extra) {
        return TestConfigs.fromYaml("mcpServers:\n  e:\n    command: node\n    args: [\"" + Peers.serverEverything()
                + "\", stdio]\n" + extra.indent(4), Path.of(".")).mcpServers().get("e");
    }

    private static ResolvedServer resolve(McpServerConfig c, Caller caller, Map<String, String> values) {
        return new ServerResolver(System.getenv(), 1 << 20).resolve(c, caller, values);
    }

    /** Applied where sessions list, so every listing built on one (the API's, a future MCP front door's) agrees. */
    @Test
    void a_sessions_tools_leave_out_what_the_operators_policy_denies() {
        manager(UpstreamSettings.DEFAULTS);
        ResolvedServer server = resolve(everything("tools: {deny: [gzip-file-as-resource, 'get-e*']}"), ALICE, Map.of());
        ToolList tools = manager.session(server).tools();
        assertThat(tools.find("echo")).isPresent();
        assertThat(tools.tools()).extracting(io.modelcontextprotocol.spec.McpSchema.Tool::name)
                .doesNotContain("gzip-file-as-resource", "get-env");
    }

    @Test
    void concurrent_callers_share_one_connect() throws Exception {
        manager(UpstreamSettings.DEFAULTS);
        ResolvedServer server = resolve(everything(""), ALICE, Map.of());
        List<CompletableFuture<UpstreamSession>> callers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            callers.add(CompletableFuture.supplyAsync(() -> manager.session(server)));
        }
        UpstreamSession first = callers.getFirst().get();
        for (CompletableFuture<UpstreamSession> c : callers) {
            assertThat(c.get()).isSameAs(first);
        }
        assertThat(created.get()).isEqualTo(1);
        assertThat(manager.state(server.key(), "e")).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void user_scoped_servers_get_a_connection_per_user_and_changed_values_replace_it() {
        manager(UpstreamSettings.DEFAULTS);
        McpServerConfig c = everything("env: {K: '{{K}}'}\ncustomUserVars: {K: {title: K}}\n");
        UpstreamSession alice = manager.session(resolve(c, ALICE, Map.of("K", "1")));
        UpstreamSession bob = manager.session(resolve(c, BOB, Map.of("K", "1")));
        assertThat(alice).isNotSameAs(bob);
        UpstreamSession aliceAgain = manager.session(resolve(c, ALICE, Map.of("K", "2")));
        assertThat(aliceAgain).as("a different configuration makes the old session stale").isNotSameAs(alice);
        assertThat(alice.isAlive()).isTrue(); // closed, not failed
        assertThat(created.get()).isEqualTo(3);
        assertThat(manager.openSessions()).isEqualTo(2);
    }

    @Test
    void idle_sessions_are_reaped_and_their_process_tree_killed() {
        manager(UpstreamSettings.DEFAULTS);
        ResolvedServer server = resolve(everything(""), ALICE, Map.of());
        manager.session(server);
        ProcessHandle child = transports.getFirst().processHandle().orElseThrow();
        clock.advance(Duration.ofMinutes(16));
        manager.reapIdle();
        assertThat(manager.openSessions()).isZero();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !child.isAlive());
    }

    @Test
    void per_user_caps_are_enforced() {
        manager(TestConfigs.fromYaml("upstream: {maxConnectionsPerUser: 1}\n", Path.of(".")).upstream());
        McpServerConfig one = everything("customUserVars: {K: {title: K}}\n");
        manager.session(resolve(one, ALICE, Map.of("K", "x")));
        McpServerConfig other = TestConfigs.fromYaml("mcpServers:\n  f:\n    command: node\n    args: [\"" + Peers.serverEverything()
                + "\", stdio]\n    customUserVars: {K: {title: K}}\n", Path.of(".")).mcpServers().get("f");
        assertThatThrownBy(() -> manager.session(resolve(other, ALICE, Map.of("K", "x"))))
                .hasMessageContaining("maximum of 1");
        manager.session(resolve(other, BOB, Map.of("K", "x")));
    }

    @Test
    void one_users_failures_do_not_lock_out_another() {
        manager(UpstreamSettings.DEFAULTS);
        McpServerConfig c = TestConfigs.fromYaml("mcpServers:\n  g:\n    command: '{{CMD}}'\n    customUserVars: {CMD: {title: C}}\n",
                Path.of(".")).mcpServers().get("g");
        ResolvedServer broken = resolve(c, ALICE, Map.of("CMD", "/nonexistent/command"));
        assertThatThrownBy(() -> manager.session(broken)).isInstanceOf(UpstreamException.Unreachable.class);
        assertThatThrownBy(() -> manager.session(broken)).as("the breaker answers without a new attempt")
                .isInstanceOf(UpstreamException.Unreachable.class);
        assertThat(created.get()).isEqualTo(1);
        assertThat(manager.state(broken.key(), "g")).isEqualTo(ConnectionState.ERROR);
        ResolvedServer fine = resolve(c, BOB, Map.of("CMD", "node"));
        assertThat(manager.state(fine.key(), "g")).isEqualTo(ConnectionState.DISCONNECTED);
    }
}
