package dev.portcullis.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.config.McpServerConfig.OAuthSettings.TokenExchangeMethod;
import dev.portcullis.config.Secret;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RFC 6749 §4.1.3, §6, RFC 7636, RFC 7009 and RFC 8707 against navikt's mock-oauth2-server. */
class TokenClientMockServerTest {
    private static final ResourceUri RESOURCE = ResourceUri.canonical("https://mcp.example.com/mcp");

    private final LoopbackHttp loopback = new LoopbackHttp();
    private final MockOAuth2Server mock = new MockOAuth2Server();
    private final TokenClient tokens = new TokenClient(loopback.http, Clock.systemUTC());
    private AuthorizationServerMetadata server;

    TokenClientMockServerTest() {
        mock.start();
        server = new Discovery(loopback.http).authorizationServer(mock.issuerUrl("default").toString(), Map.of());
    }

    @AfterEach
    void close() throws Exception {
        mock.shutdown();
        loopback.close();
    }

    private OAuthClient client(TokenExchangeMethod method) {
        var settings = Fixtures.preRegistered("portcullis-test", Optional.of(Secret.of("test-secret")), Optional.of(method));
        return new OAuthClient(server.issuer(), "portcullis-test", Optional.of(Secret.of("test-secret")),
                AuthMethodChoice.forConfidential(Optional.of(settings), server.tokenEndpointAuthMethodsSupported()),
                OAuthClient.Source.PRE_REGISTERED, "http://localhost:3080/api/mcp/files/oauth/callback");
    }

    private TokenEndpoint endpoint() {
        return TokenEndpoint.of(server, Optional.empty(), Map.of("X-Gateway", Secret.of("portcullis")));
    }

    private AuthorizationRequest authorize(OAuthClient client) {
        return AuthorizationRequests.create(new AuthorizationRequests.Params(server, client, RESOURCE,
                List.of("openid", "mcp:tools"), Optional.empty()));
    }

    private TokenSet authorizeAndExchange(OAuthClient client) throws Exception {
        AuthorizationRequest pending = authorize(client);
        Secret code = AuthorizationCallback.code(pending, Authorize.callbackParams(loopback.client, pending));
        return tokens.exchange(pending, code, client, endpoint());
    }

    private RecordedRequest lastTokenRequest() {
        return lastRequestTo("/token");
    }

    /** Drains the mock's request log; it throws rather than answering null once the log is empty. */
    private RecordedRequest lastRequestTo(String pathSuffix) {
        RecordedRequest last = null;
        while (true) {
            RecordedRequest r;
            try {
                r = mock.takeRequest(100, TimeUnit.MILLISECONDS);
            } catch (RuntimeException empty) {
                return last;
            }
            if (r.getPath() != null && r.getPath().endsWith(pathSuffix)) {
                last = r;
            }
        }
    }

    @Test
    void discovers_the_mock_at_the_openid_path_append_location() {
        assertThat(server.issuer()).isEqualTo(mock.issuerUrl("default").toString());
        assertThat(server.codeChallengeMethodsSupported()).contains("S256");
    }

    @Test
    void exchanges_a_code_with_pkce_and_resource_using_client_secret_basic() throws Exception {
        TokenSet set = authorizeAndExchange(client(TokenExchangeMethod.BASIC_AUTH_HEADER));

        assertThat(set.accessToken().reveal()).isNotBlank();
        assertThat(set.refreshToken()).isPresent();
        assertThat(set.expiresAt()).hasValueSatisfying(at -> assertThat(at).isAfter(Instant.now()));
        assertThat(set.tokenType()).isEqualToIgnoringCase("Bearer");
        assertThat(set.toString()).doesNotContain(set.accessToken().reveal());
        RecordedRequest request = lastTokenRequest();
        String body = request.getBody().readUtf8();
        assertThat(body).contains("grant_type=authorization_code", "code_verifier=",
                "resource=https%3A%2F%2Fmcp.example.com%2Fmcp").doesNotContain("client_secret");
        assertThat(request.getHeader("Authorization")).startsWith("Basic ");
        assertThat(request.getHeader("X-Gateway")).isEqualTo("portcullis");
    }

