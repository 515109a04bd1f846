package dev.portcullis.config;

import java.util.Optional;

/**
 * LibreChat's name for a tool across servers: {@code <tool>_mcp_<server>}. Tool names come from
 * upstream servers and may contain {@code _mcp_} themselves, so the key stays unambiguous only
 * because server names are held to {@link #admitsServerName}: no {@code _mcp_} anywhere, and no
 * leading {@code mcp_}. With that, the last {@code _mcp_} of a key is always the delimiter — a
 * later one would lie inside the server name, or begin at the delimiter's own final {@code _} and
 * need a server name starting with {@code mcp_} — so {@link #parse} splits there and every key
 * has exactly one reading. Without the second rule, tool {@code t_mcp} on server {@code x} and
 * tool {@code t} on server {@code mcp_x} would share the key {@code t_mcp_mcp_x}.
 */
public record ToolKey(String tool, String server) {
    public static final String DELIMITER = "_mcp_";
    private static final String SERVER_PREFIX = "mcp_";

    /** Why server names are restricted, in the words configuration errors use. */
    static final String SERVER_NAME_RULE = "must not contain '" + DELIMITER + "' or start with '" + SERVER_PREFIX
            + "': tool keys are <tool>" + DELIMITER + "<server>";

    public String key() {
        return tool + DELIMITER + server;
    }

    /** The tool and server a key names, split at its last delimiter; empty when it names none. */
    public static Optional<ToolKey> parse(String key) {
        int at = key.lastIndexOf(DELIMITER);
        if (at <= 0) {
            return Optional.empty();
        }
        String server = key.substring(at + DELIMITER.length());
        if (server.isEmpty() || !admitsServerName(server)) {
            return Optional.empty();
        }
        return Optional.of(new ToolKey(key.substring(0, at), server));
    }

    /** What the key format needs of a server name; the other rules of names are the parser's. */
    public static boolean admitsServerName(String name) {
        return !name.contains(DELIMITER) && !name.startsWith(SERVER_PREFIX);
    }
}
