package dev.portcullis.mcp;

import dev.portcullis.identity.Caller;
import dev.portcullis.upstream.RpcError;
import dev.portcullis.upstream.ServerRequests;
import dev.portcullis.upstream.UpstreamSession;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One MCP client's session at the front door ({@code Mcp-Session-Id}): who it belongs to, which
 * endpoint it was opened at, what the client said it can do, and what is under way in it — requests
 * the client may cancel, requests of servers waiting for the client's answer, its resource
 * subscriptions, its log level and its stream for messages outside any request.
 */
final class FrontSession {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String id;
    private final String tenantId;
    private final String userId;
    private final Optional<String> server;
    private final String protocolVersion;
    private final Map<String, Object> clientCapabilities;
    private final AtomicLong requestIds = new AtomicLong();
    /** Client request id → the upstream request relaying it (set once it is sent). */
    private final Map<String, CompletableFuture<UpstreamSession.Relayed>> running = new ConcurrentHashMap<>();
    private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
    /** Ids of the gateway's requests to the client → the client's answer. */
    private final Map<String, CompletableFuture<Map<String, Object>>> awaiting = new ConcurrentHashMap<>();
    /** URL elicitations the gateway sent for authorizations: server name → elicitation id. */
    private final Map<String, String> authorizations = new ConcurrentHashMap<>();
    /** The resources this client watches, as it names them, and the watch each holds ({@link ResourceWatches}). */
    private final Map<String, String> watches = new ConcurrentHashMap<>();
    /** What runs when the session ends (its watches are given up). */
    private final java.util.List<Runnable> atClose = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Servers this session has used: their announcements concern it. */
    private final Set<String> used = ConcurrentHashMap.newKeySet();
    /** For a {@code subscriptions/listen} stream: its id, and the notifications its client asked for. */
    private volatile String subscriptionId;
    private volatile Set<String> listensFor = Set.of();

    void listen(String subscriptionId, Set<String> methods, Sink stream) {
        this.subscriptionId = subscriptionId;
        this.listensFor = Set.copyOf(methods);
        this.stream = stream;
    }

    /** Whether this is a listen stream (2026-07-28), which hears only what it asked for, tagged with its id. */
    Optional<String> subscriptionId() {
        return Optional.ofNullable(subscriptionId);
    }

    boolean listensFor(String method) {
        return subscriptionId == null || listensFor.contains(method);
    }

    /** For a stateless request: where a server's input requests go (the client keeps no stream). */
    private volatile InputBridge bridge;
    private volatile String logLevel;
    private volatile Sink stream;
    private volatile Instant lastSeen;

    FrontSession(Caller caller, Optional<String> server, String protocolVersion, Map<String, Object> clientCapabilities,
                 Instant now) {
        this(newId(), caller.tenantId().orElse(""), caller.userId(), server, protocolVersion, clientCapabilities, now);
    }

    /** A session as its record in the shared store describes it (opened on another replica). */
    FrontSession(String id, String tenantId, String userId, Optional<String> server, String protocolVersion,
                 Map<String, Object> clientCapabilities, Instant now) {
        this.id = id;
        this.tenantId = tenantId;
        this.userId = userId;
        this.server = server;
        this.protocolVersion = protocolVersion;
        this.clientCapabilities = Map.copyOf(clientCapabilities);
        this.lastSeen = now;
    }

    private static String newId() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** What another replica needs to serve this session: who, where, which revision, what the client can do. */
    Map<String, Object> record() {
        Map<String, Object> r = new java.util.LinkedHashMap<>();
        r.put("tenant", tenantId);
        r.put("user", userId);
        r.put("server", server.orElse(null));
        r.put("version", protocolVersion);
        r.put("capabilities", clientCapabilities);
        return r;
    }

    static FrontSession fromRecord(String id, Map<String, Object> r, Instant now) {
        return new FrontSession(id, String.valueOf(r.get("tenant")), String.valueOf(r.get("user")),
                Optional.ofNullable(r.get("server")).map(String::valueOf), String.valueOf(r.get("version")),
                FrontDoor.asMap(r.get("capabilities")), now);
    }

    String id() {
        return id;
    }

    /** Only the user who opened a session may use it; anyone else is told it does not exist. */
    boolean belongsTo(Caller caller) {
        return tenantId.equals(caller.tenantId().orElse("")) && userId.equals(caller.userId());
    }

    boolean isOf(String tenant, String user) {
        return tenantId.equals(tenant) && userId.equals(user);
    }

    String tenantId() {
        return tenantId;
    }

    String userId() {
        return userId;
    }

    Optional<String> server() {
        return server;
    }

    String protocolVersion() {
        return protocolVersion;
    }

    /** Whether the client declared a capability ({@code sampling}, {@code roots}, {@code elicitation}). */
    boolean declares(String capability) {
        return clientCapabilities.get(capability) != null;
    }

    /**
     * Whether the client takes elicitation requests of a mode. An empty {@code elicitation} object
     * means form mode only (2025-06-18 clients declare it so).
     */
    boolean elicits(String mode) {
        if (!(clientCapabilities.get("elicitation") instanceof Map<?, ?> elicitation)) {
            return false;
        }
        if (elicitation.isEmpty()) {
            return "form".equals(mode);
        }
        return elicitation.get(mode) != null;
    }

