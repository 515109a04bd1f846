package dev.portcullis.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.config.Secret;
import dev.portcullis.oauth.FakeServer.Reply;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The 2025-03-26 fallback: a server that publishes no protected resource metadata is authorized at
 * its own origin — by that origin's RFC 8414 metadata, else by the default endpoints — and only when
 * the metadata is really absent, never after a failure or a refused document, and never at another origin.
 */
class LegacyDiscoveryTest {
    private static final String AS_WELL_KNOWN = "/.well-known/oauth-authorization-server";

    private final LoopbackHttp loopback = new LoopbackHttp();
    private final FakeServer rs = new FakeServer();
    private final FakeServer other = new FakeServer();
    private final Discovery discovery = new Discovery(loopback.http);

    @AfterEach
    void close() throws Exception {
        rs.close();
        other.close();
        loopback.close();
    }

    private static String asMetadata(String issuer, String endpoints) {
        return "{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"" + endpoints + "/oauth/authorize\","
                + "\"token_endpoint\":\"" + endpoints + "/oauth/token\",\"registration_endpoint\":\"" + endpoints
                + "/oauth/register\",\"code_challenge_methods_supported\":[\"S256\"]}";
    }

    @Test
    void without_resource_metadata_the_origins_rfc8414_metadata_is_used_with_the_path_discarded() {
        String origin = rs.url("");
        rs.on(AS_WELL_KNOWN, Reply.json(asMetadata(origin, origin)));

        var found = discovery.discover(rs.url("/tenant/mcp"), BearerChallenge.NONE, Map.of());

        assertThat(rs.paths()).containsExactly("/.well-known/oauth-protected-resource/tenant/mcp",
                "/.well-known/oauth-protected-resource", AS_WELL_KNOWN);
        assertThat(rs.seen.getLast().header("MCP-Protocol-Version")).as("2025-03-26 §2.3.1").isEqualTo("2025-03-26");
        assertThat(found.source()).isEqualTo(Discovery.Source.LEGACY_METADATA);
        assertThat(found.server().issuer()).isEqualTo(origin);
        assertThat(found.server().authorizationEndpoint()).isEqualTo(origin + "/oauth/authorize");
        assertThat(found.resource().value()).as("the server's own URI").isEqualTo(rs.url("/tenant/mcp"));
        assertThat(found.resourceMetadata()).isEmpty();
        assertThat(found.resourceScopes()).isEmpty();
    }

    @Test
    void an_issuer_written_with_the_roots_slash_names_the_same_origin() {
        rs.on(AS_WELL_KNOWN, Reply.json(asMetadata(rs.url("/"), rs.url(""))));
        assertThat(discovery.discover(rs.url("/mcp"), BearerChallenge.NONE, Map.of()).server().issuer()).isEqualTo(rs.url("/"));
    }

    @Test
    void without_any_metadata_the_default_endpoints_of_the_origin_apply_with_pkce() {
        var found = discovery.discover(rs.url("/v1/mcp"), BearerChallenge.NONE, Map.of());

        String origin = rs.url("");
        assertThat(found.source()).isEqualTo(Discovery.Source.LEGACY_DEFAULT_ENDPOINTS);
        assertThat(found.server().issuer()).isEqualTo(origin);
        assertThat(found.server().authorizationEndpoint()).isEqualTo(origin + "/authorize");
        assertThat(found.server().tokenEndpoint()).isEqualTo(origin + "/token");
        assertThat(found.server().registrationEndpoint()).contains(origin + "/register");
        assertThat(found.server().codeChallengeMethodsSupported()).containsExactly("S256");
        assertThat(found.server().authorizationResponseIssParameterSupported()).isFalse();

        AuthorizationRequest request = AuthorizationRequests.create(new AuthorizationRequests.Params(found.server(),
                Fixtures.publicClient(origin), found.resource(), List.of(), Optional.empty()));
        assertThat(request.url().toString()).startsWith(origin + "/authorize?").contains("code_challenge_method=S256");
    }

    /** A server given an API key answers 401 for a refused key: no endpoints are guessed for it. */
    @Test
    void without_any_metadata_no_endpoints_are_guessed_for_a_server_with_other_credentials() {
        assertThatThrownBy(() -> discovery.discover(rs.url("/v1/mcp"), BearerChallenge.NONE, Map.of(), false))
                .isInstanceOfSatisfying(OAuthException.class, e -> {
                    assertThat(e.failure()).isEqualTo(OAuthFailure.METADATA_NOT_FOUND);
                    assertThat(e.getMessage()).contains("API key or headers", "requiresOAuth: true");
                });
        assertThat(rs.paths()).noneMatch(p -> p.contains("/register"));
    }

