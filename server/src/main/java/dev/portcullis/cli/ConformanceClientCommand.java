package dev.portcullis.cli;

import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.Gateway;
import dev.portcullis.config.ConfigLoader;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.config.Secret;
import dev.portcullis.identity.TokenMinter;
import dev.portcullis.identity.TokenVerifiers;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import dev.portcullis.egress.EgressContext;
import dev.portcullis.egress.EgressLists;
import dev.portcullis.egress.EgressPolicy;
import dev.portcullis.egress.jetty.GuardedHttpClients;
import dev.portcullis.oauth.AuthorizationServerMetadata;
import dev.portcullis.oauth.BearerChallenge;
import dev.portcullis.oauth.Discovery;
import dev.portcullis.oauth.OAuthHttp;
import dev.portcullis.oauth.flow.IdTokens;
import org.eclipse.jetty.client.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.text.ParseException;
import java.util.Date;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The client side of the official MCP conformance suite: the gateway, in process, as one test user
 * would use it through its HTTP API — reinitialize, authorize without a browser, list tools, call
 * the scenario's tool. The suite starts its test servers and runs this command with their URL
 * appended; the scenario name and any pre-registered credentials come in the environment.
 */
@Command(name = "conformance-client", mixinStandardHelpOptions = true,
        description = {"Run the gateway in process against one MCP server URL as a test user.",
                "It connects, authorizes (following the authorization endpoint's redirect into the gateway's own"
                        + " callback), lists tools and calls the scenario's tool. For the MCP conformance suite: it"
                        + " reads MCP_CONFORMANCE_SCENARIO and MCP_CONFORMANCE_CONTEXT. Exit 0 on success."})
final class ConformanceClientCommand implements Callable<Integer> {
    static final String SERVER = "conformance";
    /** The test user the platform token names. */
    static final String USER = "conformance-user";

    @Option(names = "--verbose", description = "Show the gateway's log and each HTTP exchange.")
    boolean verbose;

    @Option(names = "--deadline", defaultValue = "28", paramLabel = "SECONDS",
            description = "Give up and exit 1 after this many seconds (default: ${DEFAULT-VALUE}; the suite kills clients after 30).")
    int deadlineSeconds;

    @Parameters(index = "0", paramLabel = "URL", description = "The MCP server (Streamable HTTP) to test.")
    String url;

    @Spec
    CommandSpec spec;

    private final Map<String, String> environment;

    ConformanceClientCommand() {
        this(System.getenv());
    }

