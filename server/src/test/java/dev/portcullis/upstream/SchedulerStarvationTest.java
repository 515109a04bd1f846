package dev.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testing.GatewayProcess;
import dev.portcullis.testing.Peers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway stays up with idle stdio servers on a scheduler with one carrier. Reading a child's
 * pipe on a virtual thread pins a carrier for as long as the child is silent; once every carrier
 * was pinned the gateway stopped answering everything, {@code /healthz} included, and no test that
 * keeps the scheduler busy noticed. These run the real gateway in a child JVM and leave it alone.
 */
class SchedulerStarvationTest {
    private static final int STDIO_SERVERS = 4;

    @TempDir
    Path dir;

    /**
     * With no spare carriers allowed at all ({@code maxPoolSize=1}) a single pinned reader wedges
     * the process at once: the same failure as the idle hang, without waiting for the JDK to retire
     * the extra carriers it adds while a thread is pinned.
     */
    @Test
    void four_idle_stdio_servers_on_one_carrier_with_no_spares() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.start(dir, fourStdioServers(), List.of(
                "-Djdk.virtualThreadScheduler.parallelism=1", "-Djdk.virtualThreadScheduler.maxPoolSize=1"),
                Duration.ofSeconds(60))) {
            assertAnswers(gateway, Duration.ofSeconds(5));
        }
    }

    /**
     * The hang as users met it: one carrier, the JDK free to compensate, and nothing to do for
     * longer than it keeps its extra carriers (about a minute) — then everything must still answer.
     */
    @Test
    void four_idle_stdio_servers_on_one_carrier_left_alone_for_150_seconds() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.start(dir, fourStdioServers(), List.of(
                "-Djdk.virtualThreadScheduler.parallelism=1"), Duration.ofSeconds(60))) {
            assertAnswers(gateway, Duration.ofSeconds(150));
        }
    }

    private static void assertAnswers(GatewayProcess gateway, Duration idle) throws Exception {
        String token = GatewayProcess.token("alice", "USER");
        for (int i = 1; i <= STDIO_SERVERS; i++) { // every child started and connected, then silence
            ContentResponse called = gateway.post("/api/mcp/e" + i + "/tools/echo/call", token,
                    "{\"arguments\":{\"message\":\"before\"}}", Duration.ofSeconds(60));
            assertThat(called.getStatus()).as(gateway.logTail()).isEqualTo(200);
        }
        Thread.sleep(idle.toMillis());
        assertThat(gateway.healthz(Duration.ofSeconds(5))).as("/healthz after %s idle", idle).contains(200);
        for (int i = 1; i <= STDIO_SERVERS; i++) {
            ContentResponse called = gateway.post("/api/mcp/e" + i + "/tools/echo/call", token,
                    "{\"arguments\":{\"message\":\"after\"}}", Duration.ofSeconds(10));
            assertThat(called.getStatus()).as(gateway.logTail()).isEqualTo(200);
            assertThat(called.getContentAsString()).contains("Echo: after");
        }
    }

    private static String fourStdioServers() {
        StringBuilder yaml = new StringBuilder("mcpServers:\n");
        for (int i = 1; i <= STDIO_SERVERS; i++) {
            yaml.append("  e").append(i).append(":\n")
                    .append("    command: node\n")
                    .append("    args: [\"").append(Peers.serverEverything()).append("\", \"stdio\"]\n");
        }
        return yaml.toString();
    }
}
