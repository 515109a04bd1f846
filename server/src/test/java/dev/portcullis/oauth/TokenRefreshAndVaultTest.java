package dev.portcullis.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.config.McpServerConfig;
import dev.portcullis.config.McpServerConfig.OAuthSettings.TokenExchangeMethod;
import dev.portcullis.config.RedisSettings;
import dev.portcullis.config.Secret;
import dev.portcullis.config.StorageSettings;
import dev.portcullis.crypto.SecretSealer;
import dev.portcullis.oauth.flow.Grant;
import dev.portcullis.oauth.flow.GrantOwner;
import dev.portcullis.oauth.flow.OAuthTokens;
import dev.portcullis.oauth.flow.TokenVault;
import dev.portcullis.store.Database;
import dev.portcullis.store.shared.SharedState;
import dev.portcullis.testing.Services;
import dev.portcullis.testing.TestConfigs;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token vault at rest and the refresh rules, against navikt's mock-oauth2-server. */
class TokenRefreshAndVaultTest {
    private static final ResourceUri RESOURCE = ResourceUri.canonical("https://mcp.example.com/mcp");
    private static final GrantOwner ALICE = new GrantOwner("t1", "alice", "files");

    @TempDir
    Path dir;

    private final LoopbackHttp loopback = new LoopbackHttp();
    private final MockOAuth2Server mock = new MockOAuth2Server();
    private final TokenClient tokens = new TokenClient(loopback.http, Clock.systemUTC());
    private final AuthorizationServerMetadata server;
    private final List<AutoCloseable> closing = new ArrayList<>();

    TokenRefreshAndVaultTest() {
        mock.start();
        server = new Discovery(loopback.http).authorizationServer(mock.issuerUrl("default").toString(), Map.of());
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        mock.shutdown();
        loopback.close();
    }

