package dev.portcullis.registry;

import dev.portcullis.access.PermissionBits;
import dev.portcullis.access.ServerGrants;
import dev.portcullis.config.McpServerConfig;
import dev.portcullis.config.UserServerInput;
import dev.portcullis.identity.Caller;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which MCP servers exist for a caller: the operator's (in file order, each to whoever its
 * {@code access} admits; admins see all) and then the caller's tenant's user servers they hold
 * VIEW on (by name). Operator servers are authoritative: a user server never shadows one.
 * A server the caller may not view is reported as absent, not as forbidden, so its existence
 * does not leak.
 */
public final class ServerRegistry {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ServerRegistry.class);
    /** The most servers one page holds, whatever {@code limit} asks for. */
    public static final int MAX_PAGE = 100;

    private final OperatorServers operators;
    private final UserServerStore users;
    private final ServerGrants grants;
    /** Parsed runtime configurations by server id, reused while the version is unchanged. */
    private final Map<String, McpServerConfig> parsed = new ConcurrentHashMap<>();

    public ServerRegistry(OperatorServers operators, UserServerStore users, ServerGrants grants) {
        this.operators = operators;
        this.users = users;
        this.grants = grants;
    }

    public OperatorServers operators() {
        return operators;
    }

    public UserServerStore store() {
        return users;
    }

    public ServerGrants grants() {
        return grants;
    }

    /** The server by name as the caller may see it; empty when it does not exist or they may not view it. */
    public Optional<RegisteredServer> find(Caller caller, String name) {
        Optional<McpServerConfig> operator = operators.find(name);
        if (operator.isPresent()) {
            return admits(caller, operator.get()) ? Optional.of(operatorServer(caller, operator.get())) : Optional.empty();
        }
        return users.lookup(tenant(caller), name).flatMap(found -> {
            int bits = ServerGrants.bitsFor(found.grants(), caller);
            return PermissionBits.has(bits, PermissionBits.VIEW)
                    ? Optional.of(new RegisteredServer(runtimeConfig(found.server()), bits, Optional.of(found.server())))
                    : Optional.empty();
        });
    }

    /** A user server by id, with the caller's bits; empty when it is in another tenant or they may not view it. */
    public Optional<RegisteredServer> findById(Caller caller, String id) {
        return users.findById(id).filter(s -> s.tenantId().equals(tenant(caller))).flatMap(stored -> {
            int bits = grants.effectiveBits(stored.id(), caller);
            return PermissionBits.has(bits, PermissionBits.VIEW)
                    ? Optional.of(new RegisteredServer(runtimeConfig(stored), bits, Optional.of(stored))) : Optional.empty();
        });
    }

    /**
     * The server an OAuth callback completes, without a caller: the provider's redirect carries no
     * token. The flow it completes was started by a caller who could use the server.
     */
    public Optional<McpServerConfig> findForCallback(String tenantId, String name) {
        Optional<McpServerConfig> operator = operators.find(name);
        if (operator.isPresent()) {
            return operator;
        }
        return users.find(tenantId, name).map(this::runtimeConfig);
    }

    /** Every server the caller may view (admins: every server of their tenant). */
    public Map<String, RegisteredServer> visible(Caller caller) {
        return all(caller, true);
    }

    /**
     * The servers the caller uses: what tool listings and status reports cover. Like
     * {@link #visible}, except that an admin's user servers are those granted to them like to
     * anyone else — an admin's chat should not connect to every server of the tenant.
     */
    public Map<String, RegisteredServer> usable(Caller caller) {
        return all(caller, false);
    }

    private Map<String, RegisteredServer> all(Caller caller, boolean adminBypass) {
        Map<String, RegisteredServer> all = new LinkedHashMap<>();
        page(caller, new Query(Optional.empty(), Optional.empty(), Integer.MAX_VALUE), adminBypass)
                .servers().forEach(s -> all.put(s.name(), s));
        return all;
    }

    /** What a listing asks for: a search on title and description, a cursor and a page size. */
    public record Query(Optional<String> search, Optional<String> after, int limit) {
    }

    /** Thrown for a cursor this registry did not issue. */
    public static final class InvalidCursor extends RuntimeException {
        InvalidCursor() {
            super("invalid cursor", null, false, false);
        }
    }

    /**
     * One page: operator servers first, in file order, then user servers by name. The cursor
     * names the last server returned, so servers created or deleted meanwhile neither repeat nor
     * shift a page.
     */
    public ServerPage page(Caller caller, Query query) {
        return page(caller, query, true);
    }

    private ServerPage page(Caller caller, Query query, boolean adminBypass) {
        Cursor after = query.after().map(Cursor::decode).orElse(null);
        Optional<String> search = query.search().map(s -> s.strip().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty());
        int limit = query.limit();
        List<RegisteredServer> out = new ArrayList<>();
        int index = 0;
        boolean more = false;
        if (after == null || after.operatorIndex() >= 0) {
            for (McpServerConfig config : operators.all().values()) {
                int position = index++;
                if (after != null && position <= after.operatorIndex() || !admits(caller, config) || !matches(config, search)) {
                    continue;
                }
                if (out.size() == limit) {
                    more = true;
                    break;
                }
                out.add(operatorServer(caller, config));
            }
        }
        if (!more) {
            Optional<String> afterName = after == null || after.operatorIndex() >= 0 ? Optional.empty() : Optional.of(after.userName());
            int wanted = limit == Integer.MAX_VALUE ? Integer.MAX_VALUE : limit - out.size() + 1;
            List<StoredServer> stored = users.visible(tenant(caller), caller, search, afterName, wanted, operators.all().keySet(),
                    adminBypass);
            Map<String, Integer> bits = grants.effectiveBits(stored.stream().map(StoredServer::id).toList(), caller);
            for (StoredServer s : stored) {
                if (out.size() == limit) {
                    more = true;
                    break;
                }
                int b = caller.isAdmin() ? PermissionBits.ALL : bits.getOrDefault(s.id(), PermissionBits.NONE);
                McpServerConfig config;
                try {
                    config = runtimeConfig(s);
                } catch (IllegalStateException invalid) {
                    // Stored under rules since tightened: one such server must not break every listing.
                    log.warn("{}; left out of listings until it is fixed or deleted", invalid.getMessage());
                    continue;
                }
                out.add(new RegisteredServer(config, b, Optional.of(s)));
            }
        }
        Optional<String> next = Optional.empty();
        if (more && !out.isEmpty()) {
            RegisteredServer last = out.getLast();
            next = Optional.of(last.isUserManaged() ? Cursor.user(last.name()).encode()
                    : Cursor.operator(List.copyOf(operators.all().keySet()).indexOf(last.name())).encode());
        }
        return new ServerPage(out, next);
    }

    /** The runtime configuration of a stored server, marked with its origin and version. */
    public McpServerConfig runtimeConfig(StoredServer stored) {
        McpServerConfig cached = parsed.get(stored.id());
        if (cached != null && cached.origin() instanceof McpServerConfig.Origin.UserManaged u && u.version() == stored.version()) {
            return cached;
        }
        McpServerConfig config = switch (UserServerInput.parse(stored.name(), stored.inputJson())) {
            case UserServerInput.Result.Valid v -> v.config();
            case UserServerInput.Result.Invalid i -> throw new IllegalStateException(
                    "stored server " + stored.id() + " no longer validates: " + i.problems().size() + " problem(s)");
        };
        McpServerConfig marked = config.withOrigin(new McpServerConfig.Origin.UserManaged(stored.id(), stored.tenantId(),
                stored.version()));
        if (stored.inspection().requiresOAuth()) {
            marked = marked.withRequiresOAuth(true);
        }
        parsed.put(stored.id(), marked);
        return marked;
    }

    /** Forgets a deleted server's parsed configuration. */
    public void forget(String id) {
        parsed.remove(id);
        users.forget(id);
    }

    private static RegisteredServer operatorServer(Caller caller, McpServerConfig config) {
        return new RegisteredServer(config, caller.isAdmin() ? PermissionBits.ALL : PermissionBits.VIEW, Optional.empty());
    }

    public static boolean admits(Caller caller, McpServerConfig config) {
        return caller.isAdmin() || config.access().admits(caller.userId(), caller.role(), caller.groups());
    }

    private static boolean matches(McpServerConfig config, Optional<String> search) {
        if (search.isEmpty()) {
            return true;
        }
        String needle = search.get();
        return config.title().map(t -> t.toLowerCase(Locale.ROOT).contains(needle)).orElse(false)
                || config.description().map(d -> d.toLowerCase(Locale.ROOT).contains(needle)).orElse(false);
    }

    public static String tenant(Caller caller) {
        return caller.tenantId().orElse("");
    }

    /** Opaque to clients: base64url of {@code o:<index>} (operator tier) or {@code u:<name>} (user tier). */
    private record Cursor(int operatorIndex, String userName) {
        static Cursor operator(int index) {
            return new Cursor(index, "");
        }

        static Cursor user(String name) {
            return new Cursor(-1, name);
        }

        String encode() {
            String text = operatorIndex >= 0 ? "o:" + operatorIndex : "u:" + userName;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String cursor) {
            try {
                String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                if (text.startsWith("o:")) {
                    int index = Integer.parseInt(text.substring(2));
                    if (index >= 0) {
                        return operator(index);
                    }
                }
                if (text.startsWith("u:") && text.length() > 2) {
                    return user(text.substring(2));
                }
            } catch (IllegalArgumentException e) {
                // fall through
            }
            throw new InvalidCursor();
        }
    }
}
