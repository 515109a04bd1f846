package dev.portcullis.http;

import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import dev.portcullis.identity.Caller;
import dev.portcullis.identity.McpPermission;
import dev.portcullis.identity.PeoplePickerPermission;
import dev.portcullis.identity.RoleDocuments;
import dev.portcullis.identity.RolePermission;
import dev.portcullis.identity.StoredRoleOverrides;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * LibreChat's {@code /api/roles} routes: reading a role's document and changing its
 * {@code MCP_SERVERS} and {@code PEOPLE_PICKER} permissions. Reading follows LibreChat's rule —
 * one's own role, and the default role USER, are readable by anyone; every other role (ADMIN
 * included) by admins only. Changing is for admins (LibreChat's MANAGE_ROLES capability); the
 * change is stored per tenant and wins over the configuration file on every replica.
 */
final class RoleRoutes {
    private final RoleDocuments documents;
    private final StoredRoleOverrides stored;
    private final KnownRoles known;
    private final RequestJson bodies;

    RoleRoutes(RoleDocuments documents, StoredRoleOverrides stored, KnownRoles known, RequestJson bodies) {
        this.documents = documents;
        this.stored = stored;
        this.known = known;
        this.bodies = bodies;
    }

    void get(Context ctx) {
        Caller caller = Authentication.caller(ctx);
        String role = ctx.pathParam("roleName");
        boolean readable = caller.isAdmin() || role.equals(caller.role()) || role.equals(Caller.USER);
        if (!readable) {
            throw new GatewayException(ErrorCode.FORBIDDEN, "Forbidden: you may read your own role and USER; other roles"
                    + " are for admins", Map.of("capability", "READ_ROLES"), null);
        }
        requireKnown(caller, role);
        ctx.json(documents.document(caller.tenantId().orElse(""), role));
    }

    void putMcpServers(Context ctx) {
        update(ctx, McpPermission.class, "Invalid MCP servers permissions.");
    }

    void putPeoplePicker(Context ctx) {
        update(ctx, PeoplePickerPermission.class, "Invalid people picker permissions.");
    }

    /** LibreChat's order: the capability, then the body, then the role. */
    private <P extends Enum<P> & RolePermission> void update(Context ctx, Class<P> type, String invalid) {
        Caller caller = Authentication.caller(ctx);
        if (!caller.isAdmin()) {
            throw new GatewayException(ErrorCode.FORBIDDEN, "Forbidden: only admins may change role permissions",
                    Map.of("capability", "MANAGE_ROLES"), null);
        }
        Map<P, Boolean> values = values(bodies.tree(ctx), type, invalid);
        String role = ctx.pathParam("roleName");
        requireKnown(caller, role);
        if (role.equals(Caller.ADMIN)) {
            throw new GatewayException(ErrorCode.ROLE_READ_ONLY, "ADMIN holds every permission at this gateway, so that"
                    + " its admins cannot lock themselves out; change the permissions of other roles");
        }
        String tenant = caller.tenantId().orElse("");
        stored.update(new StoredRoleOverrides.Change(tenant, role, values, caller.userId(),
                Optional.ofNullable(RequestIds.of(ctx))));
        ctx.json(documents.document(tenant, role));
    }

    private void requireKnown(Caller caller, String role) {
        if (role.length() > 128 || !known.exists(caller, role)) {
            throw new GatewayException(ErrorCode.NOT_FOUND, "Role not found");
        }
    }

    /**
     * LibreChat's {@code schema.partial().parse(body)}: every key present must be a boolean, keys
     * the type does not have are dropped, and every problem is reported as a zod issue.
     */
    static <P extends Enum<P> & RolePermission> Map<P, Boolean> values(JsonNode body, Class<P> type, String invalid) {
        List<Map<String, Object>> issues = new ArrayList<>();
        Map<P, Boolean> values = new LinkedHashMap<>();
        if (!body.isObject()) {
            issues.add(issue(List.of(), "object", kind(body)));
        } else {
            for (P p : type.getEnumConstants()) {
                JsonNode value = body.get(p.name());
                if (value == null) {
                    continue;
                }
                if (value.isBoolean()) {
                    values.put(p, value.booleanValue());
                } else {
                    issues.add(issue(List.of(p.name()), "boolean", kind(value)));
                }
            }
        }
        if (!issues.isEmpty()) {
            throw new GatewayException(ErrorCode.INVALID_ROLE_PERMISSIONS, invalid, Map.of("errors", issues), null);
        }
        return values;
    }

    private static Map<String, Object> issue(List<String> path, String expected, String received) {
        Map<String, Object> issue = new LinkedHashMap<>();
        issue.put("code", "invalid_type");
        issue.put("expected", expected);
        issue.put("received", received);
        issue.put("path", path);
        issue.put("message", "Expected " + expected + ", received " + received);
        return issue;
    }

    /** zod's names for what it received. */
    private static String kind(JsonNode node) {
        if (node.isNull()) {
            return "null";
        }
        if (node.isArray()) {
            return "array";
        }
        if (node.isObject()) {
            return "object";
        }
        if (node.isNumber()) {
            return "number";
        }
        return node.isBoolean() ? "boolean" : "string";
    }
}
