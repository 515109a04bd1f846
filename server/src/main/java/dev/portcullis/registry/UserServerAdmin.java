package dev.portcullis.registry;

import dev.portcullis.access.AccessRole;
import dev.portcullis.access.PermissionBits;
import dev.portcullis.access.Principal;
import dev.portcullis.access.ServerGrants;
import dev.portcullis.config.McpServerConfig;
import dev.portcullis.config.UserPlaceholders;
import dev.portcullis.config.UserServerInput;
import dev.portcullis.egress.EgressContext;
import dev.portcullis.egress.EgressDecision;
import dev.portcullis.egress.EgressPolicy;
import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import dev.portcullis.store.AuditLog;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Creating, changing and deleting user servers: validation, the egress policy, one inspection,
 * name generation, the owner grant, the audit trail, and what a change means for connections and
 * credentials already out there.
 */
public final class UserServerAdmin {
    /** Fields whose change needs a fresh inspection. */
    private static final List<String> CONNECTION_FIELDS = List.of("type", "url", "headers", "requestHeaders", "apiKey",
            "oauth", "customUserVars");
    /** Headers travel with every request to the server's URL: moving it needs them again, like a key. */
    private static final List<String> HEADER_FIELDS = List.of("headers", "requestHeaders");
    private static final int NAME_ATTEMPTS = 20;
    /** First path segments of the API's own routes under {@code /api/mcp/}: a server named so would be unreachable. */
    private static final Set<String> RESERVED = Set.of("servers", "tools", "connection", "oauth");
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    private final ServerRegistry registry;
    private final EgressPolicy egress;
    private final ServerInspector inspector;
    private final ServerLifecycle lifecycle;
    private final AuditLog audit;
    private final ChangeLimiter limiter;
    private final ObjectMapper json;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /** What changing user servers needs besides the registry. */
    public record Parts(EgressPolicy egress, ServerInspector inspector, ServerLifecycle lifecycle, AuditLog audit,
                        ChangeLimiter limiter) {
    }

    public UserServerAdmin(ServerRegistry registry, Parts parts, ObjectMapper json, Clock clock) {
        this(registry, parts.egress(), parts.inspector(), parts.lifecycle(), parts.audit(), parts.limiter(), json, clock);
    }

    private UserServerAdmin(ServerRegistry registry, EgressPolicy egress, ServerInspector inspector, ServerLifecycle lifecycle,
                            AuditLog audit, ChangeLimiter limiter, ObjectMapper json, Clock clock) {
        this.limiter = limiter;
        this.registry = registry;
        this.egress = egress;
        this.inspector = inspector;
        this.lifecycle = lifecycle;
        this.audit = audit;
        this.json = json;
        this.clock = clock;
    }

    /** Creates a server from the user's input; the creator becomes its owner. */
    public RegisteredServer create(Actor actor, JsonNode input) {
        ObjectNode config = requireObject(input);
        McpServerConfig parsed = validate("new-server", config);
        checkEgress(parsed);
        limiter.acquire(actor.caller()); // only what would connect counts: invalid input costs nothing
        String tenant = ServerRegistry.tenant(actor.caller());
        String base = baseName(parsed.title());
        String id = UUID.randomUUID().toString();
        Inspection inspection = inspect(parsed, actor); // once: the name it will get changes nothing upstream
        for (int attempt = 0; attempt < NAME_ATTEMPTS; attempt++) {
            String name = freeName(tenant, base);
            validate(name, config);
            try {
                StoredServer stored = registry.store().jdbi().inTransaction(h -> {
                    StoredServer s = registry.store().insert(h, id, tenant, name, actor.caller(), json.writeValueAsString(config),
                            parsed.title(), parsed.description(), inspection);
                    registry.grants().grant(h, id, new Principal.User(actor.caller().userId()), AccessRole.OWNER,
                            actor.caller().userId());
                    record(h, actor, "server.create", s, Map.of("name", name));
                    return s;
                });
                lifecycle.listsChanged(tenant);
                return new RegisteredServer(registry.runtimeConfig(stored), PermissionBits.ALL, Optional.of(stored));
            } catch (UserServerStore.NameTaken taken) {
                // another create took the name between the look and the insert: look again
            }
        }
        throw new GatewayException(ErrorCode.CONFLICT, "Could not find a free server name; try again");
    }

