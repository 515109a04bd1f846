package dev.portcullis.config;

/**
 * What a tool name may be: MCP's guidance, 1 to 128 characters from ASCII letters, digits,
 * {@code _}, {@code -} and {@code .}. Defined once, here at the bottom, because two layers need
 * it: the names upstream servers list are held to it, and an operator's tool-policy globs may use
 * only these characters (besides the wildcards), since any other could never match a tool.
 */
public final class ToolNames {
    public static final int MAX_LENGTH = 128;

    private ToolNames() {
    }

    public static boolean isValid(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isNameCharacter(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    public static boolean isNameCharacter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    }
}