    @Test
    void endpoints_are_guessed_unless_the_operator_gave_other_credentials_and_no_oauth() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("legacy-config");
        var servers = dev.portcullis.testing.TestConfigs.fromYaml("""
                mcpSettings: {allowedDomains: ['mcp.example.com']}
                mcpServers:
                  keyed: {type: streamable-http, url: "https://mcp.example.com/a", apiKey: {source: admin, key: k}}
                  headed: {type: streamable-http, url: "https://mcp.example.com/b", headers: {X-Key: k}}
                  said: {type: streamable-http, url: "https://mcp.example.com/c", apiKey: {source: admin, key: k}, requiresOAuth: true}
                  bare: {type: streamable-http, url: "https://mcp.example.com/d"}
                """, dir).mcpServers();
        assertThat(dev.portcullis.oauth.flow.OAuthFlows.mayGuessEndpoints(servers.get("keyed"))).isFalse();
        assertThat(dev.portcullis.oauth.flow.OAuthFlows.mayGuessEndpoints(servers.get("headed"))).isFalse();
        assertThat(dev.portcullis.oauth.flow.OAuthFlows.mayGuessEndpoints(servers.get("said"))).isTrue();
        assertThat(dev.portcullis.oauth.flow.OAuthFlows.mayGuessEndpoints(servers.get("bare"))).isTrue();
    }

    @Test
    void legacy_metadata_without_pkce_is_refused_as_any_other() {
        String origin = rs.url("");
        rs.on(AS_WELL_KNOWN, Reply.json(asMetadata(origin, origin).replace(",\"code_challenge_methods_supported\":[\"S256\"]", "")));
        var found = discovery.discover(rs.url("/mcp"), BearerChallenge.NONE, Map.of());
        assertThatThrownBy(() -> AuthorizationRequests.create(new AuthorizationRequests.Params(found.server(),
                Fixtures.publicClient(origin), found.resource(), List.of(), Optional.empty())))
                .isInstanceOfSatisfying(OAuthException.class,
                        e -> assertThat(e.failure()).isEqualTo(OAuthFailure.PKCE_UNSUPPORTED));
    }

    @Test
    void resource_metadata_named_by_the_challenge_but_missing_is_an_error_not_a_fallback() {
        BearerChallenge challenge = new BearerChallenge(Optional.of(rs.url("/prm")), List.of(), Optional.empty(), Optional.empty());
        assertThatThrownBy(() -> discovery.discover(rs.url("/mcp"), challenge, Map.of()))
                .isInstanceOfSatisfying(OAuthException.class,
                        e -> assertThat(e.failure()).isEqualTo(OAuthFailure.METADATA_NOT_FOUND));
        assertThat(rs.paths()).containsExactly("/prm");
    }

    @Test
    void a_failed_resource_metadata_request_is_an_error_not_a_fallback() {
        for (int status : new int[] {500, 401, 403}) {
            rs.on("/.well-known/oauth-protected-resource", Reply.status(status));
            rs.seen.clear();
            assertThatThrownBy(() -> discovery.discover(rs.url("/mcp"), BearerChallenge.NONE, Map.of()))
                    .as("HTTP %d", status).isInstanceOf(OAuthException.class);
            assertThat(rs.paths()).as("HTTP %d", status).doesNotContain(AS_WELL_KNOWN, "/authorize");
        }
    }

    @Test
    void a_refused_resource_metadata_document_is_an_error_not_a_fallback() {
        rs.on("/.well-known/oauth-protected-resource/mcp", Reply.json("not json"));
        assertThatThrownBy(() -> discovery.discover(rs.url("/mcp"), BearerChallenge.NONE, Map.of()))
                .isInstanceOfSatisfying(OAuthException.class,
                        e -> assertThat(e.failure()).isEqualTo(OAuthFailure.INVALID_METADATA));
        rs.on("/.well-known/oauth-protected-resource/mcp", Reply.json("{\"resource\":\"" + rs.url("/other") + "\"}"));
        assertThatThrownBy(() -> discovery.discover(rs.url("/mcp"), BearerChallenge.NONE, Map.of()))
                .isInstanceOfSatisfying(OAuthException.class,
                        e -> assertThat(e.failure()).isEqualTo(OAuthFailure.RESOURCE_MISMATCH));
        assertThat(rs.paths()).doesNotContain(AS_WELL_KNOWN);
    }

    @Test
    void a_failed_authorization_server_metadata_request_gets_no_default_endpoints() {
        rs.on(AS_WELL_KNOWN, Reply.status(503));
        assertThatThrownBy(() -> discovery.discover(rs.url("/mcp"), BearerChallenge.NONE, Map.of()))
                .isInstanceOfSatisfying(OAuthException.class, e -> assertThat(e.failure()).isEqualTo(OAuthFailure.TRANSIENT));
        rs.on(AS_WELL_KNOWN, Reply.status(401));
        assertThatThrownBy(() -> discovery.discover(rs.url("/mcp"), BearerChallenge.NONE, Map.of()))
                .isInstanceOfSatisfying(OAuthException.class, e -> {
                    assertThat(e.failure()).isEqualTo(OAuthFailure.METADATA_NOT_FOUND);
                    assertThat(e.getMessage()).contains("HTTP 401");
                });
    }

    @Test
    void metadata_naming_another_origin_as_issuer_is_refused() {
        rs.on(AS_WELL_KNOWN, Reply.json(asMetadata(other.url(""), other.url(""))));
        assertThatThrownBy(() -> discovery.discover(rs.url("/mcp"), BearerChallenge.NONE, Map.of()))
                .isInstanceOfSatisfying(OAuthException.class,
                        e -> assertThat(e.failure()).isEqualTo(OAuthFailure.ISSUER_MISMATCH));
        assertThat(other.seen).isEmpty();
    }

    @Test
    void a_redirect_to_another_origin_is_not_followed() {
        other.on(AS_WELL_KNOWN, Reply.json(asMetadata(rs.url(""), other.url(""))));
        rs.on(AS_WELL_KNOWN, new Reply(302, Map.of("Location", other.url(AS_WELL_KNOWN)), ""));
        assertThatThrownBy(() -> discovery.discover(rs.url("/mcp"), BearerChallenge.NONE, Map.of()))
                .isInstanceOfSatisfying(OAuthException.class, e -> {
                    assertThat(e.failure()).isEqualTo(OAuthFailure.INVALID_METADATA);
                    assertThat(e.getMessage()).contains("redirect");
                });
        assertThat(other.seen).as("nothing is asked of another origin").isEmpty();
    }

    @Test
    void legacy_endpoints_that_would_carry_secrets_in_the_clear_are_refused() {
        String origin = rs.url("");
        rs.on(AS_WELL_KNOWN, Reply.json(asMetadata(origin, origin).replace(origin + "/oauth/token", "http://tokens.example.com/token")));
        assertThatThrownBy(() -> discovery.discover(rs.url("/mcp"), BearerChallenge.NONE, Map.of()))
                .isInstanceOfSatisfying(OAuthException.class, e -> {
                    assertThat(e.failure()).isEqualTo(OAuthFailure.INVALID_METADATA);
                    assertThat(e.getMessage()).contains("token_endpoint");
                });
    }

    @Test
    void an_origin_on_plain_http_to_a_non_loopback_host_is_refused_before_any_request() {
        LegacyDiscovery legacy = new LegacyDiscovery(loopback.http);
        assertThatThrownBy(() -> legacy.authorizationServer(ResourceUri.canonical("http://mcp.example.com/mcp"), Map.of(), true))
                .isInstanceOfSatisfying(OAuthException.class, e -> {
                    assertThat(e.failure()).isEqualTo(OAuthFailure.INVALID_METADATA);
                    assertThat(e.getMessage()).contains("not https");
                });
        assertThat(LegacyDiscovery.defaults("https://mcp.example.com").tokenEndpoint()).isEqualTo("https://mcp.example.com/token");
    }

    @Test
    void oauth_headers_go_with_the_legacy_metadata_request() {
        rs.on(AS_WELL_KNOWN, Reply.json(asMetadata(rs.url(""), rs.url(""))));
        discovery.discover(rs.url("/mcp"), BearerChallenge.NONE, Map.of("X-Tenant", Secret.of("t1")));
        assertThat(rs.seen).allSatisfy(seen -> assertThat(seen.header("X-Tenant")).isEqualTo("t1"));
    }
}
