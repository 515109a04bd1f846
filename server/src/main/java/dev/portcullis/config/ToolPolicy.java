package dev.portcullis.config;

import java.util.List;
import java.util.Optional;

/**
 * {@code tools: {allow: [...], deny: [...]}} of an operator server: which of the server's tools
 * users may see and call. The operator needs this because a server's tools can reach what the
 * gateway cannot watch — a stdio child's own network and files — so a tool that fetches any URL
 * must be switchable off without forking the server.
 *
 * <p>Patterns are globs over whole tool names, case-sensitive like the names: {@code *} stands for
 * any run of characters (none included), {@code ?} for exactly one. A tool is permitted when
 * {@code allow} is absent or one of its globs matches, and no {@code deny} glob matches: deny wins.
 *
 * @param allow empty when the operator gave no allow list (every tool is allowed); never an empty list
 */
public record ToolPolicy(Optional<List<String>> allow, List<String> deny) {
    public static final ToolPolicy ALL = new ToolPolicy(Optional.empty(), List.of());

    public ToolPolicy {
        allow = allow.map(List::copyOf);
        deny = List.copyOf(deny);
    }

    public boolean permits(String tool) {
        return allow.map(globs -> matchesAny(globs, tool)).orElse(true) && !matchesAny(deny, tool);
    }

    /** Whether this is {@link #ALL}'s meaning: nothing to filter. */
    public boolean permitsEverything() {
        return allow.isEmpty() && deny.isEmpty();
    }

    private static boolean matchesAny(List<String> globs, String tool) {
        for (String glob : globs) {
            if (matches(glob, tool)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code glob} matches all of {@code name}. Walks both once, returning to the last
     * {@code *} on a mismatch; at most length × length steps, where a regular expression of many
     * stars could backtrack exponentially.
     */
    static boolean matches(String glob, String name) {
        int g = 0;
        int n = 0;
        int star = -1;
        int resume = 0;
        while (n < name.length()) {
            if (g < glob.length() && (glob.charAt(g) == '?' || glob.charAt(g) == name.charAt(n))) {
                g++;
                n++;
            } else if (g < glob.length() && glob.charAt(g) == '*') {
                star = g++;
                resume = n;
            } else if (star >= 0) {
                g = star + 1;
                n = ++resume;
            } else {
                return false;
            }
        }
        while (g < glob.length() && glob.charAt(g) == '*') {
            g++;
        }
        return g == glob.length();
    }

    /**
     * What is wrong with a glob, if anything: a pattern that could never match a tool is a
     * mistake (a typo, a quoted character), and silently matching nothing would leave a tool the
     * operator meant to deny reachable. The message does not repeat the pattern.
     */
    static Optional<String> problem(String glob) {
        if (glob.isEmpty()) {
            return Optional.of("an empty pattern matches no tool; remove it");
        }
        int literal = 0;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c != '*' && c != '?' && !ToolNames.isNameCharacter(c)) {
                return Optional.of("patterns use letters, digits, '_', '-', '.' and the wildcards '*' and '?' only: no tool"
                        + " name has any other character, so this pattern matches nothing");
            }
            literal += c == '*' ? 0 : 1;
        }
        if (literal > ToolNames.MAX_LENGTH) {
            return Optional.of("matches no tool: tool names have at most " + ToolNames.MAX_LENGTH + " characters");
        }
        return Optional.empty();
    }
}
