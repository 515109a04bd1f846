package dev.portcullis.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.portcullis.config.McpServerConfig;
import dev.portcullis.config.Secret;
import dev.portcullis.testing.TestConfigs;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared machine token: one request for many callers, and a refusal that is not asked again at once. */
class MachineTokensTest {
    private final LoopbackHttp loopback = new LoopbackHttp();
    private final MockOAuth2Server mock = new MockOAuth2Server();
    private final MachineTokens tokens = new MachineTokens(new MachineTokenClient(new Discovery(loopback.http),
            new TokenClient(loopback.http, Clock.systemUTC()), Clock.systemUTC()), Clock.systemUTC());

    @TempDir
    Path dir;

    MachineTokensTest() {
        mock.start();
    }

    @AfterEach
    void close() throws Exception {
        mock.shutdown();
        loopback.close();
    }

    /** A server whose metadata cannot be found (nothing listens on port 1): the pinned token URL is used. */
    private McpServerConfig server(String tokenUrl) {
        return TestConfigs.fromYaml("""
                auth: {secret: %s}
                mcpServers:
                  m:
                    url: http://localhost:1/mcp
                    oauth: {grant_type: client_credentials, client_id: gw, client_secret: s3cret, token_url: "%s", scope: "a b"}
                """.formatted(TestConfigs.SECRET, tokenUrl), dir).mcpServers().get("m");
    }

    private int tokenRequests() {
        int count = 0;
        while (true) {
            RecordedRequest r;
            try {
                r = mock.takeRequest(100, TimeUnit.MILLISECONDS);
            } catch (RuntimeException empty) {
                return count;
            }
            if (r.getPath() != null && r.getPath().endsWith("/token")) {
                count++;
            }
        }
    }

    @Test
    void the_token_request_is_a_client_credentials_grant_with_basic_authentication_resource_and_scope() {
        tokens.current(server(mock.tokenEndpointUrl("default").toString()));
        RecordedRequest request = mock.takeRequest(1, TimeUnit.SECONDS);
        while (!request.getPath().endsWith("/token")) {
            request = mock.takeRequest(1, TimeUnit.SECONDS);
        }
        String body = request.getBody().readUtf8();
        assertThat(body).contains("grant_type=client_credentials", "scope=a+b", "resource=http%3A%2F%2Flocalhost%3A1%2Fmcp")
                .doesNotContain("s3cret");
        assertThat(request.getHeader("Authorization")).startsWith("Basic ");
    }

    @Test
    void concurrent_callers_wait_for_one_token_request() throws Exception {
        McpServerConfig config = server(mock.tokenEndpointUrl("default").toString());
        List<Future<Secret>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 20; i++) {
                results.add(pool.submit((Callable<Secret>) () -> tokens.current(config)));
            }
        }
        Secret first = results.getFirst().get();
        for (Future<Secret> r : results) {
            assertThat(r.get()).isEqualTo(first);
        }
        assertThat(tokenRequests()).isEqualTo(1);
    }

    @Test
    void a_refused_token_request_is_held_briefly_instead_of_asked_again() {
        McpServerConfig config = server("http://localhost:1/token");
        Throwable first = catchThrowable(() -> tokens.current(config));
        assertThat(first).isInstanceOf(OAuthException.class);
        assertThat(first.getMessage()).contains("gateway's own token request").doesNotContain("s3cret");
        assertThatThrownBy(() -> tokens.current(config)).isSameAs(first);
        assertThatThrownBy(() -> tokens.renewAfterRefusal(config, Optional.empty(), Instant.now())).isSameAs(first);
    }

    @Test
    void a_refusal_obtains_a_new_token_with_the_challenged_scopes_added() {
        McpServerConfig config = server(mock.tokenEndpointUrl("default").toString());
        Secret before = tokens.current(config);
        tokenRequests();
        Instant sent = Instant.now();
        assertThat(tokens.renewAfterRefusal(config, Optional.of("Bearer error=\"insufficient_scope\", scope=\"c\""), sent)).isTrue();
        Secret renewed = tokens.current(config);
        assertThat(renewed).isNotEqualTo(before);
        assertThat(tokenRequests()).isEqualTo(1);
        assertThat(tokens.renewAfterRefusal(config, Optional.empty(), sent)).as("renewed since that request was sent").isTrue();
        assertThat(tokens.current(config)).isEqualTo(renewed);
        assertThat(tokenRequests()).isZero();
    }
}
