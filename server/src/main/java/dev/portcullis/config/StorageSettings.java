package dev.portcullis.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The relational store. The default is an H2 file database under {@code dataDir}, which needs no
 * setup; a {@code jdbc:postgresql:} URL switches to PostgreSQL.
 */
public record StorageSettings(String jdbcUrl, Optional<String> username, Optional<Secret> password,
                              int maxPoolSize, Path dataDir) {

    public boolean isPostgres() {
        return jdbcUrl.startsWith("jdbc:postgresql:");
    }

    static String defaultH2Url(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.resolve("portcullis").toString().replace('\\', '/')
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;AUTO_SERVER=FALSE";
    }
}
