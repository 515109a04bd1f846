package dev.portcullis.oauth.flow;

import dev.portcullis.config.McpServerConfig;
import dev.portcullis.config.Secret;
import dev.portcullis.oauth.OAuthException;
import dev.portcullis.oauth.OAuthFailure;
import dev.portcullis.oauth.TokenClient;
import dev.portcullis.oauth.TokenEndpoint;
import dev.portcullis.oauth.TokenSet;
import dev.portcullis.store.shared.Lock;
import dev.portcullis.store.shared.LockService;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A user's current access token for a server, refreshed shortly before it expires — once per
 * (tenant, user, server), even when fifty calls need it at the same moment on several replicas:
 * the refresh runs under a shared lock, and whoever gets the lock second finds the fresh token
 * already in the vault. {@code invalid_grant} deletes the grant (the user must authorize again);
 * a transient failure keeps it.
 */
public final class OAuthTokens {
    private static final Logger log = LoggerFactory.getLogger(OAuthTokens.class);
    /** Refresh this long before expiry, so a token never expires in flight. */
    static final long REFRESH_SKEW_SECONDS = 60;
    /** Well above the OAuth HTTP timeout, so a slow refresh never outlives its lock. */
    private static final Duration LOCK_LEASE = Duration.ofSeconds(90);
    private static final Duration LOCK_WAIT = Duration.ofSeconds(30);

    private final TokenVault vault;
    private final TokenClient tokens;
    private final LockService locks;
    private final Clock clock;

    public OAuthTokens(TokenVault vault, TokenClient tokens, LockService locks, Clock clock) {
        this.vault = vault;
        this.tokens = tokens;
        this.locks = locks;
        this.clock = clock;
    }

    /** The user's grant for the server as it is configured now; a grant obtained for where it was before is not. */
    public Optional<Grant> usableGrant(GrantOwner owner, McpServerConfig config) {
        return vault.find(owner).filter(g -> g.isFor(config));
    }

    public Optional<Secret> accessToken(GrantOwner owner, McpServerConfig config) {
        return currentGrant(owner, config).map(g -> g.tokens().accessToken());
    }

    /**
     * The user's grant with a current access token (refreshed first when it is about to expire): the
     * token, its type, and the DPoP key a DPoP-bound token must be presented with.
     */
    public Optional<Grant> currentGrant(GrantOwner owner, McpServerConfig config) {
        Optional<Grant> grant = usableGrant(owner, config);
        if (grant.isEmpty() || !needsRefresh(grant.get())) {
            return grant;
        }
        try (Lock lock = locks.acquire("oauth:refresh:" + owner.flowId(), LOCK_LEASE, LOCK_WAIT)) {
            Optional<Grant> current = usableGrant(owner, config); // another caller or replica may have refreshed meanwhile
            if (current.isEmpty() || !needsRefresh(current.get())) {
                return current;
            }
            return refresh(owner, config, current.get());
        }
    }

    private boolean needsRefresh(Grant g) {
        return g.expiresWithin(clock.instant(), REFRESH_SKEW_SECONDS) && g.tokens().refreshToken().isPresent();
    }

