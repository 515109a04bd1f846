package dev.portcullis.upstream.transport;

import dev.portcullis.testing.EverythingServer;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The backwards-compatibility probe chooses right for both of server-everything's HTTP transports. */
class TransportProbeTest {

    private static HttpClient http;

    @BeforeAll
    static void client() {
        http = TestClients.guarded();
    }

    @AfterAll
    static void stopClient() {
        TestClients.stop(http);
    }

    @Test
    void aStreamableHttpServerIsProbedAsStreamableHttp() {
        try (EverythingServer server = EverythingServer.start("streamableHttp")) {
            assertThat(TransportProbe.probe(http, TestClients.JSON, TestClients.settings(server.uri("/mcp"))))
                    .isEqualTo(TransportProbe.Kind.STREAMABLE_HTTP);
        }
    }

    @Test
    void aLegacySseServerIsProbedAsSse() {
        try (EverythingServer server = EverythingServer.start("sse")) {
            assertThat(TransportProbe.probe(http, TestClients.JSON, TestClients.settings(server.uri("/sse"))))
                    .isEqualTo(TransportProbe.Kind.SSE);
        }
    }
}
