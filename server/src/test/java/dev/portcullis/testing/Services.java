package dev.portcullis.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The real services on the machine that tests talk to. A missing service fails the test with a
 * message saying how to start it; tests never skip silently.
 */
public final class Services {
    public static final String POSTGRES_HOST = System.getProperty("portcullis.test.pgHost", "127.0.0.1");
    public static final int POSTGRES_PORT = Integer.getInteger("portcullis.test.pgPort", 5432);
    public static final String POSTGRES_DB = System.getProperty("portcullis.test.pgDatabase", "test");
    public static final String POSTGRES_USER = System.getProperty("portcullis.test.pgUser", "postgres");
    public static final String REDIS_URL = System.getProperty("portcullis.test.redisUrl", "redis://127.0.0.1:6379");

    private Services() {
    }

    /** A fresh, empty schema in the machine's PostgreSQL; returns a JDBC URL that uses it. */
    public static String freshPostgresSchema() {
        String base = "jdbc:postgresql://" + POSTGRES_HOST + ":" + POSTGRES_PORT + "/" + POSTGRES_DB;
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = DriverManager.getConnection(base, POSTGRES_USER, "");
             Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new AssertionError("PostgreSQL is required at " + POSTGRES_HOST + ":" + POSTGRES_PORT + "/" + POSTGRES_DB
                    + " (user " + POSTGRES_USER + ", trust auth) but is not reachable: " + e.getMessage()
                    + ". Start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start", e);
        }
        return base + "?currentSchema=" + schema + "&user=" + POSTGRES_USER;
    }

    /** Fails loudly unless Redis answers at {@link #REDIS_URL}. */
    public static String requireRedis() {
        var uri = java.net.URI.create(REDIS_URL);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 2000);
        } catch (IOException e) {
            throw new AssertionError("Redis is required at " + REDIS_URL + " but is not reachable: " + e.getMessage()
                    + ". Start it: redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save \"\" --appendonly no", e);
        }
        return REDIS_URL;
    }
}
