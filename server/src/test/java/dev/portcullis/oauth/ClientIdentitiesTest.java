package dev.portcullis.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.config.McpServerConfig.OAuthSettings;
import dev.portcullis.config.McpServerConfig.OAuthSettings.TokenExchangeMethod;
import dev.portcullis.config.Secret;
import dev.portcullis.config.StorageSettings;
import dev.portcullis.crypto.SecretSealer;
import dev.portcullis.oauth.FakeServer.Reply;
import dev.portcullis.store.Database;
import dev.portcullis.testing.Services;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Checklist #15–20: which identity is used, and that registered clients stay with their issuer. */
class ClientIdentitiesTest {
    private static final URI PUBLIC_URL = URI.create("https://gw.example.com");
    private static final byte[] KEY = new byte[32];

    @TempDir
    static Path dataDir;

    private final LoopbackHttp loopback = new LoopbackHttp();
    private final FakeServer as = new FakeServer();
    private final FakeServer otherAs = new FakeServer();
    private Database database;

    @AfterEach
    void close() throws Exception {
        as.close();
        otherAs.close();
        loopback.close();
        if (database != null) {
            database.close();
        }
    }

    private RegisteredClients store(String kind) {
        Arrays.fill(KEY, (byte) 7);
        Path dir = dataDir.resolve(kind + "-" + System.nanoTime());
        String url = kind.equals("h2") ? "jdbc:h2:file:" + dir.resolve("portcullis") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE"
                : Services.freshPostgresSchema();
        database = Database.open(new StorageSettings(url, Optional.empty(), Optional.empty(), 2, dir));
        return new RegisteredClients(database.jdbi(), new SecretSealer(KEY, List.of()), Clock.systemUTC());
    }

    private ClientIdentities identities(RegisteredClients store, URI publicUrl) {
        return new ClientIdentities(loopback.http, store, publicUrl);
    }

    private static AuthorizationServerMetadata server(FakeServer at, boolean cimd, boolean registration) {
        String issuer = at.url("/");
        return new AuthorizationServerMetadata(issuer, issuer + "authorize", issuer + "token",
                registration ? Optional.of(issuer + "register") : Optional.empty(), Optional.empty(), List.of(),
                List.of("S256"), List.of("client_secret_post", "none"), cimd, false);
    }

    private static ClientIdentities.Request request(AuthorizationServerMetadata server, Optional<OAuthSettings> settings) {
        return new ClientIdentities.Request("t1", "files", settings, server, Map.of("X-Gateway", Secret.of("portcullis")));
    }

    private static Reply registered(String clientId, String secret) {
        return new Reply(201, Map.of("Content-Type", "application/json"), "{\"client_id\":\"" + clientId
                + "\",\"client_secret\":\"" + secret + "\",\"client_secret_expires_at\":0,"
                + "\"redirect_uris\":[\"https://gw.example.com/api/mcp/files/oauth/callback\"],"
                + "\"token_endpoint_auth_method\":\"client_secret_post\"}");
    }

    @Test
    void pre_registered_credentials_come_first() {
        var ids = identities(store("h2"), PUBLIC_URL);
        OAuthClient client = ids.resolve(request(server(as, true, true),
                Optional.of(Fixtures.preRegistered("static", Optional.of(Secret.of("s")), Optional.empty()))));
        assertThat(client.source()).isEqualTo(OAuthClient.Source.PRE_REGISTERED);
        assertThat(client.clientId()).isEqualTo("static");
        assertThat(client.authMethod()).isEqualTo(ClientAuthMethod.CLIENT_SECRET_POST);
        assertThat(client.redirectUri()).isEqualTo("https://gw.example.com/api/mcp/files/oauth/callback");
        assertThat(client.toString()).doesNotContain("clientSecret=Optional[s]");
        assertThat(as.seen).isEmpty();
    }

