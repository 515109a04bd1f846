package dev.portcullis.upstream.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.upstream.UpstreamException;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SEP-1699 resumption (the conformance sse-retry scenario), authorization, hand-followed redirects and the legacy
 * endpoint's origin rule, against a fixture.
 */
class ResumptionAndRedirectTest {

    private static HttpClient http;
    private ResumptionFixture fixture;
    private McpSyncClient client;

    @BeforeAll
    static void client() {
        http = TestClients.guarded();
    }

    @AfterAll
    static void stopClient() {
        TestClients.stop(http);
    }

    @BeforeEach
    void start() {
        fixture = new ResumptionFixture();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.closeGracefully();
        }
        fixture.close();
    }

    private McpSyncClient connect(String path) {
        client = McpClient.sync(new StreamableHttpClientTransport(http, TestClients.JSON, TestClients.settings(fixture.uri(path))))
                .requestTimeout(Duration.ofSeconds(15))
                .build();
        client.initialize();
        return client;
    }

    @Test
    void aStreamClosedAfterThePrimingEventIsResumedWithGetAndLastEventIdAfterTheRetryDelay() {
        McpSyncClient mcp = connect("/mcp");

        var result = mcp.callTool(new McpSchema.CallToolRequest("anything", Map.of()));

        assertThat(((McpSchema.TextContent) result.content().getFirst()).text()).isEqualTo("resumed");
        var resumed = fixture.seen.stream().filter(s -> s.method().equals("GET") && s.lastEventId() != null).toList();
        assertThat(resumed).singleElement().satisfies(get -> {
            assertThat(get.lastEventId()).isEqualTo("event-1");
            assertThat(get.sessionId()).isEqualTo("session-1");
            assertThat(get.protocolVersion()).isEqualTo("2025-11-25");
            assertThat(Duration.ofNanos(get.nanos() - fixture.primingClosedNanos))
                    .isBetween(Duration.ofMillis(450), Duration.ofMillis(700));
        });
    }

    /**
     * The server accepted the call before its stream broke, so it may have run it: a lost session found while
     * resuming must not read as "session expired", which the tool service answers by sending the call again.
     */
    @Test
    void aSessionLostWhileResumingFailsAsUnreachableNotAsAnExpiredSessionThatWouldBeRetried() {
        McpSyncClient mcp = connect("/mcp");
        fixture.loseSessionOnResume = true;

        assertThatThrownBy(() -> mcp.callTool(new McpSchema.CallToolRequest("anything", Map.of())))
                .satisfies(e -> {
                    Throwable upstream = e;
                    while (upstream != null && !(upstream instanceof dev.portcullis.upstream.UpstreamException)) {
                        upstream = upstream.getCause();
                    }
                    assertThat(upstream).isInstanceOf(dev.portcullis.upstream.UpstreamException.Unreachable.class)
                            .hasMessageContaining("may have run");
                });
        assertThat(fixture.seen.stream().filter(s -> s.method().equals("POST")).count())
                .as("initialize, its notification and the one call: nothing sent again").isEqualTo(3);
    }

    @Test
    void a401FailsWithAuthorizationRequiredCarryingTheRawChallengeAndTheAuthorizerIsAskedPerRequest() {
        var settings = TestClients.settings(fixture.uri("/protected"));
        var unauthorized = McpClient.sync(new StreamableHttpClientTransport(http, TestClients.JSON, settings)).build();
        assertThatThrownBy(unauthorized::initialize).rootCause()
                .isInstanceOfSatisfying(UpstreamException.AuthorizationRequired.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.wwwAuthenticate()).contains(ResumptionFixture.CHALLENGE);
                    assertThat(e.getMessage()).doesNotContain("resource_metadata");
                });
        unauthorized.closeGracefully();

        var authorized = new HttpTransportSettings(settings.endpoint(), settings.headers(), settings.requestTimeout(),
                settings.sseReadTimeout(), settings.maxMessageBytes(), () -> Optional.of(new RequestCredential.Header("Bearer good-token")), ConnectionPool.COMMON);
        client = McpClient.sync(new StreamableHttpClientTransport(http, TestClients.JSON, authorized)).build();
        assertThat(client.initialize().serverInfo().name()).isEqualTo("resumption-fixture");
    }

    @Test
    void aLegacyEndpointEventNamingAnotherOriginIsRefused() {
        var mcp = McpClient.sync(new SseClientTransport(http, TestClients.JSON, TestClients.settings(fixture.uri("/legacy-sse"))))
                .build();
        client = mcp;

        assertThatThrownBy(mcp::initialize).rootCause()
                .isInstanceOfSatisfying(UpstreamException.Blocked.class,
                        e -> assertThat(e.reasonCode()).isEqualTo(SseClientTransport.CROSS_ORIGIN_ENDPOINT));
        assertThat(fixture.seen).extracting(ResumptionFixture.Seen::method).containsOnly("GET");
    }

    @Test
    void evenASameOrigin307IsDecidedAgainWithoutExemptionsSoTheExemptedLoopbackTargetIsRefused() {
        var mcp = McpClient.sync(new StreamableHttpClientTransport(http, TestClients.JSON,
                TestClients.settings(fixture.uri("/moved")))).build();
        client = mcp;

        assertThatThrownBy(mcp::initialize).rootCause()
                .isInstanceOfSatisfying(UpstreamException.Blocked.class,
                        e -> assertThat(e.reasonCode()).isEqualTo("DENIED_ADDRESS"));
        assertThat(fixture.seen).extracting(ResumptionFixture.Seen::path).containsOnly("/moved");
    }

    @Test
    void aRedirectHopGetsNoExemptionsSoA307ToAnotherLoopbackOriginIsBlocked() {
        var mcp = McpClient.sync(new StreamableHttpClientTransport(http, TestClients.JSON,
                TestClients.settings(fixture.uri("/elsewhere")))).build();
        client = mcp;

        assertThatThrownBy(mcp::initialize).rootCause()
                .isInstanceOfSatisfying(UpstreamException.Blocked.class,
                        e -> assertThat(e.reasonCode()).isEqualTo("DENIED_ADDRESS"));
    }
}
