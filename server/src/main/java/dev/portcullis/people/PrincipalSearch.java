package dev.portcullis.people;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * LibreChat's people-picker search over one tenant: users by name, email or username, groups and
 * roles by name, each a case-insensitive substring match bounded by the limit, then ranked the way
 * LibreChat ranks them (an exact match, then a prefix, then any match; users before groups before
 * roles; then by name) and cut to the limit.
 */
public final class PrincipalSearch {
    /** LibreChat's principal types a search may return. */
    public enum Kind {
        USER, GROUP, ROLE;

        public String type() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One result. */
    public sealed interface Found {
        Kind kind();

        /** What the result is called: LibreChat's {@code name}. */
        String displayName();

        /** The texts a query is ranked against. */
        List<String> searchable();
    }

    public record FoundUser(Person person) implements Found {
        public Kind kind() {
            return Kind.USER;
        }

        public String displayName() {
            return person.displayName();
        }

        public List<String> searchable() {
            return Stream.of(person.name(), person.email(), person.username()).flatMap(java.util.Optional::stream).toList();
        }
    }

    public record FoundGroup(KnownGroup group) implements Found {
        public Kind kind() {
            return Kind.GROUP;
        }

        public String displayName() {
            return group.id();
        }

        public List<String> searchable() {
            return List.of(group.id());
        }
    }

    public record FoundRole(String name) implements Found {
        public Kind kind() {
            return Kind.ROLE;
        }

        public String displayName() {
            return name;
        }

        public List<String> searchable() {
            return List.of(name);
        }
    }

    private final PeopleDirectory directory;

    public PrincipalSearch(PeopleDirectory directory) {
        this.directory = directory;
    }

    /**
     * Principals of the tenant matching {@code query} (already trimmed), of the kinds asked for;
     * {@code roles} are the role names that exist for the tenant.
     */
    public List<Found> search(String tenantId, String query, int limit, Set<Kind> kinds, Collection<String> roles) {
        List<Found> found = new ArrayList<>();
        if (kinds.contains(Kind.USER)) {
            directory.searchUsers(tenantId, query, limit).forEach(p -> found.add(new FoundUser(p)));
        }
        if (kinds.contains(Kind.GROUP)) {
            directory.searchGroups(tenantId, query, limit).forEach(g -> found.add(new FoundGroup(g)));
        }
        if (kinds.contains(Kind.ROLE)) {
            String q = query.toLowerCase(Locale.ROOT);
            roles.stream().distinct().filter(r -> r.toLowerCase(Locale.ROOT).contains(q)).sorted().limit(limit)
                    .forEach(r -> found.add(new FoundRole(r)));
        }
        return found.stream().sorted(Comparator.<Found>comparingInt(f -> -score(f, query)).thenComparing(Found::kind)
                        .thenComparing(Found::displayName, String.CASE_INSENSITIVE_ORDER))
                .limit(limit).toList();
    }

    /** LibreChat's relevance: 100 for an exact match, 80 for a prefix, 50 for a substring, in any case. */
    static int score(Found found, String query) {
        String q = query.toLowerCase(Locale.ROOT);
        int best = 0;
        for (String text : found.searchable()) {
            String t = text.toLowerCase(Locale.ROOT);
            best = Math.max(best, t.equals(q) ? 100 : t.startsWith(q) ? 80 : t.contains(q) ? 50 : 10);
        }
        return best;
    }
}
