package dev.portcullis.oauth.dpop;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import com.nimbusds.oauth2.sdk.dpop.DPoPProofFactory;
import dev.portcullis.config.Secret;
import java.text.ParseException;
import java.util.List;
import java.util.Optional;

/**
 * One grant's DPoP key pair (RFC 9449): made when the grant starts, sealed in the vault with its
 * tokens, used for every token request and every resource request of that grant, deleted with it.
 * It holds a private key, so it is kept as a {@link Secret} and {@link #toString()} shows only the
 * algorithm and the public key's thumbprint.
 *
 * @param privateJwk the key pair as a JWK (JSON), private part included
 * @param algorithm  the JWS algorithm its proofs are signed with
 */
public record DpopKey(Secret privateJwk, JWSAlgorithm algorithm) {

    /** The algorithms a key can be made for, in the order they are preferred. */
    static final List<JWSAlgorithm> MADE = List.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512,
            JWSAlgorithm.PS256, JWSAlgorithm.RS256);

    /** A fresh key pair for {@code algorithm} (one of {@link #MADE}). */
    public static DpopKey generate(JWSAlgorithm algorithm) {
        try {
            JWK jwk;
            if (JWSAlgorithm.ES256.equals(algorithm)) {
                jwk = new ECKeyGenerator(Curve.P_256).generate();
            } else if (JWSAlgorithm.ES384.equals(algorithm)) {
                jwk = new ECKeyGenerator(Curve.P_384).generate();
            } else if (JWSAlgorithm.ES512.equals(algorithm)) {
                jwk = new ECKeyGenerator(Curve.P_521).generate();
            } else if (JWSAlgorithm.PS256.equals(algorithm) || JWSAlgorithm.RS256.equals(algorithm)) {
                jwk = new RSAKeyGenerator(2048).generate();
            } else {
                throw new IllegalArgumentException("no DPoP key can be made for " + algorithm);
            }
            return new DpopKey(Secret.of(jwk.toJSONString()), algorithm);
        } catch (JOSEException e) {
            throw new IllegalStateException("making a DPoP key failed", e);
        }
    }

    /**
     * The algorithm to use with an authorization server that lists {@code supported}
     * ({@code dpop_signing_alg_values_supported}): ES256 when it is listed, else the first of
     * {@link #MADE} it lists; ES256 when it lists nothing (the operator asked for DPoP anyway).
     */
    public static Optional<JWSAlgorithm> choose(List<String> supported) {
        if (supported.isEmpty()) {
            return Optional.of(JWSAlgorithm.ES256);
        }
        return MADE.stream().filter(a -> supported.contains(a.getName())).findFirst();
    }

    /** Reads a key written by {@link #privateJwk()} with its algorithm's name. */
    public static DpopKey of(String jwkJson, String algorithm) {
        return new DpopKey(Secret.of(jwkJson), JWSAlgorithm.parse(algorithm));
    }

    /** A proof factory for this key: Nimbus signs, sets {@code typ}, the public {@code jwk}, {@code jti} and {@code iat}. */
    DPoPProofFactory proofFactory() {
        try {
            return new DefaultDPoPProofFactory(jwk(), algorithm);
        } catch (JOSEException e) {
            throw new IllegalStateException("the DPoP key cannot sign with " + algorithm, e);
        }
    }

    /** RFC 7638 thumbprint of the public key (what a DPoP-bound token's {@code cnf.jkt} names). */
    public String thumbprint() {
        try {
            return jwk().toPublicJWK().computeThumbprint().toString();
        } catch (JOSEException e) {
            throw new IllegalStateException("the DPoP key has no thumbprint", e);
        }
    }

    private JWK jwk() {
        try {
            return JWK.parse(privateJwk.reveal());
        } catch (ParseException e) {
            throw new IllegalStateException("a stored DPoP key is not a JWK");
        }
    }

    @Override
    public String toString() {
        return "DpopKey[" + algorithm + ", jkt=" + thumbprint() + "]";
    }
}
