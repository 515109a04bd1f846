package dev.portcullis.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.Gateway;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.testing.ApiClient;
import dev.portcullis.testing.EverythingServer;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.Services;
import dev.portcullis.testing.TestConfigs;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas on the machine's PostgreSQL and Redis behind a round-robin front (each request goes to
 * the next replica): a 2025-11-25 session opened on one keeps working on the other, ending it on one
 * ends it on both, and stateless 2026-07-28 requests succeed on either.
 */
class TwoReplicaFrontDoorTest {
    @TempDir
    static Path dirA;
    @TempDir
    static Path dirB;
    static EverythingServer everything;
    static Gateway a;
    static Gateway b;
    static List<Http> replicas;
    static ApiClient api;
    static int next;
    static final String TENANT = "front-door-" + UUID.randomUUID();

    @BeforeAll
    static void start() {
        everything = EverythingServer.start("streamableHttp");
        String yaml = """
                server: {port: 0}
                auth: {secret: %s}
                storage: {url: "%s"}
                redis: {url: "%s"}
                mcpSettings:
                  allowedAddresses: ['127.0.0.1']
                mcpServers:
                  everything: {type: streamable-http, url: "%s"}
                """.formatted(TestConfigs.SECRET, Services.freshPostgresSchema(), Services.requireRedis(), everything.uri("/mcp"));
        PortcullisConfig configA = TestConfigs.fromYaml(yaml, dirA);
        a = Gateway.start(configA);
        b = Gateway.start(TestConfigs.fromYaml(yaml, dirB));
        replicas = List.of(new Http(a.port()), new Http(b.port()));
        api = new ApiClient(replicas.getFirst(), configA);
    }

    @AfterAll
    static void stop() throws Exception {
        for (Http h : replicas) {
            h.close();
        }
        a.close();
        b.close();
        everything.close();
    }

    /** The round-robin front: every request to the next replica. */
    private static ContentResponse send(String method, String body, String session, String... headers) {
        Http replica = replicas.get(next++ % 2);
        Request r = replica.request("/mcp").method(method)
                .headers(h -> {
                    h.put("Authorization", "Bearer " + api.token(ApiClient.As.user("alice").inTenant(TENANT)));
                    h.put("Accept", "application/json, text/event-stream");
                    if (session != null) {
                        h.put("Mcp-Session-Id", session);
                    }
                    for (int i = 0; i + 1 < headers.length; i += 2) {
                        h.put(headers[i], headers[i + 1]);
                    }
                });
        if (body != null) {
            r.body(new StringRequestContent("application/json", body));
        }
        return Http.send(r);
    }

    @Test
    void a_session_opened_on_one_replica_is_served_by_both_and_ended_on_both() {
        ContentResponse init = send("POST", """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},
                 "clientInfo":{"name":"rr","version":"1"}}}""", null);
        String session = init.getHeaders().get("Mcp-Session-Id");
        assertThat(session).isNotNull();
        for (int i = 0; i < 4; i++) {
            ContentResponse call = send("POST", """
                    {"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"everything__echo","arguments":{"message":"hop %d"}}}"""
                    .formatted(10 + i, i), session);
            assertThat(call.getStatus()).as("request %d", i).isEqualTo(200);
            assertThat(call.getContentAsString()).contains("Echo: hop " + i);
        }
        assertThat(send("DELETE", null, session).getStatus()).isEqualTo(204);
        for (int i = 0; i < 2; i++) {
            assertThat(send("POST", "{\"jsonrpc\":\"2.0\",\"id\":20,\"method\":\"tools/list\"}", session).getStatus())
                    .as("ended on every replica").isEqualTo(404);
        }
    }

    @Test
    void stateless_requests_succeed_on_either_replica() {
        for (int i = 0; i < 2; i++) {
            ContentResponse r = send("POST", """
                    {"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"everything__echo","arguments":{"message":"s%d"},
                     "_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}"""
                    .formatted(30 + i, i), null, "MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "tools/call",
                    "Mcp-Name", "everything__echo");
            assertThat(r.getStatus()).isEqualTo(200);
            assertThat(r.getContentAsString()).contains("Echo: s" + i, "\"resultType\":\"complete\"");
        }
    }
}
