package dev.portcullis.upstream;

import dev.portcullis.config.ToolNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the names an upstream server lists to rules, because they are the server's data, not
 * something the gateway can trust: they become plugin keys, path segments, log lines and entries
 * on other users' screens. An item whose name breaks its kind's rule is dropped, with a warning
 * that shows the name escaped and shortened (never raw: it could forge log lines) and a count in
 * {@value #METRIC}; of two items with the same name, the first is kept and the later dropped, so
 * a name always means one thing.
 *
 * <ul>
 *   <li>Tools and prompts: {@link ToolNames} (MCP's tool-name guidance). Prompts are fetched by
 *       name exactly as tools are called, so they get the same rule.</li>
 *   <li>Resources are identified by {@code uri}: at most {@value #MAX_URI_LENGTH} printable ASCII
 *       characters forming an absolute RFC 3986 URI. Templates likewise by {@code uriTemplate}
 *       (RFC 6570 braces allowed), which must start with a scheme.</li>
 *   <li>The {@code name} of a resource or template is for people: 1 to {@value #MAX_DISPLAY_NAME_LENGTH}
 *       characters, none of them control or format characters (no line breaks, no bidirectional
 *       overrides, no zero-width characters that make two names look alike).</li>
 * </ul>
 */
public final class UpstreamNames {
    static final String METRIC = "portcullis.upstream.names.dropped";
    static final int MAX_URI_LENGTH = 2048;
    static final int MAX_DISPLAY_NAME_LENGTH = 256;
    /** Enough of a bad name to recognise it in a log, not enough to flood one. */
    private static final int LOGGED_CHARACTERS = 64;
    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:.*", Pattern.DOTALL);
    /** Printable ASCII that RFC 3986 still leaves out of URIs; RFC 6570 adds only the braces back. */
    private static final String NOT_IN_TEMPLATES = "\"<>\\^`|";
    private static final Logger log = LoggerFactory.getLogger(UpstreamNames.class);

    /** The {@code server} label of every user server: their names are users' data and come and go. */
    static final String USER_SERVER_LABEL = "user-server";

    private final MeterRegistry metrics;
    private final java.util.Set<String> operatorServers;

    /**
     * @param operatorServers the servers of the configuration: only these are named in the metric's
     *                        labels. User servers share one label, so creating servers cannot grow the
     *                        series without bound, and their (private) names never reach {@code /metrics}.
     */
    public UpstreamNames(MeterRegistry metrics, java.util.Set<String> operatorServers) {
        this.metrics = metrics;
        this.operatorServers = java.util.Set.copyOf(operatorServers);
    }

    /** What was listed. */
    public enum Kind { TOOL, PROMPT, RESOURCE, RESOURCE_TEMPLATE }

    /** Why an item was dropped; its name in lower case is the {@code reason} tag of the metric. */
    enum Problem {
        EMPTY("is empty"), TOO_LONG("is too long"), CHARACTERS("has characters its rule does not allow"),
        MALFORMED("is malformed"), DUPLICATE("repeats an earlier one");

        private final String says;

        Problem(String says) {
            this.says = says;
        }
    }

    private record Rejection(Problem problem, String field, String value) {
    }

    List<McpSchema.Tool> tools(String server, List<McpSchema.Tool> tools) {
        return keep(server, Kind.TOOL, tools, "name", McpSchema.Tool::name,
                t -> identifier(t.name()).map(p -> new Rejection(p, "name", t.name())));
    }

    List<McpSchema.Prompt> prompts(String server, List<McpSchema.Prompt> prompts) {
        return keep(server, Kind.PROMPT, prompts, "name", McpSchema.Prompt::name,
                p -> identifier(p.name()).map(problem -> new Rejection(problem, "name", p.name())));
    }

    List<McpSchema.Resource> resources(String server, List<McpSchema.Resource> resources) {
        return keep(server, Kind.RESOURCE, resources, "uri", McpSchema.Resource::uri,
                r -> uri(r.uri()).map(p -> new Rejection(p, "uri", r.uri()))
                        .or(() -> displayName(r.name()).map(p -> new Rejection(p, "name", r.name()))));
    }

    List<McpSchema.ResourceTemplate> resourceTemplates(String server, List<McpSchema.ResourceTemplate> templates) {
        return keep(server, Kind.RESOURCE_TEMPLATE, templates, "uriTemplate", McpSchema.ResourceTemplate::uriTemplate,
                t -> uriTemplate(t.uriTemplate()).map(p -> new Rejection(p, "uriTemplate", t.uriTemplate()))
                        .or(() -> displayName(t.name()).map(p -> new Rejection(p, "name", t.name()))));
    }

    /** The items that pass, in the server's order; the same list when all of them do. */
    private <T> List<T> keep(String server, Kind kind, List<T> items, String keyField, Function<T, String> key,
                             Function<T, Optional<Rejection>> check) {
        Set<String> seen = new HashSet<>();
        List<T> kept = new ArrayList<>(items.size());
        for (T item : items) {
            Optional<Rejection> rejected = check.apply(item);
            if (rejected.isEmpty() && !seen.add(key.apply(item))) {
                rejected = Optional.of(new Rejection(Problem.DUPLICATE, keyField, key.apply(item)));
            }
            rejected.ifPresentOrElse(r -> drop(server, kind, r), () -> kept.add(item));
        }
        return kept.size() == items.size() ? items : kept;
    }

    private void drop(String server, Kind kind, Rejection r) {
        String what = kind.name().toLowerCase(Locale.ROOT).replace('_', ' ');
        log.warn("'{}' listed a {} whose {} {}; dropped it: {}", server, what, r.field(), r.problem().says,
                escaped(r.value()));
        Counter.builder(METRIC).description("Tools, prompts and resources dropped from upstream listings for their names")
                .tag("server", operatorServers.contains(server) ? server : USER_SERVER_LABEL)
                .tag("kind", kind.name().toLowerCase(Locale.ROOT))
                .tag("reason", r.problem().name().toLowerCase(Locale.ROOT))
                .register(metrics).increment();
    }

    static Optional<Problem> identifier(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of(Problem.EMPTY);
        }
        if (name.length() > ToolNames.MAX_LENGTH) {
            return Optional.of(Problem.TOO_LONG);
        }
        return ToolNames.isValid(name) ? Optional.empty() : Optional.of(Problem.CHARACTERS);
    }

    static Optional<Problem> uri(String uri) {
        Optional<Problem> text = uriText(uri, "");
        if (text.isPresent()) {
            return text;
        }
        try {
            return new URI(uri).isAbsolute() ? Optional.empty() : Optional.of(Problem.MALFORMED);
        } catch (URISyntaxException e) {
            return Optional.of(Problem.MALFORMED);
        }
    }

    static Optional<Problem> uriTemplate(String template) {
        return uriText(template, NOT_IN_TEMPLATES)
                .or(() -> SCHEME.matcher(template).matches() ? Optional.empty() : Optional.of(Problem.MALFORMED));
    }

    /** Length and characters: printable ASCII without spaces, and without {@code refused}. */
    private static Optional<Problem> uriText(String text, String refused) {
        if (text == null || text.isEmpty()) {
            return Optional.of(Problem.EMPTY);
        }
        if (text.length() > MAX_URI_LENGTH) {
            return Optional.of(Problem.TOO_LONG);
        }
        boolean printable = text.chars().allMatch(c -> c > 0x20 && c < 0x7F && refused.indexOf(c) < 0);
        return printable ? Optional.empty() : Optional.of(Problem.CHARACTERS);
    }

    static Optional<Problem> displayName(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of(Problem.EMPTY);
        }
        if (name.codePointCount(0, name.length()) > MAX_DISPLAY_NAME_LENGTH) {
            return Optional.of(Problem.TOO_LONG);
        }
        boolean clean = name.codePoints().allMatch(c -> switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.SURROGATE -> false;
            default -> true;
        });
        return clean ? Optional.empty() : Optional.of(Problem.CHARACTERS);
    }

    /**
     * A name as a log may show it: quoted, everything but printable ASCII as a {@code \\uXXXX}
     * escape (so no line break, terminal control or look-alike reaches the log as itself), and
     * cut after {@value #LOGGED_CHARACTERS} characters.
     */
    static String escaped(String value) {
        if (value == null) {
            return "(none)";
        }
        int shown = Math.min(value.length(), LOGGED_CHARACTERS);
        StringBuilder out = new StringBuilder(shown + 16).append('"');
        for (int i = 0; i < shown; i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        out.append('"');
        if (value.length() > shown) {
            out.append(" (cut; ").append(value.length()).append(" characters in all)");
        }
        return out.toString();
    }
}