    private Optional<Grant> refresh(GrantOwner owner, McpServerConfig config, Grant grant) {
        TokenEndpoint endpoint = new TokenEndpoint(grant.client().issuer(), grant.tokenUrl(), grant.revocationUrl(),
                // forward_audience_on_refresh: false is for token endpoints that refuse audience on a refresh.
                config.oauth().filter(McpServerConfig.OAuthSettings::forwardAudienceOnRefresh)
                        .flatMap(McpServerConfig.OAuthSettings::audience), config.oauthHeaders());
        try {
            // A DPoP-bound grant is refreshed with a proof of its own key (RFC 9449 §5), never a new one.
            TokenSet fresh = tokens.refresh(grant.tokens().refreshToken().orElseThrow(), grant.resource(),
                    grant.tokens().scopes(), grant.client(), endpoint, grant.dpopKey());
            TokenSet kept = fresh.refreshToken().isPresent() ? fresh : new TokenSet(fresh.accessToken(),
                    grant.tokens().refreshToken(), fresh.expiresAt(), fresh.scopes(), fresh.tokenType());
            Grant refreshed = grant.withTokens(kept, clock.instant());
            vault.save(owner, refreshed);
            return Optional.of(refreshed);
        } catch (OAuthException e) {
            if (e.failure() == OAuthFailure.INVALID_GRANT) {
                // Delete only the grant that was refused, never one saved meanwhile with a newer refresh token.
                boolean unchanged = vault.find(owner).flatMap(g -> g.tokens().refreshToken())
                        .map(r -> r.equals(grant.tokens().refreshToken().orElseThrow())).orElse(false);
                if (unchanged) {
                    log.info("the grant of {} at '{}' is no longer valid; the user must authorize again", owner.userId(),
                            owner.serverName());
                    vault.delete(owner);
                }
                return Optional.empty();
            }
            log.warn("refreshing the token of {} at '{}' failed ({}); keeping the grant", owner.userId(),
                    owner.serverName(), e.failure());
            return Optional.of(grant);
        }
    }

    /** Revokes at the server when it offers revocation (refresh token first, then access), then deletes. */
    public boolean disconnect(GrantOwner owner, McpServerConfig config) {
        // Under the refresh lock: a refresh finishing after the delete would bring the grant back.
        try (Lock lock = locks.acquire("oauth:refresh:" + owner.flowId(), LOCK_LEASE, LOCK_WAIT)) {
            return revokeAndDelete(owner, config, g -> true); // the user's own grant, whatever it was for
        }
    }

    /**
     * Every user's grant for the server, revoked where the server offers revocation and deleted:
     * the grants obtained for it as {@code config} describes it, or, when {@code anyConfiguration},
     * for any configuration of this server (it was deleted). Grants obtained meanwhile for where the
     * server is now, or for another server since created under the name, are left alone. Returns how
     * many were dropped.
     */
    public int disconnectAll(String tenantId, McpServerConfig config, boolean anyConfiguration) {
        String binding = config.credentialBinding();
        String identity = config.credentialIdentity() + ":";
        java.util.function.Predicate<Grant> ours = anyConfiguration
                ? g -> g.binding().startsWith(identity) : g -> g.binding().equals(binding);
        int count = 0;
        for (GrantOwner owner : vault.owners(tenantId, config.name())) {
            try (Lock lock = locks.acquire("oauth:refresh:" + owner.flowId(), LOCK_LEASE, LOCK_WAIT)) {
                if (revokeAndDelete(owner, config, ours)) {
                    count++;
                }
            }
        }
        return count;
    }

    private boolean revokeAndDelete(GrantOwner owner, McpServerConfig config, java.util.function.Predicate<Grant> which) {
        Optional<Grant> grant = vault.find(owner).filter(which);
        if (grant.isEmpty()) {
            return false;
        }
        Grant g = grant.get();
        if (g.revocationUrl().isPresent()) {
            TokenEndpoint endpoint = new TokenEndpoint(g.client().issuer(), g.tokenUrl(), g.revocationUrl(), Optional.empty(),
                    config.oauthHeaders());
            try {
                g.tokens().refreshToken().ifPresent(r -> tokens.revoke(r, TokenClient.TokenKind.REFRESH_TOKEN, g.client(), endpoint));
                tokens.revoke(g.tokens().accessToken(), TokenClient.TokenKind.ACCESS_TOKEN, g.client(), endpoint);
            } catch (OAuthException e) {
                log.warn("revoking the tokens of {} at '{}' failed ({}); deleting them anyway", owner.userId(),
                        owner.serverName(), e.failure());
            }
        }
        return vault.delete(owner);
    }
}
