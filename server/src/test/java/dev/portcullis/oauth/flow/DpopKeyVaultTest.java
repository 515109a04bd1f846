package dev.portcullis.oauth.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import dev.portcullis.config.Secret;
import dev.portcullis.config.StorageSettings;
import dev.portcullis.crypto.SecretSealer;
import dev.portcullis.oauth.ClientAuthMethod;
import dev.portcullis.oauth.OAuthClient;
import dev.portcullis.oauth.ResourceUri;
import dev.portcullis.oauth.TokenSet;
import dev.portcullis.oauth.dpop.DpopKey;
import dev.portcullis.store.Database;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A grant's DPoP key at rest: sealed like its tokens, opened only for its owner, gone with the grant. */
class DpopKeyVaultTest {
    private static final GrantOwner ALICE = new GrantOwner("t1", "alice", "files");

    @TempDir
    Path dir;

    private static SecretSealer sealer() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new SecretSealer(key, List.of());
    }

    private static Grant grant(Optional<DpopKey> key) {
        return new Grant(new TokenSet(Secret.of("access-1"), Optional.empty(), Optional.empty(), List.of("a"), "DPoP"),
                new OAuthClient("https://as.example", "c1", Optional.empty(), ClientAuthMethod.NONE,
                        OAuthClient.Source.DYNAMIC_REGISTRATION, "https://gw/cb"),
                "https://as.example/token", Optional.empty(), ResourceUri.canonical("https://mcp.example.com/mcp"),
                Instant.now(), "operator:x", key);
    }

    @Test
    void theKeyIsSealedAtRestKeptWithItsGrantAndDeletedWithIt() throws Exception {
        try (Database db = Database.open(new StorageSettings("jdbc:h2:file:" + dir.resolve("db")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", Optional.empty(), Optional.empty(), 4, dir))) {
            TokenVault vault = new TokenVault(db.jdbi(), sealer(), Clock.systemUTC());
            DpopKey key = DpopKey.generate(JWSAlgorithm.ES256);
            vault.save(ALICE, grant(Optional.of(key)));

            String privatePart = JWK.parse(key.privateJwk().reveal()).toECKey().getD().toString();
            String rows = db.jdbi().withHandle(h -> h.createQuery("SELECT * FROM oauth_grants").mapToMap().list()).toString();
            assertThat(rows).doesNotContain(privatePart).doesNotContain(key.privateJwk().reveal());
            DpopKey stored = vault.find(ALICE).orElseThrow().dpopKey().orElseThrow();
            assertThat(stored.thumbprint()).isEqualTo(key.thumbprint());
            assertThat(stored.algorithm()).isEqualTo(JWSAlgorithm.ES256);

            vault.save(ALICE, grant(Optional.empty()));
            assertThat(vault.find(ALICE).orElseThrow().dpopKey()).as("a Bearer grant has none").isEmpty();

            vault.save(ALICE, grant(Optional.of(key)));
            db.jdbi().useHandle(h -> h.createUpdate("UPDATE oauth_grants SET user_id = 'mallory'").execute());
            assertThatThrownBy(() -> vault.find(new GrantOwner("t1", "mallory", "files")))
                    .as("sealed for its owner").isInstanceOf(SecretSealer.SealException.class);

            db.jdbi().useHandle(h -> h.createUpdate("UPDATE oauth_grants SET user_id = 'alice'").execute());
            vault.delete(ALICE);
            int keysLeft = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM oauth_grants WHERE sealed_dpop_key IS NOT NULL")
                    .mapTo(Integer.class).one());
            assertThat(keysLeft).isZero();
        }
    }
}
