package dev.portcullis.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.oauth.FakeServer.Reply;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Checklist #3–4, #7, #10–11, #40: where metadata is looked for, and what makes it unusable. */
class DiscoveryTest {
    private final LoopbackHttp loopback = new LoopbackHttp();
    private final FakeServer rs = new FakeServer();
    private final FakeServer as = new FakeServer();
    private final Discovery discovery = new Discovery(loopback.http);

    @AfterEach
    void close() throws Exception {
        rs.close();
        as.close();
        loopback.close();
    }

    private String prm(String resource, String issuer) {
        return "{\"resource\":\"" + resource + "\",\"authorization_servers\":[\"" + issuer + "\"],"
                + "\"scopes_supported\":[\"mcp:tools\"]}";
    }

    private String asMetadata(String issuer) {
        return "{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"" + issuer + "/authorize\","
                + "\"token_endpoint\":\"" + issuer + "/token\",\"code_challenge_methods_supported\":[\"S256\"],"
                + "\"registration_endpoint\":\"" + issuer + "/register\","
                + "\"authorization_response_iss_parameter_supported\":true}";
    }

    @Test
    void the_challenges_resource_metadata_url_is_used_first() {
        String issuer = as.url("");
        rs.on("/custom/prm", Reply.json(prm(rs.url("/mcp"), issuer)));
        rs.on("/.well-known/oauth-protected-resource/mcp", Reply.json(prm(rs.url("/other"), issuer)));
        as.on("/.well-known/oauth-authorization-server", Reply.json(asMetadata(issuer)));

        var found = discovery.discover(rs.url("/mcp"), challenge(rs.url("/custom/prm")), Map.of());

        assertThat(rs.paths()).containsExactly("/custom/prm");
        assertThat(found.resource().value()).isEqualTo(rs.url("/mcp"));
        assertThat(found.resourceScopes()).containsExactly("mcp:tools");
        assertThat(found.source()).isEqualTo(Discovery.Source.PROTECTED_RESOURCE_METADATA);
        assertThat(found.server().tokenEndpoint()).isEqualTo(issuer + "/token");
        assertThat(found.server().authorizationResponseIssParameterSupported()).isTrue();
    }

    @Test
    void without_a_challenge_the_path_based_then_the_root_well_known_uri_is_tried() {
        String issuer = as.url("");
        rs.on("/.well-known/oauth-protected-resource", Reply.json(prm(rs.url("/"), issuer)));
        as.on("/.well-known/oauth-authorization-server", Reply.json(asMetadata(issuer)));

        var found = discovery.discover(rs.url("/tenant/mcp/"), BearerChallenge.NONE, Map.of());

        assertThat(rs.paths()).containsExactly("/.well-known/oauth-protected-resource/tenant/mcp",
                "/.well-known/oauth-protected-resource");
        assertThat(found.resource().value()).isEqualTo(rs.url(""));
    }

    @Test
    void metadata_for_another_resource_is_refused() {
        rs.on("/.well-known/oauth-protected-resource/mcp", Reply.json(prm("https://evil.example/mcp", as.url(""))));
        assertThatThrownBy(() -> discovery.discover(rs.url("/mcp"), BearerChallenge.NONE, Map.of()))
                .isInstanceOfSatisfying(OAuthException.class,
                        e -> assertThat(e.failure()).isEqualTo(OAuthFailure.RESOURCE_MISMATCH));
        assertThat(as.seen).isEmpty();
    }

    @Test
    void metadata_for_a_sibling_path_is_refused() {
        rs.on("/.well-known/oauth-protected-resource/mcp", Reply.json(prm(rs.url("/mcp-admin"), as.url(""))));
        assertThatThrownBy(() -> discovery.discover(rs.url("/mcp"), BearerChallenge.NONE, Map.of()))
                .isInstanceOfSatisfying(OAuthException.class,
                        e -> assertThat(e.failure()).isEqualTo(OAuthFailure.RESOURCE_MISMATCH));
    }

    @Test
    void trailing_slash_and_host_case_do_not_make_a_mismatch() {
        String issuer = as.url("");
        rs.on("/.well-known/oauth-protected-resource/mcp", Reply.json(prm(rs.url("/mcp/").replace("http:", "HTTP:"), issuer)));
        as.on("/.well-known/oauth-authorization-server", Reply.json(asMetadata(issuer)));
        assertThat(discovery.discover(rs.url("/mcp"), BearerChallenge.NONE, Map.of()).resource().value())
                .isEqualTo(rs.url("/mcp"));
    }

    @Test
    void an_issuer_with_a_path_is_looked_up_in_the_specifications_order() {
        String issuer = as.url("/tenant1");
        as.on("/tenant1/.well-known/openid-configuration", Reply.json(asMetadata(issuer)));

        AuthorizationServerMetadata metadata = discovery.authorizationServer(issuer, Map.of());

        assertThat(as.paths()).containsExactly("/.well-known/oauth-authorization-server/tenant1",
                "/.well-known/openid-configuration/tenant1", "/tenant1/.well-known/openid-configuration");
        assertThat(metadata.issuer()).isEqualTo(issuer);
    }

