package dev.portcullis.oauth.dpop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import dev.portcullis.config.McpServerConfig.OAuthSettings.DpopMode;
import dev.portcullis.oauth.OAuthException;
import dev.portcullis.oauth.OAuthFailure;
import java.util.List;
import org.junit.jupiter.api.Test;

/** oauth.dpop with the authorization server's dpop_signing_alg_values_supported: when a grant gets a key. */
class DpopPolicyTest {
    private static final String AS = "https://as.example";

    @Test
    void autoBindsOnlyWhenTheServerOffersDpop() {
        assertThat(DpopPolicy.forNewGrant(DpopMode.AUTO, AS, List.of("ES256"))).contains(JWSAlgorithm.ES256);
        assertThat(DpopPolicy.forNewGrant(DpopMode.AUTO, AS, List.of())).isEmpty();
        assertThat(DpopPolicy.forNewGrant(DpopMode.AUTO, AS, List.of("EdDSA"))).as("nothing we make: Bearer").isEmpty();
    }

    @Test
    void offNeverBinds() {
        assertThat(DpopPolicy.forNewGrant(DpopMode.OFF, AS, List.of("ES256"))).isEmpty();
    }

    @Test
    void requiredBindsEvenWithoutMetadataAndRefusesWhatItCannotHonour() {
        assertThat(DpopPolicy.forNewGrant(DpopMode.REQUIRED, AS, List.of())).contains(JWSAlgorithm.ES256);
        assertThatThrownBy(() -> DpopPolicy.forNewGrant(DpopMode.REQUIRED, AS, List.of("EdDSA")))
                .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.failure()).isEqualTo(OAuthFailure.DPOP_UNSUPPORTED));
    }

    @Test
    void requiredRefusesABearerTokenAndAutoTakesIt() {
        assertThatThrownBy(() -> DpopPolicy.checkIssued(DpopMode.REQUIRED, AS, "Bearer"))
                .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.failure()).isEqualTo(OAuthFailure.DPOP_UNSUPPORTED));
        DpopPolicy.checkIssued(DpopMode.REQUIRED, AS, "dpop");
        DpopPolicy.checkIssued(DpopMode.AUTO, AS, "Bearer");
    }
}
