package dev.portcullis.upstream.stdio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a stdio child writes to stderr (npm notices, banners) is DEBUG, named by its server — in the
 * message and in the logger, {@code portcullis.stdio.<server>}, so one server's can be turned up — not INFO noise.
 */
class StdioStderrLogTest {
    @Test
    void a_childs_stderr_is_logged_at_debug_with_the_servers_name() {
        Logger logger = (Logger) LoggerFactory.getLogger("portcullis.stdio.chatty");
        Level before = logger.getLevel();
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        logger.setLevel(Level.DEBUG);
        StdioLaunch launch = new StdioLaunch("chatty", List.of("sh", "-c", "echo 'npm notice New version available' >&2; sleep 10"),
                Map.of("PATH", System.getenv("PATH")), Optional.empty(), 1 << 16);
        StdioProcessTransport transport = new StdioProcessTransport(launch, new JacksonMcpJsonMapper(JsonMapper.builder().build()),
                new ChildProcesses());
        try {
            transport.connect(message -> Mono.empty()).block(Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(5)).until(() -> logged.list.stream()
                    .anyMatch(e -> e.getFormattedMessage().contains("npm notice New version available")));
            ILoggingEvent line = logged.list.stream()
                    .filter(e -> e.getFormattedMessage().contains("npm notice")).findFirst().orElseThrow();
            assertThat(line.getLevel()).isEqualTo(Level.DEBUG);
            assertThat(line.getFormattedMessage()).isEqualTo("[chatty stderr] npm notice New version available");
        } finally {
            transport.closeGracefully().block(Duration.ofSeconds(10));
            logger.detachAppender(logged);
            logger.setLevel(before);
        }
    }
}
