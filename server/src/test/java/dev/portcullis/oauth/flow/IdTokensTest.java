package dev.portcullis.oauth.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.config.Secret;
import dev.portcullis.crypto.SecretSealer;
import dev.portcullis.store.shared.KeyValueStore;
import dev.portcullis.store.shared.SharedState;
import dev.portcullis.testing.MutableClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** People's ID tokens kept for enterprise-managed servers: sealed, per person and provider, never past their expiry. */
class IdTokensTest {
    private static final String ISSUER = "https://login.corp.example.com";
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T10:00:00Z"));
    private final KeyValueStore store = SharedState.memory(clock).keyValues();
    private final IdTokens idTokens = new IdTokens(store, new SecretSealer(key(), List.of()), JsonMapper.builder().build(), clock);
    private final IdTokens.Holder alice = new IdTokens.Holder("", "alice", ISSUER);

    private static byte[] key() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    @Test
    void a_kept_token_is_sealed_at_rest_and_usable_until_shortly_before_it_expires() {
        idTokens.keep(alice, Secret.of("eyJ.alice-id-token.sig"), clock.instant().plusSeconds(600));

        assertThat(store.get(alice.key())).get().asString().doesNotContain("alice-id-token");
        assertThat(idTokens.usable(alice, Duration.ofSeconds(15))).map(Secret::reveal).contains("eyJ.alice-id-token.sig");
        clock.advance(Duration.ofSeconds(590));
        assertThat(idTokens.usable(alice, Duration.ofSeconds(15))).as("too close to its expiry to exchange").isEmpty();
    }

    @Test
    void a_token_is_the_persons_and_the_providers_only() {
        idTokens.keep(alice, Secret.of("alice-token"), clock.instant().plusSeconds(600));

        assertThat(idTokens.usable(new IdTokens.Holder("", "bob", ISSUER), Duration.ZERO)).isEmpty();
        assertThat(idTokens.usable(new IdTokens.Holder("", "alice", "https://other-idp.example.com"), Duration.ZERO)).isEmpty();
        assertThat(idTokens.usable(new IdTokens.Holder("acme", "alice", ISSUER), Duration.ZERO)).isEmpty();
        // A sealed value copied under another person's key does not open as theirs.
        IdTokens.Holder bob = new IdTokens.Holder("", "bob", ISSUER);
        store.put(bob.key(), store.get(alice.key()).orElseThrow(), Duration.ofMinutes(5));
        assertThatThrownBy(() -> idTokens.usable(bob, Duration.ZERO)).isInstanceOf(SecretSealer.SealException.class);
    }

    @Test
    void an_expired_token_is_not_kept_and_a_shorter_lived_one_does_not_replace_a_longer() {
        idTokens.keep(alice, Secret.of("expired"), clock.instant().minusSeconds(1));
        assertThat(idTokens.usable(alice, Duration.ZERO)).isEmpty();

        idTokens.keep(alice, Secret.of("long"), clock.instant().plusSeconds(3600));
        idTokens.keep(alice, Secret.of("short"), clock.instant().plusSeconds(60));
        assertThat(idTokens.usable(alice, Duration.ZERO)).map(Secret::reveal).contains("long");
    }

    @Test
    void a_forgotten_token_is_gone() {
        idTokens.keep(alice, Secret.of("alice-token"), clock.instant().plusSeconds(600));
        idTokens.forget(alice);

        assertThat(idTokens.usable(alice, Duration.ZERO)).isEmpty();
    }
}
