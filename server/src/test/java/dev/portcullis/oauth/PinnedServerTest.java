package dev.portcullis.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.McpServerConfig.OAuthSettings;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** LibreChat's authorization_url / token_url / client_id knobs keep their meaning. */
class PinnedServerTest {

    private static OAuthSettings pinned(String tokenUrl, List<String> pkce) {
        return new OAuthSettings(Optional.of("https://login.example.com/authorize"), Optional.of(tokenUrl),
                Optional.of("static-client"), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                List.of(), List.of(), List.of(), pkce, false, Optional.of("https://login.example.com/revoke"), List.of(), true, true);
    }

    @Test
    void nothing_pinned_means_discovery_decides() {
        assertThat(PinnedServer.metadata(Optional.empty(), Optional.of(Fixtures.server()))).isEmpty();
        assertThat(PinnedServer.metadata(Optional.of(Fixtures.settings()), Optional.of(Fixtures.server()))).isEmpty();
    }

    @Test
    void discovered_metadata_with_the_pinned_token_endpoint_fills_the_gaps() {
        var metadata = PinnedServer.metadata(Optional.of(pinned(Fixtures.ISSUER + "token", List.of())),
                Optional.of(Fixtures.server(Fixtures.ISSUER, List.of("S256"), true))).orElseThrow();
        assertThat(metadata.issuer()).isEqualTo(Fixtures.ISSUER);
        assertThat(metadata.authorizationEndpoint()).isEqualTo("https://login.example.com/authorize");
        assertThat(metadata.codeChallengeMethodsSupported()).containsExactly("S256");
        assertThat(metadata.authorizationResponseIssParameterSupported()).isTrue();
        assertThat(metadata.registrationEndpoint()).isEmpty();
        assertThat(metadata.revocationEndpoint()).contains("https://login.example.com/revoke");
    }

    @Test
    void metadata_pointing_at_another_token_endpoint_is_not_trusted() {
        var metadata = PinnedServer.metadata(Optional.of(pinned("https://login.example.com/oauth/token", List.of())),
                Optional.of(Fixtures.server())).orElseThrow();
        assertThat(metadata.issuer()).isEqualTo("https://login.example.com");
        assertThat(metadata.tokenEndpoint()).isEqualTo("https://login.example.com/oauth/token");
        assertThat(metadata.codeChallengeMethodsSupported()).isEmpty(); // so PKCE is refused unless configured
    }

    @Test
    void configured_pkce_methods_count_as_advertised() {
        var metadata = PinnedServer.metadata(Optional.of(pinned("https://login.example.com/oauth/token", List.of("S256"))),
                Optional.empty()).orElseThrow();
        assertThat(metadata.codeChallengeMethodsSupported()).containsExactly("S256");
    }
}
