package dev.portcullis.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.Gateway;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.testing.ApiClient;
import dev.portcullis.testing.ApiClient.As;
import dev.portcullis.testing.EverythingServer;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.TestConfigs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Operator servers the gateway reaches as itself, end to end: mock-oauth2-server issues the tokens
 * (client credentials with client_secret_basic and with private_key_jwt, and the JWT bearer grant
 * with a workload token from a file), and a token-checking proxy in front of server-everything is
 * the MCP server that checks them. Two users call {@code echo} through the REST API on one shared
 * token; the token is obtained again when it expires and when the server refuses it.
 */
class MachineGrantEndToEndTest {
    private static final String SECRET = "machine-secret-4f1c2d";

    @TempDir
    static Path dir;
    static MockOAuth2Server authorizationServer;
    static EverythingServer everything;
    static TokenCheckingProxy proxy;
    static Gateway gateway;
    static Http http;
    static ApiClient api;
    static String privateKeyPem;
    static Path workloadTokenFile;
    static ECKey workloadKey;
    static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();

    @BeforeAll
    static void start() throws Exception {
        authorizationServer = new MockOAuth2Server();
        authorizationServer.start();
        String issuer = authorizationServer.issuerUrl("default").toString();
        everything = EverythingServer.start("streamableHttp");
        proxy = new TokenCheckingProxy(everything.uri("/mcp"), issuer, authorizationServer.jwksUrl("default").toString());

        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        privateKeyPem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        workloadKey = new ECKeyGenerator(Curve.P_256).generate();
        workloadTokenFile = dir.resolve("workload-token");
        Files.writeString(workloadTokenFile, workloadToken("system:serviceaccount:tools:portcullis"));

        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        LOG.start();
        root.addAppender(LOG);

        String tokenUrl = authorizationServer.tokenEndpointUrl("default").toString();
        PortcullisConfig config = TestConfigs.fromYaml("""
                server: {port: 0, publicUrl: "http://localhost:3080"}
                auth: {secret: %s}
                mcpSettings:
                  allowedDomains: ['localhost']
                mcpServers:
                  basic:
                    type: streamable-http
                    url: "%s"
                    startup: false
                    oauth: {grant_type: client_credentials, client_id: portcullis-basic, client_secret: "%s", token_url: "%s"}
                  signed:
                    type: streamable-http
                    url: "%s"
                    startup: false
                    oauth: {grant_type: client_credentials, client_id: portcullis-signed, private_key: "${MACHINE_KEY}", signing_algorithm: ES256}
                  workload:
                    type: streamable-http
                    url: "%s"
                    startup: false
                    oauth: {grant_type: jwt_bearer, client_id: portcullis-workload, workload_token_file: "%s", token_url: "%s"}
                """.formatted(TestConfigs.SECRET, proxy.mcpUrl(), SECRET, tokenUrl, proxy.mcpUrl(), proxy.mcpUrl(),
                workloadTokenFile, tokenUrl), dir, Map.of("MACHINE_KEY", privateKeyPem));
        gateway = Gateway.start(config);
        http = new Http(gateway.port());
        api = new ApiClient(http, config);
        // The first call of a fresh JVM takes seconds (connections, JIT); the timing tests must not pay for it.
        assertEchoed(echo("warm-up", "signed"), "warm-up");
    }

