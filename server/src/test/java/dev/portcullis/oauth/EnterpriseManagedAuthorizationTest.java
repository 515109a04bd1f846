package dev.portcullis.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.Gateway;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.oauth.flow.IdTokens;
import dev.portcullis.testing.ApiClient;
import dev.portcullis.testing.ConsoleSignIns;
import dev.portcullis.testing.EverythingServer;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.TestConfigs;
import dev.portcullis.testing.TokenCheckingProxy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.StringRequestContent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Enterprise-managed authorization (ID-JAG) end to end, with real parts: one mock-oauth2-server is the company's
 * identity provider (people sign in to the console through it, and it exchanges their ID tokens for ID-JAGs), another
 * is the MCP server's authorization server (it redeems ID-JAGs for access tokens), and server-everything sits behind a
 * resource server that lets through only that authorization server's tokens. Nobody is asked to consent.
 */
class EnterpriseManagedAuthorizationTest {
    private static final String PUBLIC = "http://localhost:3080";
    private static final String IDP_CLIENT = "portcullis";
    private static final String ECHO = "{\"arguments\":{\"message\":\"hello through the IdP\"}}";

    @TempDir
    static Path dir;
    static MockOAuth2Server idp;
    static MockOAuth2Server authorizationServer;
    static EverythingServer everything;
    static TokenCheckingProxy crm;
    static Gateway gateway;
    static Http http;
    static ApiClient api;
    static ConsoleSignIns console;

    @BeforeAll
    static void start() throws Exception {
        idp = new MockOAuth2Server();
        idp.start();
        authorizationServer = new MockOAuth2Server();
        authorizationServer.start();
        everything = EverythingServer.start("streamableHttp");
        String asIssuer = authorizationServer.issuerUrl("crm").toString();
        crm = new TokenCheckingProxy(URI.create(everything.uri("").toString()), asIssuer,
                authorizationServer.jwksUrl("crm").uri());
        PortcullisConfig config = TestConfigs.fromYaml("""
                server: {port: 0, publicUrl: "%s"}
                auth:
                  secret: %s
                  oidc: {issuer: "%s", clientId: %s, clientSecret: idp-secret}
                mcpSettings:
                  allowedDomains: ['localhost']
                mcpServers:
                  crm:
                    type: streamable-http
                    url: "%s"
                    startup: false
                    oauth:
                      client_id: portcullis-at-crm
                      client_secret: crm-secret
                      token_url: "%s"
                      scope: crm.read
                      enterprise_managed:
                        issuer: "%s"
                        idp_issuer: "%s"
                        idp_client_id: %s
                        idp_client_secret: idp-secret
                  plain: {command: node, args: ["unused"], startup: false}
                  misconfigured:
                    type: streamable-http
                    url: "%s"
                    startup: false
                    oauth:
                      client_id: portcullis-at-crm
                      token_url: "%s"
                      enterprise_managed: {issuer: "%s", idp_issuer: "%s", idp_client_id: %s, idp_client_secret: idp-secret}
                """.formatted(PUBLIC, TestConfigs.SECRET, idpIssuer(), IDP_CLIENT, crm.uri("/mcp"),
                authorizationServer.tokenEndpointUrl("crm"), asIssuer, idpIssuer(), IDP_CLIENT, crm.uri("/mcp"),
                authorizationServer.url("/crm/no-token-endpoint-here"), asIssuer, idpIssuer(), IDP_CLIENT), dir);
        gateway = Gateway.start(config);
        http = new Http(gateway.port());
        api = new ApiClient(http, config);
        console = new ConsoleSignIns(http, idp);
    }

    @AfterAll
    static void stop() throws Exception {
        console.close();
        http.close();
        gateway.close();
        crm.close();
        everything.close();
        authorizationServer.shutdown();
        idp.shutdown();
    }

    private static String idpIssuer() {
        return idp.issuerUrl("default").toString();
    }

    /** An ID token the identity provider issued to the gateway's client for {@code subject}. */
    private static String idToken(String issuerId, String subject, String audience) {
        return idp.issueToken(issuerId, audience, new DefaultOAuth2TokenCallback(issuerId, subject, "JWT", List.of(audience),
                Map.of(), 3600)).serialize();
    }

    private static ContentResponse callAsPlatform(String user, String idToken) {
        var request = api.request(ApiClient.As.user(user), "POST", "/api/mcp/crm/tools/echo/call")
                .body(new StringRequestContent("application/json", ECHO));
        if (idToken != null) {
            request.headers(h -> h.put("X-Portcullis-Id-Token", idToken));
        }
        return Http.send(request);
    }

    private static void assertEchoed(ContentResponse r) {
        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(200);
        assertThat(r.getContentAsString()).contains("hello through the IdP");
    }

