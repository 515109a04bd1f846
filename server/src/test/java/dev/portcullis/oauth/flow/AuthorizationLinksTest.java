package dev.portcullis.oauth.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.store.shared.SharedState;
import dev.portcullis.testing.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class AuthorizationLinksTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T00:00:00Z"));
    private final SharedState shared = SharedState.memory(clock);
    private final AuthorizationLinks links = new AuthorizationLinks(shared.keyValues(), URI.create("https://gw.example.com/"),
            JsonMapper.builder().build());
    private final GrantOwner alice = new GrantOwner("acme", "alice", "Notion (work)");

    private static String ticket(URI link) {
        String path = link.getRawPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    @Test
    void a_link_names_the_server_and_a_random_ticket_and_works_once() {
        URI link = links.create(alice, Duration.ofMinutes(5));
        assertThat(link.toString()).matches("https://gw\\.example\\.com/api/mcp/Notion%20%28work%29/oauth/link/[A-Za-z0-9_-]{43}");
        assertThat(links.redeem("Notion (work)", ticket(link))).contains(alice);
        assertThat(links.redeem("Notion (work)", ticket(link))).as("once").isEmpty();
        assertThat(ticket(links.create(alice, Duration.ofMinutes(5)))).isNotEqualTo(ticket(link));
    }

    @Test
    void a_ticket_for_another_server_or_malformed_or_expired_is_refused() {
        assertThat(links.redeem("other", ticket(links.create(alice, Duration.ofMinutes(5))))).isEmpty();
        assertThat(links.redeem("Notion (work)", "../../etc")).isEmpty();
        URI expiring = links.create(alice, Duration.ofHours(2)); // capped at the lifetime
        clock.advance(AuthorizationLinks.LIFETIME.plusSeconds(1));
        assertThat(links.redeem("Notion (work)", ticket(expiring))).isEmpty();
    }

    @Test
    void a_newer_link_for_the_attempt_replaces_the_older_and_peeking_uses_nothing_up() {
        URI first = links.create(alice, Duration.ofMinutes(5));
        URI second = links.create(alice, Duration.ofMinutes(5));
        assertThat(links.peek("Notion (work)", ticket(first))).as("replaced").isEmpty();
        assertThat(links.peek("Notion (work)", ticket(second))).contains(alice);
        assertThat(links.peek("Notion (work)", ticket(second))).as("a look is not a use").contains(alice);
        assertThat(links.redeem("Notion (work)", ticket(second))).contains(alice);
        URI bobs = links.create(new GrantOwner("acme", "bob", "Notion (work)"), Duration.ofMinutes(5));
        assertThat(links.redeem("Notion (work)", ticket(bobs))).as("another user's link is theirs alone")
                .contains(new GrantOwner("acme", "bob", "Notion (work)"));
    }
}
