package dev.portcullis.upstream;

import static dev.portcullis.testing.InMemoryMcpServer.text;
import static dev.portcullis.testing.InMemoryMcpServer.textTool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.config.UpstreamSettings;
import dev.portcullis.identity.Caller;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One upstream session on a server inside the test: no process, no socket, no Node. */
class UpstreamSessionTest {
    private static final Caller ALICE = new Caller("alice", "USER", Optional.empty(), Optional.empty(), List.of());
    private static final Clock CLOCK = Clock.systemUTC();

    private final List<String> announced = new CopyOnWriteArrayList<>();
    private UpstreamSession session;

    private UpstreamSession open(InMemoryMcpServer server) {
        var config = TestConfigs.fromYaml("mcpServers:\n  s:\n    command: node\n", Path.of(".")).mcpServers().get("s");
        ResolvedServer resolved = new ServerResolver(Map.of(), 1 << 20).resolve(config, ALICE, Map.of());
        session = UpstreamSession.open(resolved, server, CLOCK,
                new ToolLister(UpstreamSettings.DEFAULTS, InMemoryMcpServer.JSON, new UpstreamNames(new SimpleMeterRegistry(), Set.of())),
                (key, method, params) -> announced.add(method), new SpokenRevisions(CLOCK));
        return session;
    }

    @AfterEach
    void close() {
        if (session != null) {
            session.close();
        }
    }

    /** Updates that arrive while one is delivered may merge into the newest (ProgressRelay); the last always arrives. */
    @Test
    void progress_reaches_the_listener_in_order_and_its_last_update_before_the_result() {
        List<String> heard = new CopyOnWriteArrayList<>();
        InMemoryMcpServer server = new InMemoryMcpServer(List.of(textTool("slow")), (s, request) -> {
            if (!McpSchema.METHOD_TOOLS_CALL.equals(request.method())) {
                return null;
            }
            Object token = ((Map<?, ?>) ((Map<?, ?>) request.params()).get("_meta")).get("progressToken");
            for (int i = 1; i <= 3; i++) {
                s.send(new McpSchema.JSONRPCNotification(McpSchema.JSONRPC_VERSION, McpSchema.METHOD_NOTIFICATION_PROGRESS,
                        Map.of("progressToken", token, "progress", i, "total", 3)));
            }
            return text("done");
        });
        McpSchema.CallToolResult result = open(server).call("slow", Map.of("text", "x"),
                Optional.of((progress, total, message) -> heard.add(progress + "/" + total)));
        assertThat(((McpSchema.TextContent) result.content().getFirst()).text()).isEqualTo("done");
        assertThat(heard).isNotEmpty().isSubsetOf("1.0/3.0", "2.0/3.0", "3.0/3.0").isSorted();
        assertThat(heard.getLast()).isEqualTo("3.0/3.0");
    }

    @Test
    void a_broken_connection_fails_the_call_under_way_at_once_as_unreachable_not_at_its_timeout() throws Exception {
        CountDownLatch sent = new CountDownLatch(1);
        InMemoryMcpServer server = new InMemoryMcpServer(List.of(textTool("hang")), (s, request) -> {
            if (McpSchema.METHOD_TOOLS_CALL.equals(request.method())) {
                sent.countDown();
                return InMemoryMcpServer.NO_ANSWER;
            }
            return null;
        });
        UpstreamSession s = open(server);
        Thread.ofVirtual().start(() -> {
            try {
                sent.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            server.breakConnection(new java.io.IOException("the child exited"));
        });
        // The request timeout is a minute: only the failure signal can end the call with Unreachable.
        assertThatThrownBy(() -> s.call("hang", Map.of("text", "x"), Optional.empty()))
                .isInstanceOf(UpstreamException.Unreachable.class);
        // The pending call is failed first, then the session learns its transport died (the same failure signal).
        for (int i = 0; i < 100 && s.isAlive(); i++) {
            Thread.sleep(20);
        }
        assertThat(s.isAlive()).isFalse();
        assertThatThrownBy(() -> s.relay(McpSchema.METHOD_TOOLS_CALL, Map.of("name", "hang"), CallObserver.NONE))
                .as("nothing more is sent on a dead session").isInstanceOf(UpstreamException.Unreachable.class);
    }

    @Test
    void the_tools_are_listed_once_and_again_after_the_server_says_they_changed() throws Exception {
        InMemoryMcpServer server = new InMemoryMcpServer(List.of(textTool("a")), (s, request) -> null);
        UpstreamSession s = open(server);
        s.tools();
        s.tools();
        assertThat(server.methods()).containsExactly("initialize", "tools/list");
        server.send(new McpSchema.JSONRPCNotification(McpSchema.JSONRPC_VERSION,
                McpSchema.METHOD_NOTIFICATION_TOOLS_LIST_CHANGED, Map.of()));
        for (int i = 0; i < 100 && !announced.contains(McpSchema.METHOD_NOTIFICATION_TOOLS_LIST_CHANGED); i++) {
            Thread.sleep(20);
        }
        assertThat(announced).as("passed on to the gateway's listeners").contains(McpSchema.METHOD_NOTIFICATION_TOOLS_LIST_CHANGED);
        s.tools();
        assertThat(server.methods()).containsExactly("initialize", "tools/list", "tools/list");
    }

    @Test
    void a_relayed_request_keeps_every_field_of_the_answer() {
        InMemoryMcpServer server = new InMemoryMcpServer(List.of(), (s, request) ->
                "x/custom".equals(request.method()) ? Map.of("kept", Map.of("nested", 1), "_meta", Map.of("k", "v")) : null);
        Map<String, Object> answer = open(server).relay("x/custom", Map.of("arg", true), CallObserver.NONE).await();
        assertThat(answer).containsEntry("kept", Map.of("nested", 1)).containsEntry("_meta", Map.of("k", "v"));
        assertThat(server.received().getLast().params()).isEqualTo(Map.of("arg", true));
    }
}