    /**
     * Changes a server. Top-level fields present in the input replace the stored ones, a
     * {@code null} removes one, absent ones stay. Secrets ({@code oauth.client_secret},
     * {@code apiKey.key}) are kept when omitted — unless a field that decides where they are sent
     * changed, in which case they must be entered again.
     */
    public RegisteredServer update(Actor actor, String name, JsonNode input) {
        RegisteredServer current = requireUserServer(actor, name, PermissionBits.EDIT);
        StoredServer stored = current.stored().orElseThrow();
        ObjectNode patch = requireObject(input);
        ObjectNode previous = (ObjectNode) json.readTree(stored.inputJson());
        ObjectNode next = merge(previous, patch);
        McpServerConfig parsed = validate(stored.name(), next);
        // Moved exactly when tokens stop matching: the same test OAuthTokens applies to every grant.
        McpServerConfig.Origin origin = current.config().origin();
        boolean moved = !current.config().credentialBinding().equals(parsed.withOrigin(origin).credentialBinding());
        requireReentry(previous, patch, moved, !current.config().url().equals(parsed.url()));
        checkEgress(parsed);
        boolean connectionChanged = CONNECTION_FIELDS.stream().anyMatch(f -> !same(previous.get(f), next.get(f)));
        if (connectionChanged) {
            limiter.acquire(actor.caller());
        }
        Inspection inspection = connectionChanged ? inspect(parsed, actor) : stored.inspection();
        List<String> changed = new ArrayList<>();
        patch.propertyNames().forEach(changed::add);
        StoredServer updated = registry.store().jdbi().inTransaction(h -> {
            Optional<StoredServer> written = registry.store().update(h, stored, json.writeValueAsString(next), parsed.title(),
                    parsed.description(), inspection);
            if (written.isPresent()) {
                if (moved) {
                    // Values were entered for where the server was; they go with the change, or not at all.
                    lifecycle.clearValues(h, stored.tenantId(), stored.name());
                }
                record(h, actor, "server.update", written.get(), Map.of("fields", changed, "version", written.get().version(),
                        "moved", moved));
            }
            return written;
        }).orElseThrow(() -> new GatewayException(ErrorCode.CONFLICT,
                "The server was changed by someone else meanwhile; load it again and repeat your change"));
        lifecycle.closeConnections(stored.tenantId(), stored.name());
        lifecycle.listsChanged(stored.tenantId());
        if (moved) {
            lifecycle.dropCredentials(stored.tenantId(), current.config(), false);
        }
        return new RegisteredServer(registry.runtimeConfig(updated), current.permissionBits(), Optional.of(updated));
    }

    /** Deletes a server: its grants, every user's connection, tokens (revoked first) and variables. */
    public void delete(Actor actor, String name) {
        RegisteredServer current = requireUserServer(actor, name, PermissionBits.DELETE);
        StoredServer stored = current.stored().orElseThrow();
        boolean deleted = registry.store().jdbi().inTransaction(h -> {
            if (!registry.store().delete(h, stored.id())) {
                return false; // a concurrent delete came first
            }
            registry.grants().revokeAll(h, stored.id());
            lifecycle.clearValues(h, stored.tenantId(), stored.name());
            record(h, actor, "server.delete", stored, Map.of("name", stored.name()));
            return true;
        });
        if (!deleted) {
            throw new GatewayException(ErrorCode.NOT_FOUND, "MCP server '" + name + "' not found");
        }
        registry.forget(stored.id());
        lifecycle.closeConnections(stored.tenantId(), stored.name());
        lifecycle.listsChanged(stored.tenantId());
        lifecycle.dropCredentials(stored.tenantId(), current.config(), true);
    }

    /** A user server the caller holds {@code needed} on; operator servers are changed in the configuration file. */
    public RegisteredServer requireUserServer(Actor actor, String name, int needed) {
        RegisteredServer server = registry.find(actor.caller(), name).orElseThrow(() ->
                new GatewayException(ErrorCode.NOT_FOUND, "MCP server '" + name + "' not found"));
        if (!server.isUserManaged()) {
            throw new GatewayException(ErrorCode.SERVER_READ_ONLY, "MCP server '" + name
                    + "' is configured by the operator; change it in the gateway's configuration file");
        }
        requireBits(server, needed);
        return server;
    }

