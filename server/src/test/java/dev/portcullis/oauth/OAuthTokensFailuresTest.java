package dev.portcullis.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.McpServerConfig;
import dev.portcullis.config.Secret;
import dev.portcullis.config.StorageSettings;
import dev.portcullis.crypto.SecretSealer;
import dev.portcullis.oauth.FakeServer.Reply;
import dev.portcullis.oauth.flow.Grant;
import dev.portcullis.oauth.flow.GrantOwner;
import dev.portcullis.oauth.flow.OAuthTokens;
import dev.portcullis.oauth.flow.TokenVault;
import dev.portcullis.store.Database;
import dev.portcullis.store.shared.SharedState;
import dev.portcullis.testing.TestConfigs;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a failed refresh does to the grant: {@code invalid_grant} ends it, anything transient keeps it. */
class OAuthTokensFailuresTest {
    private static final GrantOwner ALICE = new GrantOwner("", "alice", "files");

    @TempDir
    Path dir;

    private final LoopbackHttp loopback = new LoopbackHttp();
    private final FakeServer as = new FakeServer();
    private final SharedState shared = SharedState.memory(Clock.systemUTC());
    private Database db;

    @AfterEach
    void close() throws Exception {
        shared.close();
        if (db != null) {
            db.close();
        }
        as.close();
        loopback.close();
    }

    private TokenVault vaultWithExpiredGrant() {
        db = Database.open(new StorageSettings("jdbc:h2:file:" + dir.resolve("db") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE",
                Optional.empty(), Optional.empty(), 2, dir));
        TokenVault vault = new TokenVault(db.jdbi(), new SecretSealer(new byte[32], List.of()), Clock.systemUTC());
        OAuthClient client = new OAuthClient(as.url("/"), "c1", Optional.empty(), ClientAuthMethod.NONE,
                OAuthClient.Source.DYNAMIC_REGISTRATION, "https://gw/cb");
        vault.save(ALICE, new Grant(new TokenSet(Secret.of("old-access"), Optional.of(Secret.of("old-refresh")),
                Optional.of(Instant.now().minusSeconds(10)), List.of("s"), "Bearer"), client, as.url("/token"),
                Optional.empty(), ResourceUri.canonical("https://mcp.example.com/mcp"), Instant.now(), files().credentialBinding()));
        return vault;
    }

    private OAuthTokens tokens(TokenVault vault) {
        return new OAuthTokens(vault, new TokenClient(loopback.http, Clock.systemUTC()), shared.locks(), Clock.systemUTC());
    }

    private static McpServerConfig files() {
        return TestConfigs.fromYaml("mcpServers:\n  files: {type: streamable-http, url: 'https://mcp.example.com/mcp', requiresOAuth: true}\n",
                Path.of(".")).mcpServers().get("files");
    }

    @Test
    void invalid_grant_deletes_the_grant_so_the_user_authorizes_again() {
        TokenVault vault = vaultWithExpiredGrant();
        as.on("/token", new Reply(400, Map.of("Content-Type", "application/json"), "{\"error\":\"invalid_grant\"}"));
        assertThat(tokens(vault).accessToken(ALICE, files())).isEmpty();
        assertThat(vault.find(ALICE)).isEmpty();
    }

    @Test
    void a_transient_failure_keeps_the_grant() {
        TokenVault vault = vaultWithExpiredGrant();
        as.on("/token", new Reply(503, Map.of("Content-Type", "application/json"), "{\"error\":\"temporarily_unavailable\"}"));
        assertThat(tokens(vault).accessToken(ALICE, files()).map(Secret::reveal)).contains("old-access");
        assertThat(vault.find(ALICE)).isPresent();
    }
}
