package dev.portcullis.oauth.dpop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.dpop.JWKThumbprintConfirmation;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPIssuer;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DPoPProtectedResourceRequestVerifier;
import com.nimbusds.oauth2.sdk.dpop.verifiers.DefaultDPoPSingleUseChecker;
import com.nimbusds.oauth2.sdk.dpop.verifiers.InvalidDPoPProofException;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import com.nimbusds.openid.connect.sdk.Nonce;
import dev.portcullis.config.Secret;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** RFC 9449 §4.2 proofs as a resource server checks them (Nimbus' own verifier), and the key's rules. */
class DpopProofsTest {
    private static final Secret TOKEN = Secret.of("access-token-1");
    private final DpopKey key = DpopKey.generate(JWSAlgorithm.ES256);
    private final DPoPProtectedResourceRequestVerifier verifier = new DPoPProtectedResourceRequestVerifier(
            Set.of(JWSAlgorithm.ES256, JWSAlgorithm.PS256), 60, new DefaultDPoPSingleUseChecker(60, 60));

    private void verify(String proof, String method, String url, Secret token, Optional<String> nonce) throws Exception {
        verifier.verify(method, URI.create(url), new DPoPIssuer("client"), SignedJWT.parse(proof),
                new DPoPAccessToken(token.reveal()), new JWKThumbprintConfirmation(new Base64URL(key.thumbprint())),
                nonce.map(Nonce::new).orElse(null));
    }

    @Test
    void aResourceProofNamesMethodUrlWithoutQueryTokenAndNonce() throws Exception {
        String proof = DpopProofs.forResource(key, "POST", URI.create("http://127.0.0.1:9/mcp?x=1#f"), TOKEN, Optional.of("n-1"));

        verify(proof, "POST", "http://127.0.0.1:9/mcp", TOKEN, Optional.of("n-1"));
        SignedJWT jwt = SignedJWT.parse(proof);
        assertThat(jwt.getHeader().getType().toString()).isEqualTo("dpop+jwt");
        assertThat(jwt.getHeader().getJWK().isPrivate()).as("only the public key travels").isFalse();
        assertThat(jwt.getJWTClaimsSet().getStringClaim("htu")).isEqualTo("http://127.0.0.1:9/mcp");
        assertThat(jwt.getJWTClaimsSet().getStringClaim("ath")).isNotBlank();
    }

    @Test
    void aProofForAnotherTokenMethodOrNonceIsRefused() {
        String proof = DpopProofs.forResource(key, "POST", URI.create("http://127.0.0.1:9/mcp"), TOKEN, Optional.empty());

        assertThatThrownBy(() -> verify(proof, "POST", "http://127.0.0.1:9/mcp", Secret.of("another"), Optional.empty()))
                .as("ath binds the proof to its token").isInstanceOf(Exception.class);
        assertThatThrownBy(() -> verify(proof, "GET", "http://127.0.0.1:9/mcp", TOKEN, Optional.empty()))
                .isInstanceOf(InvalidDPoPProofException.class);
        assertThatThrownBy(() -> verify(proof, "POST", "http://127.0.0.1:9/mcp", TOKEN, Optional.of("n-2")))
                .isInstanceOf(InvalidDPoPProofException.class);
    }

    @Test
    void everyProofIsFreshSoNoneIsAReplay() throws Exception {
        URI url = URI.create("http://127.0.0.1:9/mcp");
        String first = DpopProofs.forResource(key, "POST", url, TOKEN, Optional.empty());
        String second = DpopProofs.forResource(key, "POST", url, TOKEN, Optional.empty());

        verify(first, "POST", url.toString(), TOKEN, Optional.empty());
        verify(second, "POST", url.toString(), TOKEN, Optional.empty());
        assertThatThrownBy(() -> verify(first, "POST", url.toString(), TOKEN, Optional.empty()))
                .as("the same proof twice is a replay").isInstanceOf(InvalidDPoPProofException.class);
        assertThat(SignedJWT.parse(first).getJWTClaimsSet().getJWTID())
                .isNotEqualTo(SignedJWT.parse(second).getJWTClaimsSet().getJWTID());
    }

    @Test
    void aTokenRequestProofHasNoAth() throws Exception {
        SignedJWT jwt = SignedJWT.parse(DpopProofs.forTokenRequest(key, URI.create("https://as.example/token"), Optional.empty()));

        assertThat(jwt.getJWTClaimsSet().getStringClaim("htm")).isEqualTo("POST");
        assertThat(jwt.getJWTClaimsSet().getStringClaim("htu")).isEqualTo("https://as.example/token");
        assertThat(jwt.getJWTClaimsSet().getClaim("ath")).isNull();
    }

    @Test
    void theAlgorithmFollowsTheServersList() {
        assertThat(DpopKey.choose(List.of("RS256", "ES256"))).contains(JWSAlgorithm.ES256);
        assertThat(DpopKey.choose(List.of("PS256", "EdDSA"))).contains(JWSAlgorithm.PS256);
        assertThat(DpopKey.choose(List.of("EdDSA"))).isEmpty();
        assertThat(DpopKey.generate(JWSAlgorithm.ES384).algorithm()).isEqualTo(JWSAlgorithm.ES384);
        DpopKey rsa = DpopKey.generate(JWSAlgorithm.PS256);
        assertThat(DpopProofs.forTokenRequest(rsa, URI.create("https://as.example/token"), Optional.empty())).isNotBlank();
    }

    @Test
    void printingAKeyShowsNoPrivatePart() throws Exception {
        String d = JWK.parse(key.privateJwk().reveal()).toECKey().getD().toString();

        assertThat(key.toString()).doesNotContain(d).contains(key.thumbprint());
        assertThat(new DpopCredential(TOKEN, key, new DpopNonces()).toString()).doesNotContain(TOKEN.reveal());
    }

    @Test
    void onlyWellFormedNoncesAreKeptAndTheyArePerOrigin() {
        DpopNonces nonces = new DpopNonces();
        nonces.fromResourceServer(URI.create("http://127.0.0.1:9/a"), "ok-1");
        nonces.fromResourceServer(URI.create("http://127.0.0.1:9/b"), "bad \"nonce\"");

        assertThat(nonces.ofResourceServer(URI.create("http://127.0.0.1:9/other"))).contains("ok-1");
        assertThat(nonces.ofResourceServer(URI.create("http://127.0.0.1:10/a"))).isEmpty();
    }
}
