package dev.portcullis.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import dev.portcullis.egress.EgressConfigProblem;
import dev.portcullis.egress.EgressContext;
import dev.portcullis.egress.EgressLists;
import dev.portcullis.egress.EgressPolicy;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Loads Portcullis' YAML: its own sections ({@code server}, {@code storage}, {@code redis},
 * {@code auth}, {@code encryption}, ...) and the LibreChat sections it shares ({@code mcpServers},
 * {@code mcpSettings}, {@code endpoints.allowedAddresses}, {@code actions},
 * {@code interface.mcpServers}, {@code interface.peoplePicker}). LibreChat's other sections are accepted and listed as ignored, so
 * an operator can point the gateway at the file they already have; a section that is neither is
 * an error with the likely intended name, because a misspelled section ({@code mcpServer}) would
 * otherwise be silently dropped — LibreChat itself strips unknown keys without a word.
 */
public final class ConfigLoader {
    /**
     * The top-level keys of LibreChat's {@code configSchema} (packages/data-provider/src/config.ts
     * of librechat-data-provider 0.8.524, and {@code scheduledTasks} of earlier versions). Those
     * Portcullis reads are among them.
     */
    static final Set<String> LIBRECHAT_SECTIONS = Set.of("version", "permissions", "cache", "ocr", "webSearch",
            "langfuse", "memory", "summarization", "skillSync", "scheduledTasks", "secureImageLinks", "imageOutputType",
            "includedTools", "filteredTools", "mcpServers", "mcpSettings", "interface", "turnstile", "fileStrategy",
            "fileStrategies", "cloudfront", "actions", "registration", "balance", "transactions", "speech", "rateLimits",
            "fileConfig", "modelSpecs", "filters", "messageFilter", "endpoints", "openapi");
    static final String LIBRECHAT_ONLY = "LibreChat's own setting; Portcullis does not read it";
    private static final String CATALOG_RECOVERY = "Portcullis keeps no tool catalog to recover: it lists a server's"
            + " tools when they are asked for, within the bounds of upstream.maxToolPages, maxTools and toolListTimeout";
    private static final String UI_ONLY = "LibreChat's web client setting (how it polls and shows MCP servers);"
            + " Portcullis does not read it";
    private static final String CONFIGURE_OBO = "Portcullis does not support on-behalf-of token exchange: it never sees"
            + " the user's identity provider token";
    private static final int MAX_FILE_BYTES = 4 * 1024 * 1024;

    private final Map<String, String> environment;

    public ConfigLoader(Map<String, String> environment) {
        this.environment = environment;
    }

    /** The outcome of a load: the configuration when there were no errors, and every problem found. */
    public record Result(Optional<PortcullisConfig> config, List<ConfigProblem> problems) {
        public List<ConfigProblem> errors() {
            return problems.stream().filter(ConfigProblem::isError).toList();
        }

        public PortcullisConfig orThrow() {
            return config.orElseThrow(() -> new ConfigException(errors()));
        }
    }

