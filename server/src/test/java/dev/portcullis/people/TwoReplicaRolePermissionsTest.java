package dev.portcullis.people;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.Gateway;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.testing.ApiClient;
import dev.portcullis.testing.ApiClient.As;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.Services;
import dev.portcullis.testing.TestConfigs;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas on the machine's PostgreSQL and Redis: a role permission an admin changes on one
 * replica takes effect on the other at once, though the other had it cached — the change is
 * announced on pub/sub, well before the cache would forget it by itself.
 */
class TwoReplicaRolePermissionsTest {
    @TempDir
    static Path dirA;
    @TempDir
    static Path dirB;
    static Gateway a;
    static Gateway b;
    static Http httpA;
    static Http httpB;
    static ApiClient apiA;
    static ApiClient apiB;
    // A tenant of this run's own: other tests share the Redis server.
    static final String TENANT = "roles-" + UUID.randomUUID();
    static final As ADMIN = As.admin("root").inTenant(TENANT);
    static final As BOB = As.user("bob").inTenant(TENANT);

    @BeforeAll
    static void start() {
        String yaml = """
                server: {port: 0}
                auth: {secret: %s}
                storage: {url: "%s"}
                redis: {url: "%s"}
                """.formatted(TestConfigs.SECRET, Services.freshPostgresSchema(), Services.requireRedis());
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
    }

    private static int listOnB() {
        return apiB.send(BOB, "GET", "/api/mcp/servers").getStatus();
    }

    private static void awaitOnB(int status) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (listOnB() != status && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(listOnB()).isEqualTo(status);
    }

    @Test
    void a_role_permission_changed_on_one_replica_takes_effect_on_the_other() throws Exception {
        assertThat(listOnB()).as("B has read (and cached) USER's permissions").isEqualTo(200);

        assertThat(apiA.send(ADMIN, "PUT", "/api/roles/USER/mcp-servers", "{\"USE\": false}").getStatus()).isEqualTo(200);
        awaitOnB(403); // within 10 s: announced, since B's cache would keep the old value for a minute

        assertThat(apiA.send(ADMIN, "PUT", "/api/roles/USER/mcp-servers", "{\"USE\": true}").getStatus()).isEqualTo(200);
        awaitOnB(200);
    }
}
