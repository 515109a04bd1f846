package dev.portcullis.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.Gateway;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.testing.ApiClient;
import dev.portcullis.testing.ApiClient.As;
import dev.portcullis.testing.EverythingServer;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.Services;
import dev.portcullis.testing.TestConfigs;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas sharing the machine's PostgreSQL and Redis: a change made on one replica reaches
 * the connections the other holds (through pub/sub), and the other serves the new version at once.
 */
class TwoReplicaUserServersTest {
    @TempDir
    static Path dirA;
    @TempDir
    static Path dirB;
    static EverythingServer everything;
    static Gateway a;
    static Gateway b;
    static Http httpA;
    static Http httpB;
    static ApiClient apiA;
    static ApiClient apiB;
    // A tenant of this run's own: other tests share the Redis server.
    static final String TENANT = "replicas-" + UUID.randomUUID();
    static final As ALICE = As.user("alice").inTenant(TENANT);
    static final As BOB = As.user("bob").inTenant(TENANT);

    @BeforeAll
    static void start() {
        everything = EverythingServer.start("streamableHttp");
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String yaml = """
                server: {port: 0}
                auth: {secret: %s}
                encryption: {key: %s}
                storage: {url: "%s"}
                redis: {url: "%s"}
                mcpSettings:
                  allowedAddresses: ['127.0.0.1']
                interface:
                  mcpServers: {share: true}
                """.formatted(TestConfigs.SECRET, Base64.getEncoder().encodeToString(key), Services.freshPostgresSchema(),
                Services.requireRedis());
        PortcullisConfig configA = TestConfigs.fromYaml(yaml, dirA);
        PortcullisConfig configB = TestConfigs.fromYaml(yaml, dirB);
        a = Gateway.start(configA);
        b = Gateway.start(configB);
        httpA = new Http(a.port());
        httpB = new Http(b.port());
        apiA = new ApiClient(httpA, configA);
        apiB = new ApiClient(httpB, configB);
    }

    @AfterAll
    static void stop() throws Exception {
        httpA.close();
        httpB.close();
        a.close();
        b.close();
        everything.close();
    }

    private static int sessions(Http http) {
        return http.get("/metrics").getContentAsString().lines().filter(l -> l.startsWith("portcullis_upstream_sessions "))
                .findFirst().map(l -> (int) Double.parseDouble(l.substring(l.indexOf(' ') + 1).strip())).orElseThrow();
    }

    private static void awaitSessions(Http http, int expected) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (sessions(http) != expected && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(sessions(http)).isEqualTo(expected);
    }

    private static ContentResponse echo(ApiClient api, String message) {
        return api.send(BOB, "POST", "/api/mcp/relay/tools/echo/call", "{\"arguments\": {\"message\": \"" + message + "\"}}");
    }

    @Test
    void a_change_on_one_replica_reaches_the_connections_of_the_other() throws Exception {
        ContentResponse created = apiA.send(ALICE, "POST", "/api/mcp/servers",
                "{\"config\": {\"type\": \"streamable-http\", \"url\": \"%s\", \"title\": \"Relay\"}}".formatted(everything.uri("/mcp")));
        assertThat(created.getStatus()).as(created.getContentAsString()).isEqualTo(201);
        String id = ApiClient.json(created).get("dbId").asString();
        assertThat(apiA.send(ALICE, "PUT", "/api/permissions/mcpServer/" + id,
                "{\"updated\": [{\"type\": \"user\", \"id\": \"bob\", \"accessRoleId\": \"mcpServer_viewer\"}]}").getStatus())
                .isEqualTo(200);

        assertThat(echo(apiB, "one").getContentAsString()).contains("Echo: one");
        awaitSessions(httpB, 1);

        ContentResponse patched = apiA.send(ALICE, "PATCH", "/api/mcp/servers/relay",
                "{\"config\": {\"description\": \"changed on replica A\"}}");
        assertThat(patched.getStatus()).as(patched.getContentAsString()).isEqualTo(200);
        awaitSessions(httpB, 0);
        assertThat(ApiClient.json(apiB.send(BOB, "GET", "/api/mcp/servers/relay")).get("description").asString())
                .isEqualTo("changed on replica A");
        assertThat(echo(apiB, "two").getContentAsString()).contains("Echo: two");
        awaitSessions(httpB, 1);

        assertThat(apiA.send(ALICE, "DELETE", "/api/mcp/servers/relay").getStatus()).isEqualTo(200);
        awaitSessions(httpB, 0);
        assertThat(echo(apiB, "three").getStatus()).isEqualTo(404);
    }
}
