package dev.portcullis.mcp;

import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import dev.portcullis.identity.Caller;
import dev.portcullis.oauth.flow.AuthorizationLinks;
import dev.portcullis.oauth.flow.OAuthUpstreamAuthorization;
import dev.portcullis.upstream.MissingUserVariablesException;
import dev.portcullis.upstream.OAuthRequiredException;
import dev.portcullis.upstream.RpcError;
import dev.portcullis.upstream.ToolService;
import dev.portcullis.upstream.UpstreamException;
import dev.portcullis.upstream.UpstreamSession;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MCP front door: {@code /mcp} (every server the caller may use, as one) and
 * {@code /mcp/{server}} (one server, names unchanged), over the same registry, access rules,
 * per-user connections, OAuth vault and egress guard as the REST API ({@link ToolService}). This
 * class is the protocol, free of HTTP: sessions and version negotiation, the methods, the
 * aggregate's names, relaying to the servers and back, and what a client hears when a server needs
 * the user's authorization.
 */
public final class FrontDoor {
    private static final Logger log = LoggerFactory.getLogger(FrontDoor.class);
    /** Newest first; the first is offered to a client asking for a version this gateway does not speak. */
    public static final List<String> VERSIONS = List.of("2025-11-25", "2025-06-18", "2025-03-26");
    private static final TypeRef<Map<String, Object>> MAP = new TypeRef<>() {
    };
    /** Methods whose answers may come with messages before them (progress, a server's requests). */
    private static final Set<String> STREAMED = Set.of("tools/call", "resources/read", "prompts/get", "completion/complete");

    private final ToolService tools;
    private final FrontCatalog catalog;
    private final FrontSessions sessions;
    private final AuthorizationLinks links;
    private final McpJsonMapper json;

    public FrontDoor(ToolService tools, AuthorizationLinks links, McpJsonMapper json, Clock clock,
                     dev.portcullis.store.shared.KeyValueStore shared, tools.jackson.databind.ObjectMapper mapper,
                     dev.portcullis.crypto.SecretSealer sealer, dev.portcullis.store.shared.ReplicaCalls replicas) {
        this.sealer = sealer;
        this.bridges = new InputBridges(replicas, mapper, clock);
        this.tools = tools;
        this.catalog = new FrontCatalog(tools, json);
        this.sessions = new FrontSessions(clock, shared, mapper);
        this.links = links;
        this.json = json;
        this.clock = clock;
    }

    private final Clock clock;
    private final dev.portcullis.crypto.SecretSealer sealer;
    /** Requests of stateless clients waiting for their input, on this replica and reachable from the others. */
    private final InputBridges bridges;
    /** A stateless server's own requestState, sealed to the user, endpoint and request it came with. */
    static final String UPSTREAM_STATE_PREFIX = "portcullis-upstream:";

    /** The endpoint a request came to: the aggregate, or one server. */
    public record Endpoint(Optional<String> server) {
        public static final Endpoint AGGREGATE = new Endpoint(Optional.empty());
    }

    /** What the HTTP layer answers with. */
    public sealed interface Answer {
        /** A JSON-RPC message as {@code application/json} (status 200, or the status a refusal needs). */
        record Json(int status, Map<String, Object> body, Optional<String> sessionId) implements Answer {
        }

        /** A notification or a client's answer taken: 202 with no body. */
        record Accepted() implements Answer {
        }

        /** The answer went on the request's event stream, which the HTTP layer now ends. */
        record Streamed() implements Answer {
        }

        /** The client cancelled the request: the specification says it gets no answer. */
        record Cancelled() implements Answer {
        }

        /** A listen stream is open: the HTTP layer keeps it until the client goes away, then {@code ended} runs. */
        record Listening(Runnable ended) implements Answer {
        }
    }

    /** The headers a request's protocol handling reads: the version, and the 2026-07-28 mirrors of the body. */
    public record RequestHeaders(Optional<String> version, Optional<String> method, Optional<String> name) {
    }

    /** Opens the POST's event stream, when the client accepts one. */
    public interface StreamOpener {
        Optional<Sink> open();
    }

    public int sessionCount() {
        return sessions.size();
    }

    /** A {@code POST}: one JSON-RPC message from the client. */
    public Answer post(Caller caller, Endpoint endpoint, Optional<String> sessionId, RequestHeaders headers,
                       Object body, StreamOpener streams) {
        Optional<String> versionHeader = headers.version();
        if (!(body instanceof Map<?, ?> raw)) {
            return refusal(400, null, RpcError.INVALID_REQUEST, body instanceof List
                    ? "JSON-RPC batches are not accepted; send one message per request" : "Expected a JSON-RPC message");
        }
        Map<String, Object> message = asMap(raw);
        Object id = message.get("id");
        if (!"2.0".equals(message.get("jsonrpc"))) {
            return refusal(400, id, RpcError.INVALID_REQUEST, "The message must be JSON-RPC 2.0 (\"jsonrpc\": \"2.0\")");
        }
        Object method = message.get("method");
        Map<String, Object> params = asMap(message.get("params"));
        if (sessionId.isEmpty() && StatelessProtocol.applies(versionHeader, params)) {
            if (id == null || method == null) {
                return new Answer.Accepted(); // a notification or an answer without a session: nothing to do
            }
            return stateless(caller, endpoint, id, String.valueOf(method), params, headers, streams);
        }
        if ("initialize".equals(method)) {
            return initialize(caller, endpoint, id, asMap(message.get("params")));
        }
        if (versionHeader.isPresent() && !VERSIONS.contains(versionHeader.get())) {
            return refusal(400, id, RpcError.INVALID_REQUEST, "Unsupported MCP-Protocol-Version " + versionHeader.get()
                    + "; this endpoint speaks " + String.join(", ", VERSIONS));
        }
        if (sessionId.isEmpty()) {
            if ("ping".equals(method) && id != null) {
                return new Answer.Json(200, result(id, Map.of()), Optional.empty());
            }
            return refusal(400, id, RpcError.INVALID_REQUEST, "Send the Mcp-Session-Id this endpoint gave at initialize");
        }
        Optional<FrontSession> found = sessions.find(sessionId.get(), caller)
                .filter(s -> s.server().equals(endpoint.server()));
        if (found.isEmpty()) {
            return refusal(404, id, RpcError.INVALID_REQUEST, "Session not found (it ended or expired); initialize again");
        }
        FrontSession session = found.get();
        if (method == null) {
            session.answered(id, message.get("result") instanceof Map<?, ?> r ? asMap(r) : null,
                    message.get("error") instanceof Map<?, ?> e ? asMap(e) : null);
            return new Answer.Accepted();
        }
        if (id == null) {
            notificationFromClient(caller, session, String.valueOf(method), asMap(message.get("params")));
            return new Answer.Accepted();
        }
        return request(caller, session, id, String.valueOf(method), asMap(message.get("params")), streams);
    }

