package dev.portcullis.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.SignInSettings;
import dev.portcullis.identity.Caller;
import dev.portcullis.store.shared.KeyValueStore;
import dev.portcullis.store.shared.SharedState;
import dev.portcullis.testing.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Sign-ins end when idle and at their maximum age; the store never holds what a browser holds. */
class SignInSessionsTest {
    private static final Caller ALICE = new Caller("alice", "USER", Optional.of("alice@example.test"), Optional.of("acme"),
            List.of("research"), Map.of("name", "Alice"));

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T10:00:00Z"));
    private final KeyValueStore store = SharedState.memory(clock).keyValues();
    private final SignInSessions sessions = new SignInSessions(store, JsonMapper.builder().build(),
            new SignInSettings(Duration.ofMinutes(30), Duration.ofHours(2)),
            new dev.portcullis.identity.PrincipalMapper(dev.portcullis.config.PrincipalMapping.NONE), clock);

    @Test
    void a_sign_in_gives_back_the_same_person_and_its_own_csrf_token() {
        SignInSessions.Started started = sessions.start(ALICE);
        SignInSessions.Session found = sessions.find(started.id()).orElseThrow();
        assertThat(found.caller()).isEqualTo(ALICE);
        assertThat(found.csrfToken()).isEqualTo(started.csrfToken()).isNotEqualTo(started.id()).hasSize(43);
        assertThat(sessions.start(ALICE).id()).as("every sign-in its own id").isNotEqualTo(started.id());
    }

    @Test
    void the_store_is_keyed_by_a_digest_of_the_cookie_not_by_the_cookie() {
        SignInSessions.Started started = sessions.start(ALICE);
        assertThat(store.get("signin:" + started.id())).isEmpty();
        assertThat(store.get("signin:" + SignInSessions.digest(started.id()))).get().asString().doesNotContain(started.id());
    }

    @Test
    void it_ends_after_the_idle_time_without_a_request() {
        SignInSessions.Started started = sessions.start(ALICE);
        clock.advance(Duration.ofMinutes(29));
        assertThat(sessions.find(started.id())).as("used within the idle time").isPresent();
        clock.advance(Duration.ofMinutes(29));
        assertThat(sessions.find(started.id())).as("the use above started the idle time again").isPresent();
        clock.advance(Duration.ofMinutes(31));
        assertThat(sessions.find(started.id())).isEmpty();
    }

    @Test
    void what_a_page_asks_by_itself_does_not_keep_an_unattended_sign_in_alive() {
        SignInSessions.Started started = sessions.start(ALICE);
        for (int i = 0; i < 29; i++) { // the live-state poll of a page left open
            clock.advance(Duration.ofMinutes(1));
            assertThat(sessions.peek(started.id())).isPresent();
        }
        clock.advance(Duration.ofMinutes(2));
        assertThat(sessions.peek(started.id())).as("30 minutes without a use by the person").isEmpty();
        assertThat(sessions.find(started.id())).isEmpty();
    }

    @Test
    void it_ends_at_its_maximum_age_however_busy() {
        SignInSessions.Started started = sessions.start(ALICE);
        for (int i = 0; i < 7; i++) {
            clock.advance(Duration.ofMinutes(17));
            assertThat(sessions.find(started.id())).isPresent();
        }
        clock.advance(Duration.ofMinutes(2)); // 2 h 1 min after the sign-in
        assertThat(sessions.find(started.id())).isEmpty();
    }

    @Test
    void a_sign_out_is_not_undone_by_a_request_that_read_the_sign_in_before_it() {
        SignInSessions.Started started = sessions.start(ALICE);
        String stored = store.get("signin:" + SignInSessions.digest(started.id())).orElseThrow();
        clock.advance(Duration.ofMinutes(2)); // the next find writes its last-seen time
        sessions.end(started.id());
        // A request that read the record before the sign-out now writes it back: only if unchanged, so not at all.
        assertThat(store.compareAndSet("signin:" + SignInSessions.digest(started.id()), stored, stored, Duration.ofMinutes(5)))
                .isFalse();
        assertThat(sessions.find(started.id())).isEmpty();
    }

    @Test
    void the_operators_roles_apply_at_every_request_not_as_they_were_at_sign_in() {
        var mapping = new dev.portcullis.config.PrincipalMapping(Map.of(Caller.ADMIN,
                new dev.portcullis.config.PrincipalMapping.Members(java.util.Set.of("alice"), java.util.Set.of())), Map.of());
        SignInSessions mapped = new SignInSessions(store, JsonMapper.builder().build(), SignInSettings.DEFAULTS,
                new dev.portcullis.identity.PrincipalMapper(mapping), clock);
        SignInSessions.Started started = sessions.start(ALICE);
        assertThat(mapped.find(started.id()).orElseThrow().caller().role()).isEqualTo(Caller.ADMIN);
        assertThat(sessions.find(started.id()).orElseThrow().caller().role()).as("taken off the list: at once")
                .isEqualTo("USER");
    }

    @Test
    void ended_unknown_and_malformed_ids_find_nothing() {
        SignInSessions.Started started = sessions.start(ALICE);
        sessions.end(started.id());
        assertThat(sessions.find(started.id())).isEmpty();
        assertThat(sessions.find(null)).isEmpty();
        assertThat(sessions.find("short")).isEmpty();
        assertThat(sessions.find(SignInSessions.random())).isEmpty();
    }

    @Test
    void tokens_compare_equal_only_when_equal() {
        assertThat(SignInSessions.sameToken("abc", "abc")).isTrue();
        assertThat(SignInSessions.sameToken("abc", "abd")).isFalse();
        assertThat(SignInSessions.sameToken("abc", null)).isFalse();
        assertThat(SignInSessions.sameToken("abc", "")).isFalse();
    }

    @Test
    void a_development_ticket_works_once_and_only_on_this_machine() {
        DevSignIn dev = new DevSignIn(store);
        String ticket = dev.ticket();
        assertThat(dev.redeem(ticket)).get().extracting(Caller::role).isEqualTo(Caller.ADMIN);
        assertThat(dev.redeem(ticket)).as("once").isEmpty();
        assertThat(dev.redeem("x".repeat(43))).isEmpty();
        String late = dev.ticket();
        clock.advance(Duration.ofMinutes(11));
        assertThat(dev.redeem(late)).as("ten minutes").isEmpty();
        assertThat(DevSignIn.allowedAt(URI.create("http://localhost:3080"))).isTrue();
        assertThat(DevSignIn.allowedAt(URI.create("http://127.0.0.1:3080"))).isTrue();
        assertThat(DevSignIn.allowedAt(URI.create("http://[::1]:3080"))).isTrue();
        assertThat(DevSignIn.allowedAt(URI.create("https://gateway.example.com"))).isFalse();
        assertThat(DevSignIn.allowedAt(URI.create("http://localhost.example.com"))).isFalse();
        assertThat(DevSignIn.allowedAt(URI.create("http://10.0.0.5:3080"))).isFalse();
    }
}
