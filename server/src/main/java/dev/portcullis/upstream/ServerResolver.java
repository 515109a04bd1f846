package dev.portcullis.upstream;

import dev.portcullis.config.HeaderValues;
import dev.portcullis.config.McpServerConfig;
import dev.portcullis.config.Secret;
import dev.portcullis.config.UserPlaceholders;
import dev.portcullis.error.ErrorCode;
import dev.portcullis.error.GatewayException;
import dev.portcullis.identity.Caller;
import dev.portcullis.upstream.stdio.StdioLaunch;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;

/**
 * Turns a server's configuration into what to connect to for one caller, in the connection scope
 * {@link ConnectionScopes} decided: resolves user placeholders — the caller's {@code customUserVars} values as
 * {@code {{NAME}}} and LibreChat's user fields ({@code {{LIBRECHAT_USER_ID}}}, ...) from the token
 * (see {@link UserPlaceholders} for every name). The operator's {@code ${VAR}}s were resolved at
 * load, before this, so a user value containing {@code ${SECRET}} stays literal; and resolution is
 * one pass, so a user value containing {@code {{OTHER}}} is not expanded either.
 */
public final class ServerResolver {
    private static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /** Where a user-sourced {@code apiKey} lives among the user's variables (LibreChat's name). */
    private static final String USER_API_KEY = "MCP_API_KEY";

    private final Map<String, String> gatewayEnvironment;
    private final int maxMessageBytes;

    /** @param gatewayEnvironment only {@code PATH} is taken from it, for stdio children */
    public ServerResolver(Map<String, String> gatewayEnvironment, int maxMessageBytes) {
        this.gatewayEnvironment = gatewayEnvironment;
        this.maxMessageBytes = maxMessageBytes;
    }

    /** The placeholder names in every value that is resolved: URL, command, args, headers, env. */
    static List<String> placeholders(McpServerConfig c) {
        List<String> texts = new ArrayList<>();
        c.url().ifPresent(texts::add);
        c.command().ifPresent(texts::add);
        texts.addAll(c.args());
        c.headers().values().forEach(v -> texts.add(v.reveal()));
        c.env().values().forEach(v -> texts.add(v.reveal()));
        c.apiKey().flatMap(McpServerConfig.ApiKey::key).ifPresent(k -> texts.add(k.reveal()));
        return texts.stream().flatMap(t -> UserPlaceholders.names(t).stream()).toList();
    }

    /**
     * Resolved in the scope the configuration alone gives (see {@link ConnectionScopes#configured}), which
     * does not know the servers found to need OAuth: for tests. The gateway resolves through
     * {@code ToolService}, which asks its {@link ConnectionScopes}.
     */
    ResolvedServer resolve(McpServerConfig c, Caller caller, Map<String, String> userValues) {
        return resolve(c, caller, userValues, ConnectionScopes.configured(caller, c));
    }

    /** @param scope as {@link ConnectionScopes} decided it; a user's values are filled in only in a user scope */
    public ResolvedServer resolve(McpServerConfig c, Caller caller, Map<String, String> userValues, ConnectionScope scope) {
        refuseUnavailable(c);
        List<String> missing = c.customUserVars().keySet().stream()
                .filter(name -> userValues.getOrDefault(name, "").isEmpty()).toList();
        if (!missing.isEmpty()) {
            throw new MissingUserVariablesException(c.name(), missing);
        }
        Map<String, String> values = new LinkedHashMap<>();
        // No chat request reaches the gateway: LibreChat's request fields are empty, as it leaves absent ones.
        UserPlaceholders.BODY_FIELDS.forEach(field -> values.put(UserPlaceholders.BODY_PREFIX + field, ""));
        if (scope instanceof ConnectionScope.User) {
            c.customUserVars().keySet().forEach(name -> values.put(name, userValues.get(name)));
            UserPlaceholders.USER_FIELDS.forEach((suffix, field) ->
                    values.put(UserPlaceholders.USER_PREFIX + suffix, userField(caller, field)));
        }
        ResolvedServer.Endpoint endpoint = c.type().orElse(null) == McpServerConfig.Transport.STDIO
                ? stdio(c, values) : remote(c, values);
        Duration requestTimeout = c.timeout().filter(t -> !t.isZero()).orElse(DEFAULT_REQUEST_TIMEOUT);
        return new ResolvedServer(c.name(), c, scope, endpoint, requestTimeout, c.initTimeout(),
                fingerprint(endpoint, requestTimeout, c.initTimeout(), c.origin()));
    }

