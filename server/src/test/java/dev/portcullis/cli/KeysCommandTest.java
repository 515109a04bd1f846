package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.Secret;
import dev.portcullis.crypto.SecretSealer;
import dev.portcullis.oauth.ClientAuthMethod;
import dev.portcullis.oauth.OAuthClient;
import dev.portcullis.oauth.ResourceUri;
import dev.portcullis.oauth.TokenSet;
import dev.portcullis.oauth.flow.Grant;
import dev.portcullis.oauth.flow.GrantOwner;
import dev.portcullis.oauth.flow.TokenVault;
import dev.portcullis.registry.UserServerStore;
import dev.portcullis.store.Database;
import dev.portcullis.store.UserVariables;
import dev.portcullis.testing.TestConfigs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KeysCommandTest {
    @TempDir
    Path dir;

    private static String key() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return Base64.getEncoder().encodeToString(k);
    }

    private static String run(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(new StringWriter(), true));
        assertThat(cli.execute(args)).isZero();
        return out.toString();
    }

    @Test
    void rotate_prints_a_fresh_key() {
        String printed = run("keys", "rotate").strip();
        assertThat(Base64.getDecoder().decode(printed)).hasSize(32);
        assertThat(run("keys", "rotate").strip()).isNotEqualTo(printed);
    }

    @Test
    void reseal_moves_every_record_to_the_new_key() throws Exception {
        String oldKey = key();
        String newKey = key();
        Path file = dir.resolve("p.yaml");
        Files.writeString(file, "encryption:\n  key: " + oldKey + "\n");
        var config = TestConfigs.fromYaml(Files.readString(file), dir);
        SecretSealer old = new SecretSealer(Base64.getDecoder().decode(oldKey), List.of());
        GrantOwner alice = new GrantOwner("", "alice", "files");
        try (Database db = Database.open(config.storage())) {
            new UserVariables(db.jdbi(), old, Clock.systemUTC()).set(new UserVariables.Owner("", "alice", "files"), Map.of("K", "v"));
            new TokenVault(db.jdbi(), old, Clock.systemUTC()).save(alice, new Grant(
                    new TokenSet(Secret.of("access-1"), Optional.of(Secret.of("refresh-1")), Optional.empty(), List.of("a"), "Bearer"),
                    new OAuthClient("https://as.example.com", "c", Optional.empty(), ClientAuthMethod.NONE,
                            OAuthClient.Source.DYNAMIC_REGISTRATION, "https://gw/cb"),
                    "https://as.example.com/token", Optional.empty(), ResourceUri.canonical("https://mcp.example.com/mcp"),
                    Instant.now(), "operator:test"));
            UserServerStore servers = new UserServerStore(db.jdbi(), old, tools.jackson.databind.json.JsonMapper.builder().build(),
                    Clock.systemUTC());
            db.jdbi().useHandle(h -> servers.insert(h, "00000000-0000-0000-0000-000000000001", "", "files",
                    new dev.portcullis.identity.Caller("alice", "USER", Optional.empty(), Optional.empty(), List.of()),
                    "{\"url\": \"https://mcp.example.com/mcp\"}", Optional.of("Files"), Optional.empty(),
                    dev.portcullis.registry.Inspection.deferred(false)));
        }

        Files.writeString(file, "encryption:\n  key: " + newKey + "\n  previousKeys: [" + oldKey + "]\n");
        assertThat(run("keys", "reseal", "--config", file.toString()))
                .contains("resealed: 1 user variables, 1 grants, 0 registered clients, 1 user servers");
        assertThat(run("keys", "reseal", "--config", file.toString()))
                .as("nothing left on the old key").contains("resealed: 0 user variables, 0 grants, 0 registered clients, 0 user servers");

        SecretSealer onlyNew = new SecretSealer(Base64.getDecoder().decode(newKey), List.of());
        try (Database db = Database.open(config.storage())) {
            assertThat(new UserVariables(db.jdbi(), onlyNew, Clock.systemUTC()).values(new UserVariables.Owner("", "alice", "files")))
                    .containsEntry("K", "v");
            assertThat(new TokenVault(db.jdbi(), onlyNew, Clock.systemUTC()).find(alice).orElseThrow().tokens().accessToken().reveal())
                    .isEqualTo("access-1");
        }
    }
}
