package dev.portcullis.oauth.flow;

import dev.portcullis.config.McpServerConfig;
import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import dev.portcullis.identity.Caller;
import dev.portcullis.oauth.MachineTokens;
import dev.portcullis.oauth.OAuthException;
import dev.portcullis.oauth.OAuthFailure;
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
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * OAuth as the upstream layer sees it: every request of a user's connection carries that user's
 * current access token for that server (refreshed ahead of expiry), and a refusal starts the
 * user's authorization. The gateway's own inbound token is never forwarded (token passthrough is
 * forbidden, checklist #35). A token the server issued as {@code DPoP} goes with the DPoP scheme and a
 * fresh proof of the grant's key on every request; a {@code Bearer} token stays Bearer. A server with a
 * machine grant is the exception to "per user": every request carries the gateway's own token for it
 * ({@link MachineTokens}), whoever the caller is, and no user is ever asked to authorize there. An
 * enterprise-managed server's token comes from the person's identity-provider sign-in instead
 * ({@link EnterpriseTokens}): nothing is started in a browser, and a refusal says what to do.
 */
public final class OAuthUpstreamAuthorization implements UpstreamAuthorization {
    private final OAuthFlows flows;
    private final OAuthTokens tokens;
    private final MachineTokens machineTokens;
    private final DpopNonces nonces;
    private final EnterpriseTokens enterprise;

    /**
     * @param nonces the resource servers' latest DPoP nonces, shared by every connection of this replica
     */
    public OAuthUpstreamAuthorization(OAuthFlows flows, OAuthTokens tokens, MachineTokens machineTokens, DpopNonces nonces,
                                      EnterpriseTokens enterprise) {
        this.flows = flows;
        this.tokens = tokens;
        this.machineTokens = machineTokens;
        this.nonces = nonces;
        this.enterprise = enterprise;
    }

    public static GrantOwner owner(Caller caller, String serverName) {
        return new GrantOwner(caller.tenantId().orElse(""), caller.userId(), serverName);
    }

    @Override
    public RequestAuthorizer authorizer(ResolvedServer server) {
        McpServerConfig config = server.config();
        if (config.machineGrant().isPresent()) {
            return () -> {
                try {
                    return Optional.of(new RequestCredential.Header("Bearer " + machineTokens.current(config).reveal()));
                } catch (OAuthException e) {
                    // Sent without a token, the request is refused with a 401, and the refusal path
                    // (renewAfterRefusal) reports this failure to the caller as a typed error.
                    return Optional.empty();
                }
            };
        }
        if (!(server.scope() instanceof ConnectionScope.User user)) {
            return RequestAuthorizer.NONE;
        }
        GrantOwner owner = new GrantOwner(user.tenantId(), user.userId(), server.name());
        if (config.enterpriseManaged().isPresent()) {
            // Without a token the request goes out bare; the server's 401 then reaches authorizationRequired, which says why.
            return () -> enterprise.accessToken(owner, config) instanceof EnterpriseTokens.Outcome.Token t
                    ? Optional.of(new RequestCredential.Header("Bearer " + t.accessToken().reveal())) : Optional.empty();
        }
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
        if (config.machineGrant().isPresent()) {
            throw new GatewayException(ErrorCode.BAD_REQUEST, "The gateway signs in to '" + config.name()
                    + "' as itself (oauth.grant_type); there is nothing for a user to authorize");
        }
        if (config.enterpriseManaged().isPresent()) {
            throw enterpriseRefusal(config, enterprise.renew(owner(caller, config.name()), config));
        }
        OAuthFlows.Started started = flows.start(owner(caller, config.name()), config, challenge);
        return new OAuthRequiredException(config.name(), started.flowId(), started.authorizationUrl(), started.timeLeft());
    }

    @Override
    public boolean holdsGrant(Caller caller, McpServerConfig config) {
        if (config.machineGrant().isPresent()) {
            return true; // the gateway's own, obtained on use
        }
        if (config.enterpriseManaged().isPresent()) {
            return enterprise.available(owner(caller, config.name()), config);
        }
        return tokens.usableGrant(owner(caller, config.name()), config).isPresent();
    }

    @Override
    public boolean renewAfterRefusal(McpServerConfig config, Optional<String> wwwAuthenticate, Instant sentAfter) {
        return config.machineGrant().isPresent() && machineTokens.renewAfterRefusal(config, wwwAuthenticate, sentAfter);
    }

    @Override
    public boolean awaitAuthorization(Caller caller, McpServerConfig config, Duration timeout) throws InterruptedException {
        if (config.enterpriseManaged().isPresent()) {
            return false; // nothing happens in a browser to wait for
        }
        return flows.await(owner(caller, config.name()), timeout);
    }
    /**
     * Why an enterprise-managed server could not be used, in words for whoever can act: the person (sign in
     * again), the platform (pass a fresh ID token) or the operator (the IdP's or the authorization server's answer).
     */
    static GatewayException enterpriseRefusal(McpServerConfig config, EnterpriseTokens.Outcome outcome) {
        String name = config.name();
        return switch (outcome) {
            case EnterpriseTokens.Outcome.NoIdToken none -> new GatewayException(ErrorCode.IDP_SIGN_IN_REQUIRED,
                    "'" + name + "' is authorized through your organization's identity provider (" + none.idpIssuer()
                            + "), and the gateway holds no valid ID token of yours from it: sign in to the console again,"
                            + " or have the platform pass a fresh ID token in the X-Portcullis-Id-Token header",
                    Map.of("serverName", name, "idpIssuer", none.idpIssuer()), null);
            case EnterpriseTokens.Outcome.Refused refused -> refused.failure().failure() == OAuthFailure.TRANSIENT
                    || refused.failure().failure() == OAuthFailure.EGRESS_BLOCKED ? refused.failure()
                    : new GatewayException(ErrorCode.ENTERPRISE_AUTHORIZATION_FAILED, "Enterprise-managed authorization at '"
                            + name + "' failed: " + refused.failure().getMessage() + "; the identity provider's policy may not"
                            + " allow you this server, or the operator should check the server's oauth.enterprise_managed settings",
                    Map.of("serverName", name, "oauthFailure", refused.failure().failure().name()), null);
            // The server refused the token the vault held; a new one is in the vault now.
            case EnterpriseTokens.Outcome.Token token -> new GatewayException(ErrorCode.ENTERPRISE_AUTHORIZATION_FAILED,
                    "'" + name + "' refused the access token its authorization server had issued for you; a new one was"
                            + " obtained, try again (if this repeats, the operator should check that oauth.enterprise_managed.issuer"
                            + " and token_url name the server's own authorization server)",
                    Map.of("serverName", name, "retry", true), null);
        };
    }
}