    /** A {@code DELETE}: the client ends its session. */
    public boolean delete(Caller caller, Endpoint endpoint, String sessionId) {
        Optional<FrontSession> found = sessions.find(sessionId, caller).filter(s -> s.server().equals(endpoint.server()));
        found.ifPresent(sessions::remove);
        return found.isPresent();
    }

    /** Whether the caller has this session at this endpoint. */
    public boolean listening(Caller caller, Endpoint endpoint, String sessionId) {
        return sessions.find(sessionId, caller).filter(s -> s.server().equals(endpoint.server())).isPresent();
    }

    /** A {@code GET}: the session's stream for messages outside any request. False when there is no such session. */
    public boolean listen(Caller caller, Endpoint endpoint, String sessionId, Sink stream) {
        Optional<FrontSession> found = sessions.find(sessionId, caller).filter(s -> s.server().equals(endpoint.server()));
        found.ifPresent(s -> s.stream(stream));
        return found.isPresent();
    }

    private Answer initialize(Caller caller, Endpoint endpoint, Object id, Map<String, Object> params) {
        if (id == null) {
            return refusal(400, null, RpcError.INVALID_REQUEST, "initialize is a request: give it an id");
        }
        String requested = String.valueOf(params.get("protocolVersion"));
        String version = VERSIONS.contains(requested) ? requested : VERSIONS.getFirst();
        FrontSession session = sessions.add(new FrontSession(caller, endpoint.server(), version,
                asMap(params.get("capabilities")), clock.instant()));
        Description described = describe(caller, endpoint, session);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("protocolVersion", version);
        Map<String, Object> capabilities = described.capabilities();
        Map<String, Object> serverInfo = described.serverInfo();
        String instructions = described.instructions();
        result.put("capabilities", capabilities);
        result.put("serverInfo", serverInfo);
        if (instructions != null) {
            result.put("instructions", instructions);
        }
        return new Answer.Json(200, result(id, result), Optional.of(session.id()));
    }

    /** What an endpoint says of itself: at initialize, and at {@code server/discover}. */
    private record Description(Map<String, Object> capabilities, Map<String, Object> serverInfo, String instructions) {
    }

    /**
     * The aggregate's own description, or, at {@code /mcp/{server}}, the server's (its capabilities,
     * identity and instructions) when it can be reached without starting an authorization.
     */
    private Description describe(Caller caller, Endpoint endpoint, FrontSession session) {
        Map<String, Object> serverInfo = new LinkedHashMap<>(Map.of("name", "portcullis", "title", "Portcullis", "version", "0.1.0"));
        if (endpoint.server().isEmpty()) {
            return new Description(aggregateCapabilities(), serverInfo, "Tools, resources and prompts of every MCP server you "
                    + "use through Portcullis. Names are <server>__<name>; a tool named <server>__authorize connects your "
                    + "account at that server.");
        }
        String server = endpoint.server().get();
        Map<String, Object> toolsOnly = new LinkedHashMap<>(Map.of("tools", Map.of("listChanged", true)));
        try {
            if (tools.needsAuthorization(caller, server)) {
                return new Description(toolsOnly, serverInfo, null);
            }
            UpstreamSession upstream = tools.withServer(caller, server, ToolService.Intent.LOOK, s -> s);
            Map<String, Object> capabilities = upstream.capabilities() == null ? new LinkedHashMap<>()
                    : new LinkedHashMap<>(json.convertValue(upstream.capabilities(), MAP));
            capabilities.put("tools", Map.of("listChanged", true));
            if (upstream.serverInfo() != null) {
                serverInfo = new LinkedHashMap<>(json.convertValue(upstream.serverInfo(), MAP));
            }
            session.used(server);
            return new Description(capabilities, serverInfo, upstream.instructions().orElse(null));
        } catch (RuntimeException e) {
            // Not reachable now: the client still gets an answer, and the tools as they can be listed.
            log.debug("/mcp/{} described without the server's own capabilities: {}", server, e.getMessage());
            return new Description(toolsOnly, serverInfo, null);
        }
    }

    /**
     * A capability as {@code server/discover} states it: a list the gateway offers changes on listen
     * streams ({@code listChanged}); resources may be watched where the server lets them be
     * ({@code subscribe}); nothing of the session revisions' beyond that.
     */
    private static Map<String, Object> listenable(String capability, Map<?, ?> declared) {
        if (!Set.of("tools", "prompts", "resources").contains(capability)) {
            return Map.of();
        }
        Map<String, Object> stated = new LinkedHashMap<>();
        stated.put("listChanged", true);
        if ("resources".equals(capability) && Boolean.TRUE.equals(declared.get("subscribe"))) {
            stated.put("subscribe", true);
        }
        return stated;
    }

