package dev.portcullis.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.config.Secret;
import dev.portcullis.error.ErrorCode;
import dev.portcullis.oauth.FakeServer.Reply;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Checklist #38: which token endpoint answers mean "re-authorize" and which mean "try later". */
class TokenClientErrorsTest {
    private static final ResourceUri RESOURCE = ResourceUri.canonical("https://mcp.example.com/mcp");

    private final LoopbackHttp loopback = new LoopbackHttp();
    private final FakeServer as = new FakeServer();
    private final FakeServer elsewhere = new FakeServer();
    private final TokenClient tokens = new TokenClient(loopback.http, Clock.systemUTC());
    private final OAuthClient client = new OAuthClient(as.url("/"), "c1", Optional.of(Secret.of("very-secret")),
            ClientAuthMethod.CLIENT_SECRET_POST, OAuthClient.Source.DYNAMIC_REGISTRATION, "https://gw/cb");
    private final TokenEndpoint endpoint = new TokenEndpoint(as.url("/"), as.url("/token"), Optional.of(as.url("/revoke")),
            Optional.of("https://api.example.com"), Map.of());

    @AfterEach
    void close() throws Exception {
        as.close();
        elsewhere.close();
        loopback.close();
    }

    private OAuthFailure refreshFailure() {
        try {
            tokens.refresh(Secret.of("refresh-me"), RESOURCE, List.of(), client, endpoint);
        } catch (OAuthException e) {
            assertThat(e.getMessage()).doesNotContain("refresh-me", "very-secret");
            return e.failure();
        }
        throw new AssertionError("the refresh succeeded");
    }

    private static Reply json(int status, String body) {
        return new Reply(status, Map.of("Content-Type", "application/json"), body);
    }

    @Test
    void invalid_grant_means_reauthorize() {
        as.on("/token", json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"revoked\"}"));
        assertThat(refreshFailure()).isEqualTo(OAuthFailure.INVALID_GRANT);
        assertThat(OAuthFailure.INVALID_GRANT.errorCode()).isEqualTo(ErrorCode.OAUTH_REQUIRED);
    }

    @Test
    void other_client_errors_are_rejections_and_server_errors_are_transient() {
        as.on("/token", json(401, "{\"error\":\"invalid_client\"}"));
        assertThat(refreshFailure()).isEqualTo(OAuthFailure.TOKEN_REJECTED);
        as.on("/token", json(503, "{\"error\":\"temporarily_unavailable\"}"));
        assertThat(refreshFailure()).isEqualTo(OAuthFailure.TRANSIENT);
        as.on("/token", new Reply(500, Map.of("Content-Type", "text/html"), "<h1>oops</h1>"));
        assertThat(refreshFailure()).isEqualTo(OAuthFailure.TRANSIENT);
    }

    @Test
    void an_unreachable_server_is_transient() throws Exception {
        as.close();
        assertThat(refreshFailure()).isEqualTo(OAuthFailure.TRANSIENT);
    }

    @Test
    void a_redirecting_token_endpoint_is_not_followed() {
        as.on("/token", new Reply(307, Map.of("Location", elsewhere.url("/token")), ""));
        elsewhere.on("/token", json(200, "{\"access_token\":\"x\",\"token_type\":\"Bearer\"}"));
        assertThat(refreshFailure()).isEqualTo(OAuthFailure.TOKEN_REJECTED);
        assertThat(elsewhere.seen).isEmpty();
    }

    @Test
    void a_token_endpoint_on_a_denied_address_is_refused_before_sending() {
        TokenEndpoint denied = new TokenEndpoint(as.url("/"), "http://169.254.169.254/token", Optional.empty(),
                Optional.empty(), Map.of());
        assertThatThrownBy(() -> tokens.refresh(Secret.of("r"), RESOURCE, List.of(), client, denied))
                .isInstanceOfSatisfying(OAuthException.class, e -> {
                    assertThat(e.failure()).isEqualTo(OAuthFailure.EGRESS_BLOCKED);
                    assertThat(e.egressCode()).contains("DENIED_ADDRESS");
                    assertThat(e.details()).containsEntry("egressCode", "DENIED_ADDRESS");
                });
    }

    @Test
    void refresh_sends_resource_and_the_audience_knob_and_keeps_scopes_when_the_response_omits_them() {
        as.on("/token", json(200, "{\"access_token\":\"a2\",\"token_type\":\"bearer\",\"expires_in\":60}"));
        TokenSet set = tokens.refresh(Secret.of("r1"), RESOURCE, List.of("files:read"), client, endpoint);
        assertThat(set.refreshToken()).isEmpty();
        assertThat(set.scopes()).containsExactly("files:read");
        assertThat(as.seen.getFirst().body()).contains("resource=https%3A%2F%2Fmcp.example.com%2Fmcp",
                "audience=https%3A%2F%2Fapi.example.com", "client_secret=very-secret");
    }

    @Test
    void a_failed_revocation_is_typed() {
        as.on("/revoke", json(400, "{\"error\":\"unsupported_token_type\"}"));
        assertThatThrownBy(() -> tokens.revoke(Secret.of("t"), TokenClient.TokenKind.ACCESS_TOKEN, client, endpoint))
                .isInstanceOfSatisfying(OAuthException.class, e -> {
                    assertThat(e.failure()).isEqualTo(OAuthFailure.TOKEN_REJECTED);
                    assertThat(e.getMessage()).contains("unsupported_token_type");
                });
        as.on("/revoke", Reply.status(503));
        assertThatThrownBy(() -> tokens.revoke(Secret.of("t"), TokenClient.TokenKind.ACCESS_TOKEN, client, endpoint))
                .isInstanceOfSatisfying(OAuthException.class,
                        e -> assertThat(e.failure()).isEqualTo(OAuthFailure.TRANSIENT));
    }
}