    private ResolvedServer.Stdio stdio(McpServerConfig c, Map<String, String> values) {
        List<String> commandLine = new ArrayList<>();
        commandLine.add(substitute(c.command().orElseThrow(), values, false));
        c.args().forEach(a -> commandLine.add(substitute(a, values, false)));
        Map<String, String> env = new LinkedHashMap<>();
        Optional.ofNullable(gatewayEnvironment.get("PATH")).ifPresent(p -> env.put("PATH", p));
        c.env().forEach((k, v) -> env.put(k, substitute(v.reveal(), values, false)));
        return new ResolvedServer.Stdio(new StdioLaunch(c.name(), commandLine, env, c.cwd().map(Path::of), maxMessageBytes));
    }

    private static ResolvedServer.Remote remote(McpServerConfig c, Map<String, String> values) {
        String url = substituteUrl(c.name(), c.url().orElseThrow(), values);
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new UpstreamException.Blocked("INVALID_URL", "the URL of '" + c.name() + "' is not valid after placeholders were resolved");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        c.headers().forEach((k, v) -> headers.put(k, substitute(v.reveal(), values, true)));
        c.apiKey().ifPresent(k -> {
            Optional<Secret> key = k.source() == McpServerConfig.ApiKey.Source.ADMIN ? k.key()
                    : Optional.ofNullable(values.get(USER_API_KEY)).map(Secret::of);
            // An operator's key is filled in like a header value (a user's is a value already).
            key.map(value -> k.source() == McpServerConfig.ApiKey.Source.ADMIN
                            ? Secret.of(substitute(value.reveal(), values, true)) : value)
                    .ifPresent(value -> headers.put(apiKeyHeader(k), apiKeyValue(k, value)));
        });
        if (!headers.values().stream().allMatch(HeaderValues::isSendable)) {
            // Values are checked where they are entered; this catches one stored before that check,
            // or a token claim, before it can split a header.
            List<String> culprits = values.entrySet().stream().filter(e -> !HeaderValues.isSendable(e.getValue()))
                    .map(Map.Entry::getKey).toList();
            throw new GatewayException(ErrorCode.INVALID_AUTH_VALUE, "A value sent in a header of '" + c.name() + "' "
                    + HeaderValues.PROBLEM + (culprits.isEmpty() ? "" : " (" + String.join(", ", culprits) + "); set it again"));
        }
        return new ResolvedServer.Remote(uri, c.type(), headers);
    }

    private static String apiKeyHeader(McpServerConfig.ApiKey k) {
        return k.authorizationType() == McpServerConfig.ApiKey.AuthorizationType.CUSTOM
                ? k.customHeader().orElseThrow() : "Authorization";
    }

    private static String apiKeyValue(McpServerConfig.ApiKey k, Secret key) {
        return switch (k.authorizationType()) {
            case BEARER -> "Bearer " + key.reveal();
            case BASIC -> "Basic " + key.reveal();
            case CUSTOM -> key.reveal();
        };
    }

    /**
     * A server whose settings name an identity provider token ({@code {{LIBRECHAT_OPENID_*}}},
     * {@code {{LIBRECHAT_GRAPH_*}}}) cannot be called: Portcullis never has that token, and
     * sending the placeholder as written, or an empty bearer, would only fail upstream in a
     * misleading way. The configuration check warned about it at load.
     */
    private static void refuseUnavailable(McpServerConfig c) {
        placeholders(c).stream().filter(n -> UserPlaceholders.kind(n) == UserPlaceholders.Kind.UNAVAILABLE).findFirst()
                .ifPresent(name -> {
                    throw new GatewayException(ErrorCode.PLACEHOLDER_UNAVAILABLE, "MCP server '" + c.name() + "' needs {{"
                            + name + "}}, a token of the user's identity provider, which Portcullis does not have (it sees"
                            + " only the platform's token); ask the operator to configure the server without it",
                            Map.of("placeholder", "{{" + name + "}}", "serverName", c.name()), null);
                });
    }

