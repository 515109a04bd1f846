package dev.portcullis.testing;

import dev.portcullis.config.McpPermissionDefaults;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.config.UpstreamSettings;
import dev.portcullis.crypto.Sealers;
import dev.portcullis.http.HttpServer;
import dev.portcullis.http.ReadinessCheck;
import dev.portcullis.identity.RolePermissions;
import dev.portcullis.identity.TokenVerifier;
import dev.portcullis.access.ServerGrants;
import dev.portcullis.registry.OperatorServers;
import dev.portcullis.registry.ServerInspector;
import dev.portcullis.registry.ServerLifecycle;
import dev.portcullis.registry.ServerRegistry;
import dev.portcullis.registry.ServerSharing;
import dev.portcullis.registry.UserServerAdmin;
import dev.portcullis.registry.UserServerStore;
import dev.portcullis.store.AuditLog;
import dev.portcullis.store.Database;
import dev.portcullis.store.UserVariables;
import dev.portcullis.upstream.ConnectionManager;
import dev.portcullis.upstream.ServerResolver;
import dev.portcullis.upstream.ToolService;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import dev.portcullis.upstream.OfflineSchemaValidator;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/** The HTTP server's dependencies for tests that start it without a whole gateway. */
public final class TestDependencies {
    private TestDependencies() {
    }

