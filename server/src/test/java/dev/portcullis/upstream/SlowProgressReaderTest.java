package dev.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.Gateway;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.identity.TokenMinter;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.Peers;
import dev.portcullis.testing.TestConfigs;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.StringRequestContent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A caller who stops reading their progress stream holds up only their own call. Progress reaches
 * the gateway on the one thread that reads a shared server's messages; were it written to the
 * caller's response on that thread, a full socket would stop every other user's answers too.
 */
class SlowProgressReaderTest {
    @TempDir
    Path dir;
    Gateway gateway;
    Http http;
    PortcullisConfig config;

    @AfterEach
    void stop() throws Exception {
        http.close();
        gateway.close();
    }

    private String token(String user) {
        return new TokenMinter(TestConfigs.SECRET.getBytes(StandardCharsets.UTF_8), config.auth(), Clock.systemUTC())
                .mint(new TokenMinter.Claims(user, "USER", Optional.empty(), Optional.empty(), Duration.ofMinutes(10)));
    }

    private ContentResponse echo(String bobToken) {
        return Http.send(http.request("/api/mcp/shared/tools/echo/call").method("POST").timeout(60, TimeUnit.SECONDS)
                .headers(h -> h.put("Authorization", "Bearer " + bobToken))
                .body(new StringRequestContent("application/json", "{\"arguments\":{\"message\":\"hi\"}}")));
    }

    @Test
    void a_progress_stream_nobody_reads_does_not_stall_the_shared_server_for_others() throws Exception {
        config = TestConfigs.fromYaml("""
                server: {port: 0}
                auth: {secret: %s}
                mcpServers:
                  shared:
                    command: node
                    args: ["%s", "stdio"]
                    timeout: 300000
                """.formatted(TestConfigs.SECRET, Peers.serverEverything()), dir);
        gateway = Gateway.start(config);
        http = new Http(gateway.port());
        String bobToken = token("bob");
        assertThat(echo(bobToken).getStatus()).isEqualTo(200);

        try (Socket alice = new Socket()) {
            alice.setReceiveBufferSize(1024);
            alice.connect(new InetSocketAddress("127.0.0.1", gateway.port()));
            String body = "{\"arguments\":{\"duration\":200,\"steps\":200000}}"; // a thousand progress events a second
            String request = "POST /api/mcp/shared/tools/trigger-long-running-operation/call HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\nAuthorization: Bearer " + token("alice") + "\r\n"
                    + "Accept: text/event-stream\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
            OutputStream out = alice.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            long worst = 0;
            for (int round = 0; round < 12; round++) { // alice never reads: her socket and the gateway's buffers fill
                Thread.sleep(3000);
                long started = System.nanoTime();
                assertThat(echo(bobToken).getStatus()).isEqualTo(200);
                worst = Math.max(worst, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            }
            assertThat(worst).as("bob's echo is not held up by alice's unread stream (ms)").isLessThan(2000);
        }
    }
}