    private Database database() {
        Database db = Database.open(new StorageSettings("jdbc:h2:file:" + dir.resolve("db-" + UUID.randomUUID())
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", Optional.empty(), Optional.empty(), 4, dir));
        closing.add(db);
        return db;
    }

    private static SecretSealer sealer() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new SecretSealer(key, List.of());
    }

    private OAuthClient client() {
        var settings = Fixtures.preRegistered("portcullis-test", Optional.of(Secret.of("test-secret")),
                Optional.of(TokenExchangeMethod.BASIC_AUTH_HEADER));
        return new OAuthClient(server.issuer(), "portcullis-test", Optional.of(Secret.of("test-secret")),
                AuthMethodChoice.forConfidential(Optional.of(settings), server.tokenEndpointAuthMethodsSupported()),
                OAuthClient.Source.PRE_REGISTERED, "http://localhost:3080/api/mcp/files/oauth/callback");
    }

    private Grant authorized(OAuthClient client) throws Exception {
        AuthorizationRequest pending = AuthorizationRequests.create(new AuthorizationRequests.Params(server, client, RESOURCE,
                List.of("openid", "mcp:tools"), Optional.empty()));
        Secret code = AuthorizationCallback.code(pending, Authorize.callbackParams(loopback.client, pending));
        TokenSet set = tokens.exchange(pending, code, client, TokenEndpoint.of(server, Optional.empty(), Map.of()));
        return new Grant(set, client, server.tokenEndpoint(), server.revocationEndpoint(), RESOURCE, Instant.now(),
                files().credentialBinding());
    }

    private static Grant expired(Grant g) {
        TokenSet t = g.tokens();
        return new Grant(new TokenSet(t.accessToken(), t.refreshToken(), Optional.of(Instant.now().minusSeconds(5)),
                t.scopes(), t.tokenType()), g.client(), g.tokenUrl(), g.revocationUrl(), g.resource(), g.updatedAt(), g.binding());
    }

    private static McpServerConfig files() {
        return TestConfigs.fromYaml("mcpServers:\n  files: {type: streamable-http, url: 'https://mcp.example.com/mcp', requiresOAuth: true}\n",
                Path.of(".")).mcpServers().get("files");
    }

    /** Counts requests to a path suffix in the mock's log, draining it. */
    private int requestsTo(String suffix) {
        int count = 0;
        while (true) {
            RecordedRequest r;
            try {
                r = mock.takeRequest(200, TimeUnit.MILLISECONDS);
            } catch (RuntimeException empty) {
                return count;
            }
            if (r.getPath() != null && r.getPath().endsWith(suffix)) {
                count++;
            }
        }
    }

    @Test
    void a_grant_is_used_only_while_the_server_still_sends_it_where_it_was_obtained_for() throws Exception {
        TokenVault vault = new TokenVault(database().jdbi(), sealer(), Clock.systemUTC());
        OAuthTokens oauth = new OAuthTokens(vault, tokens, SharedState.memory(Clock.systemUTC()).locks(), Clock.systemUTC());
        McpServerConfig userServer = files().withOrigin(new McpServerConfig.Origin.UserManaged("id-1", "t1", 1));
        Grant obtained = authorized(client());
        vault.save(ALICE, new Grant(obtained.tokens(), obtained.client(), obtained.tokenUrl(), obtained.revocationUrl(),
                obtained.resource(), obtained.updatedAt(), userServer.credentialBinding()));

        assertThat(oauth.accessToken(ALICE, userServer)).isPresent();
        assertThat(oauth.accessToken(ALICE, userServer.withOrigin(new McpServerConfig.Origin.UserManaged("id-1", "t1", 2))))
                .as("a new version that moves nothing (a new title)").isPresent();
        McpServerConfig moved = TestConfigs.fromYaml("mcpServers:\n  files: {type: streamable-http, url: 'https://elsewhere.example/mcp'}\n",
                Path.of(".")).mcpServers().get("files").withOrigin(new McpServerConfig.Origin.UserManaged("id-1", "t1", 3));
        assertThat(oauth.accessToken(ALICE, moved)).as("the server moved: the token stays behind").isEmpty();
        assertThat(oauth.accessToken(ALICE, files().withOrigin(new McpServerConfig.Origin.UserManaged("id-2", "t1", 1))))
                .as("another server under the same name").isEmpty();
        assertThat(oauth.accessToken(ALICE, files())).as("an operator server of the same name").isEmpty();
        McpServerConfig scoped = TestConfigs.fromYaml("mcpServers:\n  files: {type: streamable-http, url: 'https://mcp.example.com/mcp',"
                + " requiresOAuth: true, oauth: {scope: read}}\n", Path.of(".")).mcpServers().get("files")
                .withOrigin(new McpServerConfig.Origin.UserManaged("id-1", "t1", 4));
        assertThat(oauth.accessToken(ALICE, scoped)).as("an oauth block that moves nothing (only a scope)").isPresent();

        vault.save(ALICE, obtained); // obtained for the operator server 'files'
        assertThat(oauth.accessToken(ALICE, files())).isPresent();
        assertThat(oauth.accessToken(ALICE, userServer)).as("never for a user's server of that name").isEmpty();
    }

    @Test
    void tokens_and_client_secrets_are_never_stored_in_clear_and_do_not_open_for_another_user() throws Exception {
        Database db = database();
        SecretSealer sealer = sealer();
        TokenVault vault = new TokenVault(db.jdbi(), sealer, Clock.systemUTC());
        Grant grant = authorized(client());
        vault.save(ALICE, grant);

        String everything = db.jdbi().withHandle(h -> h.createQuery("SELECT * FROM oauth_grants").mapToMap().list()).toString();
        assertThat(everything).doesNotContain(grant.tokens().accessToken().reveal())
                .doesNotContain(grant.tokens().refreshToken().orElseThrow().reveal()).doesNotContain("test-secret");
        assertThat(vault.find(ALICE).orElseThrow().tokens().accessToken().reveal()).isEqualTo(grant.tokens().accessToken().reveal());

        db.jdbi().useHandle(h -> h.createUpdate("UPDATE oauth_grants SET user_id = 'mallory'").execute());
        assertThatThrownBy(() -> vault.find(new GrantOwner("t1", "mallory", "files")))
                .isInstanceOf(SecretSealer.SealException.class);
    }

    @Test
    void an_expired_token_is_refreshed_exactly_once_under_fifty_concurrent_calls() throws Exception {
        Database db = database();
        TokenVault vault = new TokenVault(db.jdbi(), sealer(), Clock.systemUTC());
        Grant grant = authorized(client());
        vault.save(ALICE, expired(grant));
        requestsTo("/token"); // drain the authorization's own requests
        SharedState shared = SharedState.memory(Clock.systemUTC());
        closing.add(shared);
        OAuthTokens oauth = new OAuthTokens(vault, tokens, shared.locks(), Clock.systemUTC());

        Set<String> seen = runFifty(List.of(oauth));

        assertThat(requestsTo("/token")).isEqualTo(1);
        assertThat(seen).hasSize(1).doesNotContain(grant.tokens().accessToken().reveal());
    }

    @Test
    void two_replicas_sharing_redis_refresh_once_between_them() throws Exception {
        Database db = database();
        TokenVault vault = new TokenVault(db.jdbi(), sealer(), Clock.systemUTC());
        vault.save(ALICE, expired(authorized(client())));
        requestsTo("/token");
        String prefix = "portcullis-test:" + UUID.randomUUID() + ":";
        RedisSettings redis = new RedisSettings(Secret.of(Services.requireRedis()));
        SharedState one = SharedState.redis(redis, prefix);
        SharedState two = SharedState.redis(redis, prefix);
        closing.add(one);
        closing.add(two);

        runFifty(List.of(new OAuthTokens(vault, tokens, one.locks(), Clock.systemUTC()),
                new OAuthTokens(vault, tokens, two.locks(), Clock.systemUTC())));

        assertThat(requestsTo("/token")).isEqualTo(1);
    }

    private Set<String> runFifty(List<OAuthTokens> replicas) throws InterruptedException {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        McpServerConfig config = files();
        for (int i = 0; i < 50; i++) {
            OAuthTokens replica = replicas.get(i % replicas.size());
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                    replica.accessToken(ALICE, config).ifPresent(t -> seen.add(t.reveal()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join(30_000);
        }
        return seen;
    }

    @Test
    void an_omitted_resource_is_not_sent_on_exchange_or_refresh() throws Exception {
        OAuthClient client = client();
        AuthorizationRequest pending = AuthorizationRequests.create(new AuthorizationRequests.Params(server, client,
                ResourceUri.OMITTED, List.of("openid"), Optional.empty()));
        Secret code = AuthorizationCallback.code(pending, Authorize.callbackParams(loopback.client, pending));
        requestsTo("/token");
        TokenSet set = tokens.exchange(pending, code, client, TokenEndpoint.of(server, Optional.empty(), Map.of()));
        tokens.refresh(set.refreshToken().orElseThrow(), ResourceUri.OMITTED, set.scopes(), client,
                TokenEndpoint.of(server, Optional.empty(), Map.of()));
        List<String> bodies = new ArrayList<>();
        while (true) {
            RecordedRequest r;
            try {
                r = mock.takeRequest(200, TimeUnit.MILLISECONDS);
            } catch (RuntimeException empty) {
                break;
            }
            if (r.getPath() != null && r.getPath().endsWith("/token")) {
                bodies.add(r.getBody().readUtf8());
            }
        }
        assertThat(bodies).hasSize(2).allSatisfy(b -> assertThat(b).doesNotContain("resource="));
    }

    /** LibreChat's forward_audience_on_refresh: Auth0 needs audience again on a refresh, Cognito refuses it. */
    @Test
    void the_audience_goes_on_a_refresh_unless_forward_audience_on_refresh_is_false() throws Exception {
        for (boolean forward : List.of(true, false)) {
            TokenVault vault = new TokenVault(database().jdbi(), sealer(), Clock.systemUTC());
            vault.save(ALICE, expired(authorized(client())));
            tokenBodies(); // the authorization's own
            SharedState shared = SharedState.memory(Clock.systemUTC());
            closing.add(shared);
            McpServerConfig config = TestConfigs.fromYaml("mcpServers:\n  files: {type: streamable-http, url: "
                    + "'https://mcp.example.com/mcp', requiresOAuth: true, oauth: {audience: 'https://api.example.com', "
                    + "forward_audience_on_refresh: " + forward + "}}\n", Path.of(".")).mcpServers().get("files");

            assertThat(new OAuthTokens(vault, tokens, shared.locks(), Clock.systemUTC()).accessToken(ALICE, config)).isPresent();

            assertThat(tokenBodies()).as("forward_audience_on_refresh: " + forward).singleElement()
                    .satisfies(body -> assertThat(body.contains("audience=https%3A%2F%2Fapi.example.com")).isEqualTo(forward));
        }
    }

    /** The bodies of the requests to the token endpoint since the last look. */
    private List<String> tokenBodies() {
        List<String> bodies = new ArrayList<>();
        while (true) {
            RecordedRequest r;
            try {
                r = mock.takeRequest(200, TimeUnit.MILLISECONDS);
            } catch (RuntimeException empty) {
                return bodies;
            }
            if (r.getPath() != null && r.getPath().endsWith("/token")) {
                bodies.add(r.getBody().readUtf8());
            }
        }
    }

    @Test
    void no_token_reaches_the_log() throws Exception {
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.classic.Level before = root.getLevel();
        var captured = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        captured.start();
        root.addAppender(captured);
        root.setLevel(ch.qos.logback.classic.Level.DEBUG);
        try {
            Database db = database();
            TokenVault vault = new TokenVault(db.jdbi(), sealer(), Clock.systemUTC());
            Grant grant = authorized(client());
            vault.save(ALICE, expired(grant));
            SharedState shared = SharedState.memory(Clock.systemUTC());
            closing.add(shared);
            OAuthTokens oauth = new OAuthTokens(vault, tokens, shared.locks(), Clock.systemUTC());
            String refreshed = oauth.accessToken(ALICE, files()).orElseThrow().reveal();
            String refreshToken = vault.find(ALICE).orElseThrow().tokens().refreshToken().orElseThrow().reveal();
            oauth.disconnect(ALICE, files());

            assertThat(captured.list).isNotEmpty();
            // Everything the gateway's process logs, minus the in-process test peer (which logs its own requests).
            for (var event : captured.list.stream().filter(e -> !e.getLoggerName().startsWith("no.nav")
                    && !e.getLoggerName().startsWith("okhttp3") && !e.getLoggerName().startsWith("io.netty")).toList()) {
                String line = event.getFormattedMessage() + (event.getThrowableProxy() == null ? "" : event.getThrowableProxy().getMessage());
                assertThat(line).doesNotContain(grant.tokens().accessToken().reveal()).doesNotContain(refreshed)
                        .doesNotContain(refreshToken).doesNotContain("test-secret");
            }
        } finally {
            root.detachAppender(captured);
            root.setLevel(before);
        }
    }

    @Test
    void disconnect_revokes_at_the_server_then_deletes() throws Exception {
        Database db = database();
        TokenVault vault = new TokenVault(db.jdbi(), sealer(), Clock.systemUTC());
        vault.save(ALICE, authorized(client()));
        requestsTo("/token");
        SharedState shared = SharedState.memory(Clock.systemUTC());
        closing.add(shared);
        OAuthTokens oauth = new OAuthTokens(vault, tokens, shared.locks(), Clock.systemUTC());
        assertThat(server.revocationEndpoint()).isPresent();

        assertThat(oauth.disconnect(ALICE, files())).isTrue();

        assertThat(requestsTo("/revoke")).isEqualTo(2); // the refresh token, then the access token
        assertThat(vault.find(ALICE)).isEmpty();
    }
}