    @Test
    void client_secret_post_puts_the_credentials_in_the_body() throws Exception {
        authorizeAndExchange(client(TokenExchangeMethod.DEFAULT_POST));
        RecordedRequest request = lastTokenRequest();
        assertThat(request.getBody().readUtf8()).contains("client_id=portcullis-test", "client_secret=test-secret");
        assertThat(request.getHeader("Authorization")).isNull();
    }

    @Test
    void refreshes_with_the_resource() throws Exception {
        OAuthClient client = client(TokenExchangeMethod.BASIC_AUTH_HEADER);
        TokenSet first = authorizeAndExchange(client);

        TokenSet refreshed = tokens.refresh(first.refreshToken().orElseThrow(), RESOURCE, List.of("mcp:tools"), client, endpoint());

        assertThat(refreshed.accessToken().reveal()).isNotBlank();
        String body = lastTokenRequest().getBody().readUtf8();
        assertThat(body).contains("grant_type=refresh_token", "resource=https%3A%2F%2Fmcp.example.com%2Fmcp")
                .doesNotContain("scope=");
    }

    @Test
    void a_wrong_code_verifier_is_invalid_grant() throws Exception {
        OAuthClient client = client(TokenExchangeMethod.BASIC_AUTH_HEADER);
        AuthorizationRequest pending = authorize(client);
        Secret code = AuthorizationCallback.code(pending, Authorize.callbackParams(loopback.client, pending));
        AuthorizationRequest tampered = new AuthorizationRequest(pending.url(), pending.state(),
                Secret.of(new com.nimbusds.oauth2.sdk.pkce.CodeVerifier().getValue()), pending.issuer(), pending.clientId(),
                pending.redirectUri(), pending.resource(), pending.scopes(), pending.issParameterRequired());

        assertThatThrownBy(() -> tokens.exchange(tampered, code, client, endpoint()))
                .isInstanceOfSatisfying(OAuthException.class, e -> {
                    assertThat(e.failure()).isEqualTo(OAuthFailure.INVALID_GRANT);
                    assertThat(e.getMessage()).doesNotContain(code.reveal());
                });
    }

    @Test
    void revokes_a_refresh_token_with_its_type_hint_and_client_authentication() throws Exception {
        OAuthClient client = client(TokenExchangeMethod.BASIC_AUTH_HEADER);
        TokenSet set = authorizeAndExchange(client);
        TokenEndpoint endpoint = endpoint();
        assertThat(endpoint.revocationUrl()).isPresent();

        assertThat(tokens.revoke(set.refreshToken().orElseThrow(), TokenClient.TokenKind.REFRESH_TOKEN, client, endpoint)).isTrue();

        RecordedRequest revocation = lastRequestTo("/revoke");
        assertThat(revocation.getBody().readUtf8()).contains("token_type_hint=refresh_token", "token=");
        assertThat(revocation.getHeader("Authorization")).startsWith("Basic ");
        assertThat(revocation.getHeader("X-Gateway")).isEqualTo("portcullis");
    }

    @Test
    void without_a_revocation_endpoint_nothing_is_sent() {
        OAuthClient client = client(TokenExchangeMethod.BASIC_AUTH_HEADER);
        TokenEndpoint none = new TokenEndpoint(server.issuer(), server.tokenEndpoint(), Optional.empty(), Optional.empty(), Map.of());
        assertThat(tokens.revoke(Secret.of("t"), TokenClient.TokenKind.ACCESS_TOKEN, client, none)).isFalse();
        assertThat(lastRequestTo("/revoke")).isNull();
    }

    @Test
    void a_client_of_another_issuer_is_never_sent_to_this_token_endpoint() {
        OAuthClient foreign = new OAuthClient("https://other.example.com/", "c", Optional.of(Secret.of("s")),
                ClientAuthMethod.CLIENT_SECRET_BASIC, OAuthClient.Source.DYNAMIC_REGISTRATION, "https://gw/cb");
        assertThatThrownBy(() -> tokens.refresh(Secret.of("r"), RESOURCE, List.of(), foreign, endpoint()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tokens.revoke(Secret.of("r"), TokenClient.TokenKind.REFRESH_TOKEN, foreign, endpoint()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
