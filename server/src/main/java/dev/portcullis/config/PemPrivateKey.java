package dev.portcullis.config;

import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * A PKCS#8 PEM private key ({@code -----BEGIN PRIVATE KEY-----}) and the JWS algorithms it can sign
 * with. Nothing here ever puts the key's text in a message: a problem is described by its kind only.
 */
public final class PemPrivateKey {
    /** The algorithms a client assertion may use, per key type. */
    public static final List<String> RSA_ALGORITHMS = List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512");
    public static final List<String> EC_ALGORITHMS = List.of("ES256", "ES384", "ES512");

    private PemPrivateKey() {
    }

    /** The key, or an explanation (that never repeats the key) of why it cannot be read. */
    public static PrivateKey parse(String pem) throws InvalidKey {
        String text = pem.strip();
        if (text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN EC PRIVATE KEY")) {
            throw new InvalidKey("is a PKCS#1/SEC1 key; convert it to PKCS#8 (openssl pkcs8 -topk8 -nocrypt -in key.pem)");
        }
        if (text.contains("ENCRYPTED PRIVATE KEY")) {
            throw new InvalidKey("is encrypted; give an unencrypted PKCS#8 key (keep it in a secret store or a protected file)");
        }
        String begin = "-----BEGIN PRIVATE KEY-----";
        String end = "-----END PRIVATE KEY-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new InvalidKey("is not a PEM private key (-----BEGIN PRIVATE KEY----- ... -----END PRIVATE KEY-----)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to).replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new InvalidKey("is not valid base64 between its PEM lines");
        }
        for (String type : List.of("RSA", "EC")) {
            try {
                return KeyFactory.getInstance(type).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (InvalidKeySpecException | NoSuchAlgorithmException e) {
                // try the next key type
            }
        }
        throw new InvalidKey("is neither an RSA nor an EC (P-256, P-384, P-521) PKCS#8 private key");
    }

    /** The algorithms this key can sign with; the first is the default. */
    public static List<String> algorithmsFor(PrivateKey key) {
        if (key instanceof RSAPrivateKey) {
            return RSA_ALGORITHMS;
        }
        if (key instanceof ECPrivateKey ec) {
            return switch (ec.getParams().getCurve().getField().getFieldSize()) {
                case 256 -> List.of("ES256");
                case 384 -> List.of("ES384");
                case 521 -> List.of("ES512");
                default -> List.of();
            };
        }
        return List.of();
    }

    /** The default algorithm for a key: RS256 for RSA, the curve's ES algorithm for EC. */
    public static Optional<String> defaultAlgorithm(PrivateKey key) {
        return algorithmsFor(key).stream().findFirst();
    }

    /** Why a key cannot be used; the message names the problem, never the key. */
    public static final class InvalidKey extends Exception {
        public InvalidKey(String message) {
            super(message);
        }
    }
}
