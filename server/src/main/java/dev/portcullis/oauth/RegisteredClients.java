package dev.portcullis.oauth;

import dev.portcullis.config.Secret;
import dev.portcullis.crypto.SealContext;
import dev.portcullis.crypto.SecretSealer;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Dynamically registered clients, keyed by (tenant, server, issuer) so that a client is only ever
 * looked up for the authorization server that issued it (checklist #6, #20). The secret is sealed
 * with the issuer in its context: a row moved to another issuer's key does not open.
 */
public final class RegisteredClients {
    private final Jdbi jdbi;
    private final SecretSealer sealer;
    private final Clock clock;

    public RegisteredClients(Jdbi jdbi, SecretSealer sealer, Clock clock) {
        this.jdbi = jdbi;
        this.sealer = sealer;
        this.clock = clock;
    }

    /** A client registration: what the authorization server answered, and when its secret expires. */
    record Registration(OAuthClient client, Optional<Instant> secretExpiresAt) {
    }

    /** The client registered for this issuer, unless its secret expired or it no longer opens. */
    Optional<OAuthClient> find(String tenantId, String serverName, String issuer) {
        Optional<Row> row = jdbi.withHandle(h -> h.createQuery("""
                        SELECT client_id, sealed_secret, auth_method, redirect_uri, secret_expires_at FROM oauth_clients
                        WHERE tenant_id = :tenant AND server_name = :server AND issuer = :issuer""")
                .bind("tenant", tenantId).bind("server", serverName).bind("issuer", issuer)
                .map((rs, ctx) -> new Row(rs.getString("client_id"), rs.getString("sealed_secret"),
                        rs.getString("auth_method"), rs.getString("redirect_uri"),
                        Optional.ofNullable(rs.getObject("secret_expires_at", OffsetDateTime.class)).map(OffsetDateTime::toInstant)))
                .findOne());
        return row.filter(r -> r.secretExpiresAt.map(at -> at.isAfter(clock.instant())).orElse(true))
                .flatMap(r -> r.open(sealer, context(tenantId, serverName, issuer), issuer));
    }

    /**
     * Stores a registration and answers the client to use: this one, or — when another request (for
     * another user, on another replica) registered at the same issuer at the same moment and stored its
     * client first — that one, so every user of the server shares one client.
     */
    OAuthClient save(String tenantId, String serverName, Registration registration) {
        OAuthClient client = registration.client();
        SealContext context = context(tenantId, serverName, client.issuer());
        try {
            jdbi.useTransaction(h -> {
                h.createUpdate("DELETE FROM oauth_clients WHERE tenant_id = :tenant AND server_name = :server AND issuer = :issuer")
                        .bind("tenant", tenantId).bind("server", serverName).bind("issuer", client.issuer()).execute();
                h.createUpdate("""
                                INSERT INTO oauth_clients (tenant_id, server_name, issuer, client_id, sealed_secret, auth_method,
                                                           redirect_uri, secret_expires_at, registered_at)
                                VALUES (:tenant, :server, :issuer, :clientId, :secret, :method, :redirect, :expires, :at)""")
                        .bind("tenant", tenantId).bind("server", serverName).bind("issuer", client.issuer())
                        .bind("clientId", client.clientId())
                        .bind("secret", client.clientSecret().map(s -> sealer.seal(s.reveal(), context)).orElse(null))
                        .bind("method", client.authMethod().value()).bind("redirect", client.redirectUri())
                        .bind("expires", registration.secretExpiresAt().map(RegisteredClients::utc).orElse(null))
                        .bind("at", utc(clock.instant()))
                        .execute();
            });
            return client;
        } catch (org.jdbi.v3.core.statement.StatementException e) {
            if (!isUniqueViolation(e)) {
                throw e;
            }
            return find(tenantId, serverName, client.issuer()).filter(c -> c.redirectUri().equals(client.redirectUri()))
                    .orElseThrow(() -> e);
        }
    }

    /** SQLSTATE 23505, unique violation, in PostgreSQL and H2 alike. */
    private static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** Forgets the client, e.g. when the authorization server no longer knows it. */
    public void delete(String tenantId, String serverName, String issuer) {
        jdbi.useHandle(h -> h.createUpdate(
                        "DELETE FROM oauth_clients WHERE tenant_id = :tenant AND server_name = :server AND issuer = :issuer")
                .bind("tenant", tenantId).bind("server", serverName).bind("issuer", issuer).execute());
    }

    /** Forgets every client registered for the server, at any issuer (the server was deleted or moved). */
    public void deleteAll(String tenantId, String serverName) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM oauth_clients WHERE tenant_id = :tenant AND server_name = :server")
                .bind("tenant", tenantId).bind("server", serverName).execute());
    }

    /** Re-seals, with the current key, every client secret sealed with a previous one; returns how many. */
    public int resealAll() {
        record Stale(String tenant, String server, String issuer, String sealed) {
        }
        List<Stale> stale = jdbi.withHandle(h -> h.createQuery(
                        "SELECT tenant_id, server_name, issuer, sealed_secret FROM oauth_clients WHERE sealed_secret IS NOT NULL")
                .map((rs, ctx) -> new Stale(rs.getString("tenant_id"), rs.getString("server_name"), rs.getString("issuer"),
                        rs.getString("sealed_secret")))
                .list()).stream().filter(r -> sealer.needsResealing(r.sealed())).toList();
        for (Stale r : stale) {
            SealContext context = context(r.tenant(), r.server(), r.issuer());
            String secret = sealer.open(r.sealed(), context);
            jdbi.useHandle(h -> h.createUpdate("UPDATE oauth_clients SET sealed_secret = :next WHERE tenant_id = :tenant"
                            + " AND server_name = :server AND issuer = :issuer AND sealed_secret = :previous")
                    .bind("next", sealer.seal(secret, context)).bind("previous", r.sealed()).bind("tenant", r.tenant())
                    .bind("server", r.server()).bind("issuer", r.issuer()).execute());
        }
        return stale.size();
    }

    private static SealContext context(String tenantId, String serverName, String issuer) {
        return new SealContext(tenantId, "", serverName, "oauth.client_secret/" + issuer);
    }

    private static OffsetDateTime utc(Instant at) {
        return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }

    private record Row(String clientId, String sealedSecret, String authMethod, String redirectUri,
                       Optional<Instant> secretExpiresAt) {
        Optional<OAuthClient> open(SecretSealer sealer, SealContext context, String issuer) {
            Optional<Secret> secret;
            try {
                secret = Optional.ofNullable(sealedSecret).map(s -> Secret.of(sealer.open(s, context)));
            } catch (SecretSealer.SealException e) {
                return Optional.empty(); // sealed for another issuer, server or key: register again
            }
            return ClientAuthMethod.of(authMethod).map(method -> new OAuthClient(issuer, clientId, secret, method,
                    OAuthClient.Source.DYNAMIC_REGISTRATION, redirectUri));
        }
    }
}
