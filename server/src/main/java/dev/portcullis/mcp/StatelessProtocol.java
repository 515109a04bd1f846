package dev.portcullis.mcp;

import dev.portcullis.upstream.RpcError;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The rules of the stateless 2026-07-28 revision at the front door, apart from what a request does:
 * which requests are stateless, what each must carry (the protocol version in the header and in
 * {@code _meta}, the client's capabilities, {@code Mcp-Method} and {@code Mcp-Name} mirroring the
 * body), and what a stateless result adds ({@code resultType}, caching hints).
 */
final class StatelessProtocol {
    static final String VERSION = "2026-07-28";
    static final String META_VERSION = "io.modelcontextprotocol/protocolVersion";
    static final String META_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
    static final String META_SERVER_INFO = "io.modelcontextprotocol/serverInfo";
    /** The revision's errors: a header that disagrees with the body, an unsupported version. */
    static final int HEADER_MISMATCH = -32020;
    static final int UNSUPPORTED_VERSION = -32022;
    /** A request that needs a capability the client did not declare. */
    static final int MISSING_CAPABILITY = -32021;
    /** Methods of the session revisions that 2026-07-28 removed: not found, as the revision says. */
    static final Set<String> REMOVED = Set.of("initialize", "ping", "logging/setLevel", "resources/subscribe",
            "resources/unsubscribe", "notifications/initialized");
    /** Results clients may cache, which carry {@code ttlMs} and {@code cacheScope}. */
    static final Set<String> CACHEABLE = Set.of("server/discover", "tools/list", "prompts/list", "resources/list",
            "resources/templates/list", "resources/read");

    /** A refusal: the HTTP status and the JSON-RPC error. */
    record Refusal(int status, int code, String message, Object data) {
    }

    private StatelessProtocol() {
    }

    /**
     * Whether a request without a session is of the stateless revision: it names a version in
     * {@code _meta}, or one in the header that is not a session revision. A session revision's client
     * sends no {@code _meta} version, and no header before its session exists.
     */
    static boolean applies(Optional<String> versionHeader, Map<String, Object> params) {
        boolean metaVersion = params.get("_meta") instanceof Map<?, ?> meta && meta.get(META_VERSION) != null;
        return metaVersion || versionHeader.filter(v -> !FrontDoor.VERSIONS.contains(v)).isPresent();
    }

    /** What is wrong with a stateless request before it is run, in the order the revision checks. */
    static Optional<Refusal> check(FrontDoor.RequestHeaders headers, String method, Map<String, Object> params) {
        if (headers.version().isEmpty()) {
            return Optional.of(new Refusal(400, HEADER_MISMATCH, "Missing MCP-Protocol-Version header", null));
        }
        if (!(params.get("_meta") instanceof Map<?, ?> meta) || meta.get(META_VERSION) == null
                || !(meta.get(META_CAPABILITIES) instanceof Map<?, ?>)) {
            return Optional.of(new Refusal(400, RpcError.INVALID_PARAMS, "Invalid params: _meta must carry "
                    + META_VERSION + " and " + META_CAPABILITIES, null));
        }
        String version = String.valueOf(meta.get(META_VERSION));
        if (!version.equals(headers.version().get())) {
            return Optional.of(new Refusal(400, HEADER_MISMATCH, "The MCP-Protocol-Version header (" + headers.version().get()
                    + ") does not match _meta's " + META_VERSION + " (" + version + ")", null));
        }
        if (!VERSION.equals(version)) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("supported", List.of(VERSION));
            data.put("requested", version);
            return Optional.of(new Refusal(400, UNSUPPORTED_VERSION, "Unsupported protocol version " + version
                    + "; this endpoint speaks " + VERSION + " without a session, and "
                    + String.join(", ", FrontDoor.VERSIONS) + " with one", data));
        }
        String mirrored = headers.method().map(String::strip).orElse(null);
        if (mirrored == null || !mirrored.equals(method)) {
            return Optional.of(new Refusal(400, HEADER_MISMATCH, mirrored == null
                    ? "Missing Mcp-Method header: send the body's method in it"
                    : "The Mcp-Method header (" + mirrored + ") does not match the body's method (" + method + ")", null));
        }
        Optional<String> named = nameOf(method, params);
        if (named.isPresent()) {
            String name = headers.name().map(String::strip).orElse(null);
            if (name == null || !name.equals(named.get())) {
                return Optional.of(new Refusal(400, HEADER_MISMATCH, name == null
                        ? "Missing Mcp-Name header: send the name or URI the body names"
                        : "The Mcp-Name header does not match the body's name or URI", null));
            }
        }
        if (REMOVED.contains(method)) {
            return Optional.of(new Refusal(404, RpcError.METHOD_NOT_FOUND, "Method not found: " + method
                    + " is not part of " + VERSION, null));
        }
        return Optional.empty();
    }

    /** What {@code Mcp-Name} must mirror: the tool's or prompt's name, the resource's URI. */
    static Optional<String> nameOf(String method, Map<String, Object> params) {
        return switch (method) {
            case "tools/call", "prompts/get" -> Optional.ofNullable(params.get("name")).map(String::valueOf);
            case "resources/read" -> Optional.ofNullable(params.get("uri")).map(String::valueOf);
            default -> Optional.empty();
        };
    }

    /** The client's capabilities as the request's {@code _meta} declares them, in the session form. */
    static Map<String, Object> capabilities(Map<String, Object> params) {
        return FrontDoor.asMap(FrontDoor.asMap(params.get("_meta")).get(META_CAPABILITIES));
    }

    /**
     * A stateless answer: every result says it is complete, and results of listings and reads carry
     * caching hints — private (they are this user's) and not to be reused without asking again.
     */
    static Map<String, Object> decorate(String method, Map<String, Object> answer) {
        if (!(answer.get("result") instanceof Map<?, ?> raw)) {
            return answer;
        }
        Map<String, Object> result = FrontDoor.asMap(raw);
        result.putIfAbsent("resultType", "complete");
        if (CACHEABLE.contains(method)) {
            result.putIfAbsent("ttlMs", 0);
            result.putIfAbsent("cacheScope", "private");
        }
        Map<String, Object> copy = new LinkedHashMap<>(answer);
        copy.put("result", result);
        return copy;
    }
}