    @Test
    void token_exchange_method_maps_to_basic_or_post_and_no_secret_means_none() {
        var ids = identities(store("h2"), PUBLIC_URL);
        var basic = Fixtures.preRegistered("c", Optional.of(Secret.of("s")), Optional.of(TokenExchangeMethod.BASIC_AUTH_HEADER));
        var post = Fixtures.preRegistered("c", Optional.of(Secret.of("s")), Optional.of(TokenExchangeMethod.DEFAULT_POST));
        var publicClient = Fixtures.preRegistered("c", Optional.empty(), Optional.of(TokenExchangeMethod.BASIC_AUTH_HEADER));
        assertThat(ids.resolve(request(server(as, false, true), Optional.of(basic))).authMethod())
                .isEqualTo(ClientAuthMethod.CLIENT_SECRET_BASIC);
        assertThat(ids.resolve(request(server(as, false, true), Optional.of(post))).authMethod())
                .isEqualTo(ClientAuthMethod.CLIENT_SECRET_POST);
        assertThat(ids.resolve(request(server(as, false, true), Optional.of(publicClient))).authMethod())
                .isEqualTo(ClientAuthMethod.NONE);
    }

    @Test
    void a_client_id_metadata_document_when_supported_and_the_gateway_is_https() {
        OAuthClient client = identities(store("h2"), PUBLIC_URL).resolve(request(server(as, true, true), Optional.empty()));
        assertThat(client.source()).isEqualTo(OAuthClient.Source.METADATA_DOCUMENT);
        assertThat(client.clientId()).isEqualTo("https://gw.example.com/api/mcp/files/oauth/client-metadata.json");
        assertThat(client.authMethod()).isEqualTo(ClientAuthMethod.NONE);
        assertThat(ClientMetadataDocument.forServer(PUBLIC_URL, "files").json())
                .contains("\"client_id\":\"https://gw.example.com/api/mcp/files/oauth/client-metadata.json\"")
                .contains("\"redirect_uris\":[\"https://gw.example.com/api/mcp/files/oauth/callback\"]")
                .contains("\"client_name\":\"Portcullis\"");
        assertThat(as.seen).isEmpty();
    }

