package dev.portcullis.mcp;

import dev.portcullis.store.shared.PubSub;
import dev.portcullis.store.shared.Subscription;
import dev.portcullis.upstream.ConnectionKey;
import dev.portcullis.upstream.ConnectionScope;
import dev.portcullis.upstream.UpstreamListener;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.ObjectMapper;

/**
 * What the front door's clients hear outside their requests, on their sessions' streams: a server's
 * list changes and resource updates, its log messages and elicitation completions (a user's own
 * connection's only to that user), an authorization completed (on whichever replica the browser
 * came back to), and servers added, removed or shared.
 */
public final class FrontDoorEvents implements UpstreamListener, AutoCloseable {
    static final String AUTHORIZED_CHANNEL = "mcp:authorized";
    private static final List<String> LIST_CHANGES = List.of("notifications/tools/list_changed",
            "notifications/resources/list_changed", "notifications/prompts/list_changed");

    private final FrontDoor door;
    private final PubSub pubSub;
    private final ObjectMapper json;
    private final Subscription subscription;

    public FrontDoorEvents(FrontDoor door, PubSub pubSub, ObjectMapper json) {
        this.door = door;
        this.pubSub = pubSub;
        this.json = json;
        this.subscription = pubSub.subscribe(AUTHORIZED_CHANNEL, this::authorizedLocally);
    }

    @Override
    public void notification(ConnectionKey key, String method, Map<String, Object> params) {
        String server = key.serverName();
        Optional<ConnectionScope.User> user = key.scope() instanceof ConnectionScope.User u ? Optional.of(u) : Optional.empty();
        switch (method) {
            case "notifications/tools/list_changed", "notifications/resources/list_changed",
                 "notifications/prompts/list_changed" ->
                    // A list change says nothing of anyone's data: every session that covers the server may re-list.
                    door.toSessions(s -> covers(s, server) && user.map(u -> s.isOf(u.tenantId(), u.userId())).orElse(true),
                            () -> FrontDoor.notification(method, Map.of()));
            case "notifications/resources/updated" -> {
                if (!(params.get("uri") instanceof String uri)) {
                    return;
                }
                for (FrontSession s : door.sessions()) {
                    String seen = s.server().isPresent() ? uri : AggregateNames.resourceUri(server, uri);
                    if (covers(s, server) && s.subscriptions().contains(seen)
                            && user.map(u -> s.isOf(u.tenantId(), u.userId())).orElse(true)) {
                        Map<String, Object> p = new LinkedHashMap<>(params);
                        p.put("uri", seen);
                        door.sendTo(s, FrontDoor.notification(method, p));
                    }
                }
            }
            // Not tied to a request and possibly about someone's data: only a user's own connection's go
            // to that user; a shared connection's cannot be told apart, and go to no one.
            case "notifications/message", "notifications/elicitation/complete" -> user.ifPresent(u ->
                    door.toSessions(s -> s.isOf(u.tenantId(), u.userId()) && s.hasUsed(server)
                                    && ("notifications/elicitation/complete".equals(method) || s.logLevel().isEmpty()
                                    || LogLevels.passes(params.get("level"), s.logLevel().get())),
                            () -> FrontDoor.notification(method, params)));
            default -> {
            }
        }
    }

    /** A user's own connection asks outside any call: the user's most recently active client that covers it. */
    @Override
    public Optional<dev.portcullis.upstream.CallObserver> clientOf(ConnectionKey key) {
        if (!(key.scope() instanceof ConnectionScope.User u)) {
            return Optional.empty();
        }
        java.util.List<FrontSession> candidates = new java.util.ArrayList<>();
        door.sessions().forEach(s -> {
            if (s.isOf(u.tenantId(), u.userId()) && covers(s, key.serverName()) && s.stream().isPresent()
                    && s.subscriptionId().isEmpty()) { // a listen stream carries no requests
                candidates.add(s);
            }
        });
        return candidates.stream().max(java.util.Comparator.comparing(FrontSession::lastSeen))
                .map(s -> new FrontRelay(s, Optional.empty()));
    }

    private static boolean covers(FrontSession s, String server) {
        return s.server().map(server::equals).orElse(true);
    }

    /** A user's authorization at a server completed, on any replica. */
    public void authorized(String tenantId, String userId, String server) {
        pubSub.publish(AUTHORIZED_CHANNEL, json.writeValueAsString(List.of(tenantId, userId, server)));
    }

    private void authorizedLocally(String message) {
        List<?> parts = json.readValue(message, List.class);
        String tenant = String.valueOf(parts.get(0));
        String user = String.valueOf(parts.get(1));
        String server = String.valueOf(parts.get(2));
        for (FrontSession s : door.sessions()) {
            if (!s.isOf(tenant, user) || !covers(s, server)) {
                continue;
            }
            s.authorizationCompleted(server).ifPresent(id -> door.sendTo(s, FrontDoor.notification(
                    "notifications/elicitation/complete", Map.of("elicitationId", id))));
            LIST_CHANGES.forEach(m -> door.sendTo(s, FrontDoor.notification(m, Map.of())));
        }
    }

    /** A tenant's servers changed: every aggregate session of the tenant lists again. */
    public void serversChanged(String tenantId) {
        door.toSessions(s -> s.tenantId().equals(tenantId), () -> FrontDoor.notification("notifications/tools/list_changed", Map.of()));
        door.toSessions(s -> s.tenantId().equals(tenantId) && s.server().isEmpty(),
                () -> FrontDoor.notification("notifications/resources/list_changed", Map.of()));
        door.toSessions(s -> s.tenantId().equals(tenantId) && s.server().isEmpty(),
                () -> FrontDoor.notification("notifications/prompts/list_changed", Map.of()));
    }

    @Override
    public void close() {
        subscription.close();
    }
}
