package dev.portcullis.http;

import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import dev.portcullis.identity.Caller;
import dev.portcullis.identity.PeoplePickerPermission;
import dev.portcullis.identity.RolePermissions;
import dev.portcullis.people.Person;
import dev.portcullis.people.PrincipalSearch;
import dev.portcullis.people.PrincipalSearch.Kind;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * LibreChat's {@code GET /api/permissions/search-principals}: the sharing dialog's people picker.
 * Each kind of principal asked for needs its {@code PEOPLE_PICKER} permission (ADMIN holds all;
 * other roles what {@code interface.peoplePicker} or a stored change gives, by default nothing).
 * Results come from the caller's tenant only, and only of the kinds the caller may search — where
 * LibreChat would let a caller allowed to find groups list users too by asking for no kind at all.
 */
final class PeoplePickerRoutes {
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 50;

    private final RolePermissions permissions;
    private final PrincipalSearch search;
    private final KnownRoles roles;

    PeoplePickerRoutes(RolePermissions permissions, PrincipalSearch search, KnownRoles roles) {
        this.permissions = permissions;
        this.search = search;
        this.roles = roles;
    }

    void search(Context ctx) {
        Caller caller = Authentication.caller(ctx);
        Set<Kind> allowed = allowed(caller);
        requireAccess(ctx, allowed);

        List<String> q = ctx.queryParams("q");
        if (q.size() != 1 || q.getFirst().strip().isEmpty()) {
            throw new GatewayException(ErrorCode.BAD_REQUEST, "Query parameter \"q\" is required and must not be empty");
        }
        String query = q.getFirst().strip();
        if (query.length() < 2) {
            throw new GatewayException(ErrorCode.BAD_REQUEST, "Query must be at least 2 characters long");
        }
        int limit = limit(ctx.queryParams("limit"));
        Optional<List<Kind>> filter = typeFilter(ctx.queryParams("types"));

        Set<Kind> kinds = EnumSet.noneOf(Kind.class);
        kinds.addAll(filter.orElse(List.of(Kind.values())));
        kinds.retainAll(allowed);
        List<Map<String, Object>> results = new ArrayList<>();
        for (PrincipalSearch.Found found : search.search(caller.tenantId().orElse(""), query, limit, kinds, roles.all(caller))) {
            results.add(describe(found));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("query", query);
        body.put("limit", limit);
        body.put("types", filter.map(list -> list.stream().map(Kind::type).toList()).orElse(null));
        body.put("results", results);
        body.put("count", results.size());
        Map<String, Object> sources = new LinkedHashMap<>();
        sources.put("local", results.size());
        sources.put("entra", 0); // LibreChat's Entra ID search; the gateway has none
        body.put("sources", sources);
        ctx.json(body);
    }

    /** What the console's sharing form finds: the kinds of principal the caller may search, or nothing. */
    List<PrincipalSearch.Found> find(Caller caller, String query) {
        Set<Kind> allowed = allowed(caller);
        String q = query.strip();
        if (allowed.isEmpty() || q.length() < 2) {
            return List.of();
        }
        return search.search(caller.tenantId().orElse(""), q, DEFAULT_LIMIT, allowed, roles.all(caller));
    }

    /** Whether the caller may search for any kind of principal. */
    boolean maySearch(Caller caller) {
        return !allowed(caller).isEmpty();
    }

    private Set<Kind> allowed(Caller caller) {
        Set<Kind> allowed = EnumSet.noneOf(Kind.class);
        for (Kind kind : Kind.values()) {
            if (permissions.allows(caller, permission(kind))) {
                allowed.add(kind);
            }
        }
        return allowed;
    }

    /**
     * LibreChat's {@code checkPeoplePickerAccess}: every kind named by {@code type} or {@code types}
     * needs its permission; naming none needs at least one.
     */
    private static void requireAccess(Context ctx, Set<Kind> allowed) {
        Set<Kind> asked = new LinkedHashSet<>();
        List<String> type = ctx.queryParams("type");
        if (type.size() == 1) {
            kind(type.getFirst()).ifPresent(asked::add);
        }
        typeFilter(ctx.queryParams("types")).ifPresent(asked::addAll);
        for (Kind kind : asked) {
            if (!allowed.contains(kind)) {
                throw forbidden("Insufficient permissions to search for " + kind.type() + "s",
                        PeoplePickerPermission.TYPE + "." + permission(kind).name());
            }
        }
        if (asked.isEmpty() && allowed.isEmpty()) {
            throw forbidden("Insufficient permissions to search for users, groups, or roles", PeoplePickerPermission.TYPE);
        }
    }

    private static GatewayException forbidden(String message, String permission) {
        return new GatewayException(ErrorCode.FORBIDDEN, message, Map.of("permission", permission), null);
    }

    private static PeoplePickerPermission permission(Kind kind) {
        return switch (kind) {
            case USER -> PeoplePickerPermission.VIEW_USERS;
            case GROUP -> PeoplePickerPermission.VIEW_GROUPS;
            case ROLE -> PeoplePickerPermission.VIEW_ROLES;
        };
    }

    /**
     * {@code types} as Express hands it to LibreChat: one value is split at commas, a repeated
     * parameter is a list taken as it is; unknown names are dropped, and none left means no filter.
     */
    static Optional<List<Kind>> typeFilter(List<String> values) {
        List<String> names = values.size() == 1 ? List.of(values.getFirst().split(",", -1)) : values;
        List<Kind> kinds = names.stream().map(PeoplePickerRoutes::kind).flatMap(Optional::stream).distinct().toList();
        return kinds.isEmpty() ? Optional.empty() : Optional.of(kinds);
    }

    private static Optional<Kind> kind(String name) {
        for (Kind kind : Kind.values()) {
            if (kind.type().equals(name)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    /**
     * LibreChat's {@code Math.min(Math.max(1, parseInt(limit) || 10), 50)}, with JavaScript's
     * {@code parseInt}: leading digits count ({@code "7abc"} is 7), no digits or 0 give 10.
     */
    static int limit(List<String> values) {
        if (values.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        String text = String.join(",", values).stripLeading();
        int i = 0;
        boolean negative = false;
        if (i < text.length() && (text.charAt(i) == '-' || text.charAt(i) == '+')) {
            negative = text.charAt(i) == '-';
            i++;
        }
        long value = 0;
        int digits = 0;
        while (i < text.length() && Character.isDigit(text.charAt(i)) && text.charAt(i) < 128) {
            value = Math.min(value * 10 + (text.charAt(i) - '0'), 1_000_000);
            i++;
            digits++;
        }
        long parsed = digits == 0 || value == 0 ? 10 : negative ? -value : value;
        return (int) Math.min(Math.max(1, parsed), MAX_LIMIT);
    }

    /** A result in LibreChat's {@code TPrincipalSearchResult} shape; absent values are left out. */
    private static Map<String, Object> describe(PrincipalSearch.Found found) {
        Map<String, Object> item = new LinkedHashMap<>();
        switch (found) {
            case PrincipalSearch.FoundUser(Person p) -> {
                item.put("id", p.id());
                item.put("type", "user");
                item.put("name", p.displayName());
                p.email().ifPresent(e -> item.put("email", e));
                p.username().ifPresent(u -> item.put("username", u));
                p.provider().ifPresent(v -> item.put("provider", v));
                item.put("source", "local");
                item.put("idOnTheSource", p.id());
                item.put("isAdmin", p.role().filter(Caller.ADMIN::equals).isPresent());
            }
            case PrincipalSearch.FoundGroup(var g) -> {
                item.put("id", g.id());
                item.put("type", "group");
                item.put("name", g.id());
                item.put("source", "local");
                item.put("memberCount", g.memberCount());
                item.put("idOnTheSource", g.id());
            }
            case PrincipalSearch.FoundRole(String name) -> {
                item.put("id", name);
                item.put("type", "role");
                item.put("name", name);
                item.put("source", "local");
                item.put("idOnTheSource", name);
                item.put("isAdmin", Caller.ADMIN.equals(name));
            }
        }
        return item;
    }
}
