package dev.portcullis.http;

import dev.portcullis.access.AccessRole;
import dev.portcullis.access.Grant;
import dev.portcullis.access.PermissionBits;
import dev.portcullis.access.Principal;
import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import dev.portcullis.identity.Caller;
import dev.portcullis.identity.McpPermission;
import dev.portcullis.identity.PeoplePickerPermission;
import dev.portcullis.registry.RegisteredServer;
import dev.portcullis.registry.ServerRegistry;
import dev.portcullis.registry.ServerSharing;
import dev.portcullis.people.PeopleDirectory;
import dev.portcullis.people.Person;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * LibreChat's sharing API for MCP servers, {@code /api/permissions/mcpServer/...}: the access-role
 * catalogue, the caller's effective bits, and reading and changing who has access to a user
 * server. Ids are the servers' {@code dbId}.
 */
final class PermissionRoutes {
    static final String RESOURCE_TYPE = "mcpServer";
    private static final int MAX_PRINCIPALS = 100;
    static final int MAX_PRINCIPAL_ID = 256;

    private final ServerRegistry registry;
    private final ServerSharing sharing;
    private final Permissions permissions;
    private final RequestJson bodies;
    private final PeopleDirectory directory;

    PermissionRoutes(ServerRegistry registry, ServerSharing sharing, Permissions permissions, RequestJson bodies,
                     PeopleDirectory directory) {
        this.registry = registry;
        this.sharing = sharing;
        this.permissions = permissions;
        this.bodies = bodies;
        this.directory = directory;
    }

    void roles(Context ctx) {
        Authentication.caller(ctx);
        List<Map<String, Object>> roles = new ArrayList<>();
        for (AccessRole r : AccessRole.values()) {
            roles.add(Map.of("accessRoleId", r.id(), "name", r.title(), "description", r.description(), "permBits", r.bits()));
        }
        ctx.json(roles);
    }

    /** The caller's bits on one server; 0 for a server that does not exist or that they cannot see. */
    void effective(Context ctx) {
        Caller caller = Authentication.caller(ctx);
        int bits = registry.findById(caller, ctx.pathParam("id")).map(RegisteredServer::permissionBits).orElse(PermissionBits.NONE);
        ctx.json(Map.of("permissionBits", bits));
    }

    /** The caller's bits on every user server they can see, by id. */
    void effectiveAll(Context ctx) {
        Caller caller = Authentication.caller(ctx);
        Map<String, Integer> bits = new LinkedHashMap<>();
        registry.visible(caller).values().forEach(s -> s.stored().ifPresent(st -> bits.put(st.id(), s.permissionBits())));
        ctx.json(bits);
    }

    void get(Context ctx) {
        Caller caller = permissions.require(ctx, McpPermission.SHARE);
        String id = ctx.pathParam("id");
        ctx.json(describe(caller, id, sharing.grants(McpServerRoutes.actor(ctx, caller), id)));
    }

    void put(Context ctx) {
        Caller caller = permissions.require(ctx, McpPermission.SHARE);
        String id = ctx.pathParam("id");
        ServerSharing.Change change = change(bodies.tree(ctx));
        List<Grant> grants = apply(ctx, caller, id, change);
        // LibreChat answers with what this request granted, and with `public` only when the request named it.
        Set<Principal> granted = new HashSet<>();
        change.updated().forEach(a -> granted.add(a.principal()));
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("principals", principals(caller, grants.stream().filter(g -> granted.contains(g.principal())).toList()));
        change.makePublic().ifPresent(isPublic -> results.put("public", isPublic));
        if (change.makePublic().orElse(false)) {
            grants.stream().filter(g -> g.principal() instanceof Principal.Public).findFirst()
                    .ifPresent(g -> results.put("publicAccessRoleId", g.role().id()));
        }
        ctx.json(Map.of("message", "Permissions updated successfully", "results", results));
    }

    /**
     * A change as the API makes it, for the API and the console alike: everyone and whole roles need
     * {@code SHARE_PUBLIC} besides {@code SHARE}. The server's grants after it.
     */
    List<Grant> apply(Context ctx, Caller caller, String id, ServerSharing.Change change) {
        permissions.require(ctx, McpPermission.SHARE);
        if (change.needsSharePublic()) {
            permissions.require(ctx, McpPermission.SHARE_PUBLIC);
        }
        return sharing.change(McpServerRoutes.actor(ctx, caller), id, change);
    }

    /** The server's grants, for a caller holding SHARE on it (the API's GET and the console's page). */
    List<Grant> grants(Context ctx, Caller caller, String id) {
        return sharing.grants(McpServerRoutes.actor(ctx, caller), id);
    }

    private Map<String, Object> describe(Caller caller, String id, List<Grant> grants) {
        Optional<Grant> publicGrant = grants.stream().filter(g -> g.principal() instanceof Principal.Public).findFirst();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("resourceType", RESOURCE_TYPE);
        body.put("resourceId", id);
        body.put("principals", principals(caller, grants));
        body.put("public", publicGrant.isPresent());
        publicGrant.ifPresent(g -> body.put("publicAccessRoleId", g.role().id()));
        return body;
    }

