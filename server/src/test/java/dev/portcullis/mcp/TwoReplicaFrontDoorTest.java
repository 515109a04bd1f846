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
 * ends it on both, stateless 2026-07-28 requests succeed on either, and a stateless client's retry
 * with its answers continues a session server's request held open on the other replica.
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

    /**
     * A 2026-07-28 client calls a tool of a 2025-11-25 server that asks for input: the server's request
     * is held on the replica the call reached; the retry, sent by the front to the other replica, is
     * carried back to it and finishes the call.
     */
    @Test
    void an_input_required_retry_that_lands_on_the_other_replica_finishes_the_call() {
        next = 0; // the first request to replica A, the retry to B
        String meta = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                + "\"io.modelcontextprotocol/clientCapabilities\":{\"elicitation\":{}}}";
        String tool = "everything__trigger-elicitation-request";
        ContentResponse first = send("POST", """
                {"jsonrpc":"2.0","id":40,"method":"tools/call","params":{"name":"%s","arguments":{},%s}}"""
                .formatted(tool, meta), null, "MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "tools/call", "Mcp-Name", tool);
        assertThat(first.getStatus()).as(first.getContentAsString()).isEqualTo(200);
        tools.jackson.databind.JsonNode asked = ApiClient.json(first).get("result");
        assertThat(asked.get("resultType").asString()).isEqualTo("input_required");
        String state = asked.get("requestState").asString();
        String key = asked.get("inputRequests").propertyNames().iterator().next();
        assertThat(asked.get("inputRequests").get(key).get("method").asString()).isEqualTo("elicitation/create");

        ContentResponse stolen = Http.send(replicas.get(1).request("/mcp").method(HttpMethod.POST).headers(h -> h
                        .put("Authorization", "Bearer " + api.token(ApiClient.As.user("mallory").inTenant(TENANT)))
                        .put("MCP-Protocol-Version", "2026-07-28").put("Mcp-Method", "tools/call").put("Mcp-Name", tool))
                .body(new StringRequestContent("application/json", """
                        {"jsonrpc":"2.0","id":41,"method":"tools/call","params":{"name":"%s","arguments":{},"requestState":"%s",
                         "inputResponses":{"%s":{"action":"decline"}},%s}}""".formatted(tool, state, key, meta))));
        assertThat(stolen.getStatus()).as("another user of the tenant cannot continue it on either replica").isEqualTo(400);

        ContentResponse done = send("POST", """
                {"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"%s","arguments":{},"requestState":"%s",
                 "inputResponses":{"%s":{"action":"decline"}},%s}}""".formatted(tool, state, key, meta), null,
                "MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "tools/call", "Mcp-Name", tool);
        assertThat(done.getStatus()).as(done.getContentAsString()).isEqualTo(200);
        tools.jackson.databind.JsonNode result = ApiClient.json(done);
        assertThat(result.get("id").asInt()).isEqualTo(42);
        assertThat(result.get("result").get("resultType").asString()).isEqualTo("complete");
        assertThat(result.get("result").get("content").toString()).containsIgnoringCase("declin");

        ContentResponse again = send("POST", """
                {"jsonrpc":"2.0","id":43,"method":"tools/call","params":{"name":"%s","arguments":{},"requestState":"%s",
                 "inputResponses":{"%s":{"action":"decline"}},%s}}""".formatted(tool, state, key, meta), null,
                "MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "tools/call", "Mcp-Name", tool);
        assertThat(again.getStatus()).as("a finished request cannot be continued twice").isEqualTo(400);
    }

    /**
     * A REST caller on replica A is asked by a 2025-11-25 server (an elicitation, an {@code input} event on
     * its call's stream) and its answer reaches replica B: carried to A, it finishes the call.
     */
    @Test
    void a_rest_callers_answer_that_lands_on_the_other_replica_reaches_the_waiting_call() throws Exception {
        String alice = api.token(ApiClient.As.user("alice").inTenant(TENANT));
        try (dev.portcullis.testing.SseCall call = dev.portcullis.testing.SseCall.post(a.port(),
                "/api/mcp/everything/tools/trigger-elicitation-request/call", alice,
                "{\"arguments\":{},\"clientCapabilities\":{\"elicitation\":{\"form\":{}}}}")) {
            tools.jackson.databind.JsonNode input = call.next("input", java.time.Duration.ofSeconds(30)).data();
            assertThat(input.get("method").asString()).isEqualTo("elicitation/create");
            String path = "/api/mcp/everything/inputs/" + input.get("inputId").asString();
            ContentResponse answered = Http.send(replicas.get(1).request(path).method(HttpMethod.POST)
                    .headers(h -> h.put("Authorization", "Bearer " + alice))
                    .body(new StringRequestContent("application/json", "{\"result\":{\"action\":\"decline\"}}")));
            assertThat(answered.getStatus()).as(answered.getContentAsString()).isEqualTo(204);
            tools.jackson.databind.JsonNode result = call.next("result", java.time.Duration.ofSeconds(30)).data();
            assertThat(result.get("content").toString()).containsIgnoringCase("declin");
        }
    }
}
