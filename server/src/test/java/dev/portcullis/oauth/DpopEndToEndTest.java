package dev.portcullis.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.Gateway;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.identity.TokenMinter;
import dev.portcullis.testing.EverythingServer;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.Peers;
import dev.portcullis.testing.TestConfigs;
import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * DPoP end to end with a real authorization server: panva's oidc-provider (its DPoP feature, with a
 * nonce required at the token endpoint) and a resource server that checks the DPoP binding (JWT
 * access token by the provider's JWKS, Nimbus' proof verifier, its own nonce) in front of
 * server-everything. A user authorizes through the gateway's OAuth flow and calls {@code echo}; a
 * replayed proof is refused.
 */
class DpopEndToEndTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** What the provider printed, kept after the run (target/ is the build's). */
    private static final Path PROVIDER_LOG = Path.of("target", "oidc-provider.log").toAbsolutePath();

    @TempDir
    static Path dir;
    static EverythingServer everything;
    static Process provider;
    static String issuer;
    static DpopResourceServer resourceServer;
    static Gateway gateway;
    static Http http;
    static PortcullisConfig config;
    static final HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        everything = EverythingServer.start("streamableHttp");
        int port = EverythingServer.freePort();
        issuer = "http://localhost:" + port;
        resourceServer = new DpopResourceServer(everything.uri("/mcp"), issuer);
        provider = startProvider(port, resourceServer.resource());
        config = TestConfigs.fromYaml("""
                server: {port: 0, publicUrl: "http://localhost:3080"}
                auth: {secret: %s}
                mcpSettings:
                  allowedDomains: ['localhost']
                mcpServers:
                  secure: {type: streamable-http, url: "%s", startup: false, oauth: {dpop: required}}
                """.formatted(TestConfigs.SECRET, resourceServer.resource()), dir);
        gateway = Gateway.start(config);
        http = new Http(gateway.port());
    }

    private static Process startProvider(int port, String resource) throws IOException, InterruptedException {
        Path library = Peers.dir().resolve("node_modules/oidc-provider/lib/index.js");
        if (!Files.isRegularFile(library)) {
            throw new AssertionError("oidc-provider is not installed at " + library + "; run scripts/peers.sh");
        }
        Path script;
        try {
            script = Path.of(DpopEndToEndTest.class.getResource("/dpop/oidc-provider.mjs").toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
        ProcessBuilder builder = new ProcessBuilder("node", script.toString())
                .redirectErrorStream(true).redirectOutput(PROVIDER_LOG.toFile());
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv("PATH"));
        builder.environment().put("OIDC_PROVIDER", library.toString());
        builder.environment().put("PORT", Integer.toString(port));
        builder.environment().put("RESOURCE", resource);
        Process started = builder.start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            if (!started.isAlive()) {
                throw new AssertionError("oidc-provider exited: " + Files.readString(PROVIDER_LOG));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return started;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("oidc-provider did not listen within 20 s");
    }

    @AfterAll
    static void stop() throws Exception {
        if (http != null) {
            http.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (provider != null) {
            provider.destroy();
            provider.waitFor(5, TimeUnit.SECONDS);
        }
        if (resourceServer != null) {
            resourceServer.close();
        }
        if (everything != null) {
            everything.close();
        }
        browser.close();
    }

    private static String token(String user) {
        return new TokenMinter(TestConfigs.SECRET.getBytes(StandardCharsets.UTF_8), config.auth(), Clock.systemUTC())
                .mint(new TokenMinter.Claims(user, "USER", Optional.empty(), Optional.empty(), Duration.ofMinutes(10)));
    }

    private static Request as(String user, String path) {
        return http.request(path).headers(h -> h.put("Authorization", "Bearer " + token(user))).timeout(60, TimeUnit.SECONDS)
                .followRedirects(false);
    }

    private static JsonNode json(ContentResponse r) {
        return JSON.readTree(r.getContentAsString());
    }

    /** The user's browser at the provider: authorize, the (automatic) sign-in and consent, and back to the gateway. */
    private static URI throughTheProvider(String authorizationUrl) throws Exception {
        URI at = URI.create(authorizationUrl);
        StringBuilder trail = new StringBuilder();
        for (int hop = 0; hop < 8; hop++) {
            HttpResponse<String> r = browser.send(HttpRequest.newBuilder(at).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            trail.append('\n').append(r.statusCode()).append(' ').append(at.getPath()).append(" -> ")
                    .append(r.headers().firstValue("Location").orElse("")).append(' ').append(r.headers().allValues("Set-Cookie").size());
            assertThat(r.statusCode()).as(trail + "\n" + r.body()).isBetween(300, 399);
            URI next = at.resolve(r.headers().firstValue("Location").orElseThrow());
            if (next.getPath().endsWith("/oauth/callback")) {
                return next;
            }
            at = next;
        }
        throw new AssertionError("the provider never sent the browser back:" + trail);
    }

    @Test
    void aUserAuthorizesWithDpopAndCallsEchoThroughTheCheckingResourceServer() throws Exception {
        ContentResponse reinit = Http.send(as("alice", "/api/mcp/secure/reinitialize").method("POST"));
        assertThat(reinit.getStatus()).as(reinit.getContentAsString()).isEqualTo(200);
        JsonNode started = json(reinit);
        assertThat(started.get("oauthRequired").asBoolean()).as(reinit.getContentAsString()).isTrue();
        HttpCookie binding = reinit.getHeaders().getValuesList("Set-Cookie").stream()
                .flatMap(h -> HttpCookie.parse(h).stream()).filter(c -> c.getName().equals("portcullis_oauth_secure"))
                .findFirst().orElseThrow();

        URI back = throughTheProvider(started.get("oauthUrl").asString());
        ContentResponse done = Http.send(http.request(back.getRawPath() + "?" + back.getRawQuery()).followRedirects(false)
                .headers(h -> h.put("Cookie", binding.getName() + "=" + binding.getValue())));
        assertThat(done.getHeaders().get("Location")).as(Files.readString(PROVIDER_LOG))
                .isEqualTo("http://localhost:3080/oauth/success?serverName=secure");

        ContentResponse echo = Http.send(as("alice", "/api/mcp/secure/tools/echo/call").method("POST")
                .body(new StringRequestContent("application/json", "{\"arguments\":{\"message\":\"bound to a key\"}}")));
        assertThat(echo.getStatus()).as(echo.getContentAsString()).isEqualTo(200);
        assertThat(echo.getContentAsString()).contains("bound to a key");
        assertThat(resourceServer.accepted.get()).isGreaterThan(1);
        assertThat(resourceServer.nonceChallenges.get()).as("the resource server's nonce round happened").isPositive();

        List<String> last = resourceServer.lastAccepted.get();
        int refusedBefore = resourceServer.refused.get();
        HttpResponse<String> replay = browser.send(HttpRequest.newBuilder(URI.create(resourceServer.resource()))
                .header("Authorization", last.get(0)).header("DPoP", last.get(1))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(last.get(2))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(replay.statusCode()).as("a proof is good once").isEqualTo(401);
        assertThat(resourceServer.refused.get()).isEqualTo(refusedBefore + 1);
    }
}
