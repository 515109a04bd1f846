package dev.portcullis.upstream;

import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import dev.portcullis.identity.Caller;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many calls one user (and one tenant) may have running at once, so that no one of them can
 * take what everybody shares. Three shares, each counted per replica (the pools they protect are
 * per replica too):
 * <ul>
 *   <li>per user and server: {@code callsInFlightPerUser};</li>
 *   <li>per user and origin of the shared (app) connections: a quarter of the shared pool
 *       ({@code connectionsPerOrigin / 4}), since several shared servers may live on one origin and
 *       draw on one pool;</li>
 *   <li>per tenant and origin of the shared connections: half of the shared pool, so one tenant's
 *       users together cannot fill it either (the default tenant of a single-tenant deployment is
 *       everyone, and has no such share).</li>
 * </ul>
 * A user's own connections draw on pools of their own, so only the first share applies to them.
 */
final class CallSlots {
    private record Share(String kind, List<String> holder) {
    }

    private final int perUserAndServer;
    private final int perUserOfSharedOrigin;
    private final int perTenantOfSharedOrigin;
    private final Map<Share, Integer> running = new ConcurrentHashMap<>();

    CallSlots(int perUserAndServer, int sharedConnectionsPerOrigin) {
        this.perUserAndServer = perUserAndServer;
        this.perUserOfSharedOrigin = Math.max(1, sharedConnectionsPerOrigin / 4);
        this.perTenantOfSharedOrigin = Math.max(1, sharedConnectionsPerOrigin / 2);
    }

    /** Takes a slot in every share the call counts against, or refuses with 429 {@code TOO_MANY_CALLS}. */
    Slot acquire(Caller caller, ResolvedServer server) {
        String tenant = caller.tenantId().orElse("");
        List<Share> taken = new ArrayList<>();
        try {
            take(new Share("server", List.of(tenant, caller.userId(), server.name())), perUserAndServer, taken,
                    "You have " + perUserAndServer + " calls running on '" + server.name() + "' already");
            if (server.scope() instanceof ConnectionScope.App && server.endpoint() instanceof ResolvedServer.Remote remote) {
                String origin = origin(remote.url());
                take(new Share("origin", List.of(tenant, caller.userId(), origin)), perUserOfSharedOrigin, taken,
                        "You have " + perUserOfSharedOrigin + " calls running on the shared servers at this address already");
                if (!tenant.isEmpty()) {
                    take(new Share("tenant", List.of(tenant, origin)), perTenantOfSharedOrigin, taken,
                            "Your organization has " + perTenantOfSharedOrigin
                                    + " calls running on the shared servers at this address already");
                }
            }
        } catch (GatewayException e) {
            taken.forEach(this::release);
            throw e;
        }
        return () -> taken.forEach(this::release);
    }

    private void take(Share share, int cap, List<Share> taken, String refusal) {
        boolean[] granted = new boolean[1];
        running.compute(share, (s, n) -> {
            int now = n == null ? 0 : n;
            granted[0] = now < cap;
            return granted[0] ? now + 1 : n;
        });
        if (!granted[0]) {
            throw new GatewayException(ErrorCode.TOO_MANY_CALLS, refusal + "; wait for one to finish",
                    Map.of("retryAfterSeconds", 1L), null);
        }
        taken.add(share);
    }

    private void release(Share share) {
        running.computeIfPresent(share, (s, n) -> n <= 1 ? null : n - 1);
    }

    private static String origin(URI url) {
        int port = url.getPort() >= 0 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
        return url.getScheme().toLowerCase(Locale.ROOT) + "://" + url.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }

    /** A running call's slots. */
    interface Slot extends AutoCloseable {
        @Override
        void close();
    }
}