    @Test
    void a_person_signed_in_to_the_console_calls_a_tool_with_no_consent_step() throws Exception {
        ConsoleSignIns.Person alice = console.person("alice", Map.of("email", "alice@corp.example"));

        ContentResponse r = Http.send(http.request("/api/mcp/crm/tools/echo/call").method("POST").headers(h -> {
            h.put("Cookie", alice.cookie());
            h.put("X-CSRF-Token", alice.csrfToken());
            h.put("Origin", PUBLIC);
        }).body(new StringRequestContent("application/json", ECHO)));

        assertEchoed(r);
        assertThat(crm.subjects()).as("the MCP server saw alice's token from its own authorization server").contains("alice");
    }

    @Test
    void a_platform_passes_the_persons_verified_id_token_with_the_call() {
        assertEchoed(callAsPlatform("bob", idToken("default", "bob", IDP_CLIENT)));
        assertThat(crm.subjects()).contains("bob");

        // Kept: the next call needs no header (the gateway holds bob's grant and his ID token).
        assertEchoed(callAsPlatform("bob", null));
    }

    @Test
    void a_token_about_to_expire_is_replaced_by_a_new_exchange_while_the_id_token_is_valid() throws Exception {
        // The authorization server issues henry's first token for 30 s: inside the 60 s renewal margin at once, so the
        // call's next request (connecting takes several) already goes with a token from a second exchange.
        authorizationServer.enqueueCallback(new DefaultOAuth2TokenCallback("crm", "henry", "JWT", List.of("crm-api"),
                Map.of(), 30));

        assertEchoed(callAsPlatform("henry", idToken("default", "henry", IDP_CLIENT)));

        List<JWTClaimsSet> henrys = new ArrayList<>();
        for (String token : crm.distinctTokens()) {
            JWTClaimsSet claims = SignedJWT.parse(token).getJWTClaimsSet();
            if ("henry".equals(claims.getSubject())) {
                henrys.add(claims);
            }
        }
        assertThat(henrys).as("henry's tokens, in the order the MCP server saw them").hasSizeGreaterThanOrEqualTo(2);
        assertThat(Duration.between(henrys.getFirst().getIssueTime().toInstant(),
                henrys.getFirst().getExpirationTime().toInstant())).isEqualTo(Duration.ofSeconds(30));
        assertThat(henrys.getLast().getJWTID()).isNotEqualTo(henrys.getFirst().getJWTID());
    }

    @Test
    void without_an_id_token_the_call_says_to_sign_in_again() {
        ContentResponse r = callAsPlatform("carol", null);

        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(403);
        JsonNode body = ApiClient.json(r);
        assertThat(body.get("error").asString()).isEqualTo("IDP_SIGN_IN_REQUIRED");
        assertThat(body.get("message").asString()).contains("sign in to the console again").contains("X-Portcullis-Id-Token");
        assertThat(crm.subjects()).doesNotContain("carol");
    }

    /**
     * The console keeps a sign-in's ID token under the id its own claim mapping gives; a person who could choose that
     * claim at the provider could put their token in someone else's place. A kept token is used only for the user its
     * {@code user_claim} names.
     */
    @Test
    void a_kept_id_token_is_used_only_for_the_person_it_names() {
        gateway.idTokens().keep(new dev.portcullis.oauth.flow.IdTokens.Holder("", "victor", idpIssuer()),
                dev.portcullis.config.Secret.of(idToken("default", "mallory", IDP_CLIENT)),
                java.time.Instant.now().plus(Duration.ofMinutes(30)));

        ContentResponse r = callAsPlatform("victor", null);

        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(403);
        assertThat(ApiClient.json(r).get("error").asString()).isEqualTo("IDP_SIGN_IN_REQUIRED");
        assertThat(crm.subjects()).doesNotContain("mallory", "victor");
    }

    @Test
    void an_id_token_of_another_person_is_refused_and_not_kept() {
        String mallorys = idToken("default", "mallory", IDP_CLIENT);
        ContentResponse r = callAsPlatform("dave", mallorys);

        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(403);
        assertThat(ApiClient.json(r).get("error").asString()).isEqualTo("ID_TOKEN_REJECTED");
        assertThat(r.getContentAsString()).doesNotContain("mallory").doesNotContain(mallorys.split("\\.")[1]);
        assertThat(callAsPlatform("dave", null).getStatus()).as("nothing was kept for dave").isEqualTo(403);
        assertThat(ApiClient.json(callAsPlatform("dave", null)).get("error").asString()).isEqualTo("IDP_SIGN_IN_REQUIRED");
    }

