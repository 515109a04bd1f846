package dev.portcullis.registry;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the gateway learned when it connected to a user's server on create or update: whether it
 * asks for OAuth, what it can do and its tools. {@code connected} is false when the server could
 * not be inspected without a user's values (its URL or headers use {@code customUserVars}) or
 * answered with an OAuth challenge.
 */
public record Inspection(boolean connected, boolean requiresOAuth, Optional<String> serverName,
                         Optional<String> serverVersion, Map<String, Object> capabilities, List<String> tools) {
    public Inspection {
        capabilities = Map.copyOf(capabilities);
        tools = List.copyOf(tools);
    }

    public static Inspection deferred(boolean requiresOAuth) {
        return new Inspection(false, requiresOAuth, Optional.empty(), Optional.empty(), Map.of(), List.of());
    }
}