    @AfterAll
    static void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOG);
        http.close();
        gateway.close();
        proxy.close();
        everything.close();
        authorizationServer.shutdown();
    }

    @BeforeEach
    void forgetTokensSeen() {
        proxy.accepted.clear();
        proxy.acceptedClaims.clear();
        proxy.refuseTokensIssuedBefore(Instant.EPOCH);
    }

    private static String workloadToken(String subject) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(workloadKey.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer("https://kubernetes.default.svc").subject(subject)
                        .audience(authorizationServer.issuerUrl("default").toString())
                        .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(600))).build());
        jwt.sign(new ECDSASigner(workloadKey));
        return jwt.serialize();
    }

    private static ContentResponse echo(String user, String server) {
        return api.send(As.user(user), "POST", "/api/mcp/" + server + "/tools/echo/call",
                "{\"arguments\":{\"message\":\"hello from " + user + "\"}}");
    }

    private static void assertEchoed(ContentResponse r, String user) {
        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(200);
        assertThat(r.getContentAsString()).contains("hello from " + user);
    }

    /** Issued for a few seconds past the renewal margin, so the next call after a short wait renews it. */
    private static void nextTokenExpiresSoon(String subject) {
        authorizationServer.enqueueCallback(new DefaultOAuth2TokenCallback("default", subject, JOSEObjectType.JWT.getType(),
                List.of(TokenCheckingProxy.SCOPE), Map.of(), MachineTokens.RENEW_SKEW_SECONDS + 4));
    }

    @Test
    void two_users_share_one_client_credentials_token_which_is_obtained_again_when_it_expires() throws Exception {
        nextTokenExpiresSoon("portcullis-basic");
        assertEchoed(echo("alice", "basic"), "alice");
        assertEchoed(echo("bob", "basic"), "bob");
        assertThat(proxy.distinctTokens()).as("one token for the shared connection").isEqualTo(1);
        assertThat(proxy.acceptedClaims.getFirst().getSubject()).isEqualTo("portcullis-basic");

        Thread.sleep(4_500); // now within the renewal margin
        assertEchoed(echo("alice", "basic"), "alice");
        assertThat(proxy.distinctTokens()).as("renewed before it expired").isEqualTo(2);

        ContentResponse status = api.send(As.user("bob"), "GET", "/api/mcp/connection/status/basic");
        assertThat(ApiClient.json(status).get("requiresOAuth").asBoolean()).as("nothing for a user to authorize").isFalse();
        ContentResponse initiate = api.send(As.user("bob"), "GET", "/api/mcp/basic/oauth/initiate?userId=bob");
        assertThat(initiate.getStatus()).as(initiate.getContentAsString()).isEqualTo(400);
        assertThat(initiate.getContentAsString()).contains("as itself");
    }

    @Test
    void a_refused_token_is_replaced_once_and_the_call_goes_through() throws Exception {
        assertEchoed(echo("alice", "basic"), "alice");
        long before = proxy.distinctTokens();
        Thread.sleep(1_100);
        proxy.refuseTokensIssuedBefore(Instant.now()); // as if the server revoked it
        assertEchoed(echo("bob", "basic"), "bob");
        assertThat(proxy.distinctTokens()).isEqualTo(before + 1);
    }

    @Test
    void a_server_that_refuses_even_a_new_token_is_an_upstream_error_not_a_request_to_authorize() {
        assertEchoed(echo("alice", "basic"), "alice");
        proxy.refuseTokensIssuedBefore(Instant.now().plusSeconds(3600));
        ContentResponse refused = echo("bob", "basic");
        assertThat(refused.getStatus()).isEqualTo(502);
        assertThat(ApiClient.json(refused).get("error").asString()).isEqualTo("UPSTREAM_ERROR");
        assertThat(ApiClient.json(refused).get("message").asString()).contains("refused the gateway's own token");
        assertThat(refused.getContentAsString()).doesNotContain("oauthUrl");
    }

    @Test
    void a_signed_client_assertion_obtains_the_token_and_the_private_key_is_never_logged() {
        assertEchoed(echo("alice", "signed"), "alice");
        assertEchoed(echo("bob", "signed"), "bob");
        assertThat(proxy.distinctTokens()).isEqualTo(1);
        assertThat(proxy.acceptedClaims.getFirst().getSubject()).isEqualTo("portcullis-signed");
        String keyBody = privateKeyPem.lines().skip(1).findFirst().orElseThrow();
        assertThat(LOG.list).noneMatch(e -> e.getFormattedMessage().contains(keyBody))
                .noneMatch(e -> e.getFormattedMessage().contains(SECRET))
                .noneMatch(e -> proxy.accepted.stream().anyMatch(t -> e.getFormattedMessage().contains(t)));
    }

    @Test
    void the_workload_token_is_the_grant_and_a_rotated_file_is_read_again() throws Exception {
        nextTokenExpiresSoon("system:serviceaccount:tools:portcullis");
        assertEchoed(echo("alice", "workload"), "alice");
        assertEchoed(echo("bob", "workload"), "bob");
        assertThat(proxy.distinctTokens()).isEqualTo(1);

        // The platform rotates the projected token; the next token request presents the new one.
        Thread.sleep(1_100);
        Files.writeString(workloadTokenFile, workloadToken("system:serviceaccount:tools:portcullis-rotated"));
        Thread.sleep(3_500);
        assertEchoed(echo("alice", "workload"), "alice");
        assertThat(proxy.distinctTokens()).isEqualTo(2);
        assertThat(proxy.acceptedClaims.getLast().getSubject()).isEqualTo("system:serviceaccount:tools:portcullis-rotated");
    }
}
