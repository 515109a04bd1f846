package dev.portcullis.oauth.flow;

import dev.portcullis.config.McpServerConfig;
import dev.portcullis.config.Secret;
import dev.portcullis.crypto.SecretSealer;
import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import dev.portcullis.oauth.AuthorizationCallback;
import dev.portcullis.oauth.AuthorizationRequest;
import dev.portcullis.oauth.AuthorizationRequests;
import dev.portcullis.oauth.AuthorizationServerMetadata;
import dev.portcullis.oauth.BearerChallenge;
import dev.portcullis.oauth.ClientAuthMethod;
import dev.portcullis.oauth.ClientIdentities;
import dev.portcullis.oauth.Discovery;
import dev.portcullis.oauth.OAuthClient;
import dev.portcullis.oauth.OAuthException;
import dev.portcullis.oauth.PinnedServer;
import dev.portcullis.oauth.ResourceUri;
import dev.portcullis.oauth.Scopes;
import dev.portcullis.oauth.StepUp;
import dev.portcullis.oauth.TokenClient;
import dev.portcullis.oauth.TokenEndpoint;
import dev.portcullis.oauth.TokenSet;
import dev.portcullis.oauth.WwwAuthenticate;
import dev.portcullis.oauth.dpop.DpopKey;
import dev.portcullis.oauth.dpop.DpopPolicy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Authorizing one user at one server: starting an attempt (discovery, client identity, PKCE,
 * state), binding it to the user's browser, completing it at the callback (state, binding,
 * {@code iss}, code exchange, tokens into the vault), and telling waiters. One flow per (tenant,
 * user, server); every attempt has a fresh state; PENDING goes stale after ten minutes.
 */
public final class OAuthFlows {
    public static final Duration PENDING_STALE = Duration.ofMinutes(10);
    /** Marks a pending attempt whose code one callback is redeeming right now. */
    private static final String EXCHANGING = "exchanging";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final FlowStore store;
    private final dev.portcullis.store.shared.KeyValueStore kv;
    private final Discovery discovery;
    private final ClientIdentities identities;
    private final TokenClient tokens;
    private final TokenVault vault;
    private final SecretSealer sealer;
    private final Clock clock;
    private volatile java.util.function.Consumer<GrantOwner> completed = owner -> { };

    public OAuthFlows(FlowStoreParts parts, Discovery discovery, ClientIdentities identities, TokenClient tokens,
                      TokenVault vault, SecretSealer sealer, Clock clock) {
        this.store = new FlowStore(parts.kv(), parts.pubSub(), parts.json());
        this.kv = parts.kv();
        this.discovery = discovery;
        this.identities = identities;
        this.tokens = tokens;
        this.vault = vault;
        this.sealer = sealer;
        this.clock = clock;
    }

    /**
     * Called after a grant is stored and before waiters are told, so whatever a waiter does next
     * (reconnect with the new token) happens after it, never under it.
     */
    public void onCompleted(java.util.function.Consumer<GrantOwner> listener) {
        this.completed = listener;
    }

    /** The shared-state parts the flow store is built from. */
    public record FlowStoreParts(dev.portcullis.store.shared.KeyValueStore kv, dev.portcullis.store.shared.PubSub pubSub,
                                 tools.jackson.databind.ObjectMapper json) {
    }

    /** An attempt the user must complete in a browser. */
    public record Started(String flowId, URI authorizationUrl, Duration timeLeft) {
    }

