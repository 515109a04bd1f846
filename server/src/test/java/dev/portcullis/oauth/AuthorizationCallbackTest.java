package dev.portcullis.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Checklist #24–25: a response is acted on only when it belongs to this attempt and this issuer. */
class AuthorizationCallbackTest {

    private static AuthorizationRequest pending(boolean issAdvertised) {
        return AuthorizationRequests.create(new AuthorizationRequests.Params(
                Fixtures.server(Fixtures.ISSUER, List.of("S256"), issAdvertised), Fixtures.publicClient(Fixtures.ISSUER),
                ResourceUri.canonical("https://mcp.example.com/mcp"), List.of(), Optional.empty()));
    }

    private static OAuthFailure failure(AuthorizationRequest pending, Map<String, String> params) {
        try {
            AuthorizationCallback.code(pending, params);
        } catch (OAuthException e) {
            return e.failure();
        }
        throw new AssertionError("accepted " + params);
    }

    @Test
    void the_code_is_returned_for_the_right_state_and_issuer() {
        AuthorizationRequest p = pending(true);
        assertThat(AuthorizationCallback.code(p, Map.of("code", "c1", "state", p.state(), "iss", Fixtures.ISSUER)).reveal())
                .isEqualTo("c1");
        AuthorizationRequest q = pending(false);
        assertThat(AuthorizationCallback.code(q, Map.of("code", "c2", "state", q.state())).reveal()).isEqualTo("c2");
    }

    @Test
    void a_missing_or_foreign_state_is_discarded() {
        AuthorizationRequest p = pending(false);
        assertThat(failure(p, Map.of("code", "c"))).isEqualTo(OAuthFailure.STATE_MISMATCH);
        assertThat(failure(p, Map.of("code", "c", "state", pending(false).state()))).isEqualTo(OAuthFailure.STATE_MISMATCH);
    }

    @Test
    void an_iss_of_another_issuer_is_refused_by_exact_comparison() {
        AuthorizationRequest p = pending(false);
        for (String iss : List.of("https://evil.example.com/", "https://auth.example.com", "HTTPS://auth.example.com/",
                "https://auth.example.com:443/")) {
            assertThat(failure(p, Map.of("code", "c", "state", p.state(), "iss", iss)))
                    .as(iss).isEqualTo(OAuthFailure.ISSUER_PARAMETER_MISMATCH);
        }
    }

    @Test
    void an_advertised_iss_must_be_present() {
        AuthorizationRequest p = pending(true);
        assertThat(failure(p, Map.of("code", "c", "state", p.state()))).isEqualTo(OAuthFailure.ISSUER_PARAMETER_MISMATCH);
    }

    @Test
    void on_an_issuer_mismatch_the_error_fields_are_not_repeated() {
        AuthorizationRequest p = pending(false);
        assertThatThrownBy(() -> AuthorizationCallback.code(p, Map.of("state", p.state(), "iss", "https://evil.example.com/",
                "error", "access_denied", "error_description", "call +1-555 to fix")))
                .isInstanceOfSatisfying(OAuthException.class, e -> {
                    assertThat(e.failure()).isEqualTo(OAuthFailure.ISSUER_PARAMETER_MISMATCH);
                    assertThat(e.getMessage()).doesNotContain("access_denied", "555");
                });
    }

    @Test
    void an_error_response_from_the_right_server_is_a_denial() {
        AuthorizationRequest p = pending(false);
        assertThatThrownBy(() -> AuthorizationCallback.code(p, Map.of("state", p.state(), "error", "access_denied",
                "error_description", "user said no")))
                .isInstanceOfSatisfying(OAuthException.class, e -> {
                    assertThat(e.failure()).isEqualTo(OAuthFailure.AUTHORIZATION_DENIED);
                    assertThat(e.getMessage()).contains("access_denied").doesNotContain("user said no");
                });
    }
}
