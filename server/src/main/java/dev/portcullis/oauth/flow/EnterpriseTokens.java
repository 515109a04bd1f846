package dev.portcullis.oauth.flow;

import dev.portcullis.config.McpServerConfig;
import dev.portcullis.config.McpServerConfig.EnterpriseManaged;
import dev.portcullis.config.McpServerConfig.OAuthSettings;
import dev.portcullis.config.Secret;
import dev.portcullis.oauth.ClientAuthMethod;
import dev.portcullis.oauth.IdJagClient;
import dev.portcullis.oauth.IdentityProviders;
import dev.portcullis.oauth.OAuthClient;
import dev.portcullis.oauth.OAuthException;
import dev.portcullis.oauth.ResourceUri;
import dev.portcullis.oauth.TokenEndpoint;
import dev.portcullis.oauth.TokenSet;
import dev.portcullis.store.shared.Lock;
import dev.portcullis.store.shared.LockService;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A person's access token for an enterprise-managed server (ID-JAG): the one in the vault while it is
 * good, else a new one — their kept ID token exchanged at the identity provider for an ID-JAG, redeemed at
 * the server's authorization server — with no consent screen. Obtained once per (tenant, user, server)
 * even when many calls need it at once on several replicas: under the same shared lock as a refresh, and
 * whoever waited finds the new token in the vault. Repeated when the token is about to expire, for as long
 * as the ID token is valid.
 */
public final class EnterpriseTokens {
    private static final Logger log = LoggerFactory.getLogger(EnterpriseTokens.class);
    /** Renew this long before expiry, so a token never expires in flight (as a refresh does). */
    static final long RENEW_SKEW_SECONDS = 60;
    /** An ID token is exchanged only while it stays valid this long: the exchange takes two round trips. */
    static final Duration ID_TOKEN_MARGIN = Duration.ofSeconds(15);
    private static final Duration LOCK_LEASE = Duration.ofSeconds(90);
    private static final Duration LOCK_WAIT = Duration.ofSeconds(30);

    private final TokenVault vault;
    private final IdTokens idTokens;
    private final IdJagClient idJag;
    private final IdentityProviders providers;
    private final LockService locks;
    private final Clock clock;

    /** How getting a token went. */
    public sealed interface Outcome {
        /** The person's access token for the server. */
        record Token(Secret accessToken) implements Outcome {
        }

        /** No valid ID token of the person's is kept for the server's identity provider. */
        record NoIdToken(String idpIssuer) implements Outcome {
        }

        /** The identity provider or the authorization server refused, or could not be reached. */
        record Refused(OAuthException failure) implements Outcome {
        }
    }

    /** The parts, taken together (they are many). */
    public record Parts(TokenVault vault, IdTokens idTokens, IdJagClient idJag, IdentityProviders providers,
                        LockService locks, Clock clock) {
    }

    public EnterpriseTokens(Parts parts) {
        this.vault = parts.vault();
        this.idTokens = parts.idTokens();
        this.idJag = parts.idJag();
        this.providers = parts.providers();
        this.locks = parts.locks();
        this.clock = parts.clock();
    }

    public Outcome accessToken(GrantOwner owner, McpServerConfig config) {
        Optional<Grant> grant = current(owner, config);
        if (grant.isPresent()) {
            return new Outcome.Token(grant.get().tokens().accessToken());
        }
        try (Lock lock = locks.acquire(lockName(owner), LOCK_LEASE, LOCK_WAIT)) {
            Optional<Grant> meanwhile = current(owner, config); // another caller or replica may have obtained one
            if (meanwhile.isPresent()) {
                return new Outcome.Token(meanwhile.get().tokens().accessToken());
            }
            return obtain(owner, config);
        }
    }

    /** The server refused the token the vault holds: it is dropped, and a new one obtained (or why not said). */
    public Outcome renew(GrantOwner owner, McpServerConfig config) {
        try (Lock lock = locks.acquire(lockName(owner), LOCK_LEASE, LOCK_WAIT)) {
            if (vault.find(owner).filter(g -> g.isFor(config)).isPresent()) {
                vault.delete(owner);
            }
            return obtain(owner, config);
        }
    }

    /** Whether a token could be had now without asking anyone: one in the vault, or an ID token to exchange. */
    public boolean available(GrantOwner owner, McpServerConfig config) {
        return current(owner, config).isPresent() || idToken(owner, config.enterpriseManaged().orElseThrow()).isPresent();
    }