    /**
     * The current attempt for this user and server, or a new one. A pending attempt younger than the
     * stale limit is reused (its URL is still good); anything else starts afresh.
     *
     * @param wwwAuthenticate the 401's challenge, which may name the metadata and the scope
     */
    public Started start(GrantOwner owner, McpServerConfig config, Optional<String> wwwAuthenticate) {
        Optional<FlowStore.Stored> existing = store.get(owner.flowId());
        if (existing.isPresent() && existing.get().record().status() == FlowStatus.PENDING && !isStale(existing.get().record())
                && serverRef(config).equals(existing.get().record().serverRef())) {
            FlowRecord r = existing.get().record();
            return new Started(r.flowId(), URI.create(r.authorizationUrl()), timeLeft(r));
        }
        existing.ifPresent(s -> store.delete(s.record()));
        String serverUrl = config.url().orElseThrow(() -> new GatewayException(ErrorCode.BAD_REQUEST,
                "'" + config.name() + "' has no URL; only remote servers use OAuth"));
        BearerChallenge challenge = wwwAuthenticate.flatMap(h -> WwwAuthenticate.bearer(List.of(h))).orElse(BearerChallenge.NONE);
        Target found = stepUp(owner, config, challenge, target(serverUrl, config, challenge));
        boolean sendResource = config.oauth().map(McpServerConfig.OAuthSettings::sendResource).orElse(true);
        Target target = sendResource ? found : new Target(found.server(), ResourceUri.OMITTED, found.scopes());
        OAuthClient client = identities.resolve(new ClientIdentities.Request(owner.tenantId(), owner.serverName(),
                config.oauth(), target.server(), config.oauthHeaders()));
        // The grant's DPoP key is made now, with the attempt, and kept sealed until the code is redeemed with it.
        Optional<DpopKey> dpop = DpopPolicy.forNewGrant(config.dpopMode(), target.server().issuer(),
                target.server().dpopSigningAlgValuesSupported()).map(DpopKey::generate);
        AuthorizationRequest request = AuthorizationRequests.create(new AuthorizationRequests.Params(target.server(), client,
                target.resource(), target.scopes(), config.oauth(), dpop.map(DpopKey::thumbprint)));
        TokenEndpoint endpoint = TokenEndpoint.of(target.server(), config.oauth(), config.oauthHeaders());
        FlowRecord record = new FlowRecord(owner.flowId(), owner.tenantId(), owner.userId(), owner.serverName(),
                FlowStatus.PENDING, clock.millis(), request.url().toString(), request.state(),
                sealer.seal(request.codeVerifier().reveal(), owner.context("flow.verifier")),
                request.issuer(), request.clientId(),
                client.clientSecret().map(s -> sealer.seal(s.reveal(), owner.context("flow.client_secret"))).orElse(null),
                client.authMethod().name(), client.source().name(), request.redirectUri(), endpoint.tokenUrl(),
                endpoint.revocationUrl().orElse(null), request.resource().value(), request.scopes(),
                request.issParameterRequired(), null, null, serverRef(config),
                dpop.map(k -> sealer.seal(k.privateJwk().reveal(), owner.context("flow.dpop_key"))).orElse(null),
                dpop.map(k -> k.algorithm().getName()).orElse(null));
        store.start(record);
        return new Started(record.flowId(), request.url(), PENDING_STALE);
    }

    /** Which server, and where it sent credentials, an attempt was started for. */
    private static String serverRef(McpServerConfig config) {
        return config.credentialBinding();
    }

    private record Target(AuthorizationServerMetadata server, ResourceUri resource, List<String> scopes) {
    }

    /**
     * After {@code 403 insufficient_scope} with a grant in hand: ask for the union of the granted and
     * the challenged scopes, a limited number of times per user and server (checklist #31–33).
     */
    private Target stepUp(GrantOwner owner, McpServerConfig config, BearerChallenge challenge, Target target) {
        if (!challenge.insufficientScope()) {
            return target;
        }
        Optional<Grant> grant = vault.find(owner).filter(g -> g.isFor(config)); // never another server's scopes
        if (grant.isEmpty()) {
            return target;
        }
        String key = "oauth:step-up:" + owner.flowId();
        int attempts = kv.get(key).map(Integer::parseInt).orElse(0);
        List<String> scopes = StepUp.DEFAULT.nextScopes(grant.get().tokens().scopes(), challenge, attempts);
        kv.put(key, Integer.toString(attempts + 1), FlowStore.KEEP);
        return new Target(target.server(), target.resource(), scopes);
    }

    /**
     * Whether the 2025-03-26 default endpoints may be guessed for this server: not when the operator configured other
     * credentials for it (an API key or headers) and no OAuth, unless they said it requires OAuth.
     */
    public static boolean mayGuessEndpoints(McpServerConfig config) {
        boolean otherCredentials = config.apiKey().isPresent() || !config.headers().isEmpty();
        return config.oauth().isPresent() || config.requiresOAuth().orElse(false) || !otherCredentials;
    }

