package dev.portcullis.oauth;

import dev.portcullis.config.McpServerConfig;
import dev.portcullis.config.Secret;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token each machine-grant server's shared connection carries: obtained on first need, again
 * shortly before it expires and once after the server refuses it, and shared by every user of the
 * server. Concurrent callers wait for one token request. A refusal is remembered for a few seconds
 * and reported to whoever asks meanwhile, so a wrong credential does not become one token request
 * per tool call (and a refused assertion is not sent again at once).
 *
 * <p>Tokens are kept in this replica's memory only, as {@link Secret}s: they are the gateway's own,
 * short-lived, and cheap to obtain again, so nothing is written to disk or to the shared cache
 * (each replica obtains its own).
 */
public final class MachineTokens {
    private static final Logger log = LoggerFactory.getLogger(MachineTokens.class);
    /** Renew this long before expiry, so a token never expires in flight. */
    static final long RENEW_SKEW_SECONDS = 60;
    /** How long a refusal is answered from memory instead of asking the token endpoint again. */
    static final Duration FAILURE_HOLD = Duration.ofSeconds(15);

    private record Held(McpServerConfig config, TokenSet tokens, Instant obtainedAt) {
    }

    private record Failed(McpServerConfig config, OAuthException failure, Instant at) {
    }

    private final MachineTokenClient client;
    private final Clock clock;
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final Map<String, Failed> failed = new ConcurrentHashMap<>();
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    public MachineTokens(MachineTokenClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    /** The current token for the server, obtained (by one caller, the others waiting) when there is none or it expires. */
    public Secret current(McpServerConfig config) {
        Optional<Held> now = usable(config);
        if (now.isPresent()) {
            return now.get().tokens().accessToken();
        }
        ReentrantLock lock = lockFor(config);
        lock.lock();
        try {
            Optional<Held> meanwhile = usable(config); // the caller before us may have just obtained it
            if (meanwhile.isPresent()) {
                return meanwhile.get().tokens().accessToken();
            }
            return obtain(config, BearerChallenge.NONE, List.of()).accessToken();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The server refused a request (401, or 403 {@code insufficient_scope}): obtains a new token for
     * the challenge — the union of the scopes held and the scopes it asks for — unless another caller
     * did so after the refused request was sent (it carried the old token; the new one is worth a
     * try). True when there is a token worth one more try; a refused token request throws its
     * {@link OAuthException}.
     */
    public boolean renewAfterRefusal(McpServerConfig config, Optional<String> wwwAuthenticate, Instant sentAfter) {
        BearerChallenge challenge = wwwAuthenticate.flatMap(h -> WwwAuthenticate.bearer(List.of(h))).orElse(BearerChallenge.NONE);
        ReentrantLock lock = lockFor(config);
        lock.lock();
        try {
            Optional<Held> current = Optional.ofNullable(held.get(config.name())).filter(h -> h.config().equals(config));
            if (current.isPresent() && current.get().obtainedAt().isAfter(sentAfter)
                    && current.get().tokens().scopes().containsAll(challenge.scopes())) {
                return true;
            }
            List<String> heldScopes = current.map(h -> h.tokens().scopes()).orElse(List.of());
            held.remove(config.name());
            obtain(config, challenge, heldScopes);
            return true;
        } finally {
            lock.unlock();
        }
    }

    private Optional<Held> usable(McpServerConfig config) {
        return Optional.ofNullable(held.get(config.name())).filter(h -> h.config().equals(config))
                .filter(h -> h.tokens().expiresAt().map(e -> e.isAfter(clock.instant().plusSeconds(RENEW_SKEW_SECONDS)))
                        .orElse(true));
    }

    private TokenSet obtain(McpServerConfig config, BearerChallenge challenge, List<String> heldScopes) {
        Failed recent = failed.get(config.name());
        if (recent != null && recent.config().equals(config) && recent.at().isAfter(clock.instant().minus(FAILURE_HOLD))) {
            throw recent.failure();
        }
        BearerChallenge asked = challenge;
        if (!heldScopes.isEmpty() && !challenge.scopes().isEmpty()) {
            // Step-up keeps what the token had (MCP 2026-07-28: the union of requested and challenged scopes).
            Set<String> union = new LinkedHashSet<>(heldScopes);
            union.addAll(challenge.scopes());
            asked = new BearerChallenge(challenge.resourceMetadata(), List.copyOf(union), challenge.error(),
                    challenge.errorDescription());
        }
        TokenSet tokens;
        try {
            tokens = client.obtain(config, asked);
        } catch (OAuthException e) {
            failed.put(config.name(), new Failed(config, e, clock.instant()));
            log.warn("'{}': {}", config.name(), e.getMessage());
            throw e;
        }
        failed.remove(config.name());
        held.put(config.name(), new Held(config, tokens, clock.instant()));
        log.info("'{}': obtained the gateway's own access token{}", config.name(),
                tokens.expiresAt().map(e -> " (valid until " + e + ")").orElse(""));
        return tokens;
    }

    private ReentrantLock lockFor(McpServerConfig config) {
        return locks.computeIfAbsent(config.name(), n -> new ReentrantLock());
    }
}