    private Optional<Grant> current(GrantOwner owner, McpServerConfig config) {
        return vault.find(owner).filter(g -> g.isFor(config)).filter(g -> !g.expiresWithin(clock.instant(), RENEW_SKEW_SECONDS));
    }

    /**
     * The person's kept ID token, if it names them: its {@code user_claim} must be their user id. A console sign-in
     * keeps the token under the id the console's own claim mapping gives, which need not be the claim this server
     * trusts; without this check, a person who could choose that claim at the provider could put their token in
     * someone else's place (the token was verified when it was kept, so its claims are the provider's).
     */
    private Optional<Secret> idToken(GrantOwner owner, EnterpriseManaged settings) {
        return idTokens.usable(new IdTokens.Holder(owner.tenantId(), owner.userId(), settings.idpIssuer()), ID_TOKEN_MARGIN)
                .filter(token -> names(token, settings.userClaim(), owner.userId()));
    }

    private static boolean names(Secret idToken, String claim, String userId) {
        try {
            Object value = com.nimbusds.jwt.SignedJWT.parse(idToken.reveal()).getJWTClaimsSet().getClaim(claim);
            return value instanceof String s && s.equals(userId);
        } catch (java.text.ParseException e) {
            return false;
        }
    }

    private Outcome obtain(GrantOwner owner, McpServerConfig config) {
        EnterpriseManaged settings = config.enterpriseManaged().orElseThrow();
        Optional<Secret> idToken = idToken(owner, settings);
        if (idToken.isEmpty()) {
            return new Outcome.NoIdToken(settings.idpIssuer());
        }
        OAuthSettings oauth = config.oauth().orElseThrow();
        ResourceUri resource = oauth.sendResource() ? ResourceUri.canonical(config.url().orElseThrow()) : ResourceUri.OMITTED;
        List<String> scopes = oauth.scope().map(s -> Arrays.stream(s.trim().split("\\s+")).filter(x -> !x.isEmpty()).toList())
                .orElse(List.of());
        OAuthClient idp = new OAuthClient(settings.idpIssuer(), settings.idpClientId(), settings.idpClientSecret(),
                method(settings.idpClientSecret(), settings.idpTokenExchangeMethod()), OAuthClient.Source.PRE_REGISTERED, "");
        OAuthClient server = new OAuthClient(settings.issuer(), oauth.clientId().orElseThrow(), oauth.clientSecret(),
                method(oauth.clientSecret(), oauth.tokenExchangeMethod()), OAuthClient.Source.PRE_REGISTERED, "");
        String tokenUrl = oauth.tokenUrl().orElseThrow();
        TokenEndpoint endpoint = new TokenEndpoint(settings.issuer(), tokenUrl, oauth.revocationEndpoint(), Optional.empty(),
                config.oauthHeaders());
        try {
            Secret assertion = idJag.requestIdJag(new IdJagClient.Exchange(idToken.get(), idp, providers.tokenEndpoint(settings),
                    settings.issuer(), resource, scopes));
            TokenSet tokens = idJag.redeem(assertion, server, endpoint, resource, scopes);
            vault.save(owner, new Grant(tokens, server, tokenUrl, oauth.revocationEndpoint(), resource, clock.instant(),
                    config.credentialBinding()));
            return new Outcome.Token(tokens.accessToken());
        } catch (OAuthException e) {
            log.info("enterprise-managed authorization of {} at '{}' failed: {}", owner.userId(), owner.serverName(),
                    e.getMessage());
            return new Outcome.Refused(e);
        }
    }

    /** The operator's {@code token_exchange_method} when there is a secret (basic by default); none without one. */
    private static ClientAuthMethod method(Optional<Secret> secret, Optional<OAuthSettings.TokenExchangeMethod> chosen) {
        if (secret.isEmpty()) {
            return ClientAuthMethod.NONE;
        }
        return chosen.filter(m -> m == OAuthSettings.TokenExchangeMethod.DEFAULT_POST)
                .map(m -> ClientAuthMethod.CLIENT_SECRET_POST).orElse(ClientAuthMethod.CLIENT_SECRET_BASIC);
    }

    private static String lockName(GrantOwner owner) {
        return "oauth:refresh:" + owner.flowId();
    }
}