    /** Discovery, unless the operator pinned the endpoints and the server publishes nothing usable. */
    private Target target(String serverUrl, McpServerConfig config, BearerChallenge challenge) {
        try {
            Discovery.Discovered d = discovery.discover(serverUrl, challenge, config.oauthHeaders(), mayGuessEndpoints(config));
            AuthorizationServerMetadata server = PinnedServer.metadata(config.oauth(), Optional.of(d.server())).orElse(d.server());
            return new Target(server, d.resource(), Scopes.initial(challenge, config.oauth(), d.resourceScopes(), server));
        } catch (OAuthException e) {
            Optional<AuthorizationServerMetadata> pinned = PinnedServer.metadata(config.oauth(), Optional.empty());
            if (pinned.isEmpty()) {
                throw e;
            }
            List<String> scopes = !challenge.scopes().isEmpty() ? challenge.scopes()
                    : config.oauth().flatMap(McpServerConfig.OAuthSettings::scope)
                            .map(s -> List.of(s.trim().split("\\s+"))).orElse(List.of());
            return new Target(pinned.get(), ResourceUri.canonical(serverUrl), scopes);
        }
    }

    /** The authorization URL of the owner's pending attempt, while it is pending and not stale. */
    public Optional<URI> pendingUrl(GrantOwner owner) {
        return store.get(owner.flowId()).map(FlowStore.Stored::record)
                .filter(r -> r.status() == FlowStatus.PENDING && !isStale(r))
                .map(r -> URI.create(r.authorizationUrl()));
    }