    /** A LibreChat user field from the caller's token; empty when the token does not carry it. */
    private static String userField(Caller caller, String field) {
        return switch (field) {
            case "id" -> caller.userId();
            case "email" -> caller.email().orElse("");
            case "role" -> caller.role();
            case "tenantId" -> caller.tenantId().orElse("");
            default -> caller.profile().getOrDefault(field, "");
        };
    }

    /**
     * One pass over the text: replacement values are never scanned again. A name without a value
     * (a placeholder nobody knows, an undeclared variable) stays as written, as in LibreChat.
     *
     * @param inHeader LibreChat's header rule: a name, username or email with a character above
     *                 U+00FF is sent as {@code b64:<base64 of its UTF-8>}, since such characters
     *                 cannot be sent in a header as they are
     */
    static String substitute(String text, Map<String, String> values, boolean inHeader) {
        if (!text.contains("{{")) {
            return text;
        }
        Matcher m = UserPlaceholders.PATTERN.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value = values.get(name);
            if (value != null && inHeader && name.startsWith(UserPlaceholders.USER_PREFIX)
                    && UserPlaceholders.ENCODED_IN_HEADERS.contains(name.substring(UserPlaceholders.USER_PREFIX.length()))
                    && value.chars().anyMatch(ch -> ch > 0xFF)) {
                value = "b64:" + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * Fills the placeholders of a URL, each value encoded for where it stands, so no value can change
     * what the URL is beyond its own place in it. The configuration already keeps placeholders out of
     * the scheme and authority. In the path, a value may hold {@code /} (a repository named
     * {@code owner/name}, say) but no {@code .} or {@code ..} segment, and every other character
     * outside RFC 3986's path characters is percent-encoded, {@code %} included — so {@code ?},
     * {@code #} or {@code %2e%2e} cannot end the path or climb it. In the query, everything but the
     * unreserved characters is encoded, so a value cannot add parameters.
     */
    static String substituteUrl(String serverName, String template, Map<String, String> values) {
        if (!template.contains("{{")) {
            return template;
        }
        int query = firstOf(template, '?', '#');
        Matcher m = UserPlaceholders.PATTERN.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                m.appendReplacement(out, Matcher.quoteReplacement(m.group()));
                continue;
            }
            boolean inPath = m.start() < query;
            if (inPath && java.util.Arrays.stream(value.split("/", -1)).anyMatch(seg -> seg.equals(".") || seg.equals(".."))) {
                throw new GatewayException(ErrorCode.INVALID_AUTH_VALUE, "The value of " + m.group(1) + " for '" + serverName
                        + "' would climb the URL's path ('.' or '..'); set it again");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(encode(value, inPath)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static int firstOf(String text, char a, char b) {
        int i = text.indexOf(a);
        int j = text.indexOf(b);
        return i < 0 ? (j < 0 ? text.length() : j) : (j < 0 ? i : Math.min(i, j));
    }

    private static final String UNRESERVED = "-._~";
    /** RFC 3986 pchar beyond unreserved, plus the segment separator; '%' is not among them: it is encoded. */
    private static final String PATH_EXTRA = "!$&'()*+,;=:@/";

    private static String encode(String value, boolean inPath) {
        StringBuilder out = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || UNRESERVED.indexOf(c) >= 0 || (inPath && PATH_EXTRA.indexOf(c) >= 0);
            if (plain) {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit((c >> 4) & 0xF, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }

    /** The origin carries a user server's version: every update makes existing connections stale. */
    private static String fingerprint(ResolvedServer.Endpoint endpoint, Duration request, Duration init,
                                      McpServerConfig.Origin origin) {
        StringBuilder text = new StringBuilder();
        switch (endpoint) {
            case ResolvedServer.Stdio s -> text.append("stdio|").append(s.launch().commandLine()).append('|')
                    .append(new TreeMap<>(s.launch().environment())).append('|').append(s.launch().workingDirectory());
            case ResolvedServer.Remote r -> text.append("remote|").append(r.url()).append('|').append(r.transport())
                    .append('|').append(new TreeMap<>(r.headers()));
        }
        text.append('|').append(request).append('|').append(init).append('|').append(origin);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
