package dev.portcullis.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The keys of development mode: when the configuration sets no token secret or no encryption
 * key, 32 random bytes are generated once into the data directory with owner-only permissions,
 * so a fresh checkout works without a secret committed anywhere and every command that reads
 * the same configuration agrees on them. The gateway warns about each at start.
 */
public final class DevelopmentKeys {
    static final String TOKEN_SECRET_FILE = "dev-jwt-secret";
    static final String ENCRYPTION_KEY_FILE = "dev-encryption-key";

    private DevelopmentKeys() {
    }

    /** An HS256 secret: 64 hex characters, used as their UTF-8 bytes like LibreChat's JWT_SECRET. */
    public static byte[] tokenSecret(Path dataDir) {
        return loadOrCreate(dataDir.resolve(TOKEN_SECRET_FILE), HexFormat.of()::formatHex).getBytes(StandardCharsets.UTF_8);
    }

    /** A 32-byte AES key. */
    public static byte[] encryptionKey(Path dataDir) {
        return Base64.getDecoder().decode(loadOrCreate(dataDir.resolve(ENCRYPTION_KEY_FILE), Base64.getEncoder()::encodeToString));
    }

    private static String loadOrCreate(Path file, java.util.function.Function<byte[], String> encode) {
        try {
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                byte[] random = new byte[32];
                new SecureRandom().nextBytes(random);
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(file, encode.apply(random), StandardOpenOption.TRUNCATE_EXISTING);
                } catch (FileAlreadyExistsException raced) {
                    // another process created it first; read theirs
                }
            }
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the development key " + file, e);
        }
    }
}
