package dev.portcullis.config;

import dev.portcullis.config.McpServerConfig.ApiKey;
import dev.portcullis.config.McpServerConfig.CustomUserVar;
import dev.portcullis.config.McpServerConfig.OAuthSettings;
import dev.portcullis.config.McpServerConfig.ServerInstructions;
import dev.portcullis.config.McpServerConfig.Transport;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads one {@code mcpServers} entry with LibreChat's schema and reports every problem in it.
 * What LibreChat's schema accepts is accepted; a setting Portcullis does not use is noted as
 * ignored with the reason, or warned about when ignoring it changes what happens (a proxy, an
 * on-behalf-of exchange). Keys of another transport are dropped with a warning, as LibreChat
 * drops them.
 */
final class McpServerParser {
    /** LibreChat's {@code MCP_SERVER_TITLE_PATTERN}: a letter or digit, then letters, digits, marks, apostrophes, spaces and hyphens. */
    static final Pattern TITLE = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N}\\p{M}'\u2019 -]*");
    /** LibreChat's {@code MCP_SERVER_TITLE_ERROR}. */
    static final String TITLE_RULE = "Title must start with a letter or number and can include spaces, hyphens, and apostrophes";
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** An unresolved {@code ${VAR}} left in a URL: stands in for a host or path segment when the URL is checked. */
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{[^}]*}");
    /** The variable a user-sourced {@code apiKey} is kept in, LibreChat's name. */
    static final String USER_API_KEY = "MCP_API_KEY";
    private static final long MAX_TIMEOUT_MS = Duration.ofHours(24).toMillis();
    private static final Set<String> STDIO_ONLY = Set.of("command", "args", "env", "cwd", "stderr");
    private static final Set<String> HTTP_ONLY = Set.of("headers", "requestHeaders", "proxy", "obo");
    /** Why a user server cannot use the machine-to-machine keys. */
    static final String MACHINE_REFUSED = "not accepted for user servers: only the operator can make the gateway"
            + " authenticate as itself (grant_type, private keys and workload tokens are operator settings); remove it";

    private McpServerParser() {
    }

    /**
     * Where a server's settings come from. A user's input is validated by {@link UserServerInput}
     * first, which reports the server's name, a missing URL and a missing admin key in its own words
     * (the operator's advice, "write ${VAR}", is refused there); the parser leaves those to it.
     */
    enum Source { OPERATOR_FILE, USER_INPUT }

    static Optional<McpServerConfig> parse(String name, ConfigNode node) {
        return parse(name, node, Source.OPERATOR_FILE);
    }

    static Optional<McpServerConfig> parse(String name, ConfigNode node, Source source) {
        int errorsBefore = errorCount(node);
        if (source == Source.OPERATOR_FILE) {
            ServerNames.problem(name).ifPresent(node::error);
        }
        if (!node.isMapping()) {
            node.error("expected the server's settings (command or url, and options)");
            return Optional.empty();
        }
        Optional<String> typeName = node.string("type");
        Optional<String> url = node.string("url");
        Optional<String> command = node.string("command");
        Optional<Transport> type = transport(node, typeName, url, command);
        boolean stdio = type.orElse(null) == Transport.STDIO;
        dropOtherTransportKeys(node, type);

        List<String> args = stdio ? node.strings("args") : List.of();
        Map<String, Secret> env = stdio ? node.stringMap("env", Secret::of) : Map.of();
        Optional<String> cwd = stdio ? node.string("cwd") : Optional.empty();
        Map<String, Secret> headers = stdio ? Map.of() : node.stringMap("headers", Secret::of);
        Map<String, Secret> requestHeaders = stdio ? Map.of() : node.stringMap("requestHeaders", Secret::of);

        Optional<Duration> timeout = node.number("timeout", 0, MAX_TIMEOUT_MS).map(Duration::ofMillis);
        Duration initTimeout = node.number("initTimeout", 0, MAX_TIMEOUT_MS).map(Duration::ofMillis)
                .orElse(McpServerConfig.DEFAULT_INIT_TIMEOUT);
        Duration sseReadTimeout = node.number("sseReadTimeout", 1, MAX_TIMEOUT_MS).map(Duration::ofMillis)
                .orElse(McpServerConfig.DEFAULT_SSE_READ_TIMEOUT);
        boolean startup = node.bool("startup", true);
        boolean chatMenu = node.bool("chatMenu", true);
        Optional<String> title = node.string("title");
        title.filter(t -> !TITLE.matcher(t).matches()).ifPresent(t -> node.get("title").orElseThrow().error(TITLE_RULE));
        Optional<String> description = node.string("description");
        Optional<String> iconPath = node.string("iconPath");
        ServerInstructions instructions = node.get("serverInstructions").map(McpServerParser::instructions)
                .orElse(ServerInstructions.NONE);
        Map<String, CustomUserVar> userVars = customUserVars(node);
        Optional<Boolean> requiresOAuth = node.bool("requiresOAuth");
        Optional<ApiKey> apiKey = node.get("apiKey").flatMap(k -> apiKey(k, source));
        if (apiKey.map(k -> k.source() == ApiKey.Source.USER).orElse(false)) {
            // LibreChat's meaning: each user enters their own key, kept like any other per-user variable.
            userVars.putIfAbsent(USER_API_KEY, new CustomUserVar("API Key", Optional.of("Your API key for this server"), true));
        }
        Optional<OAuthSettings> oauth = node.get("oauth").flatMap(o -> oauth(o, source));
        if (requiresOAuth.filter(r -> !r).isPresent() && oauth.flatMap(OAuthSettings::enterpriseManaged).isPresent()) {
            // Each person's token is their own: a connection shared by everyone would carry none.
            node.get("requiresOAuth").orElseThrow().error("an enterprise-managed server needs per-person tokens;"
                    + " remove requiresOAuth: false");
        }
        Map<String, Secret> oauthHeaders = node.stringMap("oauth_headers", Secret::of);
        refuseUnsendable(node, "headers", headers);
        refuseUnsendable(node, "requestHeaders", requestHeaders);
        refuseUnsendable(node, "oauth_headers", oauthHeaders);
        McpServerConfig.AccessLimit access = node.get("access").map(McpServerParser::access)
                .orElse(McpServerConfig.AccessLimit.EVERYONE);
        ToolPolicy toolPolicy = node.get("tools").map(McpServerParser::toolPolicy).orElse(ToolPolicy.ALL);

        if (oauth.flatMap(OAuthSettings::machine).isPresent()) {
            if (stdio) {
                node.get("oauth").orElseThrow().error("a local (stdio) server has no token endpoint to authenticate at; remove grant_type");
            }
            if (requiresOAuth.filter(r -> !r).isPresent()) {
                node.get("requiresOAuth").orElseThrow().error("requiresOAuth: false contradicts oauth.grant_type; remove one of them");
            }
        }
        requireEndpoint(node, type, url, command, source);
        env.keySet().stream().filter(k -> !VARIABLE.matcher(k).matches()).forEach(k ->
                node.get("env").orElseThrow().error("environment variable names use letters, digits and '_': '" + k + "'"));
        LibreChatOnlyOptions.read(node, type, source);
        node.warnUnknownKeys("unknown MCP server option; ignored");

        Map<String, Secret> sent = mergeHeaders(headers, requestHeaders);
        if (source == Source.OPERATOR_FILE) {
            List<String> texts = new ArrayList<>();
            url.ifPresent(texts::add);
            command.ifPresent(texts::add);
            texts.addAll(args);
            env.values().forEach(v -> texts.add(v.reveal()));
            sent.values().forEach(v -> texts.add(v.reveal()));
            apiKey.flatMap(McpServerConfig.ApiKey::key).ifPresent(k -> texts.add(k.reveal()));
            PlaceholderCheck.warn(node, texts, userVars.keySet());
            PlaceholderCheck.warnNotFilled(node, oauthHeaders.values().stream().map(Secret::reveal).toList(), "oauth_headers");
        }
        if (errorCount(node) > errorsBefore) {
            return Optional.empty();
        }
        return Optional.of(new McpServerConfig(name, type, stdio ? Optional.empty() : url, stdio ? command : Optional.empty(),
                args, env, cwd, sent, timeout, initTimeout, sseReadTimeout, startup, chatMenu, title, description, iconPath,
                instructions, userVars, requiresOAuth, apiKey, oauth, oauthHeaders, access, toolPolicy,
                McpServerConfig.Origin.OPERATOR));
    }

    /**
     * {@code requestHeaders} over {@code headers}: LibreChat resolves them per chat request and lets
     * them win on a duplicate name. Portcullis has no chat request, so they are sent on every
     * request like {@code headers}; names compare without case, as HTTP's do.
     */
    private static Map<String, Secret> mergeHeaders(Map<String, Secret> headers, Map<String, Secret> requestHeaders) {
        Map<String, Secret> merged = new LinkedHashMap<>(headers);
        requestHeaders.forEach((name, value) -> {
            merged.keySet().removeIf(existing -> existing.equalsIgnoreCase(name));
            merged.put(name, value);
        });
        return merged;
    }

    /** Header values, after {@code ${VAR}} substitution: an environment variable can bring a line break too. */
    private static void refuseUnsendable(ConfigNode node, String section, Map<String, Secret> values) {
        values.forEach((name, value) -> {
            if (!HeaderValues.isSendable(value.reveal())) {
                node.get(section).orElseThrow().entries().get(name).error("header values " + HeaderValues.PROBLEM
                        + " (if it comes from an environment variable, check that variable)");
            }
        });
    }

    private static int errorCount(ConfigNode node) {
        return (int) node.report().problems().stream().filter(ConfigProblem::isError).count();
    }

    /**
     * LibreChat's reading: {@code type} decides; without it a command is stdio and a ws(s) URL is
     * WebSocket. A bare http(s) URL is probed (Streamable HTTP first, then legacy SSE) where
     * LibreChat would assume SSE.
     */
    private static Optional<Transport> transport(ConfigNode node, Optional<String> typeName, Optional<String> url,
                                                 Optional<String> command) {
        if (typeName.isPresent()) {
            Optional<Transport> type = Transport.fromConfig(typeName.get().toLowerCase(Locale.ROOT));
            if (type.isEmpty()) {
                node.get("type").orElseThrow().error("unknown transport; use stdio, streamable-http (or http), sse or websocket");
            }
            return type;
        }
        if (command.isPresent()) {
            return Optional.of(Transport.STDIO);
        }
        String lower = url.orElse("").toLowerCase(Locale.ROOT);
        if (lower.startsWith("ws://") || lower.startsWith("wss://")) {
            return Optional.of(Transport.WEBSOCKET);
        }
        return Optional.empty();
    }

    /**
     * A key of another transport ({@code headers} on a stdio server, {@code args} on a remote one)
     * is dropped, as LibreChat's schema drops it; it is most likely a mistake, so it is a warning.
     */
    private static void dropOtherTransportKeys(ConfigNode node, Optional<Transport> type) {
        if (type.isEmpty() && typeNamedButUnknown(node)) {
            return; // the type is the error; which keys belong is unknown
        }
        Transport transport = type.orElse(null);
        Set<String> foreign = new java.util.LinkedHashSet<>();
        if (transport == Transport.STDIO) {
            foreign.add("url");
            foreign.addAll(HTTP_ONLY);
        } else {
            foreign.addAll(STDIO_ONLY);
            if (transport == Transport.WEBSOCKET) {
                foreign.addAll(List.of("proxy", "obo"));
            }
        }
        for (String key : foreign) {
            node.get(key).ifPresent(child -> child.keyWarning("ignored: '" + key + "' is only for " + belongsTo(key)
                    + ", and this is " + (transport == Transport.STDIO ? "a stdio" : "a remote") + " server (LibreChat drops it too)"));
        }
    }

    private static String belongsTo(String key) {
        if (STDIO_ONLY.contains(key)) {
            return "stdio servers";
        }
        return key.equals("proxy") || key.equals("obo") ? "sse and streamable-http servers" : "remote servers";
    }

    private static void requireEndpoint(ConfigNode node, Optional<Transport> type, Optional<String> url,
                                        Optional<String> command, Source source) {
        if (type.isEmpty() && typeNamedButUnknown(node)) {
            return;
        }
        if (type.orElse(null) == Transport.STDIO) {
            if (command.isEmpty()) {
                node.error("type stdio needs 'command' (and optionally 'args', 'env', 'cwd')");
            }
            return;
        }
        if (url.isEmpty()) {
            if (source == Source.OPERATOR_FILE) {
                node.error(type.isPresent() ? "type " + type.get().configName() + " needs 'url'"
                        : "give either 'command' (a stdio server) or 'url' (a remote server)");
            }
            return;
        }
        checkUrl(node.get("url").orElseThrow(), url.get(), type.orElse(null));
    }

    private static boolean typeNamedButUnknown(ConfigNode node) {
        return node.entries().containsKey("type") && node.entries().get("type").text()
                .flatMap(t -> Transport.fromConfig(t.toLowerCase(Locale.ROOT))).isEmpty();
    }

    private static void checkUrl(ConfigNode at, String url, Transport type) {
        String lower = url.toLowerCase(Locale.ROOT);
        boolean ws = lower.startsWith("ws://") || lower.startsWith("wss://");
        boolean http = lower.startsWith("http://") || lower.startsWith("https://");
        if (type == Transport.WEBSOCKET && !ws) {
            at.error("a websocket server needs a ws:// or wss:// URL");
            return;
        }
        if (type != Transport.WEBSOCKET && !http) {
            at.error(ws ? "a ws:// URL needs type: websocket" : "expected an absolute http:// or https:// URL");
            return;
        }
        if (UserPlaceholders.placeholderBeforePath(url)) {
            // A value there — a user's customUserVars, or a claim of their token such as a username —
            // would choose the host this server's credentials (headers, API key, OAuth token) go to.
            at.error("placeholders may stand only in the path or query: a {{VAR}} in the scheme, host or port would let"
                    + " each user's value choose where the server's credentials are sent");
            return;
        }
        // {{VAR}} is filled in per user, encoded for where it stands, and checked again with the egress
        // guard when it is used; a ${VAR} left as written was warned about where it stands.
        String shape = ENV_REFERENCE.matcher(UserPlaceholders.standIn(url)).replaceAll("x");
        try {
            URI uri = new URI(shape);
            if (uri.getHost() == null) {
                at.error("the URL has no host");
            }
        } catch (URISyntaxException e) {
            at.error("not a valid URL: " + e.getReason());
        }
    }

    /** Portcullis' own key: limits an operator server to some users, groups (a token claim) or roles. */
    private static McpServerConfig.AccessLimit access(ConfigNode node) {
        if (!node.isMapping()) {
            node.error("expected {users, groups, roles}: the principals who may see and use this server");
            return McpServerConfig.AccessLimit.EVERYONE;
        }
        McpServerConfig.AccessLimit limit = new McpServerConfig.AccessLimit(node.strings("users"), node.strings("groups"),
                node.strings("roles"));
        node.rejectUnknownKeys();
        if (limit.isEveryone()) {
            node.error("name at least one user, group or role; leave 'access' out to let everyone use the server");
        }
        return limit;
    }

    /** Portcullis' own key: which of the server's tools users may see and call (see {@link ToolPolicy}). */
    private static ToolPolicy toolPolicy(ConfigNode node) {
        if (!node.isMapping()) {
            node.error("expected {allow: [patterns], deny: [patterns]}: which of this server's tools users may see and call");
            return ToolPolicy.ALL;
        }
        Optional<List<String>> allow = node.get("allow").map(McpServerParser::toolGlobs);
        List<String> deny = node.get("deny").map(McpServerParser::toolGlobs).orElse(List.of());
        node.rejectUnknownKeys();
        node.get("allow").filter(list -> list.isSequence() && list.items().isEmpty()).ifPresent(list -> list.error(
                "an empty allow list lets no tool through; leave 'allow' out to allow every tool, or write deny: ['*']"));
        return new ToolPolicy(allow, deny);
    }

    private static List<String> toolGlobs(ConfigNode list) {
        List<String> globs = new java.util.ArrayList<>();
        for (ConfigNode item : list.items()) {
            if (item.isNull()) {
                item.error("an empty pattern matches no tool; remove it");
                continue;
            }
            item.text().ifPresent(glob -> ToolPolicy.problem(glob).ifPresentOrElse(item::error, () -> globs.add(glob)));
        }
        return globs;
    }

    private static ServerInstructions instructions(ConfigNode node) {
        String text = node.text().orElse("");
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> new ServerInstructions(true, Optional.empty());
            case "false" -> ServerInstructions.NONE;
            default -> new ServerInstructions(false, Optional.of(text));
        };
    }

    private static Map<String, CustomUserVar> customUserVars(ConfigNode node) {
        Map<String, CustomUserVar> vars = new LinkedHashMap<>();
        node.get("customUserVars").ifPresent(section -> section.entries().forEach((name, spec) -> {
            if (!VARIABLE.matcher(name).matches()) {
                spec.error("variable names use letters, digits and '_', starting with a letter or '_'");
                return;
            }
            if (!spec.isMapping()) {
                spec.error("expected {title, description} for this variable");
                return;
            }
            Optional<String> title = spec.string("title");
            if (title.isEmpty()) {
                spec.error("each custom user variable needs a 'title' to show the user");
            }
            Optional<String> description = spec.string("description");
            boolean sensitive = spec.bool("sensitive", true);
            spec.warnUnknownKeys("unknown custom user variable option; ignored");
            title.ifPresent(t -> vars.put(name, new CustomUserVar(t, description, sensitive)));
        }));
        return vars;
    }

    /**
     * LibreChat's {@code send_resource_parameter}, or {@code send_resource}, the name Portcullis
     * read first; both default to sending RFC 8707 {@code resource}.
     */
    private static boolean sendResource(ConfigNode node) {
        Optional<Boolean> librechat = node.bool("send_resource_parameter");
        Optional<Boolean> portcullis = node.bool("send_resource");
        if (librechat.isPresent() && portcullis.isPresent() && !librechat.equals(portcullis)) {
            node.get("send_resource").orElseThrow().error("send_resource and send_resource_parameter disagree; keep one"
                    + " (send_resource_parameter is LibreChat's name)");
        }
        return librechat.or(() -> portcullis).orElse(true);
    }

    /** {@code oauth.dpop}: auto (the default), required or off. */
    private static OAuthSettings.DpopMode dpop(ConfigNode node) {
        return node.string("dpop").flatMap(s -> switch (s.toLowerCase(Locale.ROOT)) {
            case "auto" -> Optional.of(OAuthSettings.DpopMode.AUTO);
            case "required" -> Optional.of(OAuthSettings.DpopMode.REQUIRED);
            case "off" -> Optional.of(OAuthSettings.DpopMode.OFF);
            default -> {
                node.get("dpop").orElseThrow().error("use auto (DPoP when the authorization server offers it), required or off");
                yield Optional.empty();
            }
        }).orElse(OAuthSettings.DpopMode.AUTO);
    }

    private static Optional<ApiKey> apiKey(ConfigNode node, Source from) {
        Optional<ApiKey.Source> source = node.string("source").flatMap(s -> switch (s) {
            case "admin" -> Optional.of(ApiKey.Source.ADMIN);
            case "user" -> Optional.of(ApiKey.Source.USER);
            default -> {
                node.get("source").orElseThrow().error("use 'admin' (the key is in this file) or 'user' (each user enters one)");
                yield Optional.empty();
            }
        });
        if (source.isEmpty() && node.get("source").isEmpty()) {
            node.error("apiKey needs 'source': admin or user");
        }
        ApiKey.AuthorizationType authType = node.string("authorization_type").flatMap(s -> switch (s) {
            case "basic" -> Optional.of(ApiKey.AuthorizationType.BASIC);
            case "bearer" -> Optional.of(ApiKey.AuthorizationType.BEARER);
            case "custom" -> Optional.of(ApiKey.AuthorizationType.CUSTOM);
            default -> {
                node.get("authorization_type").orElseThrow().error("use basic, bearer or custom");
                yield Optional.empty();
            }
        }).orElse(ApiKey.AuthorizationType.BEARER);
        Optional<String> customHeader = node.string("custom_header");
        Optional<Secret> key = node.secret("key");
        key.filter(k -> !HeaderValues.isSendable(k.reveal())).ifPresent(k -> node.get("key").orElseThrow()
                .error("the key is sent in a header, so it " + HeaderValues.PROBLEM
                        + (from == Source.OPERATOR_FILE ? " (if it comes from an environment variable, check that variable)" : "")));
        if (authType == ApiKey.AuthorizationType.CUSTOM && customHeader.isEmpty()) {
            node.error("authorization_type custom needs 'custom_header', the header to send the key in");
        }
        if (source.orElse(null) == ApiKey.Source.ADMIN && key.isEmpty() && from == Source.OPERATOR_FILE) {
            node.error("source admin needs 'key' (write key: ${YOUR_ENV_VAR} to keep it out of this file)");
        }
        node.rejectUnknownKeys();
        return source.map(s -> new ApiKey(s, authType, customHeader, key));
    }

    private static Optional<OAuthSettings> oauth(ConfigNode node, Source source) {
        if (!node.isMapping()) {
            node.error("expected the OAuth settings as a mapping");
            return Optional.empty();
        }
        Optional<String> authorizationUrl = node.string("authorization_url");
        Optional<String> tokenUrl = node.string("token_url");
        Optional<String> clientId = node.string("client_id");
        Optional<Secret> clientSecret = node.secret("client_secret");
        Optional<String> revocation = node.string("revocation_endpoint");
        for (String key : List.of("authorization_url", "token_url", "revocation_endpoint", "redirect_uri")) {
            node.get(key).ifPresent(child -> child.text().ifPresent(u -> {
                String lower = u.toLowerCase(Locale.ROOT);
                if (!lower.startsWith("https://") && !lower.startsWith("http://")) {
                    child.error("expected an absolute http:// or https:// URL");
                }
            }));
        }
        Optional<OAuthSettings.TokenExchangeMethod> method = node.string("token_exchange_method").flatMap(s ->
                switch (s.toLowerCase(Locale.ROOT)) {
                    case "default_post" -> Optional.of(OAuthSettings.TokenExchangeMethod.DEFAULT_POST);
                    case "basic_auth_header" -> Optional.of(OAuthSettings.TokenExchangeMethod.BASIC_AUTH_HEADER);
                    default -> {
                        node.get("token_exchange_method").orElseThrow()
                                .error("use default_post (client_secret_post) or basic_auth_header (client_secret_basic)");
                        yield Optional.empty();
                    }
                });
        if (clientSecret.isPresent() && clientId.isEmpty()) {
            node.error("client_secret needs client_id");
        }
        MachineGrantReader.Read machine = MachineGrantReader.Read.USER_FLOW;
        if (source == Source.USER_INPUT) {
            MachineGrantReader.KEYS.forEach(key -> node.get(key).ifPresent(n -> n.keyError(MACHINE_REFUSED)));
        } else {
            machine = MachineGrantReader.read(node, new MachineGrantReader.Context(clientId, clientSecret, authorizationUrl,
                    tokenUrl, method.orElse(null) == OAuthSettings.TokenExchangeMethod.DEFAULT_POST));
        }
        boolean forMachine = machine.requested();
        // LibreChat's rule: a confidential client pins its endpoints, so discovery cannot send its
        // secret to a token endpoint the MCP server picked. (A machine grant has no authorization
        // endpoint; MachineGrantReader holds its secret to token_url. An enterprise-managed server's secret
        // goes to its pinned token_url, which EnterpriseManagedReader requires.)
        boolean enterprise = source == Source.OPERATOR_FILE && EnterpriseManagedReader.present(node);
        if (!forMachine && !enterprise && clientSecret.isPresent() && (authorizationUrl.isEmpty() || tokenUrl.isEmpty())) {
            node.error("a client_secret needs authorization_url and token_url set too, so the secret only goes to endpoints you chose");
        }
        if (source == Source.OPERATOR_FILE) {
            node.get("redirect_uri").ifPresent(child -> child.keyWarning("ignored: the redirect URI is always"
                    + " {publicUrl}/api/mcp/<server>/oauth/callback, built from server.publicUrl (LibreChat ignores it too)"));
        }
        node.get("audience").flatMap(ConfigNode::text).filter(String::isEmpty)
                .ifPresent(a -> node.get("audience").orElseThrow().error("an audience must not be empty; leave it out instead"));
        OAuthSettings settings = new OAuthSettings(authorizationUrl, tokenUrl, clientId, clientSecret,
                node.string("scope"), node.string("audience"), method,
                node.strings("grant_types_supported"), node.strings("token_endpoint_auth_methods_supported"),
                node.strings("response_types_supported"), node.strings("code_challenge_methods_supported"),
                node.bool("skip_code_challenge_check", false), revocation,
                node.strings("revocation_endpoint_auth_methods_supported"), sendResource(node),
                node.bool("forward_audience_on_refresh", true), dpop(node), machine.grant(),
                EnterpriseManagedReader.read(node, source));
        node.warnUnknownKeys("unknown OAuth option; ignored");
        return Optional.of(settings);
    }
}
