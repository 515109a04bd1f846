package dev.portcullis.people;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.DirectorySettings;
import dev.portcullis.config.StorageSettings;
import dev.portcullis.identity.Caller;
import dev.portcullis.store.Database;
import dev.portcullis.store.shared.MemoryKeyValueStore;
import dev.portcullis.testing.MutableClock;
import dev.portcullis.testing.Services;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The people directory on the machine's PostgreSQL: what it records, how rarely it writes, what it forgets. */
class PeopleDirectoryTest {
    @TempDir
    Path dir;
    Database database;
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-01T10:00:00Z"));
    MemoryKeyValueStore shared;
    PeopleDirectory directory;

    /** The machine's PostgreSQL; {@link PeopleDirectoryH2Test} runs the same cases on the embedded default. */
    String jdbcUrl() {
        return Services.freshPostgresSchema();
    }

    @BeforeEach
    void open() {
        database = Database.open(new StorageSettings(jdbcUrl(), Optional.empty(), Optional.empty(), 4, dir));
        shared = new MemoryKeyValueStore(clock);
        directory = new PeopleDirectory(database.jdbi(), shared, DirectorySettings.DEFAULTS, clock);
    }

    @AfterEach
    void close() {
        database.close();
    }

    private static Caller ada(String name, String... groups) {
        return new Caller("ada", "USER", Optional.of("Ada@Example.com"), Optional.of("t1"), List.of(groups),
                java.util.Map.of("username", "ada", "name", name, "provider", "local"));
    }

    private String storedName(String tenant, String user) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT name FROM directory_users WHERE tenant_id = :t AND user_id = :u")
                .bind("t", tenant).bind("u", user).mapTo(String.class).findOne().orElse(null));
    }

    /** Changes the stored row behind the directory's back: a write that should not happen would undo it. */
    private void tamper() {
        database.jdbi().useHandle(h -> h.execute("UPDATE directory_users SET name = 'tampered'"));
    }

    @Test
    void records_what_the_token_says_and_finds_it_by_name_email_or_username() {
        directory.seen(ada("Ada Lovelace", "research"));
        Person found = directory.users("t1", List.of("ada")).get("ada");
        assertThat(found).isEqualTo(new Person("ada", Optional.of("ada"), Optional.of("Ada Lovelace"),
                Optional.of("Ada@Example.com"), Optional.of("local"), Optional.of("USER")));
        assertThat(directory.searchUsers("t1", "LOVE", 10)).containsExactly(found);
        assertThat(directory.searchUsers("t1", "ada@example", 10)).containsExactly(found);
        assertThat(directory.searchGroups("t1", "sear", 10)).containsExactly(new KnownGroup("research", 1));
        assertThat(directory.roles("t1")).containsExactly("USER");
    }

    @Test
    void never_finds_another_tenants_people() {
        directory.seen(ada("Ada Lovelace", "research"));
        assertThat(directory.searchUsers("t2", "ada", 10)).isEmpty();
        assertThat(directory.searchUsers("", "ada", 10)).isEmpty();
        assertThat(directory.users("t2", List.of("ada"))).isEmpty();
        assertThat(directory.searchGroups("t2", "research", 10)).isEmpty();
        assertThat(directory.roles("t2")).isEmpty();
    }

    @Test
    void an_unchanged_caller_is_written_again_only_after_the_refresh_interval() {
        directory.seen(ada("Ada Lovelace"));
        tamper();
        directory.seen(ada("Ada Lovelace"));
        assertThat(storedName("t1", "ada")).as("no second write within the interval").isEqualTo("tampered");

        clock.advance(PeopleDirectory.REFRESH.plusSeconds(1));
        directory.seen(ada("Ada Lovelace"));
        assertThat(storedName("t1", "ada")).isEqualTo("Ada Lovelace");
    }

    @Test
    void a_change_is_written_at_once() {
        directory.seen(ada("Ada Lovelace"));
        directory.seen(ada("Ada King"));
        assertThat(storedName("t1", "ada")).isEqualTo("Ada King");
        directory.seen(ada("Ada King", "research"));
        assertThat(directory.searchGroups("t1", "research", 10)).containsExactly(new KnownGroup("research", 1));
    }

    @Test
    void replicas_sharing_the_store_write_a_profile_once() {
        PeopleDirectory other = new PeopleDirectory(database.jdbi(), shared, DirectorySettings.DEFAULTS, clock);
        directory.seen(ada("Ada Lovelace"));
        tamper();
        other.seen(ada("Ada Lovelace"));
        assertThat(storedName("t1", "ada")).isEqualTo("tampered");
    }

    @Test
    void people_not_seen_within_the_retention_are_forgotten() {
        directory.seen(ada("Ada Lovelace", "research"));
        clock.advance(DirectorySettings.DEFAULT_RETENTION.plus(Duration.ofDays(1)));
        directory.seen(new Caller("bob", "USER", Optional.empty(), Optional.of("t1"), List.of()));
        assertThat(directory.users("t1", List.of("ada", "bob"))).containsOnlyKeys("bob");
        assertThat(directory.searchGroups("t1", "research", 10)).isEmpty();
    }

    @Test
    void disabled_it_stores_nobody_and_forgets_whom_it_held() {
        directory.seen(ada("Ada Lovelace"));
        PeopleDirectory off = new PeopleDirectory(database.jdbi(), shared, new DirectorySettings(false, Duration.ofDays(1)), clock);
        off.seen(new Caller("bob", "USER", Optional.empty(), Optional.of("t1"), List.of()));
        assertThat(storedName("t1", "ada")).isNull();
        assertThat(storedName("t1", "bob")).isNull();
        assertThat(off.searchUsers("t1", "ada", 10)).isEmpty();
    }

    @Test
    void like_wildcards_in_a_query_match_themselves() {
        directory.seen(ada("Ada Lovelace"));
        assertThat(directory.searchUsers("t1", "%", 10)).isEmpty();
        assertThat(directory.searchUsers("t1", "a_a", 10)).isEmpty();
    }

    @Test
    void principals_named_by_grants_are_recorded() {
        database.jdbi().useTransaction(h -> {
            directory.granted(h, "t1", "user", "zed");
            directory.granted(h, "t1", "group", "skunkworks");
            directory.granted(h, "t1", "role", "USER");
        });
        assertThat(directory.users("t1", List.of("zed"))).containsKey("zed");
        assertThat(directory.searchGroups("t1", "skunk", 10)).containsExactly(new KnownGroup("skunkworks", 0));
    }
}
