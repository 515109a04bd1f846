package dev.portcullis.oauth.flow;

import dev.portcullis.config.Secret;
import dev.portcullis.crypto.SealContext;
import dev.portcullis.crypto.SecretSealer;
import dev.portcullis.store.shared.KeyValueStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.ObjectMapper;

/**
 * People's identity-provider ID tokens, kept for enterprise-managed servers (ID-JAG): one per (tenant,
 * user, identity provider), from the console's OpenID sign-in or passed and verified with an API call.
 * Sealed with the owner and the provider as associated data, in the shared store (every replica sees it)
 * for exactly as long as the token is valid, so an expired one is never used and leaves by itself. Not in
 * a cookie, never logged.
 */
public final class IdTokens {
    private static final String PREFIX = "idp-id-token:";

    private final KeyValueStore store;
    private final SecretSealer sealer;
    private final ObjectMapper json;
    private final Clock clock;

    /** Whose ID token, from which provider. */
    public record Holder(String tenantId, String userId, String issuer) {
        SealContext context() {
            // The provider stands where a server name stands: a token sealed for one provider does not open as another's.
            return new SealContext(tenantId, userId, issuer, "idp.id_token");
        }

        String key() {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest((tenantId.length() + ":" + tenantId + "|"
                        + userId.length() + ":" + userId + "|" + issuer).getBytes(StandardCharsets.UTF_8));
                return PREFIX + HexFormat.of().formatHex(digest);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public IdTokens(KeyValueStore store, SecretSealer sealer, ObjectMapper json, Clock clock) {
        this.store = store;
        this.sealer = sealer;
        this.json = json;
        this.clock = clock;
    }

    /** Keeps the ID token until it expires, unless the one kept already lasts longer. An expired one is not kept. */
    public void keep(Holder holder, Secret idToken, Instant expiresAt) {
        Duration left = Duration.between(clock.instant(), expiresAt);
        if (left.isNegative() || left.isZero()) {
            return;
        }
        if (read(holder).map(Kept::expiresAt).filter(kept -> kept.isAfter(expiresAt)).isPresent()) {
            return;
        }
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("sealed", sealer.seal(idToken.reveal(), holder.context()));
        value.put("expiresAt", expiresAt.getEpochSecond());
        store.put(holder.key(), json.writeValueAsString(value), left);
    }

    /** The kept ID token when it stays valid for at least {@code margin}. */
    public Optional<Secret> usable(Holder holder, Duration margin) {
        Instant needed = clock.instant().plus(margin);
        return read(holder).filter(k -> k.expiresAt().isAfter(needed)).map(Kept::idToken);
    }

    /** Forgets the person's ID token (they signed out). */
    public void forget(Holder holder) {
        store.delete(holder.key());
    }

    private record Kept(Secret idToken, Instant expiresAt) {
    }

    private Optional<Kept> read(Holder holder) {
        return store.get(holder.key()).map(text -> {
            Map<?, ?> value = json.readValue(text, Map.class);
            return new Kept(Secret.of(sealer.open((String) value.get("sealed"), holder.context())),
                    Instant.ofEpochSecond(((Number) value.get("expiresAt")).longValue()));
        });
    }
}
