package dev.portcullis.oauth.flow;

import dev.portcullis.config.Secret;
import dev.portcullis.crypto.SecretSealer;
import dev.portcullis.oauth.ClientAuthMethod;
import dev.portcullis.oauth.OAuthClient;
import dev.portcullis.oauth.ResourceUri;
import dev.portcullis.oauth.TokenSet;
import dev.portcullis.oauth.dpop.DpopKey;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The token vault: grants at rest, every token and client secret sealed (AES-256-GCM) with its
 * owner and kind as associated data, so a row copied to another user, server or column does not
 * open. A grant's DPoP private key is sealed the same way, and goes with the grant. Values sealed with a previous key open and are re-sealed on the next write.
 */
public final class TokenVault {
    private final Jdbi jdbi;
    private final SecretSealer sealer;
    private final Clock clock;

    public TokenVault(Jdbi jdbi, SecretSealer sealer, Clock clock) {
        this.jdbi = jdbi;
        this.sealer = sealer;
        this.clock = clock;
    }

    public Optional<Grant> find(GrantOwner owner) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM oauth_grants WHERE tenant_id = :tenant AND user_id = :user AND server_name = :server""")
                .bind("tenant", owner.tenantId()).bind("user", owner.userId()).bind("server", owner.serverName())
                .map((rs, ctx) -> read(owner, rs)).findOne());
    }

    public void save(GrantOwner owner, Grant grant) {
        TokenSet t = grant.tokens();
        OAuthClient c = grant.client();
        jdbi.useTransaction(h -> {
            delete(h, owner);
            h.createUpdate("""
                            INSERT INTO oauth_grants (tenant_id, user_id, server_name, issuer, client_id, sealed_client_secret,
                                auth_method, client_source, redirect_uri, token_url, revocation_url, resource_uri,
                                sealed_access, sealed_refresh, expires_at, scopes, token_type, updated_at, binding,
                                sealed_dpop_key, dpop_alg)
                            VALUES (:tenant, :user, :server, :issuer, :clientId, :secret, :method, :source, :redirect,
                                :tokenUrl, :revocationUrl, :resource, :access, :refresh, :expires, :scopes, :type, :at, :binding,
                                :dpopKey, :dpopAlg)""")
                    .bind("tenant", owner.tenantId()).bind("user", owner.userId()).bind("server", owner.serverName())
                    .bind("issuer", c.issuer()).bind("clientId", c.clientId())
                    .bind("secret", c.clientSecret().map(s -> sealer.seal(s.reveal(), owner.context("client_secret"))).orElse(null))
                    .bind("method", c.authMethod().name()).bind("source", c.source().name())
                    .bind("redirect", c.redirectUri()).bind("tokenUrl", grant.tokenUrl())
                    .bind("revocationUrl", grant.revocationUrl().orElse(null)).bind("resource", grant.resource().value())
                    .bind("access", sealer.seal(t.accessToken().reveal(), owner.context("access_token")))
                    .bind("refresh", t.refreshToken().map(r -> sealer.seal(r.reveal(), owner.context("refresh_token"))).orElse(null))
                    .bind("expires", t.expiresAt().map(at -> OffsetDateTime.ofInstant(at, ZoneOffset.UTC)).orElse(null))
                    .bind("scopes", String.join(" ", t.scopes())).bind("type", t.tokenType())
                    .bind("at", OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
                    .bind("binding", grant.binding())
                    .bind("dpopKey", grant.dpopKey().map(k -> sealer.seal(k.privateJwk().reveal(), owner.context("dpop_key")))
                            .orElse(null))
                    .bind("dpopAlg", grant.dpopKey().map(k -> k.algorithm().getName()).orElse(null))
                    .execute();
        });
    }

    public boolean delete(GrantOwner owner) {
        return jdbi.withHandle(h -> delete(h, owner)) > 0;
    }

    /** Every user holding a grant for the server. */
    public List<GrantOwner> owners(String tenantId, String serverName) {
        return jdbi.withHandle(h -> h.createQuery("SELECT user_id FROM oauth_grants WHERE tenant_id = :tenant AND server_name = :server")
                .bind("tenant", tenantId).bind("server", serverName)
                .map((rs, ctx) -> new GrantOwner(tenantId, rs.getString("user_id"), serverName)).list());
    }

    /** Deletes every user's grant for a server (the server was removed). */
    public int deleteAll(String tenantId, String serverName) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM oauth_grants WHERE tenant_id = :tenant AND server_name = :server")
                .bind("tenant", tenantId).bind("server", serverName).execute());
    }

    /** Re-seals, with the current key, every grant holding a value sealed with a previous one; returns how many. */
    public int resealAll() {
        List<GrantOwner> owners = jdbi.withHandle(h -> h.createQuery("SELECT tenant_id, user_id, server_name,"
                        + " sealed_client_secret, sealed_access, sealed_refresh, sealed_dpop_key FROM oauth_grants")
                .map((rs, ctx) -> {
                    boolean stale = java.util.stream.Stream.of(rs.getString("sealed_client_secret"), rs.getString("sealed_access"),
                            rs.getString("sealed_refresh"), rs.getString("sealed_dpop_key")).filter(java.util.Objects::nonNull).anyMatch(sealer::needsResealing);
                    return stale ? new GrantOwner(rs.getString("tenant_id"), rs.getString("user_id"), rs.getString("server_name")) : null;
                })
                .list()).stream().filter(java.util.Objects::nonNull).toList();
        owners.forEach(owner -> find(owner).ifPresent(grant -> save(owner, grant)));
        return owners.size();
    }

    private static int delete(org.jdbi.v3.core.Handle h, GrantOwner owner) {
        return h.createUpdate("DELETE FROM oauth_grants WHERE tenant_id = :tenant AND user_id = :user AND server_name = :server")
                .bind("tenant", owner.tenantId()).bind("user", owner.userId()).bind("server", owner.serverName()).execute();
    }

    private Grant read(GrantOwner owner, ResultSet rs) throws SQLException {
        Optional<Secret> clientSecret = Optional.ofNullable(rs.getString("sealed_client_secret"))
                .map(s -> Secret.of(sealer.open(s, owner.context("client_secret"))));
        OAuthClient client = new OAuthClient(rs.getString("issuer"), rs.getString("client_id"), clientSecret,
                ClientAuthMethod.valueOf(rs.getString("auth_method")), OAuthClient.Source.valueOf(rs.getString("client_source")),
                rs.getString("redirect_uri"));
        Secret access = Secret.of(sealer.open(rs.getString("sealed_access"), owner.context("access_token")));
        Optional<Secret> refresh = Optional.ofNullable(rs.getString("sealed_refresh"))
                .map(s -> Secret.of(sealer.open(s, owner.context("refresh_token"))));
        String scopes = rs.getString("scopes");
        TokenSet tokens = new TokenSet(access, refresh,
                Optional.ofNullable(rs.getObject("expires_at", OffsetDateTime.class)).map(OffsetDateTime::toInstant),
                scopes.isBlank() ? List.of() : Arrays.asList(scopes.split(" ")), rs.getString("token_type"));
        String dpopAlg = rs.getString("dpop_alg");
        Optional<DpopKey> dpopKey = Optional.ofNullable(rs.getString("sealed_dpop_key"))
                .map(s -> DpopKey.of(sealer.open(s, owner.context("dpop_key")), dpopAlg));
        return new Grant(tokens, client, rs.getString("token_url"), Optional.ofNullable(rs.getString("revocation_url")),
                new ResourceUri(rs.getString("resource_uri")),
                rs.getObject("updated_at", OffsetDateTime.class).toInstant(), rs.getString("binding"), dpopKey);
    }
}
