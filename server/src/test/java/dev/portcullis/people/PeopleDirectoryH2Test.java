package dev.portcullis.people;

/** The directory's SQL on H2 (PostgreSQL mode), the embedded default: one migration set, two databases. */
class PeopleDirectoryH2Test extends PeopleDirectoryTest {
    @Override
    String jdbcUrl() {
        return "jdbc:h2:file:" + dir.resolve("people") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
    }
}
