package dev.portcullis.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import dev.portcullis.error.DidYouMean;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * A position in the YAML tree that knows its path and line, so every reader below can report a
 * problem exactly where it is. Readers never throw: they record a problem and return a fallback,
 * which lets one pass find every error in a file.
 */
final class ConfigNode {
    private final Node node;
    private final String path;
    private final ConfigReport report;
    private final Set<String> consumed = new LinkedHashSet<>();
    private Map<String, ConfigNode> entries;
    /** The line of this node's key in its mapping, where a wrong key is; 0 for a root or list item. */
    private final int keyLine;
    /** The rules {@code ${VAR}} follows here and below: LibreChat's inside {@code mcpServers}. */
    private final EnvSubstitution.Scope scope;

    ConfigNode(Node node, String path, ConfigReport report) {
        this(node, path, report, 0, EnvSubstitution.Scope.GATEWAY);
    }

    private ConfigNode(Node node, String path, ConfigReport report, int keyLine, EnvSubstitution.Scope scope) {
        this.node = node;
        this.path = path;
        this.report = report;
        this.keyLine = keyLine;
        this.scope = scope;
    }

    /** This node, read with LibreChat's {@code ${VAR}} rules for {@code mcpServers} here and below. */
    ConfigNode withMcpServerEnvironment() {
        return new ConfigNode(node, path, report, keyLine, EnvSubstitution.Scope.MCP_SERVERS);
    }

    String path() {
        return path;
    }

    int line() {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }

    boolean isNull() {
        return node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }

    boolean isMapping() {
        return node instanceof MappingNode;
    }

    boolean isSequence() {
        return node instanceof SequenceNode;
    }

    ConfigReport report() {
        return report;
    }

    void error(String message) {
        report.error(line(), path, message);
    }

    void warning(String message) {
        report.warning(line(), path, message);
    }

    /** A problem with the key itself (unknown, misspelled): reported at the key's line, not its value's. */
    void keyError(String message) {
        report.error(keyLine > 0 ? keyLine : line(), path, message);
    }

    void keyWarning(String message) {
        report.warning(keyLine > 0 ? keyLine : line(), path, message);
    }

    /** Notes, at the key's line, that this setting is accepted and not used, and why. */
    void ignored(String reason) {
        report.ignored(keyLine > 0 ? keyLine : line(), path, reason);
    }

    /**
     * Marks the variables this value refers to as the gateway's secrets, which
     * {@code mcpServers} may not resolve. Call it before the servers are read. A secret of a
     * server itself (an API key) is that server's to send, so nothing inside mcpServers is withheld.
     */
    void withholdReferences() {
        if (scope == EnvSubstitution.Scope.GATEWAY && node instanceof ScalarNode scalar) {
            report.withhold(EnvSubstitution.references(scalar.getValue()));
        }
    }

