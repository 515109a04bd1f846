package dev.portcullis.registry;

import dev.portcullis.access.AccessRole;
import dev.portcullis.access.Grant;
import dev.portcullis.access.PermissionBits;
import dev.portcullis.access.Principal;
import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import dev.portcullis.people.PeopleDirectory;
import dev.portcullis.store.AuditLog;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.ObjectMapper;

/**
 * Who may see and change a user server: reading and changing its grants (ACL SHARE needed), with
 * every grant and revocation in the audit trail. A change that would leave no user owner is
 * refused: a server nobody but an admin can manage is a server nobody manages.
 */
public final class ServerSharing {
    private final ServerRegistry registry;
    private final AuditLog audit;
    private final ObjectMapper json;
    private final Clock clock;
    private final PeopleDirectory directory;

    public ServerSharing(ServerRegistry registry, AuditLog audit, ObjectMapper json, Clock clock, PeopleDirectory directory) {
        this.registry = registry;
        this.audit = audit;
        this.json = json;
        this.clock = clock;
        this.directory = directory;
    }

    /** One principal and the role to give them. */
    public record Assignment(Principal principal, AccessRole role) {
    }

    /**
     * A bulk change, LibreChat's {@code PUT} body: grants to set, principals to remove, and the
     * public grant — set with a role, removed with {@code false}, left alone when not mentioned.
     */
    public record Change(List<Assignment> updated, List<Principal> removed, Optional<Boolean> makePublic,
                         Optional<AccessRole> publicRole) {
        /**
         * Grants to everyone, or to a whole role (a role such as USER is everyone in practice), need
         * the role permission {@code SHARE_PUBLIC}; users and groups need only {@code SHARE}.
         */
        public boolean needsSharePublic() {
            return makePublic.orElse(false) || updated.stream().anyMatch(a -> a.principal() instanceof Principal.Public
                    || a.principal() instanceof Principal.Role);
        }
    }

    /** The server by id with its grants, for a caller holding SHARE on it. */
    public RegisteredServer requireShareable(Actor actor, String id) {
        RegisteredServer server = registry.findById(actor.caller(), id).orElseThrow(() ->
                new GatewayException(ErrorCode.NOT_FOUND, "mcpServer '" + id + "' not found"));
        UserServerAdmin.requireBits(server, PermissionBits.SHARE);
        return server;
    }

    public List<Grant> grants(Actor actor, String id) {
        return registry.grants().list(requireShareable(actor, id).stored().orElseThrow().id());
    }

    public List<Grant> change(Actor actor, String id, Change change) {
        StoredServer server = requireShareable(actor, id).stored().orElseThrow();
        /** One grant or revocation, as the audit trail records it ({@code accessRoleId} empty for a revocation). */
        record Shared(String action, Principal principal, String accessRoleId) {
        }
        List<Shared> events = new ArrayList<>();
        registry.store().jdbi().useTransaction(h -> {
            // One change at a time per server, and the caller's SHARE checked again under the lock: two
            // owners removing each other, or a sharer losing SHARE meanwhile, cannot both go through.
            if (!registry.store().lock(h, server.id())) {
                throw new GatewayException(ErrorCode.NOT_FOUND, "mcpServer '" + id + "' not found");
            }
            if (!PermissionBits.has(registry.grants().effectiveBits(h, server.id(), actor.caller()), PermissionBits.SHARE)) {
                throw new GatewayException(ErrorCode.FORBIDDEN, "Insufficient permissions to access this mcpServer",
                        Map.of("requiredPermission", PermissionBits.name(PermissionBits.SHARE)), null);
            }
            for (Principal p : change.removed()) {
                if (registry.grants().revoke(h, server.id(), p)) {
                    events.add(new Shared("server.unshare", p, ""));
                }
            }
            if (change.makePublic().isPresent() && !change.makePublic().get()
                    && registry.grants().revoke(h, server.id(), Principal.PUBLIC)) {
                events.add(new Shared("server.unshare", Principal.PUBLIC, ""));
            }
            for (Assignment a : change.updated()) {
                registry.grants().grant(h, server.id(), a.principal(), a.role(), actor.caller().userId());
                // Someone shared with is someone the people picker should find next time, even before they sign in.
                directory.granted(h, server.tenantId(), a.principal().type(), a.principal().id());
                events.add(new Shared("server.share", a.principal(), a.role().id()));
            }
            if (change.makePublic().orElse(false)) {
                AccessRole role = change.publicRole().orElse(AccessRole.VIEWER);
                registry.grants().grant(h, server.id(), Principal.PUBLIC, role, actor.caller().userId());
                events.add(new Shared("server.share", Principal.PUBLIC, role.id()));
            }
            boolean ownerLeft = h.createQuery("""
                            SELECT COUNT(*) FROM server_grants WHERE server_id = :server AND principal_type = 'user'
                            AND access_role = :owner""")
                    .bind("server", server.id()).bind("owner", AccessRole.OWNER.id()).mapTo(Integer.class).one() > 0;
            if (!ownerLeft) {
                throw new GatewayException(ErrorCode.LAST_OWNER, "This change would leave the server without a user who "
                        + "owns it; make someone else owner first");
            }
            for (Shared e : events) {
                audit.append(h, new AuditLog.Event(clock.instant(), actor.caller().tenantId(), actor.caller().userId(),
                        e.action(), "mcpServer:" + server.id(), actor.requestId(), Optional.of(json.writeValueAsString(Map.of(
                        "principalType", e.principal().type(), "principalId", e.principal().id(),
                        "accessRoleId", e.accessRoleId(), "serverName", server.name())))));
            }
        });
        changed.accept(server.tenantId()); // who may use the server changed: their clients list again
        return registry.grants().list(server.id());
    }

    private volatile java.util.function.Consumer<String> changed = tenant -> { };

    /** Hears, after each committed change, the tenant whose users' servers it changed. */
    public void onChange(java.util.function.Consumer<String> listener) {
        this.changed = listener;
    }
}
