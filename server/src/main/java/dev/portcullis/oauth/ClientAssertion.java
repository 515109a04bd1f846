package dev.portcullis.oauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.config.MachineGrant.ClientProof.SignedAssertion;
import dev.portcullis.config.PemPrivateKey;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * A {@code private_key_jwt} client assertion (RFC 7523 §2.2 and §3): {@code iss} and {@code sub} are
 * the client id, {@code aud} the authorization server's issuer identifier (what RFC 7523bis
 * requires, and what an assertion cannot be replayed elsewhere with), a fresh {@code jti}, and a
 * lifetime of one minute — long enough for one token request, too short to be worth stealing.
 */
final class ClientAssertion {
    static final Duration LIFETIME = Duration.ofSeconds(60);

    private ClientAssertion() {
    }

    static SignedJWT sign(SignedAssertion proof, String clientId, String audience, Clock clock) {
        PrivateKey key;
        try {
            key = PemPrivateKey.parse(proof.privateKeyPem().reveal());
        } catch (PemPrivateKey.InvalidKey e) {
            // The configuration checked the key; this only happens if that check was bypassed.
            throw new IllegalStateException("the configured private key " + e.getMessage());
        }
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(List.of(audience))
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(LIFETIME)))
                .jwtID(UUID.randomUUID().toString()).build();
        JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.parse(proof.algorithm()));
        proof.keyId().ifPresent(header::keyID);
        SignedJWT jwt = new SignedJWT(header.build(), claims);
        try {
            JWSSigner signer = key instanceof ECPrivateKey ec ? new ECDSASigner(ec) : new RSASSASigner(key);
            jwt.sign(signer);
        } catch (JOSEException e) {
            // The exception's text describes the algorithm and key type only; the key is not in it.
            throw new OAuthException(OAuthFailure.TOKEN_REJECTED, "cannot sign the client assertion with "
                    + proof.algorithm() + ": " + e.getMessage());
        }
        return jwt;
    }
}