    ConformanceClientCommand(Map<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!verbose) {
            quietLogs();
        }
        giveUpAfter(Duration.ofSeconds(deadlineSeconds), out);
        Scenario scenario = withPinnedEndpoints(Scenario.of(environment.getOrDefault("MCP_CONFORMANCE_SCENARIO", ""),
                Optional.ofNullable(environment.get("MCP_CONFORMANCE_CONTEXT"))), url);
        Path dataDir = Files.createTempDirectory("portcullis-conformance-");
        try {
            String secret = HexFormat.of().formatHex(randomBytes(32));
            for (int attempt = 1; ; attempt++) {
                int port = freeLoopbackPort();
                String yaml = configYaml(port, secret, dataDir, url, scenario);
                if (verbose) {
                    err.println("conformance: configuration\n" + masked(yaml.replace(secret, "<generated>"), scenario));
                }
                ConfigLoader.Result loaded = new ConfigLoader(Map.of()).load("conformance.yaml", yaml, dataDir);
                if (loaded.config().isEmpty()) {
                    loaded.errors().forEach(p -> err.println(p.describe()));
                    err.println("conformance: the generated configuration was refused (see above)");
                    return ExitCodes.FAILURE;
                }
                PortcullisConfig config = loaded.config().get();
                Gateway gateway;
                try {
                    gateway = Gateway.start(config);
                } catch (RuntimeException e) {
                    if (attempt < 3 && portTaken(e)) {
                        continue; // another client took the port between choosing and binding it
                    }
                    throw e;
                }
                String token = new TokenMinter(TokenVerifiers.sharedSecret(config).orElseThrow(), config.auth(), Clock.systemUTC())
                        .mint(new TokenMinter.Claims(userOf(scenario), "USER", Optional.empty(), Optional.empty(),
                                Duration.ofMinutes(30)));
                scenario.enterprise().ifPresent(e -> signedInAtIdentityProvider(gateway, e));
                try (gateway; ConformanceSession session = new ConformanceSession(gateway.port(), token, SERVER, out,
                        verbose ? err : null)) {
                    return session.run(scenario) ? ExitCodes.OK : ExitCodes.FAILURE;
                }
            }
        } finally {
            deleteQuietly(dataDir);
        }
    }

    /**
     * A pre-registered confidential client comes with its endpoints pinned, so its secret only goes
     * where the operator chose (configuration rule). The suite hands over credentials without
     * endpoints; the operator here looks them up once, as a person setting up the client would.
     */
    static Scenario withPinnedEndpoints(Scenario scenario, String url) throws Exception {
        // A machine grant's secret or workload token goes only to a pinned token endpoint; a signed
        // assertion may go to the discovered one (it names that issuer), so that path stays the gateway's.
        boolean machineCredential = scenario.machine().map(m -> scenario.clientSecret().isPresent()
                || m.workloadToken().isPresent()).orElse(false);
        if (machineCredential && scenario.tokenUrl().isEmpty()) {
            return scenario.pinned(Optional.empty(), Optional.of(discoverServer(url).tokenEndpoint()));
        }
        if (scenario.enterprise().isPresent() && scenario.clientSecret().isPresent()) {
            // No browser authorization: the ID-JAG's audience is the issuer, the token endpoint redeems it.
            AuthorizationServerMetadata server = discoverServer(url);
            return scenario.pinned(Optional.empty(), Optional.of(server.tokenEndpoint())).withServerIssuer(server.issuer());
        }
        if (scenario.machine().isPresent() || scenario.clientSecret().isEmpty()
                || (scenario.authorizationUrl().isPresent() && scenario.tokenUrl().isPresent())) {
            return scenario;
        }
        AuthorizationServerMetadata server = discoverServer(url);
        return scenario.pinned(Optional.of(server.authorizationEndpoint()), Optional.of(server.tokenEndpoint()));
    }

    /** The authorization server's metadata, looked up once as the operator would. */
    private static AuthorizationServerMetadata discoverServer(String url) throws Exception {
        EgressPolicy policy = EgressPolicy.builder()
                .lists(EgressContext.MCP, new EgressLists(List.of("localhost"), List.of())).build();
        HttpClient client = GuardedHttpClients.create(policy);
        client.start();
        try {
            return new Discovery(new OAuthHttp(client, policy, Duration.ofSeconds(10)))
                    .discover(url, BearerChallenge.NONE, Map.of()).server();
        } finally {
            client.stop();
        }
    }

    /**
     * Who the test user is: for an enterprise-managed scenario, the person the suite's ID token names (its
     * {@code sub}, the default {@code user_claim}): the gateway uses an ID token only for the user it names.
     */
    static String userOf(Scenario scenario) {
        return scenario.enterprise().map(ConformanceClientCommand::userOf).orElse(USER);
    }

    private static String userOf(Scenario.Enterprise enterprise) {
        try {
            return Optional.ofNullable(SignedJWT.parse(enterprise.idToken()).getJWTClaimsSet().getSubject()).orElse(USER);
        } catch (ParseException e) {
            throw new IllegalArgumentException("the scenario's idp_id_token is not a JWT", e);
        }
    }

    /**
     * The test user signed in at the scenario's identity provider: its ID token is kept for them as the console's
     * OpenID sign-in keeps one. The suite's provider publishes no keys (no JWKS), so the token cannot be verified
     * the way a platform-passed one is; the suite itself vouches for it here, and its own IdP checks it at the exchange.
     */
    private static void signedInAtIdentityProvider(Gateway gateway, Scenario.Enterprise enterprise) {
        Date expiry;
        try {
            expiry = SignedJWT.parse(enterprise.idToken()).getJWTClaimsSet().getExpirationTime();
        } catch (ParseException e) {
            throw new IllegalArgumentException("the scenario's idp_id_token is not a JWT", e);
        }
        if (expiry == null) {
            throw new IllegalArgumentException("the scenario's idp_id_token has no expiry");
        }
        Instant expiresAt = expiry.toInstant();
        gateway.idTokens().keep(new IdTokens.Holder("", userOf(enterprise), enterprise.idpIssuer()), Secret.of(enterprise.idToken()),
                expiresAt);
    }

    /** The configuration a careful operator would write for this one server. */
    static String configYaml(int port, String secret, Path dataDir, String url, Scenario scenario) {
        StringBuilder oauth = new StringBuilder();
        scenario.clientId().ifPresent(id -> oauth.append("client_id: ").append(quoted(id)).append(", "));
        scenario.clientSecret().ifPresent(s -> oauth.append("client_secret: ").append(quoted(s)).append(", "));
        scenario.authorizationUrl().ifPresent(u -> oauth.append("authorization_url: ").append(quoted(u)).append(", "));
        scenario.tokenUrl().ifPresent(u -> oauth.append("token_url: ").append(quoted(u)).append(", "));
        scenario.machine().ifPresent(m -> {
            oauth.append("grant_type: ").append(m.grantType()).append(", ");
            m.privateKeyPem().ifPresent(k -> oauth.append("private_key: ").append(quoted(k)).append(", "));
            m.signingAlgorithm().ifPresent(a -> oauth.append("signing_algorithm: ").append(quoted(a)).append(", "));
            m.workloadToken().ifPresent(t -> oauth.append("workload_token: ").append(quoted(t)).append(", "));
        });
        scenario.enterprise().ifPresent(e -> oauth.append("token_exchange_method: basic_auth_header, enterprise_managed: {")
                .append("issuer: ").append(quoted(e.serverIssuer().orElse(""))).append(", idp_issuer: ").append(quoted(e.idpIssuer()))
                .append(", idp_token_url: ").append(quoted(e.idpTokenUrl())).append(", idp_client_id: ")
                .append(quoted(e.idpClientId())).append("}, "));
        String oauthBlock = oauth.isEmpty() ? "" : ", oauth: {" + oauth.substring(0, oauth.length() - 2) + "}";
        // A server that asks its user things outside the call's own stream is connected per user (a user
        // placeholder makes it so), or the gateway cannot tell whose call a question belongs to.
        String perUser = scenario.asksOnItsOwnStream() ? ", headers: {X-Conformance-User: \"{{LIBRECHAT_USER_ID}}\"}" : "";
        return """
                server: {host: 127.0.0.1, port: %d, publicUrl: "http://localhost:%d"}
                storage: {dataDir: %s}
                auth: {secret: %s}
                mcpSettings:
                  # the suite's servers run on localhost: name it, as an operator would (docs/egress.md rules 5 and 7)
                  allowedDomains: ['localhost']
                mcpServers:
                  %s: {type: streamable-http, url: %s, startup: false, initTimeout: 20000%s%s}
                """.formatted(port, port, quoted(dataDir.toString()), quoted(secret), SERVER, quoted(url), oauthBlock, perUser);
    }

    /** The configuration as --verbose shows it: no client secret, private key or workload token. */
    static String masked(String yaml, Scenario scenario) {
        String shown = yaml;
        List<Optional<String>> secrets = List.of(scenario.clientSecret(),
                scenario.machine().flatMap(Scenario.Machine::privateKeyPem),
                scenario.machine().flatMap(Scenario.Machine::workloadToken));
        for (Optional<String> s : secrets) {
            if (s.isPresent() && !s.get().isEmpty()) {
                shown = shown.replace(quoted(s.get()), "\"<redacted>\"");
            }
        }
        return shown;
    }

    private static String quoted(String text) {
        // Double-quoted YAML folds a raw line break into a space: a PEM key's lines must stay lines.
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    /** publicUrl must name the port before the server starts, so the port is chosen first. */
    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    /**
     * A client the suite times out must not linger: the suite kills only the shell it started, and a
     * JVM left behind keeps the scenario's pipes open. Past the deadline the process halts.
     */
    private static void giveUpAfter(Duration deadline, PrintWriter out) {
        Thread.ofPlatform().daemon().name("conformance-deadline").start(() -> {
            try {
                Thread.sleep(deadline);
            } catch (InterruptedException e) {
                return;
            }
            out.println("FAILED: no result within " + deadline.toSeconds() + " s");
            out.flush();
            Runtime.getRuntime().halt(ExitCodes.FAILURE);
        });
    }

    static boolean portTaken(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException || t instanceof io.javalin.util.JavalinBindException) {
                return true;
            }
        }
        return false;
    }

    private static void quietLogs() {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.ERROR);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory; the OS cleans up what is left
        }
    }
}