    public static void requireBits(RegisteredServer server, int needed) {
        if (!PermissionBits.has(server.permissionBits(), needed)) {
            throw new GatewayException(ErrorCode.FORBIDDEN, "Insufficient permissions to access this mcpServer",
                    Map.of("requiredPermission", PermissionBits.name(needed)), null);
        }
    }

    private McpServerConfig validate(String name, ObjectNode config) {
        return switch (UserServerInput.parse(name, json.writeValueAsString(config))) {
            case UserServerInput.Result.Valid v -> v.config();
            case UserServerInput.Result.Invalid invalid -> throw invalidConfig(invalid.problems());
        };
    }

    /**
     * {@code 400 INVALID_SERVER_CONFIG} in the shape LibreChat's UI reads: {@code error} the
     * stable code, {@code message} LibreChat's "Invalid configuration", and {@code errors} as zod
     * issues ({@code code}, {@code path}, {@code message}), each also with the dotted {@code field}
     * earlier clients read. No value of the input is in it.
     */
    public static GatewayException invalidConfig(List<UserServerInput.FieldProblem> problems) {
        List<Map<String, Object>> errors = problems.stream().map(p -> {
            Map<String, Object> issue = new LinkedHashMap<>();
            issue.put("code", p.code().zodName());
            issue.put("path", p.path());
            issue.put("message", p.message());
            issue.put("field", p.field());
            return issue;
        }).toList();
        return new GatewayException(ErrorCode.INVALID_SERVER_CONFIG, "Invalid configuration", Map.of("errors", errors), null);
    }

    /**
     * The egress policy at create and update, before any connection. A user's {{VAR}} may stand only
     * in the path or query (UserServerInput), so the host decided here is the host every user gets.
     */
    private void checkEgress(McpServerConfig config) {
        config.url().ifPresent(u -> refuseBlocked(UserPlaceholders.standIn(u), EgressContext.MCP, "url"));
        config.oauth().ifPresent(o -> {
            o.authorizationUrl().ifPresent(u -> refuseBlocked(u, EgressContext.OAUTH, "oauth.authorization_url"));
            o.tokenUrl().ifPresent(u -> refuseBlocked(u, EgressContext.OAUTH, "oauth.token_url"));
            o.revocationEndpoint().ifPresent(u -> refuseBlocked(u, EgressContext.OAUTH, "oauth.revocation_endpoint"));
        });
    }

    private void refuseBlocked(String url, EgressContext context, String field) {
        if (egress.decide(url, context) instanceof EgressDecision.Block block) {
            throw new GatewayException(ErrorCode.MCP_DOMAIN_NOT_ALLOWED, "The " + field + " is not allowed by the gateway's "
                    + "egress policy (" + block.describe() + ")", Map.of("field", "config." + field), null);
        }
    }

    private Inspection inspect(McpServerConfig config, Actor actor) {
        try {
            return inspector.inspect(config, actor.caller());
        } catch (ServerInspector.InspectionFailed e) {
            throw new GatewayException(ErrorCode.MCP_INSPECTION_FAILED, "The server could not be inspected: " + e.getMessage()
                    + ". Check its URL and transport type", Map.of(), e);
        }
    }

