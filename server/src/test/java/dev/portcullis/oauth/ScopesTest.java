package dev.portcullis.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Checklist #29–33: initial scope choice and step-up. */
class ScopesTest {
    private static final ProtectedResourceMetadata PRM = new ProtectedResourceMetadata(
            ResourceUri.canonical("https://mcp.example.com/mcp"), List.of(Fixtures.ISSUER), List.of("files:read", "files:write"),
            Optional.empty(), "https://mcp.example.com/.well-known/oauth-protected-resource/mcp");
    private static final AuthorizationServerMetadata NO_OFFLINE = new AuthorizationServerMetadata(Fixtures.ISSUER,
            Fixtures.ISSUER + "authorize", Fixtures.ISSUER + "token", Optional.empty(), Optional.empty(), List.of(),
            List.of("S256"), List.of(), false, false);

    private static BearerChallenge challenge(String error, String... scopes) {
        return new BearerChallenge(Optional.empty(), List.of(scopes), Optional.ofNullable(error), Optional.empty());
    }

    @Test
    void the_challenges_scope_comes_first_then_scopes_supported_then_none() {
        assertThat(Scopes.initial(challenge(null, "files:read"), Optional.empty(), PRM, NO_OFFLINE)).containsExactly("files:read");
        assertThat(Scopes.initial(BearerChallenge.NONE, Optional.empty(), PRM, NO_OFFLINE))
                .containsExactly("files:read", "files:write");
        var bare = new ProtectedResourceMetadata(PRM.resource(), PRM.authorizationServers(), List.of(), Optional.empty(), "x");
        assertThat(Scopes.initial(BearerChallenge.NONE, Optional.empty(), bare, NO_OFFLINE)).isEmpty();
    }

    @Test
    void offline_access_is_added_when_the_server_offers_it() {
        assertThat(Scopes.initial(challenge(null, "files:read"), Optional.empty(), PRM, Fixtures.server()))
                .containsExactly("files:read", "offline_access");
    }

    @Test
    void step_up_asks_for_the_union_of_previous_and_challenged_scopes() {
        assertThat(StepUp.DEFAULT.nextScopes(List.of("files:read"), challenge("insufficient_scope", "files:write", "files:read"), 0))
                .containsExactly("files:read", "files:write");
    }

    @Test
    void step_up_stops_at_the_cap() {
        StepUp stepUp = new StepUp(2);
        BearerChallenge more = challenge("insufficient_scope", "admin");
        assertThat(stepUp.nextScopes(List.of("a"), more, 1)).containsExactly("a", "admin");
        assertThatThrownBy(() -> stepUp.nextScopes(List.of("a"), more, 2)).isInstanceOfSatisfying(OAuthException.class,
                e -> assertThat(e.failure()).isEqualTo(OAuthFailure.STEP_UP_EXHAUSTED));
    }

    @Test
    void step_up_stops_when_nothing_new_is_asked_for() {
        assertThatThrownBy(() -> StepUp.DEFAULT.nextScopes(List.of("a", "b"), challenge("insufficient_scope", "b"), 0))
                .isInstanceOfSatisfying(OAuthException.class,
                        e -> assertThat(e.failure()).isEqualTo(OAuthFailure.STEP_UP_EXHAUSTED));
    }
}