    @Test
    void an_issuer_without_a_path_tries_rfc8414_then_openid() {
        String issuer = as.url("");
        as.on("/.well-known/openid-configuration", Reply.json(asMetadata(issuer)));
        discovery.authorizationServer(issuer, Map.of());
        assertThat(as.paths()).containsExactly("/.well-known/oauth-authorization-server", "/.well-known/openid-configuration");
    }

    @Test
    void metadata_naming_another_issuer_is_refused() {
        as.on("/.well-known/oauth-authorization-server", Reply.json(asMetadata("https://evil.example")));
        assertThatThrownBy(() -> discovery.authorizationServer(as.url(""), Map.of()))
                .isInstanceOfSatisfying(OAuthException.class,
                        e -> assertThat(e.failure()).isEqualTo(OAuthFailure.ISSUER_MISMATCH));
    }

    @Test
    void an_issuer_on_plain_http_to_a_non_loopback_host_is_refused_before_any_request() {
        assertThatThrownBy(() -> discovery.authorizationServer("http://auth.example.com/", Map.of()))
                .isInstanceOfSatisfying(OAuthException.class,
                        e -> assertThat(e.failure()).isEqualTo(OAuthFailure.INVALID_METADATA));
    }

    @Test
    void a_token_endpoint_on_plain_http_to_a_non_loopback_host_is_refused() {
        String issuer = as.url("");
        as.on("/.well-known/oauth-authorization-server", Reply.json(asMetadata(issuer)
                .replace(issuer + "/token", "http://tokens.example.com/token")));
        assertThatThrownBy(() -> discovery.authorizationServer(issuer, Map.of()))
                .isInstanceOfSatisfying(OAuthException.class, e -> {
                    assertThat(e.failure()).isEqualTo(OAuthFailure.INVALID_METADATA);
                    assertThat(e.getMessage()).contains("token_endpoint");
                });
    }

    @Test
    void nothing_found_is_a_typed_failure_naming_what_was_tried() {
        rs.on("/.well-known/oauth-protected-resource", Reply.status(403));
        assertThatThrownBy(() -> discovery.discover(rs.url("/mcp"), BearerChallenge.NONE, Map.of()))
                .isInstanceOfSatisfying(OAuthException.class, e -> {
                    assertThat(e.failure()).isEqualTo(OAuthFailure.METADATA_NOT_FOUND);
                    assertThat(e.getMessage()).contains("/.well-known/oauth-protected-resource/mcp (HTTP 404)",
                            "/.well-known/oauth-protected-resource (HTTP 403)");
                });
    }

    @Test
    void a_resource_metadata_url_on_a_private_address_is_refused_by_the_egress_guard() {
        assertThatThrownBy(() -> discovery.discover(rs.url("/mcp"), challenge("http://10.0.0.7/prm"), Map.of()))
                .isInstanceOfSatisfying(OAuthException.class, e -> {
                    assertThat(e.failure()).isEqualTo(OAuthFailure.EGRESS_BLOCKED);
                    assertThat(e.egressCode()).contains("DENIED_ADDRESS");
                });
    }

    @Test
    void a_redirect_to_an_exempted_address_gets_no_exemption() {
        rs.on("/prm", new Reply(302, Map.of("Location", "http://127.0.0.1:1/prm"), ""));
        assertThatThrownBy(() -> discovery.discover(rs.url("/mcp"), challenge(rs.url("/prm")), Map.of()))
                .isInstanceOfSatisfying(OAuthException.class, e -> {
                    assertThat(e.failure()).isEqualTo(OAuthFailure.EGRESS_BLOCKED);
                    assertThat(e.egressCode()).contains("DENIED_ADDRESS");
                });
    }

    @Test
    void oauth_headers_go_with_metadata_requests() {
        String issuer = as.url("");
        rs.on("/.well-known/oauth-protected-resource/mcp", Reply.json(prm(rs.url("/mcp"), issuer)));
        as.on("/.well-known/oauth-authorization-server", Reply.json(asMetadata(issuer)));
        discovery.discover(rs.url("/mcp"), BearerChallenge.NONE, Map.of("X-Tenant", dev.portcullis.config.Secret.of("t1")));
        assertThat(rs.seen.getFirst().header("X-Tenant")).isEqualTo("t1");
        assertThat(as.seen.getFirst().header("X-Tenant")).isEqualTo("t1");
    }

    private static BearerChallenge challenge(String resourceMetadata) {
        return new BearerChallenge(Optional.of(resourceMetadata), List.of(), Optional.empty(), Optional.empty());
    }
}
