package dev.portcullis.upstream.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.upstream.UpstreamException;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.spec.McpClientTransport;
import java.net.URI;
import java.time.Duration;
import java.util.function.Function;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The metadata address is refused by the guard before any connection, on every transport and the probe. */
class EgressRefusalTest {

    private static final URI METADATA = URI.create("http://169.254.169.254/latest/meta-data/");
    private static HttpClient http;

    @BeforeAll
    static void client() {
        http = TestClients.guarded();
    }

    @AfterAll
    static void stopClient() {
        TestClients.stop(http);
    }

    private static void assertRefused(Function<HttpTransportSettings, McpClientTransport> transport, URI uri) {
        var client = McpClient.sync(transport.apply(TestClients.settings(uri))).requestTimeout(Duration.ofSeconds(30)).build();
        long start = System.nanoTime();
        assertThatThrownBy(client::initialize)
                .rootCause()
                .isInstanceOf(UpstreamException.Blocked.class)
                .satisfies(e -> assertThat(((UpstreamException.Blocked) e).reasonCode()).isEqualTo("DENIED_ADDRESS"));
        // No connect timeout was waited out: the guard refused before a socket was opened.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        client.closeGracefully();
    }

    @Test
    void streamableHttpRefusesTheMetadataAddress() {
        assertRefused(s -> new StreamableHttpClientTransport(http, TestClients.JSON, s), METADATA);
    }

    @Test
    void legacySseRefusesTheMetadataAddress() {
        assertRefused(s -> new SseClientTransport(http, TestClients.JSON, s), METADATA);
    }

    @Test
    void webSocketRefusesTheMetadataAddress() {
        assertRefused(s -> new WebSocketClientTransport(http, TestClients.JSON, s), URI.create("ws://169.254.169.254/mcp"));
    }

    @Test
    void theProbeRefusesTheMetadataAddress() {
        assertThatThrownBy(() -> TransportProbe.probe(http, TestClients.JSON, TestClients.settings(METADATA)))
                .isInstanceOfSatisfying(UpstreamException.Blocked.class,
                        e -> assertThat(e.reasonCode()).isEqualTo("DENIED_ADDRESS"));
    }
}