    /** Whether this client can take a server request of this method (and mode). */
    boolean accepts(String method, Map<String, Object> params) {
        return switch (method) {
            case ServerRequests.SAMPLING -> declares("sampling");
            case ServerRequests.ROOTS -> declares("roots");
            case ServerRequests.ELICITATION -> elicits(ServerRequests.elicitationMode(params));
            default -> false;
        };
    }

    void seen(Instant now) {
        lastSeen = now;
    }

    Instant lastSeen() {
        return lastSeen;
    }

    /** Registers a client request that may be cancelled; false when one with that id is already running. */
    boolean begin(String requestId) {
        return running.putIfAbsent(requestId, new CompletableFuture<>()) == null;
    }

    void started(String requestId, UpstreamSession.Relayed relayed) {
        CompletableFuture<UpstreamSession.Relayed> f = running.get(requestId);
        if (f != null) {
            f.complete(relayed);
        }
        if (cancelled.contains(requestId)) {
            relayed.cancel("cancelled by the client");
        }
    }

    /** Ends a request; true when the client cancelled it (then it gets no answer). */
    boolean end(String requestId) {
        running.remove(requestId);
        return cancelled.remove(requestId);
    }

    /** The client's {@code notifications/cancelled}: the upstream request is cancelled too. */
    void cancel(String requestId, String reason) {
        CompletableFuture<UpstreamSession.Relayed> f = running.get(requestId);
        if (f == null) {
            return; // finished already, or never ours: the specification says to ignore it
        }
        cancelled.add(requestId);
        f.thenAccept(relayed -> relayed.cancel(reason == null ? "cancelled by the client" : reason));
    }

    /** A request to the client, answered by a later POST; its id is the gateway's. */
    Map.Entry<String, CompletableFuture<Map<String, Object>>> ask() {
        String requestId = "portcullis-" + requestIds.incrementAndGet();
        CompletableFuture<Map<String, Object>> answer = new CompletableFuture<>();
        awaiting.put(requestId, answer);
        answer.whenComplete((r, e) -> awaiting.remove(requestId));
        return Map.entry(requestId, answer);
    }

    /** The client's answer to one of the gateway's requests; false when none with that id waits. */
    boolean answered(Object requestId, Map<String, Object> result, Map<String, Object> error) {
        CompletableFuture<Map<String, Object>> answer = awaiting.get(String.valueOf(requestId));
        if (answer == null) {
            return false;
        }
        if (error != null) {
            answer.completeExceptionally(new RpcError(error.get("code") instanceof Number n ? n.intValue() : RpcError.INTERNAL_ERROR,
                    String.valueOf(error.getOrDefault("message", "error")), error.get("data")));
        } else {
            answer.complete(result == null ? Map.of() : result);
        }
        return true;
    }

    void authorizationPending(String serverName, String elicitationId) {
        authorizations.put(serverName, elicitationId);
    }

    Optional<String> authorizationCompleted(String serverName) {
        return Optional.ofNullable(authorizations.remove(serverName));
    }

    Set<String> subscriptions() {
        return java.util.Collections.unmodifiableSet(watches.keySet());
    }

    /** This client now watches a resource (as it names it), holding the watch {@code watchKey}. */
    void watch(String uri, String watchKey) {
        watches.put(uri, watchKey);
    }

    /** This client stops watching a resource: the watch it held, or null if it held none. */
    String unwatch(String uri) {
        return watches.remove(uri);
    }

    Set<String> watched() {
        return Set.copyOf(watches.keySet());
    }

    void atClose(Runnable r) {
        atClose.add(r);
    }

    void used(String serverName) {
        used.add(serverName);
    }

    boolean hasUsed(String serverName) {
        return used.contains(serverName);
    }

    Set<String> usedServers() {
        return Set.copyOf(used);
    }

    Optional<InputBridge> bridge() {
        return Optional.ofNullable(bridge);
    }

    void bridge(InputBridge bridge) {
        this.bridge = bridge;
    }

    Optional<String> logLevel() {
        return Optional.ofNullable(logLevel);
    }

    void logLevel(String level) {
        this.logLevel = level;
    }

    Optional<Sink> stream() {
        Sink s = stream;
        return s != null && s.isOpen() ? Optional.of(s) : Optional.empty();
    }

    /** The session's one stream: a newer GET replaces (and ends) the one before. */
    void stream(Sink sink) {
        Sink previous = this.stream;
        this.stream = sink;
        if (previous != null && previous != sink) {
            previous.close();
        }
    }

    /** The session ends: whatever waits for the client fails, and its requests are cancelled upstream. */
    void close() {
        Sink s = stream;
        if (s != null) {
            s.close();
        }
        awaiting.values().forEach(f -> f.completeExceptionally(new RpcError(RpcError.INTERNAL_ERROR, "the client's session ended")));
        running.keySet().forEach(r -> cancel(r, "the client's session ended"));
        atClose.forEach(Runnable::run);
        atClose.clear();
    }
}
