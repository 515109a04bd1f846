package dev.portcullis.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * A server a user submits through the API (LibreChat's {@code MCPServerUserInput}): the JSON text
 * of its {@code config} object. It is read by the operator's parser, for the meaning both share,
 * and held to the stricter rules a server defined by a user needs: remote transports only, no
 * access to the gateway's environment, no placeholders for other users' data, the settings the
 * gateway manages dropped (as LibreChat's schema drops them), and no unknown keys. Every problem
 * is found in one pass; no message repeats a value of the input, only field and variable names,
 * because any value could be a secret.
 */
public final class UserServerInput {
    static final int MAX_JSON_BYTES = 64 * 1024;
    static final int MAX_STRING_BYTES = 8 * 1024;
    static final int MAX_HEADERS = 50;
    static final int MAX_USER_VARS = 50;
    static final int MAX_TITLE_CHARS = 100;
    static final int MAX_DESCRIPTION_CHARS = 2000;
    static final int MAX_SLUG_CHARS = 48;
    /** Far deeper than any valid config (three levels), shallow enough to walk without a deep stack. */
    private static final int MAX_DEPTH = 16;

    private static final String ROOT = "config";
    private static final List<String> FIELDS = List.of("type", "url", "title", "description", "iconPath", "headers",
            "requestHeaders", "apiKey", "oauth", "customUserVars");
    private static final Set<String> STDIO_FIELDS = Set.of("command", "args", "env", "cwd");
    /**
     * The settings LibreChat's {@code MCPServerUserInputSchema} omits as the server's to manage:
     * accepted and dropped, as LibreChat drops them, so a client that sends a whole configuration
     * back is not refused for them. User servers connect on first use, show in the chat menu and
     * use the default timeouts. ({@code customUserVars}, which LibreChat also drops, is kept:
     * Portcullis lets a user server declare the values each user supplies.)
     */
    public static final Set<String> SERVER_MANAGED_FIELDS = Set.of("startup", "timeout", "sseReadTimeout",
            "initTimeout", "oauthRefreshWaitTimeout", "oauthRefreshCoordination", "oauthPersistenceWaitTimeout",
            "chatMenu", "serverInstructions", "requiresOAuth", "oauth_headers");
    private static final Set<String> UNSUPPORTED_FIELDS = Set.of("proxy", "obo");
    private static final Set<String> TYPES = Set.of("streamable-http", "http", "sse", "websocket");
    private static final List<String> API_KEY_FIELDS = List.of("source", "authorization_type", "custom_header", "key");
    private static final List<String> USER_VAR_FIELDS = List.of("title", "description", "sensitive");
    private static final List<String> OAUTH_FIELDS = List.of("authorization_url", "token_url", "client_id",
            "client_secret", "scope", "token_exchange_method", "grant_types_supported",
            "token_endpoint_auth_methods_supported", "response_types_supported", "code_challenge_methods_supported",
            "skip_code_challenge_check", "revocation_endpoint", "revocation_endpoint_auth_methods_supported",
            "send_resource", "redirect_uri", "dpop");
    private static final Set<String> OAUTH_LISTS = Set.of("grant_types_supported",
            "token_endpoint_auth_methods_supported", "response_types_supported", "code_challenge_methods_supported",
            "revocation_endpoint_auth_methods_supported");
    private static final Set<String> OAUTH_BOOLEANS = Set.of("skip_code_challenge_check", "send_resource");
    /** Held to LibreChat's user endpoint rule; {@code redirect_uri} is accepted and, as in LibreChat, not used. */
    private static final List<String> OAUTH_ENDPOINTS = List.of("authorization_url", "token_url", "revocation_endpoint",
            "redirect_uri");
    /** The operator's knobs, refused for users as LibreChat refuses them. */
    private static final Set<String> OAUTH_USER_REFUSED = Set.of("audience", "forward_audience_on_refresh",
            "send_resource_parameter");
    /** Headers the transport itself sets; a configured value would confuse or break the connection. */
    private static final Set<String> TRANSPORT_HEADERS = Set.of("host", "content-length", "transfer-encoding",
            "connection", "upgrade", "mcp-session-id", "mcp-protocol-version", "last-event-id", "cookie");

    /** RFC 9110 token: what a header name may be. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** The placeholder grammar the resolver substitutes. */
    private static final Pattern JSON_LITERAL =
            Pattern.compile("true|false|null|-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?");
    private static final String DYNAMIC_PREFIX = "{{librechat_";
    private static final String RESERVED_VARIABLE_PREFIX = "LIBRECHAT_";

    static final String NOT_AN_OBJECT = "must be a JSON object with the server's settings (url, and optionally type, title, ...)";
    static final String NOT_JSON = "not JSON: use double-quoted strings, numbers, true, false, null, objects and lists only";
    static final String ENVIRONMENT = "'${...}' is not allowed in user configuration: it would read the gateway's environment";
    static final String DYNAMIC = "'{{LIBRECHAT_...}}' is not allowed here: user and request placeholders are only for operator servers";
    static final String STDIO = "stdio servers can only be configured by the operator; give 'url' for a remote server instead";
    static final String OPERATOR_ACCESS = "who may use a server is the operator's to limit, for the servers in the"
            + " gateway's configuration; share a user server instead (api.md); remove it";
    /**
     * {@code tools} is refused rather than honoured: the policy exists so the operator can fence
     * what their own servers reach from the gateway host, which a user's remote server, behind the
     * egress guard, does not; and LibreChat has no such field for a client to send.
     */
    static final String OPERATOR_TOOL_POLICY = "a tool policy is the operator's, for the servers in the gateway's"
            + " configuration; not accepted for user servers; remove it";
    static final String UNSUPPORTED = "not supported by Portcullis; remove it";
    static final String UNKNOWN = "unknown field";
    static final String TOO_LONG = "too long: strings may be at most 8 KiB";
    static final String HEADER_NAME = "not a valid header name: use letters, digits and !#$%&'*+-.^_`|~ only";
    static final String TRANSPORT_HEADER = "set by the gateway's transport itself; remove this header";
    private static final String DUPLICATE = "duplicate key; each key may appear once";
    /** One key or list index of a dotted field. */
    private static final Pattern SEGMENT = Pattern.compile("([^.\\[]+)|\\[(\\d+)]");

    private UserServerInput() {
    }

    /** What became of a submitted config: the server, or every problem with it. */
    public sealed interface Result {
        record Valid(McpServerConfig config) implements Result {
        }

        record Invalid(List<FieldProblem> problems) implements Result {
            public Invalid {
                problems = List.copyOf(problems);
            }
        }
    }

    /**
     * One problem, told the way zod tells LibreChat's UI an issue: {@code path}, the keys (and list
     * indices) from {@code config} down to the value ({@code ["headers", "X-Key"]}; empty for
     * {@code config} itself), a {@link Code}, and what to do about it. {@code field} is the same
     * place as one dotted string ({@code config.headers.X-Key}), which earlier clients read. The
     * message never contains a value of the input.
     */
    public record FieldProblem(String field, List<Object> path, Code code, String message) {
        public FieldProblem {
            path = List.copyOf(path);
        }
    }

    /** zod's issue codes, for the kinds of problem this class reports. */
    public enum Code {
        /** A value of the wrong JSON type, or a required one missing. */
        INVALID_TYPE("invalid_type"),
        /** A string of the wrong shape: a title, a URL. */
        INVALID_STRING("invalid_string"),
        /** A string not among the accepted values. */
        INVALID_ENUM_VALUE("invalid_enum_value"),
        /** A key that is not a setting. */
        UNRECOGNIZED_KEYS("unrecognized_keys"),
        /** Too long, too many, nested too deeply. */
        TOO_BIG("too_big"),
        /** Every other rule. */
        CUSTOM("custom");

        private final String zodName;

        Code(String zodName) {
            this.zodName = zodName;
        }

        /** The name zod gives the code. */
        public String zodName() {
            return zodName;
        }
    }

    /**
     * Validates {@code configJson}, the text of the request's {@code config} object, as the server
     * {@code serverName}. A valid server keeps the operator origin (the caller marks it as the
     * user's), is not connected at startup, shows in the chat menu, and uses the default access
     * and timeouts.
     */
    public static Result parse(String serverName, String configJson) {
        Objects.requireNonNull(serverName, "serverName");
        if (configJson == null) {
            return invalid(Code.INVALID_TYPE, NOT_AN_OBJECT);
        }
        if (utf8Length(configJson) > MAX_JSON_BYTES) {
            return invalid(Code.TOO_BIG, "too large: the configuration may be at most 64 KiB");
        }
        LoadSettings settings = LoadSettings.builder().setLabel(ROOT).setAllowDuplicateKeys(true)
                .setMaxAliasesForCollections(10).build();
        Node root;
        try {
            int depth = 0;
            // Events come from a loop, not recursion: nesting is measured before anything recurses.
            for (Event event : new Parse(settings).parseString(configJson)) {
                switch (event.getEventId()) {
                    case MappingStart, SequenceStart -> depth++;
                    case MappingEnd, SequenceEnd -> depth--;
                    default -> {
                    }
                }
                if (depth > MAX_DEPTH) {
                    return invalid(Code.TOO_BIG, "nested too deeply; a server's settings are at most three levels deep");
                }
            }
            root = new Compose(settings).composeString(configJson).orElse(null);
        } catch (MarkedYamlEngineException e) {
            // The position only: the engine's own message may quote the input.
            return invalid(Code.CUSTOM, e.getProblemMark().map(m -> "not valid JSON (line " + (m.getLine() + 1) + ", column "
                    + (m.getColumn() + 1) + ")").orElse("not valid JSON"));
        } catch (YamlEngineException e) {
            return invalid(Code.CUSTOM, "not valid JSON");
        }
        if (!(root instanceof MappingNode mapping)) {
            return invalid(Code.INVALID_TYPE, NOT_AN_OBJECT);
        }
        return new Validation().run(serverName, mapping);
    }

    /**
     * A name for a server from its title: lowercase letters and digits, other runs as one '-',
     * at most 48 characters (cut at a '-' when that keeps at least half of them), empty when
     * nothing is left.
     */
    public static String slug(String title) {
        StringBuilder out = new StringBuilder();
        boolean gap = false;
        for (char c : title.toLowerCase(Locale.ROOT).toCharArray()) {
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                if (gap && !out.isEmpty()) {
                    out.append('-');
                }
                out.append(c);
                gap = false;
            } else {
                gap = true;
            }
        }
        if (out.length() <= MAX_SLUG_CHARS) {
            return out.toString();
        }
        int cut = out.lastIndexOf("-", MAX_SLUG_CHARS);
        return out.substring(0, cut >= MAX_SLUG_CHARS / 2 ? cut : MAX_SLUG_CHARS);
    }

    private static Result invalid(Code code, String message) {
        return new Result.Invalid(List.of(new FieldProblem(ROOT, List.of(), code, message)));
    }

    /** The size in UTF-8 without encoding: a surrogate pair is four bytes, two for each half. */
    private static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }

    private record Placeholder(String field, String name) {
    }

    /** One validation: the problems found so far and where the parser's own findings are superseded. */
    private static final class Validation {
        private final Set<FieldProblem> problems = new LinkedHashSet<>();
        /** Fields (and everything below them) whose parser problems this class reports better itself. */
        private final Set<String> superseded = new HashSet<>();
        private final List<Placeholder> placeholders = new ArrayList<>();
        private final Set<String> declared = new HashSet<>();
        /** Every field the walk visited, with its keys from {@code config}. */
        private final Map<String, List<Object>> locations = new HashMap<>();

        Result run(String serverName, MappingNode submitted) {
            MappingNode root = withoutServerManaged(submitted);
            walk(root, ROOT, List.of());
            Map<String, Node> fields = entries(root);
            List<NodeTuple> forParser = topLevel(root);
            Optional<String> type = fields.containsKey("type") ? string(fields.get("type")) : Optional.empty();
            // A name is not part of the config (the caller derives it), so it has no path inside it.
            ServerNames.problem(serverName).ifPresent(p -> problems.add(new FieldProblem("name", List.of(), Code.CUSTOM, p)));
            checkUrl(type, fields.get("url"));
            checkTitle(fields.get("title"));
            checkDescription(fields.get("description"));
            checkIconPath(fields.get("iconPath"));
            checkHeaders(fields.get("headers"), "headers");
            checkHeaders(fields.get("requestHeaders"), "requestHeaders");
            checkUserVars(fields.get("customUserVars"));
            checkApiKey(fields.get("apiKey"));
            checkOAuth(fields.get("oauth"));
            checkPlaceholders();

            ConfigReport report = new ConfigReport(ROOT, EnvSubstitution.none());
            MappingNode filtered = new MappingNode(root.getTag(), forParser, root.getFlowStyle());
            Optional<McpServerConfig> parsed = McpServerParser.parse(serverName, new ConfigNode(filtered, ROOT, report),
                    McpServerParser.Source.USER_INPUT);
            report.problems().forEach(this::fromParser);

            if (problems.isEmpty() && parsed.isEmpty()) {
                problem(ROOT, "not a valid server configuration");
            }
            if (!problems.isEmpty()) {
                return new Result.Invalid(List.copyOf(problems));
            }
            McpServerConfig c = parsed.orElseThrow();
            return new Result.Valid(new McpServerConfig(c.name(), c.type(), c.url(), c.command(), c.args(), c.env(),
                    c.cwd(), c.headers(), Optional.empty(), McpServerConfig.DEFAULT_INIT_TIMEOUT,
                    McpServerConfig.DEFAULT_SSE_READ_TIMEOUT, false, true, c.title(), c.description(), c.iconPath(),
                    McpServerConfig.ServerInstructions.NONE, c.customUserVars(), Optional.empty(), c.apiKey(),
                    c.oauth(), Map.of(), McpServerConfig.AccessLimit.EVERYONE, ToolPolicy.ALL, McpServerConfig.Origin.OPERATOR));
        }

        private void problem(String field, String message) {
            problem(field, Code.CUSTOM, message);
        }

        private void problem(String field, Code code, String message) {
            problems.add(new FieldProblem(field, pathOf(field), code, message));
        }

        /** A problem that replaces whatever the parser says at or below this field. */
        private void replace(String field, String message) {
            replace(field, Code.CUSTOM, message);
        }

        private void replace(String field, Code code, String message) {
            problem(field, code, message);
            superseded.add(field);
        }

        /**
         * The keys from {@code config} down to a field. A field the walk saw has its keys recorded
         * (a header name may contain '.'); one it did not (a required key missing) is split at '.'.
         */
        private List<Object> pathOf(String field) {
            List<Object> seen = locations.get(field);
            if (seen != null) {
                return seen;
            }
            List<Object> path = new ArrayList<>();
            if (field.startsWith(ROOT + ".")) {
                Matcher m = SEGMENT.matcher(field.substring(ROOT.length() + 1));
                while (m.find()) {
                    path.add(m.group(1) != null ? m.group(1) : Integer.parseInt(m.group(2)));
                }
            }
            return path;
        }

        /**
         * The parser's findings, except those this class reports itself in user terms; its
         * warnings (an ignored key, say) are errors for a user, who gets no file to fix later.
         */
        private void fromParser(ConfigProblem p) {
            if (p.isIgnored()) {
                return; // accepted and not used: nothing for the user to fix
            }
            String path = p.path();
            String message = p.message();
            boolean replaced = superseded.stream().anyMatch(s -> path.equals(s) || path.startsWith(s + ".")
                    || path.startsWith(s + "["));
            boolean alreadyThere = !p.isError() && problems.stream().anyMatch(f -> f.field().equals(path));
            if (replaced || alreadyThere) {
                return;
            }
            problem(path, message);
        }

        // ---- the whole tree: JSON only, string sizes, '${', dynamic placeholders --------------

        private void walk(Node node, String path, List<Object> keys) {
            locations.putIfAbsent(path, keys);
            if (node.getAnchor().isPresent()) {
                problem(path, NOT_JSON);
                return;
            }
            switch (node) {
                case MappingNode m -> {
                    if (m.getFlowStyle() != FlowStyle.FLOW || !m.getTag().equals(Tag.MAP)) {
                        problem(path, NOT_JSON);
                    }
                    Set<String> seen = new HashSet<>();
                    for (NodeTuple t : m.getValue()) {
                        if (!(t.getKeyNode() instanceof ScalarNode k) || k.getScalarStyle() != ScalarStyle.DOUBLE_QUOTED
                                || !k.getTag().equals(Tag.STR)) {
                            problem(path, NOT_JSON);
                            continue;
                        }
                        String child = path + "." + k.getValue();
                        if (!seen.add(k.getValue())) {
                            problem(child, DUPLICATE);
                        }
                        text(k.getValue(), child);
                        walk(t.getValueNode(), child, append(keys, k.getValue()));
                    }
                }
                case SequenceNode s -> {
                    if (s.getFlowStyle() != FlowStyle.FLOW || !s.getTag().equals(Tag.SEQ)) {
                        problem(path, NOT_JSON);
                    }
                    for (int i = 0; i < s.getValue().size(); i++) {
                        walk(s.getValue().get(i), path + "[" + i + "]", append(keys, i));
                    }
                }
                case ScalarNode s -> {
                    boolean string = s.getScalarStyle() == ScalarStyle.DOUBLE_QUOTED && s.getTag().equals(Tag.STR);
                    if (!string && !(s.getScalarStyle() == ScalarStyle.PLAIN && JSON_LITERAL.matcher(s.getValue()).matches())) {
                        problem(path, NOT_JSON);
                    }
                    text(s.getValue(), path);
                    if (string) {
                        Matcher m = UserPlaceholders.PATTERN.matcher(s.getValue());
                        while (m.find()) {
                            placeholders.add(new Placeholder(path, m.group(1)));
                        }
                    }
                }
                default -> problem(path, NOT_JSON);
            }
        }

        private static List<Object> append(List<Object> keys, Object key) {
            List<Object> longer = new ArrayList<>(keys);
            longer.add(key);
            return List.copyOf(longer);
        }

        /** Rules for every string, key or value, wherever it is. */
        private void text(String text, String path) {
            if (utf8Length(text) > MAX_STRING_BYTES) {
                problem(path, Code.TOO_BIG, TOO_LONG);
            }
            if (text.contains("${")) {
                problem(path, ENVIRONMENT);
            }
            if (text.toLowerCase(Locale.ROOT).contains(DYNAMIC_PREFIX)) {
                problem(path, DYNAMIC);
            }
        }

        // ---- top level ----------------------------------------------------------------------

        /** The input without the settings LibreChat's schema drops as the server's: never looked at, never used. */
        private static MappingNode withoutServerManaged(MappingNode root) {
            List<NodeTuple> kept = root.getValue().stream().filter(t -> !(t.getKeyNode() instanceof ScalarNode k
                    && SERVER_MANAGED_FIELDS.contains(k.getValue()))).toList();
            return new MappingNode(root.getTag(), kept, root.getFlowStyle());
        }

        /** Checks the top-level keys; returns the entries the parser may see. */
        private List<NodeTuple> topLevel(MappingNode root) {
            List<NodeTuple> keep = new ArrayList<>();
            for (NodeTuple t : root.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode k)) {
                    continue; // reported by walk
                }
                String key = k.getValue();
                String field = ROOT + "." + key;
                if (STDIO_FIELDS.contains(key)) {
                    replace(field, STDIO);
                } else if (key.equals("access")) {
                    replace(field, OPERATOR_ACCESS);
                } else if (key.equals("tools")) {
                    replace(field, OPERATOR_TOOL_POLICY);
                } else if (UNSUPPORTED_FIELDS.contains(key)) {
                    replace(field, UNSUPPORTED);
                } else if (!FIELDS.contains(key)) {
                    replace(field, Code.UNRECOGNIZED_KEYS, UNKNOWN + ConfigNode.suggestion(key, FIELDS));
                } else if (!key.equals("type") || acceptableType(t.getValueNode(), field)) {
                    keep.add(t);
                }
            }
            return keep;
        }

        private boolean acceptableType(Node value, String field) {
            if (isNull(value)) {
                return true;
            }
            Optional<String> type = string(value);
            if (type.isPresent() && TYPES.contains(type.get())) {
                return true;
            }
            replace(field, type.isPresent() ? Code.INVALID_ENUM_VALUE : Code.INVALID_TYPE, type.map(t -> t.equalsIgnoreCase("stdio") ? STDIO
                    : "unknown transport; use streamable-http (or http), sse or websocket, or leave it out to have it detected")
                    .orElse("expected a string: streamable-http, http, sse or websocket"));
            return false;
        }

        private void checkUrl(Optional<String> type, Node value) {
            String field = ROOT + ".url";
            superseded.add(field);
            if (value == null || isNull(value)) {
                problem(field, Code.INVALID_TYPE, "required: the server's URL, http:// or https:// (ws:// or wss:// with type websocket)");
                return;
            }
            Optional<String> url = expectString(value, field);
            if (url.isEmpty()) {
                return;
            }
            String lower = url.get().toLowerCase(Locale.ROOT);
            boolean ws = lower.startsWith("ws://") || lower.startsWith("wss://");
            boolean http = lower.startsWith("http://") || lower.startsWith("https://");
            if (type.orElse("").equals("websocket")) {
                if (!ws) {
                    problem(field, Code.INVALID_STRING, "a websocket server needs a ws:// or wss:// URL");
                    return;
                }
            } else if (!http) {
                problem(field, Code.INVALID_STRING, ws ? "a ws:// or wss:// URL needs type: websocket"
                        : "expected an absolute http:// or https:// URL");
                return;
            }
            checkHost(field, url.get());
            if (UserPlaceholders.placeholderBeforePath(url.get())) {
                problem(field, "placeholders may stand only in the path or query: a {{VAR}} in the scheme, host or port"
                        + " would let each user's value choose where the server's credentials are sent");
            }
        }

        /** Parses the URL with placeholders stood in for (they are resolved per user later) and wants a host. */
        private void checkHost(String field, String url) {
            try {
                URI uri = new URI(UserPlaceholders.standIn(url));
                if (uri.getHost() == null) {
                    problem(field, Code.INVALID_STRING, "the URL has no host");
                }
            } catch (URISyntaxException e) {
                problem(field, Code.INVALID_STRING, "not a valid URL: " + e.getReason());
            }
        }

        private void checkTitle(Node value) {
            String field = ROOT + ".title";
            superseded.add(field); // the parser's charset rule is repeated here, with the length
            optionalString(value, field).ifPresent(title -> {
                if (title.codePointCount(0, title.length()) > MAX_TITLE_CHARS) {
                    problem(field, Code.TOO_BIG, "too long: at most " + MAX_TITLE_CHARS + " characters");
                }
                if (!McpServerParser.TITLE.matcher(title).matches()) {
                    problem(field, Code.INVALID_STRING, McpServerParser.TITLE_RULE);
                }
            });
        }

        private void checkDescription(Node value) {
            String field = ROOT + ".description";
            optionalString(value, field).filter(d -> d.codePointCount(0, d.length()) > MAX_DESCRIPTION_CHARS)
                    .ifPresent(d -> problem(field, Code.TOO_BIG, "too long: at most " + MAX_DESCRIPTION_CHARS + " characters"));
        }

        private void checkIconPath(Node value) {
            String field = ROOT + ".iconPath";
            optionalString(value, field).ifPresent(icon -> {
                String lower = icon.toLowerCase(Locale.ROOT);
                if (lower.startsWith("https://") || lower.startsWith("http://")) {
                    checkHost(field, icon);
                } else if (!lower.startsWith("data:image/")
                        && !(icon.startsWith("/") && !icon.startsWith("//") && !icon.startsWith("/\\"))) {
                    // '//host' and '/\host' are another site, not a path of this one.
                    problem(field, Code.INVALID_STRING, "use an https:// or http:// URL, a data:image/ URI or a path starting with '/'");
                }
            });
        }

        /** {@code headers} and {@code requestHeaders}, which are sent the same way (see {@link McpServerConfig#headers()}). */
        private void checkHeaders(Node value, String key) {
            String field = ROOT + "." + key;
            Optional<MappingNode> headers = optionalObject(value, field);
            if (headers.isEmpty()) {
                return;
            }
            if (headers.get().getValue().size() > MAX_HEADERS) {
                problem(field, Code.TOO_BIG, "too many headers: at most " + MAX_HEADERS);
            }
            entries(headers.get()).forEach((name, header) -> {
                String at = field + "." + name;
                headerName(at, name);
                if (!isString(header)) {
                    replace(at, Code.INVALID_TYPE, "header values must be strings");
                } else if (!HeaderValues.isSendable(string(header).orElseThrow())) {
                    replace(at, "header values " + HeaderValues.PROBLEM);
                }
            });
        }

        private void headerName(String field, String name) {
            if (!TOKEN.matcher(name).matches()) {
                replace(field, HEADER_NAME);
            } else if (TRANSPORT_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                replace(field, TRANSPORT_HEADER);
            }
        }

        private void checkUserVars(Node value) {
            String field = ROOT + ".customUserVars";
            Optional<MappingNode> vars = optionalObject(value, field);
            if (vars.isEmpty()) {
                return;
            }
            if (vars.get().getValue().size() > MAX_USER_VARS) {
                problem(field, Code.TOO_BIG, "too many custom user variables: at most " + MAX_USER_VARS);
            }
            entries(vars.get()).forEach((name, spec) -> {
                String at = field + "." + name;
                superseded.add(at); // this class checks each variable completely
                if (!VARIABLE.matcher(name).matches()) {
                    problem(at, "variable names use letters, digits and '_', starting with a letter or '_'");
                } else if (name.toUpperCase(Locale.ROOT).startsWith(RESERVED_VARIABLE_PREFIX)) {
                    problem(at, "names starting with LIBRECHAT_ are reserved for the gateway's placeholders; choose another");
                } else {
                    declared.add(name);
                }
                if (!(spec instanceof MappingNode specObject)) {
                    problem(at, Code.INVALID_TYPE, "expected an object: {title (required), description, sensitive}");
                    return;
                }
                Map<String, Node> keys = entries(specObject);
                keys.forEach((key, v) -> {
                    String keyField = at + "." + key;
                    switch (key) {
                        case "title", "description" -> optionalString(v, keyField);
                        case "sensitive" -> optionalBoolean(v, keyField);
                        default -> problem(keyField, Code.UNRECOGNIZED_KEYS, UNKNOWN + ConfigNode.suggestion(key, USER_VAR_FIELDS));
                    }
                });
                if (!keys.containsKey("title") || isNull(keys.get("title"))) {
                    problem(at, Code.INVALID_TYPE, "each custom user variable needs a 'title' to show the user");
                }
            });
        }

        private void checkApiKey(Node value) {
            String field = ROOT + ".apiKey";
            Optional<MappingNode> apiKey = optionalObject(value, field);
            if (apiKey.isEmpty()) {
                return;
            }
            Map<String, Node> keys = entries(apiKey.get());
            keys.forEach((key, v) -> {
                String keyField = field + "." + key;
                if (API_KEY_FIELDS.contains(key)) {
                    optionalString(v, keyField);
                } else {
                    replace(keyField, Code.UNRECOGNIZED_KEYS, UNKNOWN + ConfigNode.suggestion(key, API_KEY_FIELDS));
                }
            });
            Optional<String> source = Optional.ofNullable(keys.get("source")).flatMap(UserServerInput::string);
            if (source.isPresent() && !source.get().equals("admin") && !source.get().equals("user")) {
                replace(field + ".source", Code.INVALID_ENUM_VALUE, "use 'admin' (the key is given here) or 'user' (each user enters their own)");
            }
            if (source.filter("user"::equals).isPresent()) {
                declared.add(McpServerParser.USER_API_KEY);
            }
            if (source.filter("admin"::equals).isPresent()
                    && Optional.ofNullable(keys.get("key")).flatMap(UserServerInput::string).filter(k -> !k.isEmpty()).isEmpty()) {
                problem(field, "source admin needs 'key', the key to send");
            }
            Optional.ofNullable(keys.get("custom_header")).flatMap(UserServerInput::string)
                    .ifPresent(header -> headerName(field + ".custom_header", header));
        }

        private void checkOAuth(Node value) {
            String field = ROOT + ".oauth";
            Optional<MappingNode> oauth = optionalObject(value, field);
            if (oauth.isEmpty()) {
                return;
            }
            entries(oauth.get()).forEach((key, v) -> {
                String keyField = field + "." + key;
                if (MachineGrantReader.KEYS.contains(key)) {
                    replace(keyField, McpServerParser.MACHINE_REFUSED);
                } else if (key.equals(EnterpriseManagedReader.KEY)) {
                    replace(keyField, "enterprise-managed authorization (ID-JAG) uses the gateway's own client at the"
                            + " identity provider, so only the operator can configure it; remove it, or ask the operator");
                } else if (OAUTH_USER_REFUSED.contains(key)) {
                    replace(keyField, "not accepted for user servers; remove it");
                } else if (!OAUTH_FIELDS.contains(key)) {
                    replace(keyField, Code.UNRECOGNIZED_KEYS, UNKNOWN + ConfigNode.suggestion(key, OAUTH_FIELDS));
                } else if (OAUTH_LISTS.contains(key)) {
                    optionalStrings(v, keyField);
                } else if (OAUTH_BOOLEANS.contains(key)) {
                    optionalBoolean(v, keyField);
                } else if (OAUTH_ENDPOINTS.contains(key)) {
                    optionalString(v, keyField).ifPresent(url -> checkEndpoint(keyField, url));
                } else if (key.equals("dpop")) {
                    optionalString(v, keyField).filter(mode -> !Set.of("auto", "required", "off").contains(mode))
                            .ifPresent(mode -> replace(keyField, Code.INVALID_ENUM_VALUE,
                                    "use auto (DPoP when the authorization server offers it), required or off"));
                } else {
                    optionalString(v, keyField);
                }
            });
        }

        private void checkEndpoint(String field, String url) {
            superseded.add(field);
            String lower = url.toLowerCase(Locale.ROOT);
            if (!lower.startsWith("https://") && !lower.startsWith("http://")) {
                problem(field, Code.INVALID_STRING, "expected an absolute http:// or https:// URL");
                return;
            }
            if (url.contains("{{")) {
                // OAuth endpoints are used as written, never filled in per user.
                problem(field, "placeholders are not allowed in OAuth endpoints; give the full URL");
                return;
            }
            checkHost(field, url);
            int query = url.indexOf('?');
            if (query < 0) {
                return;
            }
            int fragment = url.indexOf('#', query);
            String q = url.substring(query + 1, fragment < 0 ? url.length() : fragment);
            for (String pair : q.split("&")) {
                String name = pair.split("=", 2)[0];
                try {
                    name = URLDecoder.decode(name, StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    // compared as written
                }
                if (name.equalsIgnoreCase("audience") || name.equalsIgnoreCase("resource")) {
                    problem(field, "must not carry an 'audience' or 'resource' query parameter; remove it");
                    return;
                }
            }
        }

        private void checkPlaceholders() {
            Set<Placeholder> reported = new HashSet<>();
            for (Placeholder p : placeholders) {
                if (!declared.contains(p.name()) && !p.name().toUpperCase(Locale.ROOT).startsWith(RESERVED_VARIABLE_PREFIX)
                        && reported.add(p)) {
                    problem(p.field(), "{{" + p.name() + "}} is not declared: add " + p.name()
                            + " to customUserVars, or remove the placeholder");
                }
            }
        }

        // ---- typed reads that report (and supersede) a wrong JSON type --------------------------

        private Optional<String> expectString(Node value, String field) {
            if (isString(value)) {
                return string(value);
            }
            replace(field, Code.INVALID_TYPE, "expected a string");
            return Optional.empty();
        }

        private Optional<String> optionalString(Node value, String field) {
            return value == null || isNull(value) ? Optional.empty() : expectString(value, field);
        }

        private void optionalBoolean(Node value, String field) {
            if (value != null && !isNull(value) && !(value instanceof ScalarNode s && s.getScalarStyle() == ScalarStyle.PLAIN
                    && (s.getValue().equals("true") || s.getValue().equals("false")))) {
                replace(field, Code.INVALID_TYPE, "expected true or false");
            }
        }

        private void optionalStrings(Node value, String field) {
            if (value == null || isNull(value)) {
                return;
            }
            if (!(value instanceof SequenceNode list) || !list.getValue().stream().allMatch(UserServerInput::isString)) {
                replace(field, Code.INVALID_TYPE, "expected a list of strings");
            }
        }

        private Optional<MappingNode> optionalObject(Node value, String field) {
            if (value == null || isNull(value)) {
                return Optional.empty();
            }
            if (value instanceof MappingNode m) {
                return Optional.of(m);
            }
            replace(field, Code.INVALID_TYPE, "expected an object");
            return Optional.empty();
        }
    }

    // ---- JSON on YAML nodes ---------------------------------------------------------------------

    /** A mapping's entries with string keys; the first of duplicates wins, as in the parser. */
    private static Map<String, Node> entries(MappingNode mapping) {
        Map<String, Node> out = new LinkedHashMap<>();
        for (NodeTuple t : mapping.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k) {
                out.putIfAbsent(k.getValue(), t.getValueNode());
            }
        }
        return out;
    }

    private static boolean isString(Node node) {
        return node instanceof ScalarNode s && s.getScalarStyle() == ScalarStyle.DOUBLE_QUOTED;
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode s && s.getScalarStyle() == ScalarStyle.PLAIN && s.getValue().equals("null");
    }

    private static Optional<String> string(Node node) {
        return isString(node) ? Optional.of(((ScalarNode) node).getValue()) : Optional.empty();
    }
}
