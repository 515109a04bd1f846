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
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;

/**
 * Turns a server's configuration into what to connect to for one caller: decides the connection
 * scope and resolves user placeholders — the caller's {@code customUserVars} values as
 * {@code {{NAME}}} and LibreChat's user fields ({@code {{LIBRECHAT_USER_ID}}}, ...) from the token.
 * The operator's {@code ${VAR}}s were resolved at load, before this, so a user value containing
 * {@code ${SECRET}} stays literal; and resolution is one pass, so a user value containing
 * {@code {{OTHER}}} is not expanded either.
 */
public final class ServerResolver {
    private static final String USER_FIELD = "LIBRECHAT_USER_";
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

    /** Whether connections to this server are per user: OAuth, per-user variables or user placeholders. */
    public static boolean isUserScoped(McpServerConfig c) {
        // A user's server is shared through grants, never through a connection: each user connects as themselves.
        if (c.isUserManaged()) {
            return true;
        }
        if (c.requiresOAuth().orElse(c.oauth().isPresent()) || !c.customUserVars().isEmpty()) {
            return true;
        }
        List<String> texts = new ArrayList<>();
        c.url().ifPresent(texts::add);
        c.command().ifPresent(texts::add);
        texts.addAll(c.args());
        c.headers().values().forEach(v -> texts.add(v.reveal()));
        c.env().values().forEach(v -> texts.add(v.reveal()));
        return texts.stream().anyMatch(t -> t.contains("{{" + USER_FIELD));
    }

    public ResolvedServer resolve(McpServerConfig c, Caller caller, Map<String, String> userValues) {
        return resolve(c, caller, userValues, isUserScoped(c));
    }

    /** @param userScoped also true for a server found to require OAuth without being configured so */
    public ResolvedServer resolve(McpServerConfig c, Caller caller, Map<String, String> userValues, boolean userScoped) {
        ConnectionScope scope = userScoped
                ? new ConnectionScope.User(caller.tenantId().orElse(""), caller.userId()) : ConnectionScope.APP;
        List<String> missing = c.customUserVars().keySet().stream()
                .filter(name -> userValues.getOrDefault(name, "").isEmpty()).toList();
        if (!missing.isEmpty()) {
            throw new MissingUserVariablesException(c.name(), missing);
        }
        Map<String, String> values = new LinkedHashMap<>();
        if (scope instanceof ConnectionScope.User) {
            c.customUserVars().keySet().forEach(name -> values.put(name, userValues.get(name)));
            values.put(USER_FIELD + "ID", caller.userId());
            values.put(USER_FIELD + "EMAIL", caller.email().orElse(""));
            values.put(USER_FIELD + "ROLE", caller.role());
            values.put(USER_FIELD + "TENANTID", caller.tenantId().orElse(""));
        }
        ResolvedServer.Endpoint endpoint = c.type().orElse(null) == McpServerConfig.Transport.STDIO
                ? stdio(c, values) : remote(c, values);
        Duration requestTimeout = c.timeout().filter(t -> !t.isZero()).orElse(DEFAULT_REQUEST_TIMEOUT);
        return new ResolvedServer(c.name(), c, scope, endpoint, requestTimeout, c.initTimeout(),
                fingerprint(endpoint, requestTimeout, c.initTimeout(), c.origin()));
    }

    private ResolvedServer.Stdio stdio(McpServerConfig c, Map<String, String> values) {
        List<String> commandLine = new ArrayList<>();
        commandLine.add(substitute(c.command().orElseThrow(), values));
        c.args().forEach(a -> commandLine.add(substitute(a, values)));
        Map<String, String> env = new LinkedHashMap<>();
        Optional.ofNullable(gatewayEnvironment.get("PATH")).ifPresent(p -> env.put("PATH", p));
        c.env().forEach((k, v) -> env.put(k, substitute(v.reveal(), values)));
        return new ResolvedServer.Stdio(new StdioLaunch(c.name(), commandLine, env, c.cwd().map(Path::of), maxMessageBytes));
    }

    private static ResolvedServer.Remote remote(McpServerConfig c, Map<String, String> values) {
        String url = substitute(c.url().orElseThrow(), values);
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new UpstreamException.Blocked("INVALID_URL", "the URL of '" + c.name() + "' is not valid after placeholders were resolved");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        c.headers().forEach((k, v) -> headers.put(k, substitute(v.reveal(), values)));
        c.apiKey().ifPresent(k -> {
            Optional<Secret> key = k.source() == McpServerConfig.ApiKey.Source.ADMIN ? k.key()
                    : Optional.ofNullable(values.get(USER_API_KEY)).map(Secret::of);
            key.ifPresent(value -> headers.put(apiKeyHeader(k), apiKeyValue(k, value)));
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

    /** One pass over the text: replacement values are never scanned again. */
    static String substitute(String text, Map<String, String> values) {
        if (!text.contains("{{")) {
            return text;
        }
        Matcher m = UserPlaceholders.PATTERN.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value = values.get(name);
            if (value == null && name.toUpperCase(Locale.ROOT).startsWith(USER_FIELD) && !values.isEmpty()) {
                value = ""; // a user field this platform's tokens do not carry
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : m.group()));
        }
        m.appendTail(out);
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
