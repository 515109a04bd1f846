package dev.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.StorageSettings;
import dev.portcullis.testing.Services;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The same storage behaviour on the built-in H2 file database and on the machine's PostgreSQL. */
class DatabaseTest {
    @TempDir
    static Path dataDir;

    static Stream<String> databases() {
        return Stream.of("h2", "postgresql");
    }

    private static StorageSettings settings(String kind) {
        Path dir = dataDir.resolve(kind + "-" + System.nanoTime());
        String url = kind.equals("h2") ? "jdbc:h2:file:" + dir.resolve("portcullis") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE"
                : Services.freshPostgresSchema();
        return new StorageSettings(url, Optional.empty(), Optional.empty(), 4, dir);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void migrates_an_empty_database_and_is_ready(String kind) {
        try (Database db = Database.open(settings(kind))) {
            assertThat(db.isReachable(Duration.ofSeconds(2))).isTrue();
            Integer applied = db.jdbi().withHandle(h -> h.createQuery(
                    "SELECT COUNT(*) FROM \"flyway_schema_history\" WHERE \"success\" = TRUE").mapTo(Integer.class).one());
            assertThat(applied).isGreaterThanOrEqualTo(1);
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void reopening_a_migrated_database_keeps_its_data(String kind) {
        StorageSettings s = settings(kind);
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        try (Database db = Database.open(s)) {
            new AuditLog(db.jdbi()).append(new AuditLog.Event(at, Optional.empty(), "u1", "server.create", "mcp:a",
                    Optional.of("r1"), Optional.empty()));
        }
        try (Database db = Database.open(s)) {
            assertThat(new AuditLog(db.jdbi()).forSubject("mcp:a", 10)).hasSize(1);
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void the_audit_log_keeps_events_newest_first(String kind) {
        try (Database db = Database.open(settings(kind))) {
            AuditLog log = new AuditLog(db.jdbi());
            Instant t0 = Instant.parse("2026-11-27T10:00:00Z");
            log.append(new AuditLog.Event(t0, Optional.of("t1"), "u1", "server.create", "mcp:a", Optional.of("r1"),
                    Optional.of("created")));
            log.append(new AuditLog.Event(t0.plusSeconds(5), Optional.of("t1"), "u2", "server.share", "mcp:a",
                    Optional.empty(), Optional.of("x".repeat(5000))));
            log.append(new AuditLog.Event(t0, Optional.empty(), "u3", "server.create", "mcp:b", Optional.empty(), Optional.empty()));

            var events = log.forSubject("mcp:a", 10);
            assertThat(events).extracting(AuditLog.Event::actorId).containsExactly("u2", "u1");
            assertThat(events.get(1)).isEqualTo(new AuditLog.Event(t0, Optional.of("t1"), "u1", "server.create", "mcp:a",
                    Optional.of("r1"), Optional.of("created")));
            assertThat(events.get(0).detail().orElseThrow()).hasSize(4000);
            assertThat(log.forSubject("mcp:a", 1)).hasSize(1);
        }
    }
}
