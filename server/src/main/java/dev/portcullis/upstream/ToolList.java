package dev.portcullis.upstream;

import dev.portcullis.config.ToolPolicy;
import dev.portcullis.error.DidYouMean;
import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Optional;

/**
 * A server's tools as last listed. {@code truncated} names the bound that stopped the listing
 * early (pages, tools, bytes, time, or a cursor the server repeated), if any.
 */
public record ToolList(List<McpSchema.Tool> tools, Optional<String> truncated) {
    /** How many close names an unknown tool's error suggests, and how short a list is shown whole. */
    private static final int SUGGESTIONS = 3;
    private static final int LISTED_WHOLE = 10;

    public ToolList {
        tools = List.copyOf(tools);
    }

    /** The tools the policy permits, in the same order; this list when it permits everything. */
    ToolList permittedBy(ToolPolicy policy) {
        if (policy.permitsEverything()) {
            return this;
        }
        return new ToolList(tools.stream().filter(t -> policy.permits(t.name())).toList(), truncated);
    }

    public Optional<McpSchema.Tool> find(String name) {
        return tools.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /**
     * The 404 for a tool this server does not have, naming the closest tools (a few, never a long
     * list) so a typo or a wrong case is fixed from the message alone.
     */
    public GatewayException noSuchTool(String serverName, String toolName) {
        List<String> names = tools.stream().map(McpSchema.Tool::name).toList();
        List<String> close = DidYouMean.closest(toolName, names, SUGGESTIONS);
        String hint;
        if (!close.isEmpty()) {
            hint = "; did you mean " + String.join(" or ", close.stream().map(n -> "'" + n + "'").toList()) + "?";
        } else if (names.isEmpty()) {
            hint = "; it lists no tools";
        } else if (names.size() <= LISTED_WHOLE) {
            hint = "; its tools: " + String.join(", ", names);
        } else {
            hint = "; GET /api/mcp/tools lists its " + names.size() + " tools";
        }
        return new GatewayException(ErrorCode.NOT_FOUND, "MCP server '" + serverName + "' has no tool '" + toolName + "'" + hint);
    }
}
