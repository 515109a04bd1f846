package dev.portcullis.upstream;

import dev.portcullis.config.McpServerConfig;
import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import dev.portcullis.identity.Caller;
import dev.portcullis.registry.Inspection;
import dev.portcullis.registry.ServerInspector;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Inspects a server a user adds: one connection outside the pool, as the user, through the
 * guarded client; initialize, list the tools within the usual bounds, close. A server whose URL
 * or headers need each user's own values cannot be inspected before they exist; an OAuth
 * challenge means the server is fine and asks for OAuth.
 */
public final class ServerInspection implements ServerInspector {
    /** What inspection keeps of a server's tool list (the server decides how long it is): a summary, not the catalogue. */
    static final int MAX_TOOL_NAMES = 200;
    static final int MAX_TEXT = 128;
    private final ServerResolver resolver;
    private final ConnectionManager connections;

    public ServerInspection(ServerResolver resolver, ConnectionManager connections) {
        this.resolver = resolver;
        this.connections = connections;
    }

    @Override
    public Inspection inspect(McpServerConfig config, Caller caller) {
        boolean oauthConfigured = config.oauth().isPresent();
        if (!config.customUserVars().isEmpty()) {
            return Inspection.deferred(oauthConfigured);
        }
        ResolvedServer server = resolveForInspection(config, caller);
        try {
            return connections.once(server, session -> {
                McpSchema.Implementation info = session.serverInfo();
                return new Inspection(true, oauthConfigured, Optional.ofNullable(info).map(McpSchema.Implementation::name).map(ServerInspection::cap),
                        Optional.ofNullable(info).map(McpSchema.Implementation::version).map(ServerInspection::cap),
                        capabilities(session.capabilities()),
                        session.tools().tools().stream().map(McpSchema.Tool::name).limit(MAX_TOOL_NAMES)
                                .map(ServerInspection::cap).toList());
            });
        } catch (UpstreamException.AuthorizationRequired e) {
            return Inspection.deferred(true);
        } catch (UpstreamException.Blocked e) {
            throw new GatewayException(ErrorCode.MCP_DOMAIN_NOT_ALLOWED, e.getMessage(), Map.of("field", "config.url"), e);
        } catch (UpstreamException e) {
            throw new InspectionFailed(e.getMessage(), e);
        }
    }

    /**
     * Resolved as no one in particular (the app scope, whose requests carry no user's token): the
     * inspecting user's own OAuth token for a server of this name must not go to a URL that is only
     * being proposed.
     */
    ResolvedServer resolveForInspection(McpServerConfig config, Caller caller) {
        return resolver.resolve(config, caller, Map.of(), ConnectionScope.APP);
    }

    private static String cap(String text) {
        return text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) : text;
    }

    private static Map<String, Object> capabilities(McpSchema.ServerCapabilities c) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (c == null) {
            return out;
        }
        if (c.tools() != null) {
            out.put("tools", Map.of("listChanged", Boolean.TRUE.equals(c.tools().listChanged())));
        }
        if (c.resources() != null) {
            out.put("resources", Map.of("subscribe", Boolean.TRUE.equals(c.resources().subscribe()),
                    "listChanged", Boolean.TRUE.equals(c.resources().listChanged())));
        }
        if (c.prompts() != null) {
            out.put("prompts", Map.of("listChanged", Boolean.TRUE.equals(c.prompts().listChanged())));
        }
        if (c.logging() != null) {
            out.put("logging", Map.of());
        }
        if (c.completions() != null) {
            out.put("completions", Map.of());
        }
        return out;
    }
}