    /** The entries of a mapping in file order; anything else is reported and reads as empty. */
    Map<String, ConfigNode> entries() {
        if (entries != null) {
            return entries;
        }
        entries = new LinkedHashMap<>();
        if (isNull()) {
            return entries;
        }
        if (!(node instanceof MappingNode mapping)) {
            error("expected a mapping of keys to values");
            return entries;
        }
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
                report.error(lineOf(tuple.getKeyNode()), path, "keys must be plain strings");
                continue;
            }
            String key = keyNode.getValue();
            String childPath = path.isEmpty() ? key : path + "." + key;
            if (entries.containsKey(key)) {
                report.error(lineOf(keyNode), childPath, "duplicate key; each key may appear once");
                continue;
            }
            entries.put(key, new ConfigNode(tuple.getValueNode(), childPath, report, lineOf(keyNode), scope));
        }
        return entries;
    }

    /** A child of a mapping; marks the key as understood. Null values read as absent. */
    Optional<ConfigNode> get(String key) {
        consumed.add(key);
        ConfigNode child = entries().get(key);
        return child == null || child.isNull() ? Optional.empty() : Optional.of(child);
    }

    /** The items of a sequence; anything else is reported and reads as empty. */
    List<ConfigNode> items() {
        if (isNull()) {
            return List.of();
        }
        if (!(node instanceof SequenceNode sequence)) {
            error("expected a list");
            return List.of();
        }
        List<ConfigNode> items = new ArrayList<>();
        List<Node> values = sequence.getValue();
        for (int i = 0; i < values.size(); i++) {
            items.add(new ConfigNode(values.get(i), path + "[" + i + "]", report, 0, scope));
        }
        return items;
    }

    /** A scalar's text with {@code ${VAR}} resolved, or empty (reported) when this is not a scalar. */
    Optional<String> text() {
        if (!(node instanceof ScalarNode scalar)) {
            error("expected a single value, not a " + (isMapping() ? "mapping" : "list"));
            return Optional.empty();
        }
        return Optional.of(report.substitute(scalar.getValue(), line(), path, scope));
    }

    // ---- typed readers of mapping entries ------------------------------------------------

    Optional<String> string(String key) {
        return get(key).flatMap(ConfigNode::text);
    }

    String string(String key, String fallback) {
        return string(key).orElse(fallback);
    }

    /** A secret setting; the variables it reads become the gateway's secrets (see {@link #withholdReferences}). */
    Optional<Secret> secret(String key) {
        get(key).ifPresent(ConfigNode::withholdReferences);
        return string(key).filter(s -> !s.isEmpty()).map(Secret::of);
    }

    Optional<Boolean> bool(String key) {
        return get(key).flatMap(child -> child.text().flatMap(text -> switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> Optional.of(true);
            case "false" -> Optional.of(false);
            default -> {
                child.error("expected true or false");
                yield Optional.empty();
            }
        }));
    }

    boolean bool(String key, boolean fallback) {
        return bool(key).orElse(fallback);
    }

    /** A whole number within [min, max]; out-of-range and non-numbers are reported. */
    Optional<Long> number(String key, long min, long max) {
        return get(key).flatMap(child -> child.text().flatMap(text -> {
            long value;
            try {
                value = Long.parseLong(text.strip().replace("_", ""));
            } catch (NumberFormatException e) {
                child.error("expected a whole number between " + min + " and " + max);
                return Optional.empty();
            }
            if (value < min || value > max) {
                child.error("must be between " + min + " and " + max);
                return Optional.empty();
            }
            return Optional.of(value);
        }));
    }

    List<String> strings(String key) {
        return get(key).map(child -> child.items().stream()
                .map(ConfigNode::text).flatMap(Optional::stream).toList()).orElse(List.of());
    }

    /** A mapping of names to strings (headers, env); values pass through {@code convert}. */
    <T> Map<String, T> stringMap(String key, Function<String, T> convert) {
        Map<String, T> out = new LinkedHashMap<>();
        get(key).ifPresent(child -> child.entries().forEach((name, value) ->
                value.text().ifPresent(text -> out.put(name, convert.apply(text)))));
        return out;
    }

    /** Reports, as errors, keys of this mapping that no reader asked for. */
    void rejectUnknownKeys() {
        for (Map.Entry<String, ConfigNode> e : entries().entrySet()) {
            if (!consumed.contains(e.getKey())) {
                e.getValue().keyError("unknown key" + suggestion(e.getKey(), consumed));
            }
        }
    }

    /**
     * Reports, as warnings, keys of this mapping that no reader asked for: LibreChat may add options
     * before the gateway knows them, so they do not stop the file, but a likely typo is named.
     */
    void warnUnknownKeys(String why) {
        for (Map.Entry<String, ConfigNode> e : entries().entrySet()) {
            if (!consumed.contains(e.getKey())) {
                e.getValue().keyWarning(why + DidYouMean.closest(e.getKey(), consumed, 1).stream()
                        .map(best -> "; did you mean '" + best + "'?").findFirst().orElse(""));
            }
        }
    }

    /** Whether a reader asked for this key (present or not). */
    boolean wasRead(String key) {
        return consumed.contains(key);
    }

    /** Every key a reader asked for, in the order asked. */
    Set<String> keysRead() {
        return java.util.Collections.unmodifiableSet(consumed);
    }

    static String suggestion(String key, Collection<String> known) {
        List<String> best = DidYouMean.closest(key, known, 1);
        if (!best.isEmpty()) {
            return "; did you mean '" + best.getFirst() + "'?";
        }
        return known.isEmpty() ? "" : "; known keys: " + String.join(", ", known);
    }

    private static int lineOf(Node n) {
        return n.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }
}
