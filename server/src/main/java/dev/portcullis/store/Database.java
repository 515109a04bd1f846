package dev.portcullis.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.portcullis.config.Secret;
import dev.portcullis.config.StorageSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * The relational store: a connection pool, the schema brought up to date by Flyway (one
 * migration set for H2 and PostgreSQL), and JDBI for the DAOs.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;

    private Database(HikariDataSource dataSource) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
    }

    /** Opens the pool and migrates the schema; fails with a message that names the URL's kind, not its credentials. */
    public static Database open(StorageSettings settings) {
        if (!settings.isPostgres()) {
            createDataDir(settings.dataDir());
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.jdbcUrl());
        settings.username().ifPresent(config::setUsername);
        settings.password().map(Secret::reveal).ifPresent(config::setPassword);
        config.setMaximumPoolSize(settings.maxPoolSize());
        config.setPoolName("portcullis-db");
        config.setConnectionTimeout(Duration.ofSeconds(10).toMillis());
        // Fail at start, not at the first request, when the database is unreachable.
        config.setInitializationFailTimeout(Duration.ofSeconds(10).toMillis());
        HikariDataSource dataSource = new HikariDataSource(config);
        try {
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        return new Database(dataSource);
    }

    private static void createDataDir(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create the data directory " + dir, e);
        }
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /** True when a connection can be had and answers within the timeout: the readiness probe. */
    public boolean isReachable(Duration timeout) {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid((int) Math.max(1, timeout.toSeconds()));
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
