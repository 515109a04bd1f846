package dev.portcullis.upstream;

import dev.portcullis.config.ToolPolicy;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Optional;

/**
 * A server's tools as last listed. {@code truncated} names the bound that stopped the listing
 * early (pages, tools, bytes, time, or a cursor the server repeated), if any.
 */
public record ToolList(List<McpSchema.Tool> tools, Optional<String> truncated) {
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
}
