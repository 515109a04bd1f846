package dev.portcullis.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.access.AccessRole;
import dev.portcullis.access.PermissionBits;
import dev.portcullis.access.Principal;
import dev.portcullis.access.ServerGrants;
import dev.portcullis.config.StorageSettings;
import dev.portcullis.crypto.SecretSealer;
import dev.portcullis.identity.Caller;
import dev.portcullis.store.Database;
import dev.portcullis.testing.Services;
import dev.portcullis.testing.TestConfigs;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

/** The registry's listing on both databases: tiers, order, cursors across the tier boundary, search, visibility, tenants. */
class ServerRegistryTest {
    private static final Caller ALICE = caller("alice", "USER", List.of());
    private static final Caller BOB = caller("bob", "USER", List.of("team"));
    private static final Caller ROOT = caller("root", "ADMIN", List.of());

    @TempDir
    static Path dir;

    static Stream<String> databases() {
        return Stream.of("h2", "postgresql");
    }

    private static Caller caller(String id, String role, List<String> groups) {
        return new Caller(id, role, Optional.empty(), Optional.empty(), groups);
    }

    private record Fixture(Database db, ServerRegistry registry) implements AutoCloseable {
        @Override
        public void close() {
            db.close();
        }

        void add(String name, Caller owner, String title, Principal... shares) {
            String id = UUID.randomUUID().toString();
            db.jdbi().useTransaction(h -> {
                registry.store().insert(h, id, owner.tenantId().orElse(""), name, owner,
                        "{\"type\": \"streamable-http\", \"url\": \"https://" + name + ".example/mcp\", \"title\": \"" + title + "\"}",
                        Optional.of(title), Optional.of("about " + title), Inspection.deferred(false));
                registry.grants().grant(h, id, new Principal.User(owner.userId()), AccessRole.OWNER, owner.userId());
                for (Principal p : shares) {
                    registry.grants().grant(h, id, p, AccessRole.VIEWER, owner.userId());
                }
            });
        }

        List<String> allPages(Caller caller, Optional<String> search, int limit) {
            List<String> names = new ArrayList<>();
            Optional<String> after = Optional.empty();
            do {
                ServerPage page = registry.page(caller, new ServerRegistry.Query(search, after, limit));
                assertThat(page.servers().size()).isLessThanOrEqualTo(limit);
                page.servers().forEach(s -> names.add(s.name()));
                after = page.nextCursor();
            } while (after.isPresent());
            return names;
        }
    }

    private static Fixture fixture(String kind) {
        Path data = dir.resolve(kind + "-" + System.nanoTime());
        String url = kind.equals("h2") ? "jdbc:h2:file:" + data.resolve("db") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE"
                : Services.freshPostgresSchema();
        Database db = Database.open(new StorageSettings(url, Optional.empty(), Optional.empty(), 2, data));
        var operators = new OperatorServers(TestConfigs.fromYaml("""
                mcpServers:
                  zeta: {type: streamable-http, url: "https://zeta.example/mcp", title: "Zeta Search"}
                  alpha: {type: streamable-http, url: "https://alpha.example/mcp", title: "Alpha"}
                  ops: {type: streamable-http, url: "https://ops.example/mcp", title: "Ops", access: {groups: [ops], users: [bob]}}
                """, dir).mcpServers());
        SecretSealer sealer = new SecretSealer(new byte[32], List.of());
        JsonMapper json = JsonMapper.builder().build();
        return new Fixture(db, new ServerRegistry(operators, new UserServerStore(db.jdbi(), sealer, json, Clock.systemUTC()),
                new ServerGrants(db.jdbi(), Clock.systemUTC())));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void pages_cross_from_operator_to_user_servers_without_repeats_or_gaps(String kind) {
        try (Fixture f = fixture(kind)) {
            f.add("mine-b", ALICE, "Mine B");
            f.add("mine-a", ALICE, "Mine A");
            f.add("bobs", BOB, "Bobs");
            f.add("shared", BOB, "Shared", new Principal.User("alice"));
            f.add("zeta", ALICE, "Shadowed"); // operator names: the operator's servers win
            f.add("alpha", ALICE, "Shadowed too");
            List<String> expected = List.of("zeta", "alpha", "mine-a", "mine-b", "shared");
            for (int limit = 1; limit <= 6; limit++) {
                assertThat(f.allPages(ALICE, Optional.empty(), limit)).as("limit " + limit).containsExactlyElementsOf(expected);
            }
            assertThat(f.allPages(BOB, Optional.empty(), 2)).containsExactly("zeta", "alpha", "ops", "bobs", "shared");
            assertThat(f.allPages(ROOT, Optional.empty(), 100)).containsExactly("zeta", "alpha", "ops", "bobs", "mine-a", "mine-b",
                    "shared");
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void search_spans_both_tiers_and_never_shows_what_the_caller_cannot_view(String kind) {
        try (Fixture f = fixture(kind)) {
            f.add("search-me", ALICE, "Search Me");
            f.add("bob-search", BOB, "Bob Search");
            assertThat(f.allPages(ALICE, Optional.of("SEARCH"), 1)).containsExactly("zeta", "search-me");
            assertThat(f.allPages(BOB, Optional.of("search"), 10)).containsExactly("zeta", "bob-search");
            assertThat(f.allPages(ALICE, Optional.of("about"), 10)).as("descriptions too").containsExactly("search-me");
            assertThat(f.allPages(ALICE, Optional.of("%"), 10)).as("wildcards are literal").isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void grants_decide_what_is_found_and_with_which_bits(String kind) {
        try (Fixture f = fixture(kind)) {
            f.add("teamwork", ALICE, "Teamwork", new Principal.Group("team"));
            assertThat(f.registry().find(BOB, "teamwork")).hasValueSatisfying(s ->
                    assertThat(s.permissionBits()).isEqualTo(PermissionBits.VIEW));
            assertThat(f.registry().find(caller("carl", "USER", List.of()), "teamwork")).isEmpty();
            assertThat(f.registry().find(ALICE, "teamwork").orElseThrow().permissionBits()).isEqualTo(PermissionBits.ALL);
            assertThat(f.registry().find(ROOT, "teamwork").orElseThrow().permissionBits()).isEqualTo(PermissionBits.ALL);
            assertThat(f.registry().find(ALICE, "ops")).as("operator access limits").isEmpty();
            assertThat(f.registry().find(BOB, "ops")).isPresent();
            Caller otherTenant = new Caller("alice", "USER", Optional.empty(), Optional.of("t2"), List.of());
            assertThat(f.registry().find(otherTenant, "teamwork")).as("another tenant's server").isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void a_forged_cursor_is_refused(String kind) {
        try (Fixture f = fixture(kind)) {
            for (String cursor : List.of("!!", "bm9wZQ", "bzotMQ", "dTo")) {
                assertThatThrownBy(() -> f.registry().page(ALICE, new ServerRegistry.Query(Optional.empty(), Optional.of(cursor), 5)))
                        .isInstanceOf(ServerRegistry.InvalidCursor.class);
            }
        }
    }
}
