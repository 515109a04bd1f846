package dev.portcullis.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Checklist #21–22, #24, #26, #41: what goes into the authorization URL, and what stops one being made. */
class AuthorizationRequestsTest {
    private static final ResourceUri RESOURCE = ResourceUri.canonical("https://mcp.example.com/mcp");

    private static AuthorizationRequest create(AuthorizationServerMetadata server, Optional<dev.portcullis.config.McpServerConfig.OAuthSettings> settings) {
        return AuthorizationRequests.create(new AuthorizationRequests.Params(server, Fixtures.publicClient(server.issuer()),
                RESOURCE, List.of("mcp:tools"), settings));
    }

    private static Map<String, String> query(AuthorizationRequest request) {
        return Arrays.stream(request.url().getRawQuery().split("&")).map(p -> p.split("=", 2))
                .collect(Collectors.toMap(p -> p[0], p -> URLDecoder.decode(p[1], StandardCharsets.UTF_8)));
    }

    @Test
    void carries_pkce_s256_state_resource_scope_and_redirect_uri() {
        AuthorizationRequest request = create(Fixtures.server(), Optional.empty());
        Map<String, String> q = query(request);

        assertThat(request.url().toString()).startsWith(Fixtures.ISSUER + "authorize?");
        assertThat(q).containsEntry("response_type", "code").containsEntry("client_id", "client-1")
                .containsEntry("redirect_uri", "https://gw.example.com/api/mcp/files/oauth/callback")
                .containsEntry("resource", "https://mcp.example.com/mcp").containsEntry("scope", "mcp:tools")
                .containsEntry("state", request.state()).containsEntry("code_challenge_method", "S256");
        assertThat(q.get("code_challenge")).isEqualTo(CodeChallenge.compute(CodeChallengeMethod.S256,
                new CodeVerifier(request.codeVerifier().reveal())).getValue());
        assertThat(request.url().toString()).doesNotContain(request.codeVerifier().reveal());
        assertThat(request.toString()).doesNotContain(request.codeVerifier().reveal());
        assertThat(request.issuer()).isEqualTo(Fixtures.ISSUER);
    }

    @Test
    void an_omitted_resource_sends_no_resource_parameter() {
        AuthorizationRequest request = AuthorizationRequests.create(new AuthorizationRequests.Params(Fixtures.server(),
                Fixtures.publicClient(Fixtures.ISSUER), ResourceUri.OMITTED, List.of("mcp:tools"), Optional.empty()));
        assertThat(query(request)).doesNotContainKey("resource").containsKey("code_challenge");
    }

    @Test
    void a_dpop_grant_binds_its_code_to_the_key_with_dpop_jkt() {
        AuthorizationRequest bound = AuthorizationRequests.create(new AuthorizationRequests.Params(Fixtures.server(),
                Fixtures.publicClient(Fixtures.ISSUER), RESOURCE, List.of("mcp:tools"), Optional.empty(), Optional.of("jkt-1")));

        assertThat(query(bound)).containsEntry("dpop_jkt", "jkt-1");
        assertThat(query(create(Fixtures.server(), Optional.empty()))).doesNotContainKey("dpop_jkt");
    }

    @Test
    void every_attempt_has_its_own_state_and_verifier() {
        AuthorizationRequest a = create(Fixtures.server(), Optional.empty());
        AuthorizationRequest b = create(Fixtures.server(), Optional.empty());
        assertThat(a.state()).isNotEqualTo(b.state()).hasSizeGreaterThanOrEqualTo(32);
        assertThat(a.codeVerifier()).isNotEqualTo(b.codeVerifier());
    }

    @Test
    void refuses_a_server_that_does_not_advertise_s256() {
        for (List<String> methods : List.of(List.<String>of(), List.of("plain"))) {
            assertThatThrownBy(() -> create(Fixtures.server(Fixtures.ISSUER, methods, false), Optional.empty()))
                    .isInstanceOfSatisfying(OAuthException.class,
                            e -> assertThat(e.failure()).isEqualTo(OAuthFailure.PKCE_UNSUPPORTED));
        }
    }

    @Test
    void the_operator_may_skip_the_pkce_check_and_s256_is_still_sent() {
        AuthorizationRequest request = create(Fixtures.server(Fixtures.ISSUER, List.of(), false),
                Optional.of(Fixtures.settings(Optional.empty(), Optional.empty(), true)));
        assertThat(query(request)).containsEntry("code_challenge_method", "S256");
    }

    @ParameterizedTest
    @ValueSource(strings = {"javascript:alert(document.cookie)", "data:text/html,<script>x</script>",
            "file:///etc/passwd", "vbscript:msgbox", "http://auth.example.com/authorize", "//auth.example.com/authorize",
            "https://user@auth.example.com/authorize"})
    void refuses_authorization_urls_a_browser_must_not_open(String url) {
        assertThatThrownBy(() -> create(Fixtures.server(), Optional.of(Fixtures.settings(Optional.of(url), Optional.empty(), false))))
                .isInstanceOfSatisfying(OAuthException.class, e -> {
                    assertThat(e.failure()).isEqualTo(OAuthFailure.UNSAFE_AUTHORIZATION_URL);
                    assertThat(e.getMessage()).doesNotContain("alert", "passwd", "<script>", "msgbox");
                });
    }

    @Test
    void a_javascript_authorization_endpoint_from_metadata_is_refused() {
        var server = new AuthorizationServerMetadata(Fixtures.ISSUER, "javascript:fetch('//evil')", Fixtures.ISSUER + "token",
                Optional.empty(), Optional.empty(), List.of(), List.of("S256"), List.of(), false, false);
        assertThatThrownBy(() -> create(server, Optional.empty())).isInstanceOfSatisfying(OAuthException.class,
                e -> assertThat(e.failure()).isEqualTo(OAuthFailure.UNSAFE_AUTHORIZATION_URL));
    }

    @Test
    void plain_http_is_allowed_to_loopback_for_development() {
        var server = Fixtures.server("http://localhost:3101/", List.of("S256"), false);
        assertThat(create(server, Optional.empty()).url().toString()).startsWith("http://localhost:3101/authorize?");
    }

    @Test
    void the_audience_knob_and_the_configured_authorization_url_are_used() {
        AuthorizationRequest request = create(Fixtures.server(), Optional.of(Fixtures.settings(
                Optional.of("https://login.example.com/oauth/authorize?prompt=consent"), Optional.of("https://api.example.com"), false)));
        assertThat(request.url().toString()).startsWith("https://login.example.com/oauth/authorize?");
        assertThat(query(request)).containsEntry("audience", "https://api.example.com").containsEntry("prompt", "consent");
    }

    @Test
    void a_client_of_another_issuer_is_not_used() {
        assertThatThrownBy(() -> AuthorizationRequests.create(new AuthorizationRequests.Params(Fixtures.server(),
                Fixtures.publicClient("https://other.example.com/"), RESOURCE, List.of(), Optional.empty())))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