    public static HttpServer.Dependencies of(PortcullisConfig config, Database database, List<ReadinessCheck> readiness) {
        JsonMapper json = JsonMapper.builder().build();
        var mcpJson = new JacksonMcpJsonMapper(json);
        UserVariables variables = new UserVariables(database.jdbi(),
                Sealers.fromSettings(config.encryption(), config.storage().dataDir()), Clock.systemUTC());
        ConnectionManager connections = new ConnectionManager(UpstreamSettings.DEFAULTS, server -> {
            throw new IllegalStateException("no transports in this test");
        }, mcpJson, new dev.portcullis.upstream.UpstreamNames(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), java.util.Set.of()), Clock.systemUTC());
        var sealer = Sealers.fromSettings(config.encryption(), config.storage().dataDir());
        ServerRegistry servers = new ServerRegistry(new OperatorServers(Map.of()),
                new UserServerStore(database.jdbi(), sealer, json, Clock.systemUTC()), new ServerGrants(database.jdbi(), Clock.systemUTC()));
        AuditLog audit = new AuditLog(database.jdbi());
        var shared = dev.portcullis.store.shared.SharedState.memory(Clock.systemUTC());
        var people = new dev.portcullis.people.PeopleDirectory(database.jdbi(), shared.keyValues(), config.auth().directory(),
                Clock.systemUTC());
        var overrides = new dev.portcullis.identity.StoredRoleOverrides(database.jdbi(), shared.pubSub(), audit, json,
                Clock.systemUTC());
        ServerLifecycle nothingToClose = new ServerLifecycle() {
            @Override
            public void closeConnections(String tenantId, String serverName) {
            }

            @Override
            public void clearValues(org.jdbi.v3.core.Handle h, String tenantId, String serverName) {
            }

            @Override
            public void dropCredentials(String tenantId, dev.portcullis.config.McpServerConfig config, boolean serverGone) {
            }

            @Override
            public void listsChanged(String tenantId) {
            }
        };
        ServerInspector noInspection = (c, caller) -> {
            throw new ServerInspector.InspectionFailed("no connections in this test", null);
        };
        var limiter = new dev.portcullis.registry.ChangeLimiter(dev.portcullis.store.shared.SharedState.memory(Clock.systemUTC())
                .keyValues(), 30, Clock.systemUTC());
        HttpServer.Registry registry = new HttpServer.Registry(servers, new UserServerAdmin(servers, new UserServerAdmin.Parts(
                config.egress().policy(dev.portcullis.egress.HostResolver.system()), noInspection, nothingToClose, audit, limiter),
                json, Clock.systemUTC()), new ServerSharing(servers, audit, json, Clock.systemUTC(), people));
        ToolService tools = new ToolService(servers, variables, new ServerResolver(Map.of(), 1 << 20), connections,
                        new OfflineSchemaValidator(json), dev.portcullis.upstream.UpstreamAuthorization.NONE,
                        new dev.portcullis.store.shared.PerMinuteLimit(dev.portcullis.store.shared.SharedState
                                .memory(Clock.systemUTC()).keyValues(), "connections:reinitialize", 10, Clock.systemUTC()), new ToolService.CallLimits(16, 64));
        HttpServer.OAuthServices oauth = oauth(config, database, json);
        var replicas = new dev.portcullis.store.shared.ReplicaCalls(new dev.portcullis.store.shared.MemoryPubSub(), json);
        var door = new dev.portcullis.mcp.FrontDoor(tools, oauth.links(),
                new io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper(json), Clock.systemUTC(),
                dev.portcullis.store.shared.SharedState.memory(Clock.systemUTC()).keyValues(), json,
                Sealers.fromSettings(config.encryption(), config.storage().dataDir()),
                replicas);
        return new HttpServer.Dependencies(config.server(),
                TokenVerifier.sharedSecret(TestConfigs.SECRET.getBytes(StandardCharsets.UTF_8), config.auth()),
                new RolePermissions(McpPermissionDefaults.LIBRECHAT, config.peoplePicker(), overrides), registry, tools,
                connections, variables, oauth, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                readiness, json, new HttpServer.People(people, overrides, config.auth().mapping().roles().keySet()),
                new HttpServer.McpEndpoint(door, config.mcpEndpoint(), config.auth().issuer()), replicas,
                new HttpServer.SignIn(new dev.portcullis.console.SignInSessions(shared.keyValues(), json, config.auth().signIn(),
                        new dev.portcullis.identity.PrincipalMapper(config.auth().mapping()), Clock.systemUTC()),
                        Optional.empty(), Optional.empty(), new dev.portcullis.store.shared.PerMinuteLimit(shared.keyValues(),
                        "signin:starts", 30, Clock.systemUTC())),
                new HttpServer.Admin(audit, config.egress().policy(dev.portcullis.egress.HostResolver.system())));
    }

    private static HttpServer.OAuthServices oauth(PortcullisConfig config, Database database, JsonMapper json) {
        var sealer = Sealers.fromSettings(config.encryption(), config.storage().dataDir());
        var shared = dev.portcullis.store.shared.SharedState.memory(Clock.systemUTC());
        var policy = config.egress().policy(dev.portcullis.egress.HostResolver.system());
        var http = new dev.portcullis.oauth.OAuthHttp(dev.portcullis.egress.jetty.GuardedHttpClients.create(policy), policy,
                java.time.Duration.ofSeconds(5));
        var tokens = new dev.portcullis.oauth.TokenClient(http, Clock.systemUTC());
        var vault = new dev.portcullis.oauth.flow.TokenVault(database.jdbi(), sealer, Clock.systemUTC());
        var flows = new dev.portcullis.oauth.flow.OAuthFlows(new dev.portcullis.oauth.flow.OAuthFlows.FlowStoreParts(
                shared.keyValues(), shared.pubSub(), json), new dev.portcullis.oauth.Discovery(http),
                new dev.portcullis.oauth.ClientIdentities(http, new dev.portcullis.oauth.RegisteredClients(database.jdbi(), sealer,
                        Clock.systemUTC()), config.server().publicUrl()), tokens, vault, sealer, Clock.systemUTC());
        return new HttpServer.OAuthServices(flows, new dev.portcullis.oauth.flow.OAuthTokens(vault, tokens, shared.locks(),
                Clock.systemUTC()), vault, config.oauth(),
                new dev.portcullis.oauth.flow.AuthorizationLinks(shared.keyValues(), config.server().publicUrl(), json));
    }
}