    /** A request of the stateless 2026-07-28 revision: checked, run without a session, its result marked. */
    private Answer stateless(Caller caller, Endpoint endpoint, Object id, String method, Map<String, Object> params,
                             RequestHeaders headers, StreamOpener streams) {
        Optional<StatelessProtocol.Refusal> refusal = StatelessProtocol.check(headers, method, params);
        if (refusal.isPresent()) {
            StatelessProtocol.Refusal r = refusal.get();
            return new Answer.Json(r.status(), error(id, r.code(), r.message(), r.data()), Optional.empty());
        }
        if ("subscriptions/listen".equals(method)) {
            return listen(caller, endpoint, id, params, streams);
        }
        FrontSession request = new FrontSession(caller, endpoint.server(), StatelessProtocol.VERSION,
                StatelessProtocol.capabilities(params), clock.instant());
        if ("server/discover".equals(method)) {
            Description described = describe(caller, endpoint, request);
            Map<String, Object> capabilities = new LinkedHashMap<>(described.capabilities());
            // No log level in this revision; list changes and resource subscriptions are delivered on
            // subscriptions/listen streams, which the gateway serves for every list it offers.
            capabilities.remove("logging");
            capabilities.replaceAll((k, v) -> v instanceof Map<?, ?> m ? listenable(k, m) : v);
            Map<String, Object> result = new LinkedHashMap<>();
            List<String> supported = new ArrayList<>(List.of(StatelessProtocol.VERSION));
            supported.addAll(VERSIONS);
            result.put("supportedVersions", supported);
            result.put("capabilities", capabilities);
            if (described.instructions() != null) {
                result.put("instructions", described.instructions());
            }
            result.put("_meta", Map.of(StatelessProtocol.META_SERVER_INFO, described.serverInfo()));
            return new Answer.Json(200, StatelessProtocol.decorate(method, result(id, result)), Optional.empty());
        }
        if (STREAMED.contains(method)) {
            return bridged(caller, endpoint, request, id, method, params);
        }
        return statelessAnswer(method, answer(caller, request, id, method, params, Optional.empty()));
    }

    /**
     * A stateless answer with the HTTP status the revision gives its errors: method not found 404; a
     * capability the client did not declare, a header that disagrees, a version not spoken 400 (what a
     * stateless server answered is relayed with the status it would have had).
     */
    private static Answer statelessAnswer(String method, Map<String, Object> answer) {
        int status = 200;
        if (answer.get("error") instanceof Map<?, ?> e && e.get("code") instanceof Number code) {
            status = switch (code.intValue()) {
                case RpcError.METHOD_NOT_FOUND -> 404;
                case StatelessProtocol.MISSING_CAPABILITY, StatelessProtocol.HEADER_MISMATCH,
                     StatelessProtocol.UNSUPPORTED_VERSION -> 400;
                default -> 200;
            };
        }
        return new Answer.Json(status, StatelessProtocol.decorate(method, answer), Optional.empty());
    }

    /**
     * A stateless request that may need the client's input on the way: run with an {@link InputBridge},
     * so that a session server's requests become {@code input_required}, and the client's retry (its
     * {@code requestState} naming the bridge) continues the same server request.
     */
    private Answer bridged(Caller caller, Endpoint endpoint, FrontSession request, Object id, String method,
                           Map<String, Object> params) {
        Object givenState = params.get("requestState");
        if (givenState instanceof String state && state.startsWith(UPSTREAM_STATE_PREFIX)) {
            try {
                params = new LinkedHashMap<>(params);
                params.put("requestState", sealer.open(state.substring(UPSTREAM_STATE_PREFIX.length()),
                        stateContext(caller, endpoint, method, params)));
            } catch (RuntimeException e) {
                return new Answer.Json(400, error(id, RpcError.INVALID_PARAMS, "The requestState was not given for this "
                        + "request; send the request again without it"), Optional.empty());
            }
        } else if (givenState != null && !(givenState instanceof String g && g.startsWith(InputBridge.STATE_PREFIX))) {
            // The gateway never hands out a server's state as it is: whatever this is, it is not for the server.
            params = new LinkedHashMap<>(params);
            params.remove("requestState");
            params.remove("inputResponses");
        }
        try {
            Optional<InputBridge.Outcome> outcome;
            if (params.get("requestState") instanceof String state && state.startsWith(InputBridge.STATE_PREFIX)) {
                outcome = bridges.continueWith(state, caller, endpoint.server(), method,
                        StatelessProtocol.nameOf(method, params).orElse(""), asMap(params.get("inputResponses")));
                if (outcome.isEmpty()) {
                    return new Answer.Json(400, error(id, RpcError.INVALID_PARAMS, "The requestState is unknown, expired or "
                            + "not yours; send the request again without it"), Optional.empty());
                }
            } else {
                Map<String, Object> first = params;
                outcome = Optional.of(bridges.start(caller, endpoint.server(), method,
                        StatelessProtocol.nameOf(method, params).orElse(""), bridge -> {
                    request.bridge(bridge);
                    return answer(caller, request, id, method, first, Optional.empty());
                }));
            }
            if (outcome.get() instanceof InputBridge.Outcome.InputRequired required) {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("resultType", "input_required");
                result.put("inputRequests", required.inputRequests());
                result.put("requestState", required.requestState());
                return new Answer.Json(200, result(id, result), Optional.empty());
            }
            Map<String, Object> answer = new LinkedHashMap<>(((InputBridge.Outcome.Done) outcome.get()).answer());
            answer.put("id", id); // the retry's id: the server's result answers the request the client made last
            return statelessAnswer(method, sealUpstreamState(caller, endpoint, method, params, answer));
        } catch (RpcError e) {
            return new Answer.Json(429, error(id, e.code(), e.getMessage()), Optional.empty());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer.Cancelled();
        }
    }

