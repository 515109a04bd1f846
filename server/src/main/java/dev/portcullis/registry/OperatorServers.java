package dev.portcullis.registry;

import dev.portcullis.config.McpServerConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The operator tier of the registry: the servers named in the configuration file, in file order. */
public final class OperatorServers {
    private final Map<String, McpServerConfig> servers;

    public OperatorServers(Map<String, McpServerConfig> servers) {
        this.servers = Collections.unmodifiableMap(new LinkedHashMap<>(servers));
    }

    public Map<String, McpServerConfig> all() {
        return servers;
    }

    public Optional<McpServerConfig> find(String name) {
        return Optional.ofNullable(servers.get(name));
    }
}