    private String baseName(Optional<String> title) {
        String slug = title.map(UserServerInput::slug).orElse("");
        if (!slug.isEmpty()) {
            return slug;
        }
        StringBuilder name = new StringBuilder("mcp-");
        for (int i = 0; i < 16; i++) {
            name.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return name.toString();
    }

    /** The slug itself, or with {@code -2}, {@code -3}, ...: never an operator server's name, in any case. */
    private String freeName(String tenant, String base) {
        Set<String> taken = new HashSet<>();
        registry.operators().all().keySet().forEach(n -> taken.add(n.toLowerCase(Locale.ROOT)));
        registry.store().namesLike(tenant, base).forEach(taken::add);
        taken.addAll(RESERVED);
        if (!taken.contains(base)) {
            return base;
        }
        for (int n = 2; ; n++) {
            String candidate = base + "-" + n;
            if (!taken.contains(candidate)) {
                return candidate;
            }
        }
    }

    /**
     * The request's {@code config} object without the settings LibreChat's schema drops as the
     * server's ({@link UserServerInput#SERVER_MANAGED_FIELDS}): they are neither used nor stored.
     */
    private static ObjectNode requireObject(JsonNode input) {
        if (input == null || !input.isObject()) {
            throw notAnObject();
        }
        ObjectNode config = ((ObjectNode) input).deepCopy();
        UserServerInput.SERVER_MANAGED_FIELDS.forEach(config::remove);
        return config;
    }

    /** A request without a {@code config} object: zod's "Required" on the whole config, path []. */
    public static GatewayException notAnObject() {
        return invalidConfig(List.of(new UserServerInput.FieldProblem("config", List.of(),
                UserServerInput.Code.INVALID_TYPE, "expected an object: send the server as {\"config\": {...}}")));
    }

    private static ObjectNode merge(ObjectNode previous, ObjectNode patch) {
        ObjectNode next = previous.deepCopy();
        patch.properties().forEach(e -> {
            if (e.getValue().isNull()) {
                next.remove(e.getKey());
            } else {
                next.set(e.getKey(), e.getValue().deepCopy());
            }
        });
        keepSecret(previous, next, "oauth", "client_secret");
        keepSecret(previous, next, "apiKey", "key");
        return next;
    }

    /** A section sent without its secret keeps the stored one, so clients never need to know it. */
    private static void keepSecret(ObjectNode previous, ObjectNode next, String section, String secret) {
        JsonNode before = previous.get(section);
        JsonNode after = next.get(section);
        if (before != null && before.has(secret) && after instanceof ObjectNode a && !a.has(secret) && after != before) {
            a.set(secret, before.get(secret).deepCopy());
        }
    }

    /** @param moved the server's credential binding changed: its URL or an OAuth endpoint or client */
    private static void requireReentry(ObjectNode previous, ObjectNode patch, boolean moved, boolean urlChanged) {
        if (moved && carried(previous, patch, "oauth", "client_secret")) {
            throw new GatewayException(ErrorCode.MCP_OAUTH_SECRET_REENTRY_REQUIRED, "The URL or the OAuth client binding "
                    + "changed: send oauth.client_secret again so the stored one is not sent somewhere new",
                    Map.of("fields", List.of("config.oauth.client_secret")), null);
        }
        List<String> reenter = new ArrayList<>();
        if (urlChanged && carried(previous, patch, "apiKey", "key")) {
            reenter.add("config.apiKey.key");
        }
        for (String headers : HEADER_FIELDS) {
            if (urlChanged && previous.has(headers) && previous.get(headers).size() > 0 && !patch.has(headers)) {
                reenter.add("config." + headers);
            }
        }
        if (!reenter.isEmpty()) {
            throw new GatewayException(ErrorCode.MCP_CREDENTIAL_REENTRY_REQUIRED, "The URL changed: send "
                    + String.join(" and ", reenter) + " again so stored credentials are not sent somewhere new",
                    Map.of("fields", reenter), null);
        }
    }

    /** The stored secret would survive into the new configuration without the caller sending it. */
    private static boolean carried(ObjectNode previous, ObjectNode patch, String section, String secret) {
        JsonNode before = previous.get(section);
        if (before == null || !before.has(secret)) {
            return false;
        }
        JsonNode sent = patch.get(section);
        return sent == null || sent.isObject() && !sent.has(secret);
    }

    private static boolean same(JsonNode a, JsonNode b) {
        return a == null || a.isNull() ? b == null || b.isNull() : a.equals(b);
    }

    private void record(org.jdbi.v3.core.Handle h, Actor actor, String action, StoredServer server, Map<String, Object> detail) {
        Map<String, Object> full = new LinkedHashMap<>(detail);
        full.put("serverId", server.id());
        audit.append(h, new AuditLog.Event(clock.instant(), actor.caller().tenantId(), actor.caller().userId(), action,
                "mcpServer:" + server.id(), actor.requestId(), Optional.of(json.writeValueAsString(full))));
    }
}
