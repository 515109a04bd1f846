package dev.portcullis.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets at rest with AES-256-GCM: a fresh random 96-bit nonce per value, the
 * {@link SealContext} as associated data, and the id of the key in the output so keys can rotate.
 * New values are always sealed with the current key; values sealed with a previous key still
 * open, and {@link #needsResealing(String)} tells the caller to write them again.
 *
 * <p>Format: {@code v1.<key id>.<base64url(nonce || ciphertext || tag)>}, where the key id is the
 * first 8 bytes of SHA-256 of the key, in hex — it names the key without revealing it.
 */
public final class SecretSealer {
    private static final String VERSION = "v1";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final String currentKeyId;
    private final Map<String, SecretKeySpec> keys;
    private final SecureRandom random = new SecureRandom();

    /** @param current the key to seal with; {@code previous} keys only open */
    public SecretSealer(byte[] current, List<byte[]> previous) {
        Map<String, SecretKeySpec> all = new LinkedHashMap<>();
        currentKeyId = keyId(current);
        all.put(currentKeyId, spec(current));
        for (byte[] key : previous) {
            all.putIfAbsent(keyId(key), spec(key));
        }
        this.keys = Map.copyOf(all);
    }

    private static SecretKeySpec spec(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("encryption keys are 32 bytes");
        }
        return new SecretKeySpec(key.clone(), "AES");
    }

    static String keyId(byte[] key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String seal(String plaintext, SealContext context) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(currentKeyId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.associatedData());
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return VERSION + "." + currentKeyId + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /** Opens a sealed value; fails when the key is unknown, the context differs, or a byte was changed. */
    public String open(String sealed, SealContext context) {
        String[] parts = sealed.split("\\.", -1);
        if (parts.length != 3 || !parts[0].equals(VERSION)) {
            throw new SealException("not a sealed value of a known version");
        }
        SecretKeySpec key = keys.get(parts[1]);
        if (key == null) {
            throw new SealException("sealed with key " + parts[1] + ", which is not configured (encryption.key or previousKeys)");
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new SealException("the sealed value is corrupt");
        }
        if (bytes.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new SealException("the sealed value is truncated");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
            cipher.updateAAD(context.associatedData());
            return new String(cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new SealException("the sealed value does not belong to this record, or was altered");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /** True when the value was sealed with a previous key and should be written again. */
    public boolean needsResealing(String sealed) {
        String[] parts = sealed.split("\\.", 3);
        return parts.length == 3 && !parts[1].equals(currentKeyId);
    }

    /** A sealed value that cannot be opened. The message never contains the value. */
    public static final class SealException extends RuntimeException {
        SealException(String message) {
            super(message);
        }
    }
}
