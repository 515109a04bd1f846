package dev.portcullis.config;

import java.util.List;
import java.util.Optional;

/**
 * Key material for sealing secrets at rest: the current key and the keys it replaced (still able
 * to decrypt, never used to encrypt). Each key is 32 random bytes, base64-encoded.
 */
public record EncryptionSettings(Optional<Secret> key, List<Secret> previousKeys) {
    public static final int KEY_BYTES = 32;
}