    /** Two users authorizing at once both register; each gets a client that works, neither an error. */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void registrations_racing_for_one_issuer_all_end_with_a_stored_client(String kind) throws Exception {
        RegisteredClients store = store(kind);
        String issuer = as.url("/");
        for (int round = 0; round < 10; round++) {
            int racers = 6;
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(racers);
            List<java.util.concurrent.Future<OAuthClient>> results = new java.util.ArrayList<>();
            try (var pool = java.util.concurrent.Executors.newFixedThreadPool(racers)) {
                for (int i = 0; i < racers; i++) {
                    OAuthClient mine = new OAuthClient(issuer, "client-" + round + "-" + i, Optional.of(Secret.of("s" + i)),
                            ClientAuthMethod.CLIENT_SECRET_POST, OAuthClient.Source.DYNAMIC_REGISTRATION,
                            "http://localhost:3080/api/mcp/files/oauth/callback");
                    results.add(pool.submit(() -> {
                        start.await();
                        return store.save("t1", "files", new RegisteredClients.Registration(mine, Optional.empty()));
                    }));
                }
            }
            String prefix = "client-" + round + "-";
            List<String> answered = new java.util.ArrayList<>();
            for (var r : results) {
                answered.add(r.get().clientId()); // no unique-key failure reaches the caller
            }
            assertThat(store.find("t1", "files", issuer)).hasValueSatisfying(stored ->
                    assertThat(stored.clientId()).startsWith(prefix));
            assertThat(answered).allMatch(id -> id.startsWith(prefix));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void dynamic_registration_as_a_web_client_once_per_issuer(String kind) {
        as.on("/register", registered("dyn-1", "dyn-secret"));
        var ids = identities(store(kind), URI.create("http://localhost:3080"));
        var request = request(server(as, true, true), Optional.empty());

        OAuthClient first = ids.resolve(request);
        OAuthClient again = ids.resolve(request);

        assertThat(first).isEqualTo(again);
        assertThat(first.source()).isEqualTo(OAuthClient.Source.DYNAMIC_REGISTRATION);
        assertThat(first.clientSecret()).contains(Secret.of("dyn-secret"));
        assertThat(first.authMethod()).isEqualTo(ClientAuthMethod.CLIENT_SECRET_POST);
        assertThat(as.seen).hasSize(1);
        FakeServer.Seen registration = as.seen.getFirst();
        assertThat(registration.header("X-Gateway")).isEqualTo("portcullis");
        assertThat(registration.body()).contains("\"application_type\":\"web\"")
                .contains("\"redirect_uris\":[\"http:\\/\\/localhost:3080\\/api\\/mcp\\/files\\/oauth\\/callback\"]")
                .contains("refresh_token").contains("\"token_endpoint_auth_method\":\"client_secret_post\"");
        String stored = database.jdbi().withHandle(h -> h.createQuery("SELECT sealed_secret FROM oauth_clients")
                .mapTo(String.class).one());
        assertThat(stored).doesNotContain("dyn-secret").startsWith("v1.");
    }

    @Test
    void a_client_registered_with_one_issuer_is_never_used_with_another() {
        as.on("/register", registered("at-a", "secret-a"));
        otherAs.on("/register", registered("at-b", "secret-b"));
        var ids = identities(store("h2"), URI.create("http://localhost:3080"));

        OAuthClient a = ids.resolve(request(server(as, false, true), Optional.empty()));
        OAuthClient b = ids.resolve(request(server(otherAs, false, true), Optional.empty()));

        assertThat(a.clientId()).isEqualTo("at-a");
        assertThat(b.clientId()).isEqualTo("at-b");
        assertThat(b.issuer()).isEqualTo(otherAs.url("/"));
        assertThat(otherAs.seen).hasSize(1);
    }

    @Test
    void a_forgotten_client_is_registered_again() {
        as.on("/register", registered("dyn-1", "dyn-secret"));
        RegisteredClients store = store("h2");
        var ids = identities(store, URI.create("http://localhost:3080"));
        var request = request(server(as, false, true), Optional.empty());
        ids.resolve(request);

        store.delete("t1", "files", as.url("/"));
        ids.resolve(request);

        assertThat(as.seen).hasSize(2);
    }

    @Test
    void a_stored_client_moved_to_another_issuer_does_not_open() {
        as.on("/register", registered("at-a", "secret-a"));
        RegisteredClients store = store("h2");
        identities(store, URI.create("http://localhost:3080")).resolve(request(server(as, false, true), Optional.empty()));
        database.jdbi().useHandle(h -> h.createUpdate("UPDATE oauth_clients SET issuer = :other")
                .bind("other", otherAs.url("/")).execute());

        assertThat(store.find("t1", "files", otherAs.url("/"))).isEmpty();
        assertThat(store.find("t1", "files", as.url("/"))).isEmpty();
    }

    @Test
    void no_way_to_get_a_client_is_a_clear_error() {
        assertThatThrownBy(() -> identities(store("h2"), URI.create("http://localhost:3080"))
                .resolve(request(server(as, true, false), Optional.empty())))
                .isInstanceOfSatisfying(OAuthException.class, e -> {
                    assertThat(e.failure()).isEqualTo(OAuthFailure.NO_CLIENT_IDENTITY);
                    assertThat(e.getMessage()).contains("oauth.client_id");
                });
    }

    @Test
    void a_refused_registration_is_a_typed_failure() {
        as.on("/register", new Reply(400, Map.of("Content-Type", "application/json"),
                "{\"error\":\"invalid_redirect_uri\",\"error_description\":\"no\"}"));
        assertThatThrownBy(() -> identities(store("h2"), PUBLIC_URL).resolve(request(server(as, false, true), Optional.empty())))
                .isInstanceOfSatisfying(OAuthException.class, e -> {
                    assertThat(e.failure()).isEqualTo(OAuthFailure.REGISTRATION_FAILED);
                    assertThat(e.getMessage()).contains("invalid_redirect_uri");
                });
    }

    @Test
    void a_registration_endpoint_that_redirects_is_not_followed() {
        as.on("/register", new Reply(307, Map.of("Location", otherAs.url("/register")), ""));
        otherAs.on("/register", registered("x", "y"));
        assertThatThrownBy(() -> identities(store("h2"), PUBLIC_URL).resolve(request(server(as, false, true), Optional.empty())))
                .isInstanceOfSatisfying(OAuthException.class,
                        e -> assertThat(e.failure()).isEqualTo(OAuthFailure.REGISTRATION_FAILED));
        assertThat(otherAs.seen).isEmpty();
    }
}
