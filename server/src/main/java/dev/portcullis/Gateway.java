package dev.portcullis;

import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.crypto.Sealers;
import dev.portcullis.crypto.SecretSealer;
import dev.portcullis.store.shared.ReplicaCalls;
import dev.portcullis.oauth.ClientIdentities;
import dev.portcullis.oauth.Discovery;
import dev.portcullis.oauth.MachineTokenClient;
import dev.portcullis.oauth.MachineTokens;
import dev.portcullis.oauth.OAuthHttp;
import dev.portcullis.oauth.RegisteredClients;
import dev.portcullis.oauth.TokenClient;
import dev.portcullis.oauth.dpop.DpopNonces;
import dev.portcullis.oauth.flow.OAuthFlows;
import dev.portcullis.oauth.flow.OAuthTokens;
import dev.portcullis.oauth.flow.OAuthUpstreamAuthorization;
import dev.portcullis.oauth.flow.EnterpriseTokens;
import dev.portcullis.oauth.flow.IdTokens;
import dev.portcullis.oauth.flow.PresentedIdTokens;
import dev.portcullis.oauth.IdJagClient;
import dev.portcullis.oauth.IdentityProviders;
import dev.portcullis.oauth.flow.TokenVault;
import dev.portcullis.store.shared.PerMinuteLimit;
import dev.portcullis.store.shared.SharedState;
import java.time.Duration;
import dev.portcullis.store.UserVariables;
import dev.portcullis.upstream.ConnectionManager;
import dev.portcullis.upstream.ServerResolver;
import dev.portcullis.upstream.OfflineSchemaValidator;
import dev.portcullis.upstream.ToolService;
import dev.portcullis.upstream.Transports;
import dev.portcullis.upstream.stdio.ChildProcesses;
import dev.portcullis.upstream.transport.StreamBudget;
import dev.portcullis.upstream.UpstreamNames;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import java.time.Clock;
import dev.portcullis.egress.EgressContext;
import dev.portcullis.egress.EgressDecision;
import dev.portcullis.egress.EgressPolicy;
import dev.portcullis.egress.HostResolver;
import dev.portcullis.egress.jetty.GuardedHttpClients;
import dev.portcullis.http.HttpServer;
import dev.portcullis.http.ReadinessCheck;
import dev.portcullis.http.SchedulerWatchdog;
import dev.portcullis.identity.RolePermissions;
import dev.portcullis.identity.StoredRoleOverrides;
import dev.portcullis.people.PeopleDirectory;
import dev.portcullis.identity.TokenVerifiers;
import dev.portcullis.access.ServerGrants;
import dev.portcullis.registry.ChangeLimiter;
import dev.portcullis.registry.OperatorServers;
import dev.portcullis.registry.ServerRegistry;
import dev.portcullis.registry.ServerSharing;
import dev.portcullis.registry.UserServerAdmin;
import dev.portcullis.registry.UserServerStore;
import dev.portcullis.store.AuditLog;
import dev.portcullis.upstream.ServerInspection;
import dev.portcullis.store.Database;
import dev.portcullis.store.RedisConnection;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import dev.portcullis.mcp.FrontDoor;
import dev.portcullis.mcp.FrontDoorEvents;
import dev.portcullis.oauth.flow.AuthorizationLinks;
import org.eclipse.jetty.client.HttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The composition root: builds every part from the configuration, by constructor, in dependency
 * order, and closes them in reverse. Nothing else in the code base creates long-lived parts.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    private final List<AutoCloseable> closeInReverse = new ArrayList<>();
    private HttpServer http;

    private Gateway() {
    }

    public static Gateway start(PortcullisConfig config) {
        Gateway gateway = new Gateway();
        try {
            gateway.wire(config);
            return gateway;
        } catch (RuntimeException e) {
            gateway.close();
            throw e;
        }
    }

    private void wire(PortcullisConfig config) {
        if (!config.ignoredSections().isEmpty()) {
            log.info("ignoring configuration settings Portcullis does not use (portcullis config check gives the reasons): {}",
                    String.join(", ", config.ignoredSections()));
        }
        config.warnings().forEach(w -> log.warn("{}", w.describe()));
        if (config.encryption().key().isEmpty()) {
            log.warn("development mode: no encryption.key is set, so secrets at rest are sealed with a key generated in {}; "
                    + "set encryption.key before storing real credentials", config.storage().dataDir());
        }
        if (config.auth().developmentMode()) {
            log.warn("development mode: no auth.secret or auth.jwksUrl is set, so tokens are signed with a secret generated "
                    + "in {}; set auth.secret (LibreChat's JWT_SECRET) before exposing this gateway", config.storage().dataDir());
        }

        EgressPolicy egress = config.egress().policy(HostResolver.system());
        refuseBlockedJwksUrl(config, egress);
        HttpClient outbound = GuardedHttpClients.create(egress);
        // Pools are per partition (the shared connections, each user's, their streams): see ConnectionPool.
        outbound.setMaxConnectionsPerDestination(config.upstream().connectionsPerOrigin());
        outbound.setDestinationIdleTimeout(Duration.ofMinutes(5).toMillis()); // a user's pools go when unused
        startClient(outbound);
        closeInReverse.add(outbound::stop);

        Database database = Database.open(config.storage());
        closeInReverse.add(database);
        List<ReadinessCheck> readiness = new ArrayList<>();
        readiness.add(ReadinessCheck.of("storage", database::isReachable));
        Optional<RedisConnection> redis = config.redis().map(RedisConnection::open);
        redis.ifPresent(r -> {
            closeInReverse.add(r);
            readiness.add(ReadinessCheck.of("redis", r::isReachable));
        });

        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new ClassLoaderMetrics().bindTo(metrics);
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        new UptimeMetrics().bindTo(metrics);
        closeInReverse.add(metrics::close);
        SchedulerWatchdog watchdog = new SchedulerWatchdog(Duration.ofSeconds(1), config.server().stallThreshold(),
                config.storage().dataDir(), metrics);
        closeInReverse.add(watchdog);
        readiness.add(watchdog.readiness());

        Clock clock = Clock.systemUTC();
        JsonMapper json = JsonMapper.builder().build();
        McpJsonMapper mcpJson = new JacksonMcpJsonMapper(json);
        SecretSealer sealer = Sealers.fromSettings(config.encryption(), config.storage().dataDir());
        UserVariables variables = new UserVariables(database.jdbi(), sealer, clock);

        SharedState shared = config.redis().map(r -> SharedState.redis(r, "portcullis:")).orElseGet(() -> SharedState.memory(clock));
        closeInReverse.add(shared);
        OAuthHttp oauthHttp = new OAuthHttp(outbound, egress, Duration.ofSeconds(30));
        DpopNonces dpopNonces = new DpopNonces(); // the servers' latest DPoP nonces, for token and MCP requests alike
        TokenClient tokenClient = new TokenClient(oauthHttp, clock, dpopNonces);
        TokenVault vault = new TokenVault(database.jdbi(), sealer, clock);
        RegisteredClients registeredClients = new RegisteredClients(database.jdbi(), sealer, clock);
        OAuthFlows flows = new OAuthFlows(new OAuthFlows.FlowStoreParts(shared.keyValues(), shared.pubSub(), json),
                new Discovery(oauthHttp), new ClientIdentities(oauthHttp, registeredClients,
                config.server().publicUrl()), tokenClient, vault, sealer, clock);
        OAuthTokens oauthTokens = new OAuthTokens(vault, tokenClient, shared.locks(), clock);
        idTokens = new IdTokens(shared.keyValues(), sealer, json, clock);
        IdentityProviders identityProviders = new IdentityProviders(oauthHttp);
        EnterpriseTokens enterpriseTokens = new EnterpriseTokens(new EnterpriseTokens.Parts(vault, idTokens,
                new IdJagClient(oauthHttp, tokenClient), identityProviders, shared.locks(), clock));
        MachineTokens machineTokens = new MachineTokens(new MachineTokenClient(new Discovery(oauthHttp), tokenClient, clock), clock);
        OAuthUpstreamAuthorization authorization = new OAuthUpstreamAuthorization(flows, oauthTokens, machineTokens,
                dpopNonces, enterpriseTokens);

        StreamBudget streams = new StreamBudget(config.upstream().streamsPerOrigin(), config.upstream().streamsPerUser());
        io.micrometer.core.instrument.Gauge.builder("portcullis.upstream.streams", streams, StreamBudget::open)
                .description("Long-lived streams open to MCP servers (listening GET streams, legacy SSE)").register(metrics);
        ChildProcesses children = new ChildProcesses();
        closeInReverse.add(children::killAll); // after the connections closed theirs: what is left, still starting
        ConnectionManager connections = new ConnectionManager(config.upstream(),
                new Transports(outbound, mcpJson, config.upstream().maxMessageBytes(), authorization, children, streams), mcpJson,
                new UpstreamNames(metrics, config.mcpServers().keySet()), clock);
        closeInReverse.add(connections);
        io.micrometer.core.instrument.Gauge.builder("portcullis.upstream.sessions", connections, ConnectionManager::openSessions)
                .description("Open MCP sessions (shared app sessions and users' own)").register(metrics);
        ServerRegistry registry = new ServerRegistry(new OperatorServers(config.mcpServers()),
                new UserServerStore(database.jdbi(), sealer, json, clock), new ServerGrants(database.jdbi(), clock));
        ServerResolver resolver = new ServerResolver(System.getenv(), config.upstream().maxMessageBytes());
        ToolService tools = new ToolService(registry, variables, resolver, connections,
                new OfflineSchemaValidator(json), authorization,
                new PerMinuteLimit(shared.keyValues(), "connections:reinitialize", config.upstream().reinitializePerMinute(), clock),
                new ToolService.CallLimits(config.upstream().callsInFlightPerUser(), config.upstream().connectionsPerOrigin()));
        UserServerLifecycle lifecycle = new UserServerLifecycle(connections, oauthTokens, registeredClients, variables,
                shared.pubSub());
        closeInReverse.add(lifecycle);
        AuditLog audit = new AuditLog(database.jdbi());
        PeopleDirectory people = new PeopleDirectory(database.jdbi(), shared.keyValues(), config.auth().directory(), clock);
        // Forgetting must not wait for traffic: an idle gateway still drops who it has not seen for the retention.
        java.util.concurrent.ScheduledExecutorService forgetting = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("people-retention").factory());
        forgetting.scheduleAtFixedRate(people::purgeQuietly, 1, 60, java.util.concurrent.TimeUnit.MINUTES);
        closeInReverse.add(forgetting::shutdownNow);
        StoredRoleOverrides roleOverrides = new StoredRoleOverrides(database.jdbi(), shared.pubSub(), audit, json, clock);
        closeInReverse.add(roleOverrides);
        HttpServer.Registry registryServices = new HttpServer.Registry(registry,
                new UserServerAdmin(registry, new UserServerAdmin.Parts(egress, new ServerInspection(resolver, connections), lifecycle,
                        audit, new ChangeLimiter(shared.keyValues(), config.upstream().serverChangesPerMinute(), clock)), json, clock),
                new ServerSharing(registry, audit, json, clock, people));
        AuthorizationLinks links = new AuthorizationLinks(shared.keyValues(), config.server().publicUrl(), json);
        ReplicaCalls replicaCalls = new ReplicaCalls(shared.pubSub(), json);
        closeInReverse.add(replicaCalls);
        FrontDoor door = new FrontDoor(tools, links, mcpJson, clock, shared.keyValues(), json, sealer, replicaCalls);
        io.micrometer.core.instrument.Gauge.builder("portcullis.mcp.sessions", door, FrontDoor::sessionCount)
                .description("MCP client sessions open at the front door (/mcp) on this replica").register(metrics);
        FrontDoorEvents events = new FrontDoorEvents(door, shared.pubSub(), json);
        closeInReverse.add(events);
        connections.addListener(events);
        lifecycle.onListsChanged(events::serversChanged);
        registryServices.sharing().onChange(lifecycle::listsChanged);
        tools.onUserServerChanged((tenant, user, server) -> events.authorized(tenant, user, server));
        flows.onCompleted(owner -> {
            tools.authorizationCompleted(owner.tenantId(), owner.userId(), owner.serverName());
            events.authorized(owner.tenantId(), owner.userId(), owner.serverName());
        });
        java.net.URI publicUrl = config.server().publicUrl();
        String callback = publicUrl.toString().replaceAll("/+$", "") + "/console/callback";
        var signIns = new dev.portcullis.console.SignInSessions(shared.keyValues(), json, config.auth().signIn(),
                new dev.portcullis.identity.PrincipalMapper(config.auth().mapping()), clock);
        var oidcSignIn = config.auth().oidc().map(o -> new dev.portcullis.console.OidcSignIn(
                new dev.portcullis.oauth.OpenIdProvider(oauthHttp, o, clock), o, shared.keyValues(), json,
                java.net.URI.create(callback), exchangesIdTokensOf(config, o.issuer().toString())
                        ? Optional.of(idTokens) : Optional.empty()));
        var devSignIn = dev.portcullis.console.DevSignIn.offered(config)
                ? Optional.of(new dev.portcullis.console.DevSignIn(shared.keyValues())) : Optional.<dev.portcullis.console.DevSignIn>empty();
        var signInStarts = new dev.portcullis.store.shared.PerMinuteLimit(shared.keyValues(), "signin:starts",
                dev.portcullis.console.OidcSignIn.STARTS_PER_MINUTE, clock);
        http = HttpServer.start(new HttpServer.Dependencies(config.server(), TokenVerifiers.forConfig(config, outbound),
                new RolePermissions(config.mcpPermissions(), config.peoplePicker(), roleOverrides), registryServices, tools,
                connections, variables, new HttpServer.OAuthServices(flows, oauthTokens, vault, config.oauth(), links,
                        Optional.of(new PresentedIdTokens(identityProviders, idTokens))), metrics,
                List.copyOf(readiness), json,
                new HttpServer.People(people, roleOverrides, config.auth().mapping().roles().keySet()),
                new HttpServer.McpEndpoint(door, config.mcpEndpoint(), config.auth().issuer()), replicaCalls,
                new HttpServer.SignIn(signIns, oidcSignIn, devSignIn, signInStarts), new HttpServer.Admin(audit, egress)));
        closeInReverse.add(http);
        this.devSignIn = devSignIn;
        this.publicUrl = publicUrl;
        tools.warmUp();
    }

    /** Whether an enterprise-managed server exchanges ID tokens of this provider: only then are sign-ins' ID tokens kept. */
    private static boolean exchangesIdTokensOf(PortcullisConfig config, String issuer) {
        return config.mcpServers().values().stream().flatMap(c -> c.enterpriseManaged().stream())
                .anyMatch(e -> e.idpIssuer().equals(issuer));
    }

    /** A JWKS URL the egress policy refuses would fail every request; refuse to start instead. */
    private static void refuseBlockedJwksUrl(PortcullisConfig config, EgressPolicy egress) {
        config.auth().jwksUrl().ifPresent(url -> {
            if (egress.decide(url.toString(), EgressContext.ENDPOINT) instanceof EgressDecision.Block block) {
                throw new IllegalStateException("auth.jwksUrl is refused by the egress policy (" + block.describe()
                        + "); list its host in endpoints.allowedAddresses if it is a private address you trust");
            }
        });
    }

    private static void startClient(HttpClient client) {
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the outbound HTTP client", e);
        }
    }

    public int port() {
        return http.port();
    }

    private Optional<dev.portcullis.console.DevSignIn> devSignIn = Optional.empty();
    private java.net.URI publicUrl;
    private IdTokens idTokens;

    /**
     * The ID tokens kept for enterprise-managed servers. For the conformance client, which plays the console's
     * sign-in for a scenario whose identity provider publishes no keys (see docs/conformance.md).
     */
    public IdTokens idTokens() {
        return idTokens;
    }

    /**
     * A new one-time link that signs its holder in to the console as an admin, when the development sign-in is
     * offered (no {@code auth.oidc}, and a public URL on this machine); {@code serve} prints one at start.
     */
    public Optional<java.net.URI> devSignInLink() {
        return devSignIn.map(d -> java.net.URI.create(publicUrl.toString().replaceAll("/+$", "")
                + "/console/dev-login?ticket=" + d.ticket()));
    }

    @Override
    public void close() {
        for (int i = closeInReverse.size() - 1; i >= 0; i--) {
            try {
                closeInReverse.get(i).close();
            } catch (Exception e) {
                log.warn("failed to close {}", closeInReverse.get(i), e);
            }
        }
        closeInReverse.clear();
    }
}