    /**
     * Ties the pending attempt to the browser that will complete it: a fresh random value, whose hash
     * the flow keeps, goes into an HttpOnly cookie only that browser holds.
     */
    public Optional<String> bind(GrantOwner owner) {
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<FlowStore.Stored> current = store.get(owner.flowId());
            if (current.isEmpty() || current.get().record().status() != FlowStatus.PENDING
                    || EXCHANGING.equals(current.get().record().error())) {
                return Optional.empty();
            }
            String value = random(32);
            if (store.replace(current.get(), current.get().record().withBinding(sha256(value)))) {
                return Optional.of(value);
            }
        }
        throw new GatewayException(ErrorCode.SERVICE_UNAVAILABLE, "The authorization attempt changed while binding; retry");
    }

    /** What the callback found, for the redirect it answers with. */
    public sealed interface Outcome {
        String serverName();

        record Completed(String serverName, GrantOwner owner) implements Outcome {
        }

        record AlreadyCompleted(String serverName) implements Outcome {
        }

        record Failed(String serverName, String error) implements Outcome {
        }
    }

    /**
     * The callback: find the attempt by state, check it belongs to this server and to this browser,
     * check the response ({@code state}, RFC 9207 {@code iss}), redeem the code once, store the
     * tokens. A repeated callback for a completed attempt succeeds without a second exchange.
     *
     * @param binding        the browser-binding cookie, if the browser sent one
     * @param allowUnbound   LibreChat's lenient mode: accept a pending flow's callback without a cookie
     */
    public Outcome complete(String serverName, java.util.function.Function<GrantOwner, Optional<McpServerConfig>> configs,
                            Map<String, String> params, Optional<String> binding, boolean allowUnbound) {
        String state = params.get("state");
        String error = params.get("error");
        boolean hasError = error != null && !error.isEmpty();
        // LibreChat's result codes where nothing is at stake: a provider's error with no attempt named,
        // and a redirect with neither a code nor an error. No attempt is looked up or touched for them.
        if ((state == null || state.isEmpty()) && hasError) {
            return new Outcome.Failed(serverName, errorCode(error));
        }
        String givenCode = params.get("code");
        if ((givenCode == null || givenCode.isEmpty()) && !hasError) {
            return new Outcome.Failed(serverName, "missing_code");
        }
        if (state == null || state.isEmpty()) {
            return new Outcome.Failed(serverName, "missing_state");
        }
        Optional<FlowStore.Stored> found = store.byState(state);
        if (found.isEmpty() || !found.get().record().serverName().equals(serverName)) {
            return new Outcome.Failed(serverName, "invalid_state");
        }
        FlowStore.Stored stored = found.get();
        FlowRecord record = stored.record();
        if (record.status() == FlowStatus.COMPLETED) {
            return new Outcome.AlreadyCompleted(serverName);
        }
        if (record.status() != FlowStatus.PENDING || isStale(record)) {
            return new Outcome.Failed(serverName, "invalid_state");
        }
        // The flow names the tenant: only now can a tenant's own server be found (it may have been deleted).
        Optional<McpServerConfig> configured = configs.apply(record.owner());
        if (configured.isEmpty()) {
            return new Outcome.Failed(serverName, "invalid_state");
        }
        McpServerConfig config = configured.get();
        // The binding first: without it a caller learns nothing, not even that an exchange is running.
        if (!bindingMatches(record, binding, allowUnbound)) {
            return new Outcome.Failed(serverName, "csrf_validation_failed");
        }
        if (!serverRef(config).equals(record.serverRef())) {
            // Started for another server of this name, or for where this one was before it moved: its
            // tokens were meant for that, and must not be stored for what is there now.
            fail(stored, "server_changed");
            return new Outcome.Failed(serverName, "invalid_state");
        }
        if (EXCHANGING.equals(record.error())) {
            return awaitOther(serverName, record);
        }
        AuthorizationRequest pending = pendingRequest(record);
        Secret code;
        try {
            // state, then RFC 9207 iss, and only then the provider's error: a response from the wrong
            // issuer must not be acted on at all (mix-up attacks).
            code = AuthorizationCallback.code(pending, params);
        } catch (OAuthException e) {
            fail(stored, e.failure().name());
            return new Outcome.Failed(serverName, e.failure() == dev.portcullis.oauth.OAuthFailure.AUTHORIZATION_DENIED
                    ? errorCode(params.get("error")) : "callback_failed");
        }
        // Claim the attempt before redeeming: of two concurrent callbacks only one exchanges the code.
        if (!store.replace(stored, record.withStatus(FlowStatus.PENDING, EXCHANGING))) {
            return complete(serverName, configs, params, binding, allowUnbound);
        }
        try {
            OAuthClient client = client(record);
            TokenEndpoint endpoint = new TokenEndpoint(record.issuer(), record.tokenUrl(),
                    Optional.ofNullable(record.revocationUrl()),
                    config.oauth().flatMap(McpServerConfig.OAuthSettings::audience).filter(a -> !a.isBlank()),
                    config.oauthHeaders());
            Optional<DpopKey> dpop = dpopKey(record);
            TokenSet issued = tokens.exchange(pending, code, client, endpoint, dpop);
            if (dpop.isPresent()) {
                DpopPolicy.checkIssued(config.dpopMode(), record.issuer(), issued.tokenType());
            }
            // Bound to the server as it was when the attempt started (checked above to be as it is now): should
            // the server move while the code is exchanged, this grant is never used for where it went.
            vault.save(record.owner(), new Grant(issued, client, record.tokenUrl(), Optional.ofNullable(record.revocationUrl()),
                    new ResourceUri(record.resource()), clock.instant(), record.serverRef(),
                    // A server that answered with a Bearer token did not bind it: the grant stays Bearer, without the key.
                    dpop.filter(k -> DpopPolicy.isDpop(issued.tokenType()))));
        } catch (RuntimeException e) {
            end(record.flowId(), FlowStatus.FAILED, e instanceof OAuthException o ? o.failure().name() : "exchange_failed");
            return new Outcome.Failed(serverName, "callback_failed");
        }
        completed.accept(record.owner());
        end(record.flowId(), FlowStatus.COMPLETED, null);
        return new Outcome.Completed(serverName, record.owner());
    }

    /** Ends a claimed attempt, retrying the write until it lands (only a cancel may have ended it first). */
    private void end(String flowId, FlowStatus status, String why) {
        for (int attempt = 0; attempt < 5; attempt++) {
            Optional<FlowStore.Stored> current = store.get(flowId);
            if (current.isEmpty() || current.get().record().status() != FlowStatus.PENDING) {
                break;
            }
            if (store.replace(current.get(), current.get().record().withStatus(status, why))) {
                break;
            }
        }
        store.announceEnd(flowId);
    }

    /** Another callback for the same attempt is redeeming the code: report what it achieves. */
    private Outcome awaitOther(String serverName, FlowRecord record) {
        try {
            return await(record.owner(), Duration.ofSeconds(15))
                    ? new Outcome.AlreadyCompleted(serverName) : new Outcome.Failed(serverName, "callback_failed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome.Failed(serverName, "callback_failed");
        }
    }

    private static String errorCode(String providerError) {
        // Only a well-formed OAuth error code is echoed into the result page's URL.
        return providerError != null && providerError.matches("[a-z_]{1,64}") ? providerError : "authorization_denied";
    }

    private void fail(FlowStore.Stored stored, String why) {
        if (store.replace(stored, stored.record().withStatus(FlowStatus.FAILED, why))) {
            store.announceEnd(stored.record().flowId());
        }
    }

    private boolean bindingMatches(FlowRecord record, Optional<String> binding, boolean allowUnbound) {
        if (binding.isPresent() && record.bindingHash() != null) {
            return MessageDigest.isEqual(sha256(binding.get()).getBytes(StandardCharsets.UTF_8),
                    record.bindingHash().getBytes(StandardCharsets.UTF_8));
        }
        return allowUnbound && binding.isEmpty();
    }

    private AuthorizationRequest pendingRequest(FlowRecord r) {
        GrantOwner owner = r.owner();
        return new AuthorizationRequest(URI.create(r.authorizationUrl()), r.state(),
                Secret.of(sealer.open(r.sealedVerifier(), owner.context("flow.verifier"))), r.issuer(), r.clientId(),
                r.redirectUri(), new ResourceUri(r.resource()), r.scopes(), r.issRequired());
    }

    private Optional<DpopKey> dpopKey(FlowRecord r) {
        return Optional.ofNullable(r.sealedDpopKey())
                .map(s -> DpopKey.of(sealer.open(s, r.owner().context("flow.dpop_key")), r.dpopAlg()));
    }

    private OAuthClient client(FlowRecord r) {
        Optional<Secret> secret = Optional.ofNullable(r.sealedClientSecret())
                .map(s -> Secret.of(sealer.open(s, r.owner().context("flow.client_secret"))));
        return new OAuthClient(r.issuer(), r.clientId(), secret, ClientAuthMethod.valueOf(r.authMethod()),
                OAuthClient.Source.valueOf(r.clientSource()), r.redirectUri());
    }

    /**
     * The flow as its owner may see it. Another user's flow answers exactly like an unknown one:
     * flow ids are derived from user and server names, so a distinct answer would tell anyone
     * which users are authorizing where.
     */
    public FlowRecord view(GrantOwner caller, String flowId) {
        FlowRecord r = store.get(flowId).map(FlowStore.Stored::record)
                .filter(found -> found.userId().equals(caller.userId()) && found.tenantId().equals(caller.tenantId()))
                .orElseThrow(() -> new GatewayException(ErrorCode.NOT_FOUND, "Flow not found"));
        return isStale(r) && r.status() == FlowStatus.PENDING ? r.withStatus(FlowStatus.FAILED, "expired") : r;
    }

    /** True while the user has an attempt at the server that can still complete. */
    public boolean isPending(GrantOwner owner) {
        return store.get(owner.flowId()).map(FlowStore.Stored::record)
                .filter(r -> r.status() == FlowStatus.PENDING && !isStale(r)).isPresent();
    }

    /** Ends the user's pending attempt at a server; true when there was one. */
    public boolean cancel(GrantOwner owner) {
        Optional<FlowStore.Stored> current = store.get(owner.flowId());
        if (current.isEmpty() || current.get().record().status() != FlowStatus.PENDING
                || EXCHANGING.equals(current.get().record().error())) {
            return false;
        }
        fail(current.get(), "cancelled");
        return true;
    }

    /** Waits, without polling, until the flow ends or the time is up; true when it completed. */
    public boolean await(GrantOwner owner, Duration timeout) throws InterruptedException {
        CountDownLatch ended = new CountDownLatch(1);
        try (var subscription = store.onEnd(owner.flowId(), message -> ended.countDown())) {
            if (!ended(owner)) { // it may have ended before we subscribed
                ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        return store.get(owner.flowId()).map(s -> s.record().status() == FlowStatus.COMPLETED).orElse(false);
    }

    private boolean ended(GrantOwner owner) {
        return store.get(owner.flowId()).map(s -> s.record().status() != FlowStatus.PENDING).orElse(true);
    }

    private boolean isStale(FlowRecord r) {
        return Instant.ofEpochMilli(r.createdAtMillis()).plus(PENDING_STALE).isBefore(clock.instant());
    }

    private Duration timeLeft(FlowRecord r) {
        Duration left = Duration.between(clock.instant(), Instant.ofEpochMilli(r.createdAtMillis()).plus(PENDING_STALE));
        return left.isNegative() ? Duration.ZERO : left;
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
