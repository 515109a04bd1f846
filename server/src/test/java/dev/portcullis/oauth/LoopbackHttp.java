package dev.portcullis.oauth;

import dev.portcullis.egress.EgressContext;
import dev.portcullis.egress.EgressLists;
import dev.portcullis.egress.EgressPolicy;
import dev.portcullis.egress.jetty.GuardedHttpClients;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.client.HttpClient;

/**
 * The guarded client as the gateway builds it, with the loopback names and addresses exempted in
 * mcpSettings.allowedAddresses — the only way tests reach their local servers (egress rule 7).
 */
final class LoopbackHttp implements AutoCloseable {
    final EgressPolicy policy = EgressPolicy.builder()
            .lists(EgressContext.MCP, new EgressLists(List.of(), List.of("127.0.0.1", "localhost", "::1")))
            .build();
    final HttpClient client = GuardedHttpClients.create(policy);
    final OAuthHttp http;

    LoopbackHttp() {
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        http = new OAuthHttp(client, policy, Duration.ofSeconds(10));
    }

    @Override
    public void close() throws Exception {
        client.stop();
    }
}