    /**
     * A stateless server's {@code input_required} keeps its {@code requestState}, sealed (AES-GCM, the
     * gateway's key) to the user, the endpoint and the request: a client can only give it back with the
     * same request, and no other user and no other server ever receives it.
     */
    private Map<String, Object> sealUpstreamState(Caller caller, Endpoint endpoint, String method, Map<String, Object> params,
                                                  Map<String, Object> answer) {
        if (!(answer.get("result") instanceof Map<?, ?> raw) || !"input_required".equals(raw.get("resultType"))
                || !(raw.get("requestState") instanceof String state)) {
            return answer;
        }
        Map<String, Object> result = asMap(raw);
        result.put("requestState", UPSTREAM_STATE_PREFIX + sealer.seal(state, stateContext(caller, endpoint, method, params)));
        Map<String, Object> copy = new LinkedHashMap<>(answer);
        copy.put("result", result);
        return copy;
    }

    private static dev.portcullis.crypto.SealContext stateContext(Caller caller, Endpoint endpoint, String method,
                                                                  Map<String, Object> params) {
        return new dev.portcullis.crypto.SealContext(caller.tenantId().orElse(""), caller.userId(),
                endpoint.server().orElse("*"), "mcp.requestState/" + method + "/"
                + StatelessProtocol.nameOf(method, params).orElse(""));
    }

