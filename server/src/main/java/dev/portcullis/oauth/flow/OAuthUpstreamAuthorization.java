package dev.portcullis.oauth.flow;

import dev.portcullis.config.McpServerConfig;
import dev.portcullis.identity.Caller;
import dev.portcullis.oauth.dpop.DpopCredential;
import dev.portcullis.oauth.dpop.DpopNonces;
import dev.portcullis.oauth.dpop.DpopPolicy;
import dev.portcullis.upstream.ConnectionScope;
import dev.portcullis.upstream.OAuthRequiredException;
import dev.portcullis.upstream.ResolvedServer;
import dev.portcullis.upstream.UpstreamAuthorization;
import dev.portcullis.upstream.transport.RequestAuthorizer;
import dev.portcullis.upstream.transport.RequestCredential;
import java.time.Duration;
import java.util.Optional;

/**
 * OAuth as the upstream layer sees it: every request of a user's connection carries that user's
 * current access token for that server (refreshed ahead of expiry), and a refusal starts the
 * user's authorization. The gateway's own inbound token is never forwarded (token passthrough is
 * forbidden, checklist #35). A token the server issued as {@code DPoP} goes with the DPoP scheme and a
 * fresh proof of the grant's key on every request; a {@code Bearer} token stays Bearer.
 */
public final class OAuthUpstreamAuthorization implements UpstreamAuthorization {
    private final OAuthFlows flows;
    private final OAuthTokens tokens;
    private final DpopNonces nonces;

    public OAuthUpstreamAuthorization(OAuthFlows flows, OAuthTokens tokens) {
        this(flows, tokens, new DpopNonces());
    }

    /** @param nonces the resource servers' latest DPoP nonces, shared by every connection of this replica */
    public OAuthUpstreamAuthorization(OAuthFlows flows, OAuthTokens tokens, DpopNonces nonces) {
        this.flows = flows;
        this.tokens = tokens;
        this.nonces = nonces;
    }

    public static GrantOwner owner(Caller caller, String serverName) {
        return new GrantOwner(caller.tenantId().orElse(""), caller.userId(), serverName);
    }

    @Override
    public RequestAuthorizer authorizer(ResolvedServer server) {
        if (!(server.scope() instanceof ConnectionScope.User user)) {
            return RequestAuthorizer.NONE;
        }
        GrantOwner owner = new GrantOwner(user.tenantId(), user.userId(), server.name());
        McpServerConfig config = server.config();
        return () -> tokens.currentGrant(owner, config).map(this::credential);
    }

    private RequestCredential credential(Grant grant) {
        if (DpopPolicy.isDpop(grant.tokens().tokenType()) && grant.dpopKey().isPresent()) {
            return new DpopCredential(grant.tokens().accessToken(), grant.dpopKey().get(), nonces);
        }
        return new RequestCredential.Header("Bearer " + grant.tokens().accessToken().reveal());
    }

    @Override
    public OAuthRequiredException authorizationRequired(Caller caller, McpServerConfig config, Optional<String> challenge) {
        OAuthFlows.Started started = flows.start(owner(caller, config.name()), config, challenge);
        return new OAuthRequiredException(config.name(), started.flowId(), started.authorizationUrl(), started.timeLeft());
    }

    @Override
    public boolean holdsGrant(Caller caller, McpServerConfig config) {
        return tokens.usableGrant(owner(caller, config.name()), config).isPresent();
    }

    @Override
    public boolean awaitAuthorization(Caller caller, McpServerConfig config, Duration timeout) throws InterruptedException {
        return flows.await(owner(caller, config.name()), timeout);
    }
}
