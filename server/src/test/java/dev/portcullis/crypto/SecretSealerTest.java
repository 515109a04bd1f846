package dev.portcullis.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretSealerTest {
    private static final SealContext ALICE = new SealContext("t1", "alice", "github", "oauth.tokens");

    private static byte[] key() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    private final byte[] current = key();
    private final SecretSealer sealer = new SecretSealer(current, List.of());

    @Test
    void a_sealed_value_opens_in_its_own_context() {
        String sealed = sealer.seal("gho_token", ALICE);
        assertThat(sealed).startsWith("v1.").doesNotContain("gho_token");
        assertThat(sealer.open(sealed, ALICE)).isEqualTo("gho_token");
    }

    @Test
    void every_seal_uses_a_fresh_nonce() {
        assertThat(sealer.seal("same", ALICE)).isNotEqualTo(sealer.seal("same", ALICE));
    }

    @Test
    void a_value_does_not_open_in_another_context() {
        String sealed = sealer.seal("gho_token", ALICE);
        for (SealContext other : List.of(new SealContext("t2", "alice", "github", "oauth.tokens"),
                new SealContext("t1", "bob", "github", "oauth.tokens"),
                new SealContext("t1", "alice", "gitlab", "oauth.tokens"),
                new SealContext("t1", "alice", "github", "user.vars"),
                // field boundaries are part of the encoding: shifting text between fields must not collide
                new SealContext("t1a", "lice", "github", "oauth.tokens"))) {
            assertThatThrownBy(() -> sealer.open(sealed, other)).as(other.toString())
                    .isInstanceOf(SecretSealer.SealException.class);
        }
    }

    @Test
    void a_changed_byte_is_detected() {
        String sealed = sealer.seal("gho_token", ALICE);
        String[] parts = sealed.split("\\.");
        byte[] bytes = Base64.getUrlDecoder().decode(parts[2]);
        bytes[bytes.length - 1] ^= 1;
        String tampered = parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        assertThatThrownBy(() -> sealer.open(tampered, ALICE)).isInstanceOf(SecretSealer.SealException.class);
    }

    @Test
    void keys_rotate_without_losing_values() {
        String old = sealer.seal("gho_token", ALICE);
        SecretSealer rotated = new SecretSealer(key(), List.of(current));
        assertThat(rotated.open(old, ALICE)).isEqualTo("gho_token");
        assertThat(rotated.needsResealing(old)).isTrue();
        String fresh = rotated.seal("gho_token", ALICE);
        assertThat(rotated.needsResealing(fresh)).isFalse();
        assertThatThrownBy(() -> sealer.open(fresh, ALICE)).as("the old sealer does not know the new key")
                .isInstanceOf(SecretSealer.SealException.class).hasMessageContaining("not configured");
    }

    @Test
    void malformed_values_are_refused_without_echoing_them() {
        for (String bad : List.of("", "plain-secret", "v0.abc.def", "v1.deadbeefdeadbeef.@@@", "v1." + SecretSealer.keyId(current) + ".AAAA")) {
            assertThatThrownBy(() -> sealer.open(bad, ALICE)).isInstanceOf(SecretSealer.SealException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("plain-secret"));
        }
    }

    @Test
    void keys_must_be_32_bytes() {
        assertThatThrownBy(() -> new SecretSealer(new byte[16], List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