    public Result load(Path file) {
        String name = file.toString();
        String text;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                return failed(name, 0, "the file is larger than 4 MiB; is this the right file?");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return failed(name, 0, "cannot read the file (" + e.getClass().getSimpleName()
                    + "); pass --config FILE, set PORTCULLIS_CONFIG, or create ./portcullis.yaml");
        }
        return load(name, text, file.toAbsolutePath().getParent());
    }

    /** Loads from text; relative paths in it resolve against {@code baseDir}. */
    public Result load(String name, String text, Path baseDir) {
        Node root;
        LoadSettings settings = LoadSettings.builder().setLabel(name).setAllowDuplicateKeys(true)
                .setMaxAliasesForCollections(50).build();
        try {
            root = new Compose(settings).composeString(text).orElse(null);
        } catch (MarkedYamlEngineException e) {
            // The problem and the line of the likely mistake only: the engine's snippet would echo file content.
            YamlSyntaxError error = YamlSyntaxError.locate(text, settings, e);
            return failed(name, error.line(), error.message());
        } catch (YamlEngineException e) {
            return failed(name, 0, "not valid YAML");
        }
        ConfigReport report = new ConfigReport(name, new EnvSubstitution(environment));
        if (root == null) {
            report.warning(0, "", "the file is empty; using defaults for everything");
        }
        ConfigNode top = new ConfigNode(root == null ? emptyMapping() : root, "", report);
        PortcullisConfig config = read(top, Path.of(name), baseDir, report);
        return new Result(report.hasErrors() ? Optional.empty() : Optional.of(config), report.problems());
    }

    private static Node emptyMapping() {
        return new Compose(LoadSettings.builder().build()).composeString("{}").orElseThrow();
    }

    private static Result failed(String file, int line, String message) {
        return new Result(Optional.empty(),
                List.of(new ConfigProblem(file, line, "", ConfigProblem.Severity.ERROR, message)));
    }

    private PortcullisConfig read(ConfigNode top, Path source, Path baseDir, ConfigReport report) {
        if (!top.isMapping()) {
            top.error("expected a mapping of sections (server, auth, mcpServers, ...)");
        }
        ServerSettings server = server(top.get("server"));
        StorageSettings storage = storage(top.get("storage"), baseDir);
        Optional<RedisSettings> redis = top.get("redis").flatMap(ConfigLoader::redis);
        AuthSettings auth = auth(top.get("auth"));
        EncryptionSettings encryption = encryption(top.get("encryption"));
        UpstreamSettings upstream = top.get("upstream").map(ConfigLoader::upstream).orElse(UpstreamSettings.DEFAULTS);
        OAuthFlowSettings oauth = top.get("oauth").map(ConfigLoader::oauth).orElse(OAuthFlowSettings.DEFAULTS);
        McpEndpointSettings mcpEndpoint = top.get("mcpEndpoint").map(McpEndpointReader::read)
                .orElse(McpEndpointSettings.DEFAULTS);
        Map<String, McpServerConfig> servers = new LinkedHashMap<>();
        // Read after Portcullis' own sections, whose secret settings decide which variables servers may not resolve.
        top.get("mcpServers").map(ConfigNode::withMcpServerEnvironment).ifPresent(section -> section.entries()
                .forEach((serverName, node) -> McpServerParser.parse(serverName, node).ifPresent(c -> servers.put(serverName, c))));

        EgressLists mcpLists = top.get("mcpSettings").map(n -> allowLists(n, EgressContext.MCP))
                .orElse(EgressLists.none());
        EgressLists endpointLists = top.get("endpoints").map(n -> allowLists(n, EgressContext.ENDPOINT))
                .orElse(EgressLists.none());
        EgressLists actionLists = top.get("actions").map(n -> allowLists(n, EgressContext.ACTION))
                .orElse(EgressLists.none());
        McpPermissionDefaults permissions = top.get("interface").map(ConfigLoader::permissions)
                .orElse(McpPermissionDefaults.LIBRECHAT);
        PeoplePickerDefaults peoplePicker = top.get("interface").flatMap(n -> n.get("peoplePicker"))
                .map(PeopleSettingsReader::peoplePicker).orElse(PeoplePickerDefaults.LIBRECHAT);

        for (Map.Entry<String, ConfigNode> e : top.entries().entrySet()) {
            String key = e.getKey();
            if (top.wasRead(key)) {
                continue; // Portcullis' own, or a LibreChat section it reads
            }
            if (LIBRECHAT_SECTIONS.contains(key)) {
                e.getValue().ignored(LIBRECHAT_ONLY);
            } else {
                e.getValue().keyError(unknownSection(key, top.keysRead()));
            }
        }
        List<ConfigProblem> notes = report.problems();
        return new PortcullisConfig(source, server, storage, redis, auth, encryption, upstream, oauth,
                java.util.Collections.unmodifiableMap(servers),
                new EgressSettings(mcpLists, endpointLists, actionLists), permissions, peoplePicker, mcpEndpoint,
                notes.stream().filter(ConfigProblem::isIgnored).map(ConfigProblem::path).toList(),
                notes.stream().filter(ConfigProblem::isWarning).toList());
    }

    private static String unknownSection(String key, Set<String> read) {
        Set<String> known = new java.util.TreeSet<>(read);
        known.addAll(LIBRECHAT_SECTIONS);
        List<String> best = dev.portcullis.error.DidYouMean.closest(key, known, 1);
        if (!best.isEmpty()) {
            return "unknown section; did you mean '" + best.getFirst() + "'?";
        }
        return "unknown section: neither one of Portcullis' (" + String.join(", ", new java.util.TreeSet<>(read))
                + ") nor one of LibreChat's; check its spelling or remove it";
    }

    private static ServerSettings server(Optional<ConfigNode> section) {
        if (section.isEmpty()) {
            return new ServerSettings("127.0.0.1", ServerSettings.DEFAULT_PORT,
                    URI.create("http://localhost:" + ServerSettings.DEFAULT_PORT), "", ServerSettings.DEFAULT_SHUTDOWN_TIMEOUT,
                    ServerSettings.DEFAULT_STALL_THRESHOLD);
        }
        ConfigNode n = section.get();
        String host = n.string("host", "127.0.0.1");
        int port = n.number("port", 0, 65535).map(Long::intValue).orElse(ServerSettings.DEFAULT_PORT);
        URI publicUrl = n.get("publicUrl").flatMap(node -> node.text().flatMap(text -> origin(node, text)))
                .orElse(URI.create("http://localhost:" + port));
        String basePath = n.string("basePath", "");
        if (!basePath.isEmpty() && (!basePath.startsWith("/") || basePath.endsWith("/") || basePath.contains("//"))) {
            n.get("basePath").orElseThrow().error("write it like /chat: starting with '/', without a trailing '/'");
        }
        Duration shutdown = n.number("shutdownTimeout", 0, Duration.ofMinutes(10).toMillis()).map(Duration::ofMillis)
                .orElse(ServerSettings.DEFAULT_SHUTDOWN_TIMEOUT);
        Duration stall = n.number("stallThreshold", 500, Duration.ofMinutes(10).toMillis()).map(Duration::ofMillis)
                .orElse(ServerSettings.DEFAULT_STALL_THRESHOLD);
        n.rejectUnknownKeys();
        return new ServerSettings(host, port, publicUrl, basePath, shutdown, stall);
    }

    /** A public URL is an origin plus an optional path prefix: no query, no fragment, no credentials. */
    private static Optional<URI> origin(ConfigNode node, String text) {
        try {
            URI uri = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                node.error("expected an absolute URL such as https://gateway.example.com");
            } else if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                node.error("the public URL takes no user info, query or fragment");
            } else {
                return Optional.of(uri);
            }
        } catch (URISyntaxException e) {
            node.error("not a valid URL: " + e.getReason());
        }
        return Optional.empty();
    }

    private static StorageSettings storage(Optional<ConfigNode> section, Path baseDir) {
        Path defaultDataDir = baseDir.resolve("data").normalize();
        if (section.isEmpty()) {
            return new StorageSettings(StorageSettings.defaultH2Url(defaultDataDir), Optional.empty(),
                    Optional.empty(), 10, defaultDataDir);
        }
        ConfigNode n = section.get();
        Path dataDir = n.string("dataDir").map(d -> baseDir.resolve(d).normalize()).orElse(defaultDataDir);
        n.get("url").ifPresent(ConfigNode::withholdReferences); // a JDBC URL may carry the password
        String url = n.string("url", StorageSettings.defaultH2Url(dataDir));
        if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
            n.get("url").orElseThrow().error("use a jdbc:postgresql:// URL for PostgreSQL, or leave it out for the built-in H2 file database");
        }
        Optional<String> username = n.string("username");
        Optional<Secret> password = n.secret("password");
        int pool = n.number("maxPoolSize", 1, 200).map(Long::intValue).orElse(10);
        n.rejectUnknownKeys();
        return new StorageSettings(url, username, password, pool, dataDir);
    }

    private static Optional<RedisSettings> redis(ConfigNode n) {
        n.get("url").ifPresent(ConfigNode::withholdReferences); // it may carry the password
        Optional<String> url = n.string("url");
        if (url.isEmpty()) {
            n.error("redis needs 'url', such as redis://127.0.0.1:6379 (or remove the section)");
        } else if (!url.get().startsWith("redis://") && !url.get().startsWith("rediss://")) {
            n.get("url").orElseThrow().error("expected a redis:// or rediss:// URL");
        }
        n.rejectUnknownKeys();
        return url.map(u -> new RedisSettings(Secret.of(u)));
    }

    private static AuthSettings auth(Optional<ConfigNode> section) {
        AuthSettings.ClaimNames defaults = AuthSettings.ClaimNames.LIBRECHAT;
        if (section.isEmpty()) {
            return new AuthSettings(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    defaults, Duration.ofSeconds(60));
        }
        ConfigNode n = section.get();
        Optional<Secret> secret = n.secret("secret");
        secret.filter(s -> s.reveal().getBytes(StandardCharsets.UTF_8).length < 32).ifPresent(s ->
                n.get("secret").orElseThrow().error("an HS256 secret must be at least 32 bytes; generate one with: openssl rand -hex 32"));
        Optional<URI> jwks = n.get("jwksUrl").flatMap(node -> node.text().flatMap(text -> {
            try {
                URI uri = new URI(text);
                if (!"https".equalsIgnoreCase(uri.getScheme()) && !"http".equalsIgnoreCase(uri.getScheme())) {
                    node.error("expected an http:// or https:// URL of the identity provider's JWKS");
                    return Optional.empty();
                }
                return Optional.of(uri);
            } catch (URISyntaxException e) {
                node.error("not a valid URL: " + e.getReason());
                return Optional.empty();
            }
        }));
        if (secret.isPresent() && jwks.isPresent()) {
            n.error("set either 'secret' (HS256, LibreChat's JWT_SECRET) or 'jwksUrl', not both");
        }
        AuthSettings.ClaimNames claims = n.get("claims").map(c -> {
            AuthSettings.ClaimNames names = new AuthSettings.ClaimNames(c.string("userId", defaults.userId()),
                    c.string("role", defaults.role()), c.string("email", defaults.email()),
                    c.string("tenant", defaults.tenant()), c.string("groups", defaults.groups()));
            c.rejectUnknownKeys();
            return names;
        }).orElse(defaults);
        Duration skew = n.number("clockSkewSeconds", 0, 600).map(Duration::ofSeconds).orElse(Duration.ofSeconds(60));
        PrincipalMapping mapping = PeopleSettingsReader.mapping(n);
        DirectorySettings directory = n.get("directory").map(PeopleSettingsReader::directory).orElse(DirectorySettings.DEFAULTS);
        Optional<OidcSettings> oidc = n.get("oidc").flatMap(ConfigLoader::oidc);
        SignInSettings signIn = n.get("signIn").map(ConfigLoader::signIn).orElse(SignInSettings.DEFAULTS);
        AuthSettings settings = new AuthSettings(secret, jwks, n.string("issuer"), n.string("audience"), claims, skew,
                mapping, directory, oidc, signIn);
        n.rejectUnknownKeys();
        return settings;
    }

    /** {@code auth.oidc}: the identity provider of console sign-in. */
    private static Optional<OidcSettings> oidc(ConfigNode n) {
        Optional<URI> issuer = n.get("issuer").flatMap(node -> node.text().flatMap(text -> {
            try {
                URI uri = new URI(text);
                if (!"https".equalsIgnoreCase(uri.getScheme()) && !"http".equalsIgnoreCase(uri.getScheme())
                        || uri.getHost() == null || uri.getQuery() != null || uri.getFragment() != null) {
                    node.error("expected the identity provider's issuer URL (https://..., no query or fragment), as its"
                            + " discovery document names it");
                    return Optional.empty();
                }
                if ("http".equalsIgnoreCase(uri.getScheme()) && !ServerSettings.isLoopback(uri.getHost())) {
                    // Discovery, the JWKS and the client secret would cross the network in the clear: whoever can
                    // change them can sign anyone in.
                    node.error("the issuer must be https:// (http:// only for a provider on this machine)");
                    return Optional.empty();
                }
                return Optional.of(uri);
            } catch (URISyntaxException e) {
                node.error("not a valid URL: " + e.getReason());
                return Optional.empty();
            }
        }));
        if (n.get("issuer").isEmpty()) {
            n.error("'issuer' is required: the identity provider's issuer URL");
        }
        Optional<String> clientId = n.string("clientId");
        if (clientId.isEmpty()) {
            n.error("'clientId' is required: the client registered at the identity provider for this gateway");
        }
        Optional<Secret> clientSecret = n.secret("clientSecret");
        if (clientSecret.isEmpty()) {
            n.error("'clientSecret' is required (the gateway signs people in as a confidential client); write ${VAR}");
        }
        List<String> scopes = n.get("scopes").isPresent() ? n.strings("scopes") : OidcSettings.DEFAULT_SCOPES;
        if (!scopes.contains("openid")) {
            n.get("scopes").orElseThrow().error("the scopes must include 'openid' (without it there is no ID token)");
        }
        OidcSettings.Claims defaults = OidcSettings.Claims.DEFAULTS;
        OidcSettings.Claims claims = n.get("claims").map(c -> {
            OidcSettings.Claims names = new OidcSettings.Claims(c.string("userId", defaults.userId()),
                    c.string("email", defaults.email()), c.string("name", defaults.name()), c.string("role"), c.string("groups"));
            c.rejectUnknownKeys();
            return names;
        }).orElse(defaults);
        n.rejectUnknownKeys();
        if (issuer.isEmpty() || clientId.isEmpty() || clientSecret.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new OidcSettings(issuer.get(), clientId.get(), clientSecret.get(), scopes, claims));
    }

    /** {@code auth.signIn}: how long a console sign-in lasts. */
    private static SignInSettings signIn(ConfigNode n) {
        SignInSettings defaults = SignInSettings.DEFAULTS;
        Duration idle = n.number("idleMinutes", 1, 7 * 24 * 60).map(Duration::ofMinutes).orElse(defaults.idle());
        Duration absolute = n.number("maxHours", 1, 30 * 24).map(Duration::ofHours).orElse(defaults.absolute());
        if (idle.compareTo(absolute) > 0) {
            n.error("'idleMinutes' is longer than 'maxHours': a sign-in never lasts longer than maxHours");
        }
        n.rejectUnknownKeys();
        return new SignInSettings(idle, absolute);
    }

    private static OAuthFlowSettings oauth(ConfigNode n) {
        boolean unbound = n.bool("allowUnboundCallback", false);
        Optional<URI> result = n.get("resultUrl").flatMap(node -> node.text().flatMap(text -> origin(node, text)));
        n.rejectUnknownKeys();
        return new OAuthFlowSettings(unbound, result);
    }

    private static UpstreamSettings upstream(ConfigNode n) {
        UpstreamSettings d = UpstreamSettings.DEFAULTS;
        long day = Duration.ofDays(1).toMillis();
        UpstreamSettings s = new UpstreamSettings(
                n.number("idleTimeout", 1000, day).map(Duration::ofMillis).orElse(d.idleTimeout()),
                n.number("maxConnections", 1, 100_000).map(Long::intValue).orElse(d.maxConnections()),
                n.number("maxConnectionsPerUser", 1, 10_000).map(Long::intValue).orElse(d.maxConnectionsPerUser()),
                n.number("maxMessageBytes", 1024, 256L * 1024 * 1024).map(Long::intValue).orElse(d.maxMessageBytes()),
                n.number("maxToolPages", 1, 1000).map(Long::intValue).orElse(d.maxToolPages()),
                n.number("maxTools", 1, 100_000).map(Long::intValue).orElse(d.maxTools()),
                n.number("maxToolBytes", 1024, 256L * 1024 * 1024).map(Long::intValue).orElse(d.maxToolBytes()),
                n.number("toolListTimeout", 100, day).map(Duration::ofMillis).orElse(d.toolListTimeout()),
                n.number("serverChangesPerMinute", 1, 10_000).map(Long::intValue).orElse(d.serverChangesPerMinute()),
                n.number("reinitializePerMinute", 1, 10_000).map(Long::intValue).orElse(d.reinitializePerMinute()),
                n.number("connectionsPerOrigin", 1, 10_000).map(Long::intValue).orElse(d.connectionsPerOrigin()),
                n.number("streamsPerOrigin", 0, 100_000).map(Long::intValue).orElse(d.streamsPerOrigin()),
                n.number("streamsPerUser", 0, 10_000).map(Long::intValue).orElse(d.streamsPerUser()),
                n.number("callsInFlightPerUser", 1, 10_000).map(Long::intValue).orElse(d.callsInFlightPerUser()));
        n.rejectUnknownKeys();
        return s;
    }

    private static EncryptionSettings encryption(Optional<ConfigNode> section) {
        if (section.isEmpty()) {
            return new EncryptionSettings(Optional.empty(), List.of());
        }
        ConfigNode n = section.get();
        n.get("key").ifPresent(ConfigNode::withholdReferences);
        n.get("previousKeys").ifPresent(list -> list.items().forEach(ConfigNode::withholdReferences));
        Optional<Secret> key = n.get("key").flatMap(node -> node.text().filter(t -> !t.isEmpty())
                .flatMap(text -> key(node, text)));
        List<Secret> previous = new ArrayList<>();
        n.get("previousKeys").ifPresent(list -> list.items().forEach(item ->
                item.text().filter(t -> !t.isBlank()).flatMap(text -> key(item, text)).ifPresent(previous::add)));
        n.rejectUnknownKeys();
        return new EncryptionSettings(key, List.copyOf(previous));
    }

    private static Optional<Secret> key(ConfigNode node, String text) {
        try {
            byte[] bytes = Base64.getDecoder().decode(text.strip());
            if (bytes.length == EncryptionSettings.KEY_BYTES) {
                return Optional.of(Secret.of(text.strip()));
            }
        } catch (IllegalArgumentException e) {
            // reported below, without the value
        }
        node.error("expected 32 random bytes in base64; generate a key with: openssl rand -base64 32");
        return Optional.empty();
    }

    /**
     * {@code allowedDomains} / {@code allowedAddresses} of one context (custom endpoints have no
     * domain list); other keys are LibreChat's own. Every entry is checked by the egress rules and
     * a bad one reported at its own line.
     */
    private static EgressLists allowLists(ConfigNode section, EgressContext context) {
        boolean domainsToo = context != EgressContext.ENDPOINT;
        List<ConfigNode> domainNodes = domainsToo ? items(section, EgressConfigProblem.ALLOWED_DOMAINS) : List.of();
        List<ConfigNode> addressNodes = items(section, EgressConfigProblem.ALLOWED_ADDRESSES);
        for (String key : section.entries().keySet()) {
            boolean used = key.equals(EgressConfigProblem.ALLOWED_ADDRESSES)
                    || (domainsToo && key.equals(EgressConfigProblem.ALLOWED_DOMAINS));
            if (!used) {
                section.entries().get(key).ignored(key.equals("catalogRecovery") && context == EgressContext.MCP
                        ? CATALOG_RECOVERY : LIBRECHAT_ONLY);
            }
        }
        EgressLists lists = new EgressLists(texts(domainNodes), texts(addressNodes));
        for (EgressConfigProblem p : EgressPolicy.validate(context, lists)) {
            List<ConfigNode> nodes = p.list().equals(EgressConfigProblem.ALLOWED_DOMAINS) ? domainNodes : addressNodes;
            ConfigNode at = p.index() >= 0 && p.index() < nodes.size() ? nodes.get(p.index()) : section;
            at.error(p.code() + ": " + p.message());
        }
        return lists;
    }

    private static List<ConfigNode> items(ConfigNode section, String key) {
        return section.get(key).map(ConfigNode::items).orElse(List.of());
    }

    private static List<String> texts(List<ConfigNode> nodes) {
        return nodes.stream().map(n -> n.text().orElse("")).toList();
    }

    /**
     * {@code interface.mcpServers}: the role permissions Portcullis enforces; LibreChat's web client
     * settings beside them are checked as LibreChat checks them and noted as ignored.
     */
    private static McpPermissionDefaults permissions(ConfigNode section) {
        McpPermissionDefaults d = McpPermissionDefaults.LIBRECHAT;
        McpPermissionDefaults result = section.get("mcpServers").map(n -> {
            McpPermissionDefaults read = new McpPermissionDefaults(n.bool("use", d.use()), n.bool("create", d.create()),
                    n.bool("share", d.share()), n.bool("public", d.sharePublic()));
            for (String interval : List.of("toolsRefreshInterval", "statusRefreshInterval")) {
                n.get(interval).ifPresent(child -> {
                    n.number(interval, 0, Integer.MAX_VALUE);
                    child.ignored(UI_ONLY);
                });
            }
            n.get("placeholder").ifPresent(child -> {
                child.text();
                child.ignored(UI_ONLY);
            });
            n.get("trustCheckbox").ifPresent(child -> {
                if (!child.isMapping()) {
                    child.error("expected {label, subLabel}");
                }
                child.ignored(UI_ONLY);
            });
            n.get("configureObo").ifPresent(child -> {
                n.bool("configureObo");
                child.ignored(CONFIGURE_OBO);
            });
            n.warnUnknownKeys("unknown interface.mcpServers option; ignored");
            return read;
        }).orElse(d);
        section.entries().forEach((key, child) -> {
            if (!key.equals("mcpServers") && !key.equals("peoplePicker")) {
                child.ignored(LIBRECHAT_ONLY);
            }
        });
        return result;
    }
}