    /**
     * The grants other than the public one in LibreChat's principal shape, with the name and email
     * the people directory knows (of the caller's tenant, the server's); an unknown user is named by id.
     * Names and addresses are shown only to callers who may find users in the people picker
     * ({@code PEOPLE_PICKER.VIEW_USERS}): otherwise sharing with any id and reading the answer would
     * look up anyone's address without that permission.
     */
    List<Map<String, Object>> principals(Caller caller, List<Grant> grants) {
        Map<String, Person> people = !permissions.allows(caller, PeoplePickerPermission.VIEW_USERS) ? Map.of()
                : directory.users(caller.tenantId().orElse(""), grants.stream()
                .filter(g -> g.principal() instanceof Principal.User).map(g -> g.principal().id()).toList());
        List<Map<String, Object>> principals = new ArrayList<>();
        for (Grant g : grants) {
            if (g.principal() instanceof Principal.Public) {
                continue;
            }
            String pid = g.principal().id();
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("type", g.principal().type());
            p.put("id", pid);
            switch (g.principal()) {
                case Principal.User u -> {
                    Optional<Person> known = Optional.ofNullable(people.get(pid));
                    // LibreChat's `name || username`, then the address, then the id: a name is always shown.
                    p.put("name", known.flatMap(k -> k.name().or(k::username).or(k::email)).orElse(pid));
                    known.flatMap(Person::email).ifPresent(e -> p.put("email", e));
                    p.put("source", "local");
                    p.put("idOnTheSource", pid);
                }
                case Principal.Group group -> {
                    p.put("name", pid);
                    p.put("source", "local");
                    p.put("idOnTheSource", pid);
                }
                case Principal.Role role -> {
                    p.put("name", pid);
                    p.put("description", "System role: " + pid);
                }
                case Principal.Public ignored -> { }
            }
            p.put("accessRoleId", g.role().id());
            p.put("grantedBy", g.grantedBy());
            p.put("grantedAt", g.grantedAt().toString());
            principals.add(p);
        }
        return principals;
    }

    /** LibreChat's body: {@code {updated: [{type, id, accessRoleId}], removed: [{type, id}], public, publicAccessRoleId}}. */
    static ServerSharing.Change change(JsonNode body) {
        List<String> problems = new ArrayList<>();
        List<ServerSharing.Assignment> updated = new ArrayList<>();
        List<Principal> removed = new ArrayList<>();
        JsonNode updates = body.path("updated");
        JsonNode removals = body.path("removed");
        if (!updates.isMissingNode() && !updates.isArray() || !removals.isMissingNode() && !removals.isArray()) {
            problems.add("updated and removed are lists");
        }
        if (updates.size() + removals.size() > MAX_PRINCIPALS) {
            problems.add("at most " + MAX_PRINCIPALS + " principals per change");
        }
        for (int i = 0; updates.isArray() && i < updates.size(); i++) {
            JsonNode u = updates.get(i);
            Optional<Principal> p = principal(u, "updated[" + i + "]", problems);
            String roleId = u.path("accessRoleId").asString("");
            Optional<AccessRole> role = AccessRole.byId(roleId);
            if (role.isEmpty()) {
                problems.add("updated[" + i + "].accessRoleId: use mcpServer_viewer, mcpServer_editor or mcpServer_owner");
            }
            if (p.isPresent() && role.isPresent()) {
                updated.add(new ServerSharing.Assignment(p.get(), role.get()));
            }
        }
        for (int i = 0; removals.isArray() && i < removals.size(); i++) {
            principal(removals.get(i), "removed[" + i + "]", problems).ifPresent(removed::add);
        }
        Optional<Boolean> makePublic = Optional.empty();
        JsonNode pub = body.path("public");
        if (!pub.isMissingNode() && !pub.isNull()) {
            if (!pub.isBoolean()) {
                problems.add("public: true or false");
            } else {
                makePublic = Optional.of(pub.booleanValue());
            }
        }
        Optional<AccessRole> publicRole = Optional.empty();
        JsonNode pubRole = body.path("publicAccessRoleId");
        if (!pubRole.isMissingNode() && !pubRole.isNull()) {
            publicRole = AccessRole.byId(pubRole.asString(""));
            if (publicRole.isEmpty()) {
                problems.add("publicAccessRoleId: use mcpServer_viewer, mcpServer_editor or mcpServer_owner");
            }
        }
        if (!problems.isEmpty()) {
            throw new GatewayException(ErrorCode.INVALID_PERMISSIONS, "Invalid permission change: " + String.join("; ", problems),
                    Map.of("errors", problems), null);
        }
        return new ServerSharing.Change(updated, removed, makePublic, publicRole);
    }

    private static Optional<Principal> principal(JsonNode node, String at, List<String> problems) {
        String type = node.path("type").asString("");
        String id = node.path("id").isNull() ? "" : node.path("id").asString("");
        if (id.length() > MAX_PRINCIPAL_ID) {
            problems.add(at + ".id: at most " + MAX_PRINCIPAL_ID + " characters");
            return Optional.empty();
        }
        Optional<Principal> p = Principal.of(type, id);
        if (p.isEmpty()) {
            problems.add(at + ": type is user, group, role or public, and every type but public needs an id");
        }
        return p;
    }
}
