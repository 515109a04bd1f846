package dev.portcullis.oauth.flow;

import dev.portcullis.config.McpServerConfig;
import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import dev.portcullis.identity.Caller;
import dev.portcullis.oauth.OAuthException;
import dev.portcullis.oauth.OAuthFailure;
import dev.portcullis.upstream.ConnectionScope;
import dev.portcullis.upstream.OAuthRequiredException;
import dev.portcullis.upstream.ResolvedServer;
import dev.portcullis.upstream.UpstreamAuthorization;
import dev.portcullis.upstream.transport.RequestAuthorizer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * OAuth as the upstream layer sees it: every request of a user's connection carries that user's
 * current access token for that server (refreshed ahead of expiry), and a refusal starts the
 * user's authorization. The gateway's own inbound token is never forwarded (token passthrough is
 * forbidden, checklist #35). An enterprise-managed server's token comes from the person's identity-provider
 * sign-in instead ({@link EnterpriseTokens}): nothing is started in a browser, and a refusal says what to do.
 */
public final class OAuthUpstreamAuthorization implements UpstreamAuthorization {
    private final OAuthFlows flows;
    private final OAuthTokens tokens;
    private final Optional<EnterpriseTokens> enterprise;

    public OAuthUpstreamAuthorization(OAuthFlows flows, OAuthTokens tokens) {
        this(flows, tokens, Optional.empty());
    }

    public OAuthUpstreamAuthorization(OAuthFlows flows, OAuthTokens tokens, Optional<EnterpriseTokens> enterprise) {
        this.flows = flows;
        this.tokens = tokens;
        this.enterprise = enterprise;
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
        if (config.enterpriseManaged().isPresent()) {
            // Without a token the request goes out bare; the server's 401 then reaches authorizationRequired, which says why.
            EnterpriseTokens managed = enterprise();
            return () -> managed.accessToken(owner, config) instanceof EnterpriseTokens.Outcome.Token t
                    ? Optional.of("Bearer " + t.accessToken().reveal()) : Optional.empty();
        }
        return () -> tokens.accessToken(owner, config).map(token -> "Bearer " + token.reveal());
    }

    @Override
    public OAuthRequiredException authorizationRequired(Caller caller, McpServerConfig config, Optional<String> challenge) {
        if (config.enterpriseManaged().isPresent()) {
            throw enterpriseRefusal(config, enterprise().renew(owner(caller, config.name()), config));
        }
        OAuthFlows.Started started = flows.start(owner(caller, config.name()), config, challenge);
        return new OAuthRequiredException(config.name(), started.flowId(), started.authorizationUrl(), started.timeLeft());
    }

    @Override
    public boolean holdsGrant(Caller caller, McpServerConfig config) {
        if (config.enterpriseManaged().isPresent()) {
            return enterprise().available(owner(caller, config.name()), config);
        }
        return tokens.usableGrant(owner(caller, config.name()), config).isPresent();
    }

    @Override
    public boolean awaitAuthorization(Caller caller, McpServerConfig config, Duration timeout) throws InterruptedException {
        if (config.enterpriseManaged().isPresent()) {
            return false; // nothing happens in a browser to wait for
        }
        return flows.await(owner(caller, config.name()), timeout);
    }

    private EnterpriseTokens enterprise() {
        return enterprise.orElseThrow(() -> new IllegalStateException("enterprise-managed authorization is not wired"));
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
