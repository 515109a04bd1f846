package dev.portcullis.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
 * access to the gateway's environment, no placeholders for other users' data, no settings the
 * gateway manages, and no unknown keys. Every problem is found in one pass; no message repeats a
 * value of the input, only field and variable names, because any value could be a secret.
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
            "apiKey", "oauth", "customUserVars");
    private static final Set<String> STDIO_FIELDS = Set.of("command", "args", "env", "cwd");
    private static final Set<String> GATEWAY_FIELDS = Set.of("startup", "timeout", "initTimeout", "sseReadTimeout",
            "chatMenu", "serverInstructions", "requiresOAuth", "oauth_headers", "access");
    private static final Set<String> UNSUPPORTED_FIELDS = Set.of("proxy", "obo");
    private static final Set<String> TYPES = Set.of("streamable-http", "http", "sse", "websocket");
    private static final List<String> API_KEY_FIELDS = List.of("source", "authorization_type", "custom_header", "key");
    private static final List<String> USER_VAR_FIELDS = List.of("title", "description", "sensitive");
    private static final List<String> OAUTH_FIELDS = List.of("authorization_url", "token_url", "client_id",
            "client_secret", "scope", "token_exchange_method", "grant_types_supported",
            "token_endpoint_auth_methods_supported", "response_types_supported", "code_challenge_methods_supported",
            "skip_code_challenge_check", "revocation_endpoint", "revocation_endpoint_auth_methods_supported",
            "send_resource");
    private static final Set<String> OAUTH_LISTS = Set.of("grant_types_supported",
            "token_endpoint_auth_methods_supported", "response_types_supported", "code_challenge_methods_supported",
            "revocation_endpoint_auth_methods_supported");
    private static final Set<String> OAUTH_BOOLEANS = Set.of("skip_code_challenge_check", "send_resource");
    private static final List<String> OAUTH_ENDPOINTS = List.of("authorization_url", "token_url", "revocation_endpoint");
    private static final Set<String> OAUTH_USER_REFUSED = Set.of("audience", "forward_audience_on_refresh");
    /** Headers the transport itself sets; a configured value would confuse or break the connection. */
    private static final Set<String> TRANSPORT_HEADERS = Set.of("host", "content-length", "transfer-encoding",
            "connection", "upgrade", "mcp-session-id", "mcp-protocol-version", "last-event-id", "cookie");

    /** RFC 9110 token: what a header name may be. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern TITLE = Pattern.compile("[a-zA-Z0-9 ]+");
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
    static final String GATEWAY_MANAGED = "managed by the gateway; not accepted from users; remove it";
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
     * One problem: the field it is in ({@code config.url}, {@code config.headers.X-Key}) and what
     * to do about it. The message never contains a value of the input.
     */
    public record FieldProblem(String field, String message) {
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
            return invalid(NOT_AN_OBJECT);
        }
        if (utf8Length(configJson) > MAX_JSON_BYTES) {
            return invalid("too large: the configuration may be at most 64 KiB");
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
                    return invalid("nested too deeply; a server's settings are at most three levels deep");
                }
            }
            root = new Compose(settings).composeString(configJson).orElse(null);
        } catch (MarkedYamlEngineException e) {
            // The position only: the engine's own message may quote the input.
            return invalid(e.getProblemMark().map(m -> "not valid JSON (line " + (m.getLine() + 1) + ", column "
                    + (m.getColumn() + 1) + ")").orElse("not valid JSON"));
        } catch (YamlEngineException e) {
            return invalid("not valid JSON");
        }
        if (!(root instanceof MappingNode mapping)) {
            return invalid(NOT_AN_OBJECT);
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

    private static Result invalid(String message) {
        return new Result.Invalid(List.of(new FieldProblem(ROOT, message)));
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

        Result run(String serverName, MappingNode root) {
            walk(root, ROOT);
            Map<String, Node> fields = entries(root);
            List<NodeTuple> forParser = topLevel(root);
            Optional<String> type = fields.containsKey("type") ? string(fields.get("type")) : Optional.empty();
            if (!McpServerParser.isServerName(serverName)) {
                problem("name", McpServerParser.SERVER_NAME_RULE);
            }
            checkUrl(type, fields.get("url"));
            checkTitle(fields.get("title"));
            checkDescription(fields.get("description"));
            checkIconPath(fields.get("iconPath"));
            checkHeaders(fields.get("headers"));
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
                problems.add(new FieldProblem(ROOT, "not a valid server configuration"));
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
            problems.add(new FieldProblem(field, message));
        }

        /** A problem that replaces whatever the parser says at or below this field. */
        private void replace(String field, String message) {
            problem(field, message);
            superseded.add(field);
        }

        /**
         * The parser's findings, except those this class reports itself in user terms; its
         * warnings (an ignored key, say) are errors for a user, who gets no file to fix later.
         */
        private void fromParser(ConfigProblem p) {
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

        private void walk(Node node, String path) {
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
                        walk(t.getValueNode(), child);
                    }
                }
                case SequenceNode s -> {
                    if (s.getFlowStyle() != FlowStyle.FLOW || !s.getTag().equals(Tag.SEQ)) {
                        problem(path, NOT_JSON);
                    }
                    for (int i = 0; i < s.getValue().size(); i++) {
                        walk(s.getValue().get(i), path + "[" + i + "]");
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

        /** Rules for every string, key or value, wherever it is. */
        private void text(String text, String path) {
            if (utf8Length(text) > MAX_STRING_BYTES) {
                problem(path, TOO_LONG);
            }
            if (text.contains("${")) {
                problem(path, ENVIRONMENT);
            }
            if (text.toLowerCase(Locale.ROOT).contains(DYNAMIC_PREFIX)) {
                problem(path, DYNAMIC);
            }
        }

        // ---- top level ----------------------------------------------------------------------

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
                } else if (GATEWAY_FIELDS.contains(key)) {
                    replace(field, GATEWAY_MANAGED);
                } else if (key.equals("tools")) {
                    replace(field, OPERATOR_TOOL_POLICY);
                } else if (UNSUPPORTED_FIELDS.contains(key)) {
                    replace(field, UNSUPPORTED);
                } else if (!FIELDS.contains(key)) {
                    replace(field, UNKNOWN + ConfigNode.suggestion(key, FIELDS));
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
            replace(field, type.map(t -> t.equalsIgnoreCase("stdio") ? STDIO
                    : "unknown transport; use streamable-http (or http), sse or websocket, or leave it out to have it detected")
                    .orElse("expected a string: streamable-http, http, sse or websocket"));
            return false;
        }

        private void checkUrl(Optional<String> type, Node value) {
            String field = ROOT + ".url";
            superseded.add(field);
            if (value == null || isNull(value)) {
                problem(field, "required: the server's URL, http:// or https:// (ws:// or wss:// with type websocket)");
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
                    problem(field, "a websocket server needs a ws:// or wss:// URL");
                    return;
                }
            } else if (!http) {
                problem(field, ws ? "a ws:// or wss:// URL needs type: websocket" : "expected an absolute http:// or https:// URL");
                return;
            }
            checkHost(field, url.get());
            if (placeholderBeforePath(url.get())) {
                problem(field, "placeholders may stand only in the path or query: a {{VAR}} in the scheme, host or port"
                        + " would let each user's value choose where the server's credentials are sent");
            }
        }

        /** Whether a {@code {{VAR}}} sits in the scheme or authority, before the path begins. */
        private static boolean placeholderBeforePath(String url) {
            int authority = url.indexOf("//");
            int start = authority < 0 ? 0 : authority + 2;
            int end = url.length();
            for (char c : new char[] {'/', '?', '#'}) {
                int at = url.indexOf(c, start);
                if (at >= 0 && at < end) {
                    end = at;
                }
            }
            return url.substring(0, end).contains("{{");
        }

        /** Parses the URL with placeholders stood in for (they are resolved per user later) and wants a host. */
        private void checkHost(String field, String url) {
            try {
                URI uri = new URI(UserPlaceholders.standIn(url));
                if (uri.getHost() == null) {
                    problem(field, "the URL has no host");
                }
            } catch (URISyntaxException e) {
                problem(field, "not a valid URL: " + e.getReason());
            }
        }

        private void checkTitle(Node value) {
            String field = ROOT + ".title";
            superseded.add(field); // the parser's charset rule is repeated here, with the length
            optionalString(value, field).ifPresent(title -> {
                if (title.codePointCount(0, title.length()) > MAX_TITLE_CHARS) {
                    problem(field, "too long: at most " + MAX_TITLE_CHARS + " characters");
                }
                if (!TITLE.matcher(title).matches()) {
                    problem(field, "titles use letters, digits and spaces only");
                }
            });
        }

        private void checkDescription(Node value) {
            String field = ROOT + ".description";
            optionalString(value, field).filter(d -> d.codePointCount(0, d.length()) > MAX_DESCRIPTION_CHARS)
                    .ifPresent(d -> problem(field, "too long: at most " + MAX_DESCRIPTION_CHARS + " characters"));
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
                    problem(field, "use an https:// or http:// URL, a data:image/ URI or a path starting with '/'");
                }
            });
        }

        private void checkHeaders(Node value) {
            String field = ROOT + ".headers";
            Optional<MappingNode> headers = optionalObject(value, field);
            if (headers.isEmpty()) {
                return;
            }
            if (headers.get().getValue().size() > MAX_HEADERS) {
                problem(field, "too many headers: at most " + MAX_HEADERS);
            }
            entries(headers.get()).forEach((name, header) -> {
                String at = field + "." + name;
                headerName(at, name);
                if (!isString(header)) {
                    replace(at, "header values must be strings");
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
                problem(field, "too many custom user variables: at most " + MAX_USER_VARS);
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
                    problem(at, "expected an object: {title (required), description, sensitive}");
                    return;
                }
                Map<String, Node> keys = entries(specObject);
                keys.forEach((key, v) -> {
                    String keyField = at + "." + key;
                    switch (key) {
                        case "title", "description" -> optionalString(v, keyField);
                        case "sensitive" -> optionalBoolean(v, keyField);
                        default -> problem(keyField, UNKNOWN + ConfigNode.suggestion(key, USER_VAR_FIELDS));
                    }
                });
                if (!keys.containsKey("title") || isNull(keys.get("title"))) {
                    problem(at, "each custom user variable needs a 'title' to show the user");
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
                    replace(keyField, UNKNOWN + ConfigNode.suggestion(key, API_KEY_FIELDS));
                }
            });
            Optional<String> source = Optional.ofNullable(keys.get("source")).flatMap(UserServerInput::string);
            if (source.isPresent() && !source.get().equals("admin") && !source.get().equals("user")) {
                replace(field + ".source", "use 'admin' (the key is given here) or 'user' (each user enters their own)");
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
                if (OAUTH_USER_REFUSED.contains(key)) {
                    replace(keyField, "not accepted for user servers; remove it");
                } else if (key.equals("redirect_uri")) {
                    replace(keyField, "the redirect URI is always {publicUrl}/api/mcp/<server>/oauth/callback; remove it");
                } else if (!OAUTH_FIELDS.contains(key)) {
                    replace(keyField, UNKNOWN + ConfigNode.suggestion(key, OAUTH_FIELDS));
                } else if (OAUTH_LISTS.contains(key)) {
                    optionalStrings(v, keyField);
                } else if (OAUTH_BOOLEANS.contains(key)) {
                    optionalBoolean(v, keyField);
                } else if (OAUTH_ENDPOINTS.contains(key)) {
                    optionalString(v, keyField).ifPresent(url -> checkEndpoint(keyField, url));
                } else {
                    optionalString(v, keyField);
                }
            });
        }

        private void checkEndpoint(String field, String url) {
            superseded.add(field);
            String lower = url.toLowerCase(Locale.ROOT);
            if (!lower.startsWith("https://") && !lower.startsWith("http://")) {
                problem(field, "expected an absolute http:// or https:// URL");
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
            replace(field, "expected a string");
            return Optional.empty();
        }

        private Optional<String> optionalString(Node value, String field) {
            return value == null || isNull(value) ? Optional.empty() : expectString(value, field);
        }

        private void optionalBoolean(Node value, String field) {
            if (value != null && !isNull(value) && !(value instanceof ScalarNode s && s.getScalarStyle() == ScalarStyle.PLAIN
                    && (s.getValue().equals("true") || s.getValue().equals("false")))) {
                replace(field, "expected true or false");
            }
        }

        private void optionalStrings(Node value, String field) {
            if (value == null || isNull(value)) {
                return;
            }
            if (!(value instanceof SequenceNode list) || !list.getValue().stream().allMatch(UserServerInput::isString)) {
                replace(field, "expected a list of strings");
            }
        }

        private Optional<MappingNode> optionalObject(Node value, String field) {
            if (value == null || isNull(value)) {
                return Optional.empty();
            }
            if (value instanceof MappingNode m) {
                return Optional.of(m);
            }
            replace(field, "expected an object");
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