    @Test
    void an_id_token_of_another_issuer_or_client_is_refused() {
        ContentResponse otherIssuer = callAsPlatform("erin", idToken("elsewhere", "erin", IDP_CLIENT));
        ContentResponse otherClient = callAsPlatform("erin", idToken("default", "erin", "some-other-app"));

        assertThat(otherIssuer.getStatus()).as(otherIssuer.getContentAsString()).isEqualTo(403);
        assertThat(ApiClient.json(otherIssuer).get("error").asString()).isEqualTo("ID_TOKEN_REJECTED");
        assertThat(otherClient.getStatus()).as(otherClient.getContentAsString()).isEqualTo(403);
        assertThat(ApiClient.json(otherClient).get("error").asString()).isEqualTo("ID_TOKEN_REJECTED");
        assertThat(crm.subjects()).doesNotContain("erin");
    }

    @Test
    void a_forged_id_token_is_refused() {
        String real = idToken("default", "frank", IDP_CLIENT);
        String[] parts = real.split("\\.");
        String forged = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();

        ContentResponse r = callAsPlatform("frank", forged);

        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(403);
        assertThat(ApiClient.json(r).get("error").asString()).isEqualTo("ID_TOKEN_REJECTED");
    }

    @Test
    void signing_out_of_the_console_forgets_the_id_token_of_the_sign_in() throws Exception {
        ConsoleSignIns.Person judy = console.person("judy", Map.of());
        IdTokens.Holder judys = new IdTokens.Holder("", "judy", idpIssuer());
        assertThat(gateway.idTokens().usable(judys, Duration.ZERO)).as("kept at sign-in").isPresent();

        ContentResponse out = Http.send(http.request("/console/logout").method("POST").headers(h -> {
            h.put("Cookie", judy.cookie());
            h.put("X-CSRF-Token", judy.csrfToken());
            h.put("Origin", PUBLIC);
        }));

        assertThat(out.getStatus()).as(out.getContentAsString()).isEqualTo(200);
        assertThat(gateway.idTokens().usable(judys, Duration.ZERO)).isEmpty();
    }

    @Test
    void a_refusal_at_the_authorization_server_names_the_server_and_the_answer_but_no_token() {
        String id = idToken("default", "kim", IDP_CLIENT);
        ContentResponse r = Http.send(api.request(ApiClient.As.user("kim"), "POST", "/api/mcp/misconfigured/tools/echo/call")
                .headers(h -> h.put("X-Portcullis-Id-Token", id)).body(new StringRequestContent("application/json", ECHO)));

        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(403);
        JsonNode body = ApiClient.json(r);
        assertThat(body.get("error").asString()).isEqualTo("ENTERPRISE_AUTHORIZATION_FAILED");
        assertThat(body.get("message").asString()).contains("'misconfigured'").contains("authorization server")
                .contains("HTTP 405");
        assertThat(r.getContentAsString()).doesNotContain(id).doesNotContain(id.split("\\.")[1]);
    }

    @Test
    void an_id_token_goes_only_to_an_enterprise_managed_server_and_must_be_a_jwt() {
        String lauras = idToken("default", "laura", IDP_CLIENT);
        ContentResponse plain = Http.send(api.request(ApiClient.As.user("laura"), "POST", "/api/mcp/plain/tools/echo/call")
                .headers(h -> h.put("X-Portcullis-Id-Token", lauras)).body(new StringRequestContent("application/json", ECHO)));
        ContentResponse garbage = callAsPlatform("laura", "not-a-jwt");

        assertThat(plain.getStatus()).as(plain.getContentAsString()).isEqualTo(400);
        assertThat(plain.getContentAsString()).contains("does not use enterprise-managed authorization");
        assertThat(garbage.getStatus()).as(garbage.getContentAsString()).isEqualTo(403);
        assertThat(ApiClient.json(garbage).get("message").asString()).contains("not a JWT");
    }

    @Test
    void there_is_no_browser_authorization_to_start() {
        ContentResponse r = api.send(ApiClient.As.user("ivan"), "GET", "/api/mcp/crm/oauth/initiate?userId=ivan");

        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(400);
        assertThat(r.getContentAsString()).contains("nothing to authorize in a browser");
    }

    @Test
    void the_header_is_not_taken_from_a_console_sign_in() throws Exception {
        ConsoleSignIns.Person grace = console.person("grace", Map.of());

        ContentResponse r = Http.send(http.request("/api/mcp/crm/tools/echo/call").method("POST").headers(h -> {
            h.put("Cookie", grace.cookie());
            h.put("X-CSRF-Token", grace.csrfToken());
            h.put("Origin", PUBLIC);
            h.put("X-Portcullis-Id-Token", idToken("default", "grace", IDP_CLIENT));
        }).body(new StringRequestContent("application/json", ECHO)));

        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(400);
        assertThat(r.getContentAsString()).contains("only with the platform's bearer token");
    }
}