    private static Map<String, Object> aggregateCapabilities() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("tools", Map.of("listChanged", true));
        c.put("resources", Map.of("subscribe", true, "listChanged", true));
        c.put("prompts", Map.of("listChanged", true));
        c.put("completions", Map.of());
        c.put("logging", Map.of());
        return c;
    }

    private void notificationFromClient(Caller caller, FrontSession session, String method, Map<String, Object> params) {
        switch (method) {
            case "notifications/cancelled" -> {
                if (params.get("requestId") != null) {
                    session.cancel(String.valueOf(params.get("requestId")),
                            params.get("reason") instanceof String r ? r : null);
                }
            }
            case "notifications/roots/list_changed" -> session.usedServers().forEach(server -> {
                try {
                    tools.withServer(caller, server, ToolService.Intent.LOOK, s -> {
                        if (s.isUsersOwn()) { // a shared connection's roots are no one client's to change
                            s.rootsChanged();
                        }
                        return null;
                    });
                } catch (RuntimeException e) {
                    log.debug("could not tell '{}' the client's roots changed: {}", server, e.getMessage());
                }
            });
            default -> {
                // notifications/initialized and anything else: nothing to do
            }
        }
    }

    private Answer request(Caller caller, FrontSession session, Object id, String method, Map<String, Object> params,
                           StreamOpener streams) {
        String key = String.valueOf(id);
        if (!session.begin(key)) {
            return refusal(400, id, RpcError.INVALID_REQUEST, "A request with id " + key + " is already running in this session");
        }
        Optional<Sink> stream = Optional.empty();
        try {
            if (STREAMED.contains(method)) {
                stream = streams.open();
            }
            Map<String, Object> answer = answer(caller, session, id, method, params, stream);
            if (session.end(key)) {
                return new Answer.Cancelled();
            }
            if (stream.isPresent()) {
                stream.get().send(answer);
                return new Answer.Streamed();
            }
            return new Answer.Json(200, answer, Optional.empty());
        } finally {
            session.end(key);
        }
    }

    private Map<String, Object> answer(Caller caller, FrontSession session, Object id, String method,
                                       Map<String, Object> params, Optional<Sink> stream) {
        Optional<String> server = session.server();
        try {
            return switch (method) {
                case "ping" -> result(id, Map.of());
                case "tools/list" -> result(id, Map.of("tools", params.get("cursor") != null ? List.of()
                        : catalog.tools(caller, server).values().stream().map(Map.Entry::getValue).toList()));
                case "tools/call" -> callTool(caller, session, id, params, stream);
                case "resources/list" -> list(caller, session, id, method, params, "resources");
                case "resources/templates/list" -> list(caller, session, id, method, params, "resourceTemplates");
                case "prompts/list" -> list(caller, session, id, method, params, "prompts");
                case "resources/read", "resources/subscribe", "resources/unsubscribe" ->
                        resource(caller, session, id, method, params, stream);
                case "prompts/get" -> prompt(caller, session, id, params, stream);
                case "completion/complete" -> complete(caller, session, id, params, stream);
                case "logging/setLevel" -> setLevel(caller, session, id, params);
                default -> error(id, RpcError.METHOD_NOT_FOUND, "Method not found: " + method);
            };
        } catch (RpcError e) {
            return error(id, e.code(), e.getMessage(), e.data().orElse(null));
        } catch (OAuthRequiredException e) {
            return authorizationNeeded(session, id, e, false);
        } catch (GatewayException e) {
            return error(id, rpcCode(e.code()), e.getMessage(), Map.of("error", e.code().name()));
        } catch (UpstreamException | MissingUserVariablesException e) {
            GatewayException g = dev.portcullis.upstream.UpstreamErrors.toGateway(e);
            return error(id, RpcError.INTERNAL_ERROR, g.getMessage(), Map.of("error", g.code().name()));
        }
    }

    private static int rpcCode(ErrorCode code) {
        return switch (code) {
            case NOT_FOUND, INVALID_ARGUMENTS, TOOL_NOT_ALLOWED, BAD_REQUEST, INVALID_CURSOR -> RpcError.INVALID_PARAMS;
            default -> RpcError.INTERNAL_ERROR;
        };
    }

    private Map<String, Object> callTool(Caller caller, FrontSession session, Object id, Map<String, Object> params,
                                         Optional<Sink> stream) {
        if (!(params.get("name") instanceof String name)) {
            return error(id, RpcError.INVALID_PARAMS, "tools/call needs the tool's name");
        }
        Optional<FrontCatalog.Target> target = catalog.tool(caller, session.server(), name);
        if (target.isEmpty()) {
            return error(id, RpcError.INVALID_PARAMS, "Unknown tool: " + name);
        }
        String server = target.get().server();
        session.used(server);
        Map<String, Object> relayed = new LinkedHashMap<>(params);
        relayed.put("name", target.get().tool());
        String key = String.valueOf(id);
        try {
            if (FrontCatalog.AUTHORIZE.equals(target.get().tool()) && tools.needsAuthorization(caller, server)) {
                throw tools.startAuthorization(caller, tools.server(caller, server));
            }
            return result(id, tools.relayToolCall(caller, server, relayed, new FrontRelay(session, stream),
                    r -> session.started(key, r)));
        } catch (OAuthRequiredException e) {
            return authorizationNeeded(session, id, e, true);
        } catch (GatewayException e) {
            if (e.code() == ErrorCode.INVALID_ARGUMENTS) {
                return result(id, toolError(e.getMessage())); // the model can correct its arguments
            }
            if (e.code() == ErrorCode.NOT_FOUND || e.code() == ErrorCode.TOOL_NOT_ALLOWED) {
                return error(id, RpcError.INVALID_PARAMS, "Unknown tool: " + name);
            }
            return result(id, toolError(e.getMessage()));
        } catch (UpstreamException | MissingUserVariablesException e) {
            return result(id, toolError(dev.portcullis.upstream.UpstreamErrors.toGateway(e).getMessage()));
        }
    }

    private static Map<String, Object> toolError(String text) {
        return Map.of("content", List.of(Map.of("type", "text", "text", text)), "isError", true);
    }

    /**
     * A server needs the user's authorization. A client that takes URL elicitation gets the gateway's
     * link that way ({@code -32042}); after the callback it hears {@code notifications/elicitation/complete}
     * and {@code tools/list_changed}. Any other client gets the link in a tool error (a call) or in the
     * error message.
     */
    private Map<String, Object> authorizationNeeded(FrontSession session, Object id, OAuthRequiredException e, boolean toolCall) {
        var owner = new dev.portcullis.oauth.flow.GrantOwner(session.tenantId(), session.userId(), e.serverName());
        String link = links.create(owner, e.timeLeft()).toString();
        String text = "Connect your account at " + e.serverName() + " to continue: open " + link
                + " in your browser, sign in, then try again.";
        if (session.elicits("url")) {
            String elicitationId = UUID.randomUUID().toString();
            session.authorizationPending(e.serverName(), elicitationId);
            Map<String, Object> elicitation = new LinkedHashMap<>();
            elicitation.put("mode", "url");
            elicitation.put("elicitationId", elicitationId);
            elicitation.put("url", link);
            elicitation.put("message", "Connect your account at " + e.serverName() + " to continue.");
            return error(id, RpcError.URL_ELICITATION_REQUIRED, "Authorization at " + e.serverName() + " is required",
                    Map.of("elicitations", List.of(elicitation)));
        }
        if (toolCall) {
            return result(id, toolError(text));
        }
        return error(id, RpcError.INTERNAL_ERROR, text, Map.of("error", ErrorCode.OAUTH_REQUIRED.name(), "authorizationUrl", link));
    }

    /** A list method: one server's page at {@code /mcp/{server}}; in the aggregate, server after server. */
    private Map<String, Object> list(Caller caller, FrontSession session, Object id, String method,
                                     Map<String, Object> params, String field) {
        String capability = field.equals("prompts") ? "prompts" : "resources";
        if (session.server().isPresent()) {
            String server = session.server().get();
            if (!catalog.offers(caller, server, capability)) {
                return result(id, Map.of(field, List.of()));
            }
            return result(id, tools.relay(caller, server, method, params, dev.portcullis.upstream.CallObserver.NONE,
                    ToolService.Intent.LOOK, r -> { }));
        }
        List<String> servers = catalog.servers(caller, Optional.empty());
        AggregateCursor cursor = AggregateCursor.parse(params.get("cursor"));
        List<Object> items = new ArrayList<>();
        for (int i = servers.indexOf(cursor.server()) < 0 ? 0 : servers.indexOf(cursor.server()); i < servers.size(); i++) {
            String server = servers.get(i);
            if (!catalog.offers(caller, server, capability)) {
                continue;
            }
            Map<String, Object> page = new LinkedHashMap<>();
            if (server.equals(cursor.server()) && cursor.upstream() != null) {
                page.put("cursor", cursor.upstream());
            }
            Map<String, Object> answer;
            try {
                answer = tools.relay(caller, server, method, page, dev.portcullis.upstream.CallObserver.NONE, ToolService.Intent.LOOK, r -> { });
            } catch (RuntimeException e) {
                log.debug("'{}' is left out of {}: {}", server, method, e.getMessage());
                continue;
            }
            if (answer.get(field) instanceof List<?> list) {
                for (Object item : list) {
                    items.add(renamed(server, asMap(item)));
                }
            }
            if (answer.get("nextCursor") instanceof String next) {
                return result(id, Map.of(field, items, "nextCursor", new AggregateCursor(server, next).encode()));
            }
            if (!items.isEmpty() && i + 1 < servers.size()) {
                return result(id, Map.of(field, items, "nextCursor", new AggregateCursor(servers.get(i + 1), null).encode()));
            }
        }
        return result(id, Map.of(field, items));
    }

    /** An item of a server as the aggregate names it. */
    private static Map<String, Object> renamed(String server, Map<String, Object> item) {
        Map<String, Object> copy = new LinkedHashMap<>(item);
        if (copy.get("uri") instanceof String uri) {
            copy.put("uri", AggregateNames.resourceUri(server, uri));
        }
        if (copy.get("uriTemplate") instanceof String template) {
            copy.put("uriTemplate", AggregateNames.resourceUri(server, template));
        }
        if (!copy.containsKey("uri") && !copy.containsKey("uriTemplate") && copy.get("name") instanceof String name) {
            copy.put("name", AggregateNames.name(server, name)); // a prompt
        }
        return copy;
    }

    private Map<String, Object> resource(Caller caller, FrontSession session, Object id, String method,
                                         Map<String, Object> params, Optional<Sink> stream) {
        if (!(params.get("uri") instanceof String uri)) {
            return error(id, RpcError.INVALID_PARAMS, method + " needs a uri");
        }
        String server;
        String original;
        if (session.server().isPresent()) {
            server = session.server().get();
            original = uri;
        } else {
            Optional<String[]> parts = AggregateNames.splitResourceUri(uri);
            if (parts.isEmpty()) {
                return error(id, RpcError.INVALID_PARAMS, "Unknown resource: " + uri
                        + " (this endpoint's resources are named " + AggregateNames.RESOURCE_SCHEME + "<server>/<uri>)");
            }
            server = parts.get()[0];
            original = parts.get()[1];
        }
        session.used(server);
        Map<String, Object> relayed = new LinkedHashMap<>(params);
        relayed.put("uri", original);
        switch (method) {
            case "resources/subscribe" -> {
                return result(id, watch(caller, session, id, server, uri, relayed, stream));
            }
            case "resources/unsubscribe" -> {
                unwatch(caller, session, uri);
                return result(id, Map.of());
            }
            default -> {
            }
        }
        Map<String, Object> answer = tools.relay(caller, server, method, relayed, new FrontRelay(session, stream),
                ToolService.Intent.USE, r -> session.started(String.valueOf(id), r));
        if (session.server().isEmpty() && answer.get("contents") instanceof List<?> contents) {
            List<Object> renamed = new ArrayList<>();
            contents.forEach(c -> renamed.add(renamed(server, asMap(c))));
            answer = new LinkedHashMap<>(answer);
            answer.put("contents", renamed);
        }
        return result(id, answer);
    }

    /** Who watches which resource on which connection: the server is asked by the first, told by the last. */
    private final ResourceWatches watches = new ResourceWatches();
    /** How many resources one client (session or listen stream) may watch, and how long a URI may be. */
    private static final int MAX_WATCHED = 64;
    private static final int MAX_WATCHED_URI = 1024;

    /**
     * A client starts watching a resource ({@code resources/subscribe}, or a listen stream's
     * {@code resourceSubscriptions}): the server is asked only if no other client of the same connection
     * watches it already. The watch ends with the session or stream.
     */
    private Map<String, Object> watch(Caller caller, FrontSession session, Object id, String server, String uri,
                                      Map<String, Object> relayed, Optional<Sink> stream) {
        if (session.subscriptions().contains(uri)) {
            return Map.of();
        }
        if (uri.length() > MAX_WATCHED_URI || session.subscriptions().size() >= MAX_WATCHED) {
            throw new RpcError(RpcError.INVALID_PARAMS, "A client may watch at most " + MAX_WATCHED + " resources, with URIs of at "
                    + "most " + MAX_WATCHED_URI + " characters");
        }
        String key = ResourceWatches.key(tools.connectionOf(caller, server), String.valueOf(relayed.get("uri")));
        if (watches.join(key)) {
            try {
                tools.relay(caller, server, "resources/subscribe", relayed, new FrontRelay(session, stream),
                        ToolService.Intent.USE, r -> session.started(String.valueOf(id), r));
            } catch (RuntimeException e) {
                watches.leave(key);
                throw e;
            }
        }
        if (session.watched().isEmpty()) {
            session.atClose(() -> session.watched().forEach(watched -> unwatch(caller, session, watched)));
        }
        session.watch(uri, key);
        return Map.of();
    }

    /** A client stops watching; the server is told when it was the last of its connection's clients to watch. */
    private void unwatch(Caller caller, FrontSession session, String uri) {
        String key = session.unwatch(uri);
        if (key == null || !watches.leave(key)) {
            return;
        }
        String server = session.server().orElseGet(() -> AggregateNames.splitResourceUri(uri).map(p -> p[0]).orElse(""));
        String original = session.server().isPresent() ? uri : AggregateNames.splitResourceUri(uri).map(p -> p[1]).orElse(uri);
        Thread.ofVirtual().name("mcp-unwatch").start(() -> {
            try {
                tools.relayIfConnected(caller, server, "resources/unsubscribe", Map.of("uri", original));
            } catch (RuntimeException e) {
                log.debug("could not tell '{}' a resource is no longer watched: {}", server, e.toString());
            }
        });
    }

    private Map<String, Object> prompt(Caller caller, FrontSession session, Object id, Map<String, Object> params,
                                       Optional<Sink> stream) {
        if (!(params.get("name") instanceof String name)) {
            return error(id, RpcError.INVALID_PARAMS, "prompts/get needs the prompt's name");
        }
        Optional<String[]> target = promptTarget(caller, session, name);
        if (target.isEmpty()) {
            return error(id, RpcError.INVALID_PARAMS, "Unknown prompt: " + name);
        }
        session.used(target.get()[0]);
        Map<String, Object> relayed = new LinkedHashMap<>(params);
        relayed.put("name", target.get()[1]);
        return result(id, tools.relay(caller, target.get()[0], "prompts/get", relayed,
                new FrontRelay(session, stream), ToolService.Intent.USE, r -> session.started(String.valueOf(id), r)));
    }

    private Optional<String[]> promptTarget(Caller caller, FrontSession session, String name) {
        if (session.server().isPresent()) {
            return Optional.of(new String[] {session.server().get(), name});
        }
        Optional<String[]> parts = AggregateNames.split(name);
        if (parts.isPresent() && AggregateNames.name(parts.get()[0], parts.get()[1]).equals(name)
                && tools.servers(caller).containsKey(parts.get()[0])) {
            return parts;
        }
        for (String server : catalog.servers(caller, Optional.empty())) { // a hashed name: find it in the listings
            if (!catalog.offers(caller, server, "prompts")) {
                continue;
            }
            Map<String, Object> answer = tools.relay(caller, server, "prompts/list", Map.of(), dev.portcullis.upstream.CallObserver.NONE,
                    ToolService.Intent.LOOK, r -> { });
            if (answer.get("prompts") instanceof List<?> prompts) {
                for (Object p : prompts) {
                    String original = String.valueOf(asMap(p).get("name"));
                    if (AggregateNames.name(server, original).equals(name)) {
                        return Optional.of(new String[] {server, original});
                    }
                }
            }
        }
        return Optional.empty();
    }

    private Map<String, Object> complete(Caller caller, FrontSession session, Object id, Map<String, Object> params,
                                         Optional<Sink> stream) {
        Map<String, Object> ref = asMap(params.get("ref"));
        Map<String, Object> relayedRef = new LinkedHashMap<>(ref);
        String server;
        if ("ref/prompt".equals(ref.get("type")) && ref.get("name") instanceof String name) {
            Optional<String[]> target = promptTarget(caller, session, name);
            if (target.isEmpty()) {
                return error(id, RpcError.INVALID_PARAMS, "Unknown prompt: " + name);
            }
            server = target.get()[0];
            relayedRef.put("name", target.get()[1]);
        } else if ("ref/resource".equals(ref.get("type")) && ref.get("uri") instanceof String uri) {
            if (session.server().isPresent()) {
                server = session.server().get();
            } else {
                Optional<String[]> parts = AggregateNames.splitResourceUri(uri);
                if (parts.isEmpty()) {
                    return error(id, RpcError.INVALID_PARAMS, "Unknown resource template: " + uri);
                }
                server = parts.get()[0];
                relayedRef.put("uri", parts.get()[1]);
            }
        } else {
            return error(id, RpcError.INVALID_PARAMS, "completion/complete needs a ref of type ref/prompt or ref/resource");
        }
        Map<String, Object> relayed = new LinkedHashMap<>(params);
        relayed.put("ref", relayedRef);
        return result(id, tools.relay(caller, server, "completion/complete", relayed, new FrontRelay(session, stream),
                ToolService.Intent.USE, r -> session.started(String.valueOf(id), r)));
    }

    private Map<String, Object> setLevel(Caller caller, FrontSession session, Object id, Map<String, Object> params) {
        Object level = params.get("level");
        if (!LogLevels.isLevel(level)) {
            return error(id, RpcError.INVALID_PARAMS, "level must be one of " + String.join(", ", LogLevels.ORDER));
        }
        session.logLevel((String) level);
        // Passed on to the user's own connections only: a shared connection's level is everyone's. The
        // session's own level filters what reaches this client either way.
        for (String server : session.server().map(Set::of).orElseGet(session::usedServers)) {
            try {
                if (catalog.offers(caller, server, "logging")
                        && tools.withServer(caller, server, ToolService.Intent.LOOK, UpstreamSession::isUsersOwn)) {
                    tools.relay(caller, server, "logging/setLevel", params, dev.portcullis.upstream.CallObserver.NONE,
                            ToolService.Intent.LOOK, r -> { });
                }
            } catch (RuntimeException e) {
                log.debug("could not pass the log level on to '{}': {}", server, e.getMessage());
            }
        }
        return result(id, Map.of());
    }

    // --- messages -------------------------------------------------------------------------------

    static Map<String, Object> result(Object id, Map<String, Object> result) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jsonrpc", "2.0");
        m.put("id", id);
        m.put("result", result);
        return m;
    }

    static Map<String, Object> error(Object id, int code, String message) {
        return error(id, code, message, null);
    }

    static Map<String, Object> error(Object id, int code, String message, Object data) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("code", code);
        e.put("message", message);
        if (data != null) {
            e.put("data", data);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jsonrpc", "2.0");
        m.put("id", id);
        m.put("error", e);
        return m;
    }

    static Map<String, Object> notification(String method, Map<String, Object> params) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jsonrpc", "2.0");
        m.put("method", method);
        if (params != null) {
            m.put("params", params);
        }
        return m;
    }

    private static Answer refusal(int status, Object id, int code, String message) {
        return new Answer.Json(status, error(id, code, message), Optional.empty());
    }

    static Map<String, Object> asMap(Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            return new LinkedHashMap<>();
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(String.valueOf(k), v));
        return copy;
    }

    // --- events ---------------------------------------------------------------------------------

    /** Sessions a server's announcement concerns: the user's own for a user's connection, every user's for a shared one. */
    void toSessions(java.util.function.Predicate<FrontSession> concerned, Supplier<Map<String, Object>> message) {
        for (FrontSession s : sessions()) {
            if (concerned.test(s)) {
                s.stream().ifPresent(sink -> {
                    Map<String, Object> m = message.get();
                    if (s.listensFor(String.valueOf(m.get("method")))) {
                        sink.send(tagged(s, m));
                    }
                });
            }
        }
    }

    /** Sends a notification to one session's stream, as that stream takes it (a listen stream: if asked for, tagged). */
    void sendTo(FrontSession s, Map<String, Object> message) {
        if (s.listensFor(String.valueOf(message.get("method")))) {
            s.stream().ifPresent(sink -> sink.send(tagged(s, message)));
        }
    }

    /** A listen stream's notifications carry its subscription id in {@code _meta}. */
    private static Map<String, Object> tagged(FrontSession s, Map<String, Object> message) {
        if (s.subscriptionId().isEmpty()) {
            return message;
        }
        Map<String, Object> params = asMap(message.get("params"));
        Map<String, Object> meta = asMap(params.get("_meta"));
        meta.put(SUBSCRIPTION_ID, s.subscriptionId().get());
        params.put("_meta", meta);
        return notification(String.valueOf(message.get("method")), params);
    }

    /** The sessions, and the 2026-07-28 clients listening without one. */
    Iterable<FrontSession> sessions() {
        List<FrontSession> all = new ArrayList<>(sessions.all());
        all.addAll(listeners);
        return all;
    }

    static final String SUBSCRIPTION_ID = "io.modelcontextprotocol/subscriptionId";
    /** What {@code subscriptions/listen} may ask for, and the notification each one is. */
    private static final Map<String, String> LISTENABLE = Map.of("toolsListChanged", "notifications/tools/list_changed",
            "promptsListChanged", "notifications/prompts/list_changed",
            "resourcesListChanged", "notifications/resources/list_changed");
    private final Set<FrontSession> listeners = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final int MAX_LISTENERS_PER_USER = 16;

    /**
     * {@code subscriptions/listen} (2026-07-28): a stream that first acknowledges the notifications it
     * will carry (those asked for that the gateway sends), then carries them, tagged with the listen
     * request's id, until the client goes away. What the gateway knows changes: servers added, changed,
     * removed or shared, authorizations, and the list changes of servers it holds sessions with.
     */
    private Answer listen(Caller caller, Endpoint endpoint, Object id, Map<String, Object> params, StreamOpener streams) {
        FrontSession listener = new FrontSession(caller, endpoint.server(), StatelessProtocol.VERSION,
                StatelessProtocol.capabilities(params), clock.instant());
        // The place is taken at once (it hears nothing until it listens): concurrent requests cannot pass the bound.
        synchronized (listeners) {
            if (listeners.stream().filter(l -> l.belongsTo(caller)).count() >= MAX_LISTENERS_PER_USER) {
                return new Answer.Json(429, error(id, RpcError.INTERNAL_ERROR, "You have the maximum of "
                        + MAX_LISTENERS_PER_USER + " listen streams open"), Optional.empty());
            }
            listeners.add(listener);
        }
        try {
            return listening(caller, id, params, streams, listener);
        } catch (RuntimeException e) {
            listeners.remove(listener);
            listener.close();
            throw e;
        }
    }

    private Answer listening(Caller caller, Object id, Map<String, Object> params, StreamOpener streams, FrontSession listener) {
        Map<String, Object> asked = asMap(params.get("notifications"));
        Map<String, Object> honored = new LinkedHashMap<>();
        Set<String> methods = new java.util.HashSet<>();
        LISTENABLE.forEach((key, method) -> {
            if (Boolean.TRUE.equals(asked.get(key))) {
                honored.put(key, true);
                methods.add(method);
            }
        });
        Optional<Sink> stream = streams.open();
        if (stream.isEmpty()) {
            listeners.remove(listener);
            return new Answer.Json(406, error(id, RpcError.INVALID_REQUEST,
                    "subscriptions/listen answers with a stream: send Accept: text/event-stream"), Optional.empty());
        }
        List<String> watched = watch(caller, listener, id, asked.get("resourceSubscriptions"));
        if (!watched.isEmpty()) {
            honored.put("resourceSubscriptions", watched);
            methods.add("notifications/resources/updated");
        }
        String subscriptionId = String.valueOf(id);
        stream.get().send(notification("notifications/subscriptions/acknowledged",
                Map.of("_meta", Map.of(SUBSCRIPTION_ID, subscriptionId), "notifications", honored)));
        listener.listen(subscriptionId, methods, stream.get());
        return new Answer.Listening(() -> {
            listeners.remove(listener);
            listener.close(); // its watches end with it
        });
    }

    /**
     * A listen stream's {@code resourceSubscriptions}: each resource is subscribed to at its server as a
     * session client's {@code resources/subscribe} is (a stateless server gets it in its own listen
     * stream's filter); those that could be are what the acknowledgement names, the others are left
     * out, as the revision says a server does with what it will not send.
     */
    private List<String> watch(Caller caller, FrontSession listener, Object id, Object asked) {
        List<String> watched = new ArrayList<>();
        if (!(asked instanceof List<?> uris)) {
            return watched;
        }
        for (Object u : uris.stream().distinct().limit(MAX_WATCHED).toList()) {
            if (!(u instanceof String uri)) {
                continue;
            }
            try {
                if (resource(caller, listener, id, "resources/subscribe", Map.of("uri", uri), Optional.empty())
                        .containsKey("result")) {
                    watched.add(uri);
                }
            } catch (RuntimeException e) { // the server cannot, or the user has not authorized it yet
                log.debug("a listen stream cannot watch a resource: {}", e.toString());
            }
        }
        return watched;
    }
}
