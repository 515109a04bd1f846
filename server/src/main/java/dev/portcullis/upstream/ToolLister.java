package dev.portcullis.upstream;

import dev.portcullis.config.UpstreamSettings;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code tools/list} page by page within bounds, because a server decides how much it
 * sends: at most so many pages, tools and bytes, within a time budget, and never the same cursor
 * twice (a server that loops its cursor would otherwise hold the gateway forever). What was read
 * then passes {@link UpstreamNames}: tools with bad or repeated names are dropped.
 */
final class ToolLister {
    private static final Logger log = LoggerFactory.getLogger(ToolLister.class);

    private final UpstreamSettings limits;
    private final McpJsonMapper json;
    private final UpstreamNames names;

    ToolLister(UpstreamSettings limits, McpJsonMapper json, UpstreamNames names) {
        this.limits = limits;
        this.json = json;
        this.names = names;
    }

    /** One page of {@code tools/list}: the seam that lets the bounds be tested without a server. */
    @FunctionalInterface
    interface Pages {
        McpSchema.ListToolsResult page(String cursor);
    }

    ToolList list(String serverName, McpSyncClient client) {
        return list(serverName, client::listTools);
    }

    ToolList list(String serverName, Pages pages) {
        long deadline = System.nanoTime() + limits.toolListTimeout().toNanos();
        List<McpSchema.Tool> tools = new ArrayList<>();
        Set<String> seenCursors = new HashSet<>();
        long bytes = 0;
        String cursor = null;
        for (int page = 0; ; page++) {
            if (page >= limits.maxToolPages()) {
                return truncated(serverName, tools, "pages (" + limits.maxToolPages() + ")");
            }
            if (System.nanoTime() > deadline) {
                return truncated(serverName, tools, "time (" + limits.toolListTimeout().toMillis() + " ms)");
            }
            McpSchema.ListToolsResult result = pages.page(cursor);
            for (McpSchema.Tool tool : result.tools()) {
                bytes += size(tool);
                if (tools.size() >= limits.maxTools()) {
                    return truncated(serverName, tools, "tools (" + limits.maxTools() + ")");
                }
                if (bytes > limits.maxToolBytes()) {
                    return truncated(serverName, tools, "bytes (" + limits.maxToolBytes() + ")");
                }
                tools.add(tool);
            }
            cursor = result.nextCursor();
            if (cursor == null || cursor.isEmpty()) {
                return new ToolList(names.tools(serverName, tools), Optional.empty());
            }
            if (!seenCursors.add(cursor)) {
                return truncated(serverName, tools, "a repeated cursor");
            }
        }
    }

    private long size(McpSchema.Tool tool) {
        try {
            return json.writeValueAsString(tool).getBytes(StandardCharsets.UTF_8).length;
        } catch (IOException e) {
            return Long.MAX_VALUE / 4;
        }
    }

    private ToolList truncated(String serverName, List<McpSchema.Tool> tools, String bound) {
        log.warn("tools/list of '{}' stopped at the bound on {}; keeping {} tools", serverName, bound, tools.size());
        return new ToolList(names.tools(serverName, tools), Optional.of(bound));
    }
}
