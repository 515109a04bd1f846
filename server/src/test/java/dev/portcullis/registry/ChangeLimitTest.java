package dev.portcullis.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.Gateway;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.testing.ApiClient;
import dev.portcullis.testing.ApiClient.As;
import dev.portcullis.testing.EverythingServer;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.TestConfigs;
import java.nio.file.Path;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each create or connection-changing update inspects a server: a user may make only so many per minute. */
class ChangeLimitTest {
    @TempDir
    static Path dir;
    static EverythingServer everything;
    static Gateway gateway;
    static Http http;
    static ApiClient api;

    @BeforeAll
    static void start() {
        everything = EverythingServer.start("streamableHttp");
        PortcullisConfig config = TestConfigs.fromYaml("""
                server: {port: 0}
                auth: {secret: %s}
                upstream: {serverChangesPerMinute: 2}
                mcpSettings:
                  allowedAddresses: ['127.0.0.1']
                """.formatted(TestConfigs.SECRET), dir);
        gateway = Gateway.start(config);
        http = new Http(gateway.port());
        api = new ApiClient(http, config);
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
        gateway.close();
        everything.close();
    }

    private static ContentResponse create(As as, String title) {
        return api.send(as, "POST", "/api/mcp/servers", "{\"config\": {\"type\": \"streamable-http\", \"url\": \"%s\", \"title\": \"%s\"}}"
                .formatted(everything.uri("/mcp"), title));
    }

    @Test
    void a_user_may_inspect_only_so_many_servers_a_minute() throws InterruptedException {
        long intoMinute = System.currentTimeMillis() % 60_000;
        if (intoMinute > 45_000) {
            Thread.sleep(60_000 - intoMinute + 100); // the window is a calendar minute: start this test inside one
        }
        As ann = As.user("ann");
        // Invalid input never connects, so it does not count.
        assertThat(api.send(ann, "POST", "/api/mcp/servers", "{\"config\": {\"command\": \"sh\"}}").getStatus()).isEqualTo(400);
        assertThat(create(ann, "First").getStatus()).isEqualTo(201);
        // An update that changes nothing the server is reached by does not inspect, and does not count.
        assertThat(api.send(ann, "PATCH", "/api/mcp/servers/first", "{\"config\": {\"description\": \"d\"}}").getStatus())
                .isEqualTo(200);
        assertThat(create(ann, "Second").getStatus()).isEqualTo(201);

        ContentResponse third = create(ann, "Third");
        assertThat(third.getStatus()).isEqualTo(429);
        assertThat(ApiClient.json(third).get("error").asString()).isEqualTo("RATE_LIMITED");
        assertThat(Long.parseLong(third.getHeaders().get("Retry-After"))).isBetween(1L, 60L);
        assertThat(api.send(ann, "PATCH", "/api/mcp/servers/first",
                "{\"config\": {\"url\": \"%s\"}}".formatted(everything.uri("/mcp?again=1"))).getStatus())
                .as("an update that inspects counts too").isEqualTo(429);
        assertThat(api.send(ann, "GET", "/api/mcp/servers/third").getStatus()).as("nothing was stored").isEqualTo(404);

        assertThat(create(As.user("ben"), "Third").getStatus()).as("another user's budget is their own").isEqualTo(201);
    }
}
