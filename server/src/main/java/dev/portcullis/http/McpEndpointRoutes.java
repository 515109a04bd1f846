package dev.portcullis.http;

import dev.portcullis.config.McpEndpointSettings;
import dev.portcullis.config.ServerSettings;
import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import dev.portcullis.identity.Caller;
import dev.portcullis.identity.ServiceCredentials;
import dev.portcullis.mcp.FrontDoor;
import dev.portcullis.mcp.Sink;
import dev.portcullis.upstream.ToolService;
import io.javalin.http.Context;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;

/**
 * The MCP front door over Streamable HTTP ({@code POST}, {@code GET}, {@code DELETE} at {@code /mcp}
 * and {@code /mcp/{server}}), its RFC 9728 protected-resource metadata, and its guard: the
 * {@code Host} must be one of the gateway's own names (DNS-rebinding protection), a browser's
 * {@code Origin} must be allowed, and the caller must present a bearer token (401 names the
 * metadata document, as MCP's authorization specification says).
 */
final class McpEndpointRoutes {
    static final String SESSION_HEADER = "Mcp-Session-Id";
    static final String VERSION_HEADER = "MCP-Protocol-Version";
    /** How long one GET stream stays open; clients reconnect, as the transport specification expects. */
    static final java.time.Duration GET_STREAM_LIFETIME = java.time.Duration.ofMinutes(30);
    private static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]", "::1");
    private static final String CORS_HEADERS = String.join(", ", "Authorization", "Content-Type", SESSION_HEADER,
            VERSION_HEADER, "Mcp-Method", "Mcp-Name", "Last-Event-ID", ServiceCredentials.USER_HEADER);

    private final FrontDoor door;
    private final ToolService tools;
    private final Authentication authentication;
    private final McpEndpointSettings settings;
    private final ServerSettings server;
    private final List<URI> authorizationServers;
    private final ObjectMapper json;

    McpEndpointRoutes(FrontDoor door, ToolService tools, Authentication authentication, McpEndpointSettings settings,
                      ServerSettings server, Optional<String> issuer, ObjectMapper json) {
        this.door = door;
        this.tools = tools;
        this.authentication = authentication;
        this.settings = settings;
        this.server = server;
        this.json = json;
        List<URI> configured = settings.authorizationServers();
        this.authorizationServers = !configured.isEmpty() ? configured
                : issuer.filter(i -> i.startsWith("https://") || i.startsWith("http://")).map(URI::create).map(List::of).orElse(List.of());
    }

    /** The endpoint's path: {@code {basePath}/mcp}. */
    String path() {
        return server.basePath() + "/mcp";
    }

    /** Where the metadata of an endpoint is served, relative to this server: RFC 9728's well-known path before the resource's. */
    String metadataPath(String resourcePath) {
        return "/.well-known/oauth-protected-resource" + publicPath() + resourcePath;
    }

    private String publicPath() {
        String p = server.publicUrl().getPath();
        return p == null ? "" : p.replaceAll("/+$", "");
    }

    private String origin() {
        return McpEndpointSettings.originOf(server.publicUrl());
    }

    /** The guard, before every front-door request. */
    void guard(Context ctx) {
        checkHost(ctx);
        checkOrigin(ctx);
        String resource = ctx.path();
        ctx.attribute(ErrorBody.RESOURCE_METADATA, origin() + metadataPath(resource));
        if ("OPTIONS".equals(ctx.method().name())) {
            return; // a preflight carries no credentials
        }
        authentication.requireForMcp(ctx);
    }

    private void checkHost(Context ctx) {
        if (settings.allowedHosts().contains("*")) {
            return;
        }
        String host = Optional.ofNullable(ctx.header("Host")).orElse("").toLowerCase(Locale.ROOT);
        String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1)
                : host.contains(":") ? host.substring(0, host.lastIndexOf(':')) : host;
        String own = server.publicUrl().getHost().toLowerCase(Locale.ROOT);
        if (name.equals(own) || LOOPBACK_HOSTS.contains(name) || settings.allowedHosts().contains(host)
                || settings.allowedHosts().contains(name)) {
            return;
        }
        throw new GatewayException(ErrorCode.HOST_NOT_ALLOWED, "This gateway does not answer MCP requests for the host '"
                + host + "'; an operator can add it to mcpEndpoint.allowedHosts");
    }

    private void checkOrigin(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null) {
            return; // not a browser: no cross-site request to refuse
        }
        String normalized = origin.toLowerCase(Locale.ROOT);
        if (!normalized.equals(origin()) && !settings.allowedOrigins().contains(normalized)) {
            throw new GatewayException(ErrorCode.ORIGIN_NOT_ALLOWED, "Requests from the web origin '" + origin
                    + "' are not allowed; an operator can add it to mcpEndpoint.allowedOrigins");
        }
        ctx.header("Access-Control-Allow-Origin", origin);
        ctx.header("Vary", "Origin");
        ctx.header("Access-Control-Expose-Headers", SESSION_HEADER + ", WWW-Authenticate");
    }

    /** {@code OPTIONS}: a browser's preflight, answered once the origin passed the guard. */
    void preflight(Context ctx) {
        ctx.header("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS")
                .header("Access-Control-Allow-Headers", CORS_HEADERS)
                .header("Access-Control-Max-Age", "600")
                .status(204);
    }

    /** The RFC 9728 document for {@code /mcp} or {@code /mcp/{server}}. */
    void metadata(Context ctx, Optional<String> serverName) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("resource", server.publicUrl().toString().replaceAll("/+$", "") + path()
                + serverName.map(n -> "/" + dev.portcullis.config.ServerNames.encoded(n)).orElse(""));
        if (!authorizationServers.isEmpty()) {
            doc.put("authorization_servers", authorizationServers.stream().map(URI::toString).toList());
        }
        if (!settings.scopes().isEmpty()) {
            doc.put("scopes_supported", settings.scopes());
        }
        doc.put("bearer_methods_supported", List.of("header"));
        doc.put("resource_name", "Portcullis" + serverName.map(n -> ": " + n).orElse(""));
        ctx.header("Cache-Control", "public, max-age=3600").json(doc);
    }

    void post(Context ctx, Optional<String> serverName) throws IOException {
        Caller caller = Authentication.caller(ctx);
        FrontDoor.Endpoint endpoint = endpoint(caller, serverName);
        String accept = Optional.ofNullable(ctx.header("Accept")).orElse("*/*").toLowerCase(Locale.ROOT);
        boolean streams = accept.contains("text/event-stream") || accept.contains("*/*");
        String type = Optional.ofNullable(ctx.contentType()).orElse("").toLowerCase(Locale.ROOT);
        if (!type.startsWith("application/json")) {
            throw new GatewayException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Send the JSON-RPC message as Content-Type: application/json");
        }
        Object body;
        try {
            body = json.readValue(ctx.bodyAsBytes(), Object.class);
        } catch (JacksonException e) {
            ctx.status(400).json(Map.of("jsonrpc", "2.0", "error", Map.of("code", -32700, "message", "Parse error: the body is not JSON")));
            return;
        }
        SseStream[] opened = new SseStream[1];
        FrontDoor.StreamOpener opener = () -> {
            if (!streams) {
                return Optional.empty();
            }
            try {
                opened[0] = SseStream.open(ctx.res(), json);
                return Optional.<Sink>of(opened[0]);
            } catch (IOException e) {
                return Optional.empty();
            }
        };
        FrontDoor.RequestHeaders headers = new FrontDoor.RequestHeaders(Optional.ofNullable(ctx.header(VERSION_HEADER)),
                Optional.ofNullable(ctx.header("Mcp-Method")), Optional.ofNullable(ctx.header("Mcp-Name")));
        FrontDoor.Answer answer = door.post(caller, endpoint, Optional.ofNullable(ctx.header(SESSION_HEADER)), headers,
                body, opener);
        try {
            switch (answer) {
                case FrontDoor.Answer.Json j -> {
                    j.sessionId().ifPresent(id -> ctx.header(SESSION_HEADER, id));
                    ctx.status(j.status()).json(j.body());
                }
                case FrontDoor.Answer.Accepted a -> ctx.status(202);
                case FrontDoor.Answer.Streamed s -> { }
                case FrontDoor.Answer.Cancelled c -> {
                    if (opened[0] == null) {
                        ctx.status(204);
                    }
                }
                case FrontDoor.Answer.Listening l -> {
                    try {
                        awaitEnd(opened[0]);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        l.ended().run();
                    }
                }
            }
        } finally {
            if (opened[0] != null) {
                opened[0].close();
            }
        }
    }

    void get(Context ctx, Optional<String> serverName) throws IOException, InterruptedException {
        Caller caller = Authentication.caller(ctx);
        FrontDoor.Endpoint endpoint = endpoint(caller, serverName);
        String accept = Optional.ofNullable(ctx.header("Accept")).orElse("").toLowerCase(Locale.ROOT);
        if (!accept.contains("text/event-stream")) {
            throw new GatewayException(ErrorCode.METHOD_NOT_ALLOWED, "GET opens the session's event stream: send Accept: text/event-stream");
        }
        String sessionId = requireSession(ctx);
        if (!door.listening(caller, endpoint, sessionId)) {
            throw new GatewayException(ErrorCode.NOT_FOUND, "Session not found (it ended or expired); initialize again");
        }
        try (SseStream stream = SseStream.open(ctx.res(), json)) {
            door.listen(caller, endpoint, sessionId, stream);
            awaitEnd(stream);
        }
    }

    /**
     * Holds a stream that only carries news until the client leaves, its lifetime ends (the client opens
     * another: nothing is held forever) or the gateway stops.
     */
    private void awaitEnd(SseStream stream) throws InterruptedException {
        newsStreams.add(stream);
        if (stopping) {
            stream.close(); // opened while the stop ended the others
        }
        try {
            stream.awaitClose(GET_STREAM_LIFETIME);
        } finally {
            newsStreams.remove(stream);
        }
    }

    /** The open news streams, ended first when the gateway stops: a stop does not wait for clients to leave. */
    private final java.util.Set<SseStream> newsStreams = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private volatile boolean stopping;

    void endStreams() {
        stopping = true;
        newsStreams.forEach(SseStream::close);
    }

    void delete(Context ctx, Optional<String> serverName) {
        Caller caller = Authentication.caller(ctx);
        FrontDoor.Endpoint endpoint = endpoint(caller, serverName);
        if (!door.delete(caller, endpoint, requireSession(ctx))) {
            throw new GatewayException(ErrorCode.NOT_FOUND, "Session not found (it ended or expired)");
        }
        ctx.status(204);
    }

    private static String requireSession(Context ctx) {
        String id = ctx.header(SESSION_HEADER);
        if (id == null || id.isBlank()) {
            throw new GatewayException(ErrorCode.BAD_REQUEST, "Send the " + SESSION_HEADER + " header this endpoint gave at initialize");
        }
        return id;
    }

    /** The endpoint; a server the caller may not see is not found, as at the REST API. */
    private FrontDoor.Endpoint endpoint(Caller caller, Optional<String> serverName) {
        serverName.ifPresent(name -> tools.server(caller, name));
        return new FrontDoor.Endpoint(serverName);
    }
}
