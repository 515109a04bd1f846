package dev.portcullis.crypto;

import dev.portcullis.config.EncryptionSettings;
import dev.portcullis.config.Secret;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

/** Builds the sealer from {@code encryption}, or from the development key when none is configured. */
public final class Sealers {
    private Sealers() {
    }

    public static SecretSealer fromSettings(EncryptionSettings settings, Path dataDir) {
        byte[] current = settings.key().map(Sealers::decode).orElseGet(() -> DevelopmentKeys.encryptionKey(dataDir));
        List<byte[]> previous = settings.previousKeys().stream().map(Sealers::decode).toList();
        return new SecretSealer(current, previous);
    }

    private static byte[] decode(Secret key) {
        return Base64.getDecoder().decode(key.reveal());
    }
}
