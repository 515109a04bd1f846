package dev.portcullis.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Checklist #2–3: the 401's challenge is read exactly, whatever else shares the header. */
class WwwAuthenticateTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            # header                                                                        | resource_metadata        | scope               | error
            Bearer resource_metadata="https://r.example/.well-known/oauth-protected-resource" | https://r.example/.well-known/oauth-protected-resource | | 
            bearer resource_metadata=https://r.example/prm                                   | https://r.example/prm    |                     |
            Bearer error="insufficient_scope", scope="files:read files:write"               |                          | files:read files:write | insufficient_scope
            Bearer realm="a\\"b", scope="x"                                                  |                          | x                   |
            Basic realm="x", Bearer scope="a b", error=invalid_token                          |                          | a b                 | invalid_token
            Basic dXNlcjpwYXNz==, Bearer scope=s                                              |                          | s                   |
            Bearer                                                                          |                          |                     |
            Bearer scope="unterminated                                                        |                          | unterminated        |
            Bearer scope = "spaced" ,error = e                                                |                          | spaced              | e
            Bearer scope="first", scope="second"                                              |                          | first               |
            """)
    void reads_bearer_challenges(String header, String resourceMetadata, String scope, String error) {
        BearerChallenge challenge = WwwAuthenticate.bearer(List.of(header)).orElseThrow();
        assertThat(challenge.resourceMetadata()).isEqualTo(Optional.ofNullable(resourceMetadata));
        assertThat(challenge.scopes()).isEqualTo(scope == null ? List.of() : List.of(scope.split(" ")));
        assertThat(challenge.error()).isEqualTo(Optional.ofNullable(error));
    }

    @Test
    void a_dpop_challenge_names_the_metadata_when_there_is_no_bearer_one() {
        assertThat(WwwAuthenticate.bearer(List.of("DPoP resource_metadata=\"https://r.example/prm\", algs=\"ES256\"")))
                .hasValueSatisfying(c -> assertThat(c.resourceMetadata()).contains("https://r.example/prm"));
        assertThat(WwwAuthenticate.bearer(List.of("DPoP resource_metadata=\"https://r.example/dpop\"",
                "Bearer resource_metadata=\"https://r.example/bearer\"")))
                .as("Bearer first").hasValueSatisfying(c -> assertThat(c.resourceMetadata()).contains("https://r.example/bearer"));
    }

    @Test
    void quoted_strings_unescape_backslashes() {
        var challenges = WwwAuthenticate.parse(List.of("Bearer error_description=\"a \\\"quoted\\\" \\\\ word\""));
        assertThat(challenges.getFirst().params()).containsEntry("error_description", "a \"quoted\" \\ word");
    }

    @Test
    void several_challenges_on_one_line_and_several_lines() {
        var challenges = WwwAuthenticate.parse(List.of(
                "Newauth realm=\"apps\", type=1, title=\"Login to \\\"apps\\\"\", Basic realm=\"simple\"",
                "DPoP algs=\"ES256\", Bearer resource_metadata=\"https://r/prm\""));
        assertThat(challenges).extracting(WwwAuthenticate.Challenge::scheme)
                .containsExactly("Newauth", "Basic", "DPoP", "Bearer");
        assertThat(challenges.getFirst().params())
                .isEqualTo(Map.of("realm", "apps", "type", "1", "title", "Login to \"apps\""));
        assertThat(WwwAuthenticate.bearer(List.of("DPoP algs=\"ES256\"", "Bearer resource_metadata=\"https://r/prm\"")))
                .map(BearerChallenge::resourceMetadata).contains(Optional.of("https://r/prm"));
    }

    @Test
    void the_sdk_demo_servers_challenge() {
        BearerChallenge c = WwwAuthenticate.bearer(List.of("Bearer error=\"invalid_token\", error_description=\"Missing "
                + "Authorization header\", resource_metadata=\"http://localhost:3100/.well-known/oauth-protected-resource/mcp\""))
                .orElseThrow();
        assertThat(c).isEqualTo(new BearerChallenge(
                Optional.of("http://localhost:3100/.well-known/oauth-protected-resource/mcp"), List.of(),
                Optional.of("invalid_token"), Optional.of("Missing Authorization header")));
    }

    @Test
    void no_bearer_challenge_and_garbage_give_nothing() {
        assertThat(WwwAuthenticate.bearer(List.of("Basic realm=\"x\""))).isEmpty();
        assertThat(WwwAuthenticate.bearer(List.of("", ",,, ", "\"Bearer\""))).isEmpty();
        assertThat(WwwAuthenticate.bearer(List.of())).isEmpty();
    }

    @Test
    void insufficient_scope_is_recognised() {
        assertThat(WwwAuthenticate.bearer(List.of("Bearer error=\"insufficient_scope\", scope=\"a\"")).orElseThrow()
                .insufficientScope()).isTrue();
        assertThat(WwwAuthenticate.bearer(List.of("Bearer error=\"invalid_token\"")).orElseThrow()
                .insufficientScope()).isFalse();
    }
}
