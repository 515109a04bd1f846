package dev.portcullis.upstream.transport;

import dev.portcullis.egress.EgressContext;
import dev.portcullis.egress.EgressLists;
import dev.portcullis.egress.EgressPolicy;
import dev.portcullis.egress.jetty.GuardedHttpClients;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.client.HttpClient;
import tools.jackson.databind.json.JsonMapper;

/** The gateway's guarded client as tests build it: loopback (127.0.0.1 only) exempted, nothing else. */
final class TestClients {

    static final McpJsonMapper JSON = new JacksonMcpJsonMapper(JsonMapper.builder().build());

    private TestClients() {
    }

    static HttpClient guarded() {
        return started(GuardedHttpClients.create(policy()));
    }

    private static EgressPolicy policy() {
        return EgressPolicy.builder()
                .lists(EgressContext.MCP, new EgressLists(List.of(), List.of("127.0.0.1")))
                .build();
    }

    private static HttpClient started(HttpClient client) {
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return client;
    }

    static HttpTransportSettings settings(URI endpoint) {
        return settings(endpoint, Duration.ofSeconds(10), 1024 * 1024);
    }

    static HttpTransportSettings settings(URI endpoint, Duration requestTimeout, int maxMessageBytes) {
        return new HttpTransportSettings(endpoint, Map.of("X-Api-Key", "secret-value"), requestTimeout,
                Duration.ofMinutes(5), maxMessageBytes, RequestAuthorizer.NONE, ConnectionPool.COMMON);
    }

    static void stop(HttpClient client) {
        try {
            client.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Waits (at most 2 s) until {@code list} holds {@code size} items. The SDK's client hands
     * notifications to its consumers asynchronously, so the last progress notification may land
     * just after the result it preceded on the wire. (The gateway routes progress on the
     * transport's reading thread and has no such gap; GatewayRemoteUpstreamTest and StdioUpstreamTest show all five streamed before the result.)
     */
    static void awaitSize(java.util.List<?> list, int size) {
        long end = System.nanoTime() + java.time.Duration.ofSeconds(2).toNanos();
        while (list.size() < size && System.nanoTime() < end) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
