package dev.portcullis.mcp;

import dev.portcullis.error.GatewayException;
import dev.portcullis.identity.Caller;
import dev.portcullis.upstream.ToolService;
import dev.portcullis.upstream.UpstreamException;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tools an endpoint offers a caller, and which server and tool a name offered stands for. A
 * server the caller must first authorize at is offered as one stand-in tool ({@value #AUTHORIZE}),
 * marked in {@code _meta}; listing never starts an authorization, calling the stand-in (or any tool
 * of that server) does.
 */
final class FrontCatalog {
    private static final Logger log = LoggerFactory.getLogger(FrontCatalog.class);
    static final String AUTHORIZE = "authorize";
    static final String META_KEY = "dev.portcullis/authorization";
    private static final TypeRef<Map<String, Object>> MAP = new TypeRef<>() {
    };

    /** What a tool name offered to a client stands for. */
    record Target(String server, String tool) {
    }

    private final ToolService tools;
    private final McpJsonMapper json;

    FrontCatalog(ToolService tools, McpJsonMapper json) {
        this.tools = tools;
        this.json = json;
    }

    /** The servers an endpoint covers for the caller, in name order. */
    List<String> servers(Caller caller, Optional<String> endpointServer) {
        if (endpointServer.isPresent()) {
            return List.of(endpointServer.get());
        }
        return tools.servers(caller).keySet().stream().sorted().toList();
    }

    /** The endpoint's tools, with the names clients see, and what each stands for. */
    Map<String, Map.Entry<Target, Map<String, Object>>> tools(Caller caller, Optional<String> endpointServer) {
        List<String> servers = servers(caller, endpointServer);
        Map<String, Map.Entry<Target, Map<String, Object>>> out = new LinkedHashMap<>();
        List<Future<List<Map<String, Object>>>> listed = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String server : servers) {
                listed.add(pool.submit(() -> toolsOf(caller, server)));
            }
        }
        for (int i = 0; i < servers.size(); i++) {
            String server = servers.get(i);
            for (Map<String, Object> tool : result(listed.get(i))) {
                String original = String.valueOf(tool.get("name"));
                String offered = endpointServer.isPresent() ? original : AggregateNames.name(server, original);
                if (out.containsKey(offered)) {
                    log.warn("two tools are offered as '{}'; the one from '{}' is left out", offered, server);
                    continue;
                }
                Map<String, Object> copy = new LinkedHashMap<>(tool);
                copy.put("name", offered);
                out.put(offered, Map.entry(new Target(server, original), copy));
            }
        }
        return out;
    }

    private static List<Map<String, Object>> result(Future<List<Map<String, Object>>> f) {
        try {
            return f.get();
        } catch (Exception e) {
            return List.of();
        }
    }

    private List<Map<String, Object>> toolsOf(Caller caller, String server) {
        try {
            return tools.toolsForListing(caller, server).tools().stream()
                    .map(t -> json.convertValue(t, MAP)).toList();
        } catch (GatewayException e) {
            if (e.code() == dev.portcullis.error.ErrorCode.OAUTH_REQUIRED) {
                return List.of(standIn(server));
            }
            log.debug("leaving the tools of '{}' out of a listing: {}", server, e.getMessage());
            return List.of();
        } catch (UpstreamException | dev.portcullis.upstream.MissingUserVariablesException e) {
            log.debug("leaving the tools of '{}' out of a listing: {}", server, e.getMessage());
            return List.of();
        }
    }

    private static Map<String, Object> standIn(String server) {
        Map<String, Object> tool = new LinkedHashMap<>();
        tool.put("name", AUTHORIZE);
        tool.put("title", "Connect " + server);
        tool.put("description", "Connect your account at " + server + " so that its tools become available. "
                + "Calling this gives a link to open in a browser; once you have signed in there, the tools appear.");
        tool.put("inputSchema", Map.of("type", "object", "properties", Map.of()));
        tool.put("annotations", Map.of("readOnlyHint", true, "openWorldHint", true));
        tool.put("_meta", Map.of(META_KEY, Map.of("server", server, "required", true)));
        return tool;
    }

    /**
     * What a tool name stands for: at {@code /mcp/{server}} the name itself; in the aggregate a plain
     * name by its parts, a hashed one by the listing.
     */
    Optional<Target> tool(Caller caller, Optional<String> endpointServer, String name) {
        if (endpointServer.isPresent()) {
            return Optional.of(new Target(endpointServer.get(), name));
        }
        Optional<String[]> parts = AggregateNames.split(name);
        if (parts.isPresent() && AggregateNames.name(parts.get()[0], parts.get()[1]).equals(name)
                && tools.servers(caller).containsKey(parts.get()[0])) {
            return Optional.of(new Target(parts.get()[0], parts.get()[1]));
        }
        return Optional.ofNullable(tools(caller, endpointServer).get(name)).map(Map.Entry::getKey);
    }

    /** Whether a server offers a kind of thing ({@code resources}, {@code prompts}, {@code completions}); false if unreachable. */
    boolean offers(Caller caller, String server, String capability) {
        try {
            if (tools.needsAuthorization(caller, server)) {
                return false;
            }
            McpSchema.ServerCapabilities c = tools.withServer(caller, server, ToolService.Intent.LOOK,
                    dev.portcullis.upstream.UpstreamSession::capabilities);
            Map<String, Object> map = c == null ? Map.of() : json.convertValue(c, MAP);
            return map.get(capability) != null;
        } catch (RuntimeException e) {
            log.debug("'{}' is left out of a {} listing: {}", server, capability, e.getMessage());
            return false;
        }
    }
}
