package dev.portcullis.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.Gateway;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.identity.TokenMinter;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.TestConfigs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The running gateway, over real HTTP: identity, error shape, health, readiness, metrics. */
class GatewayHttpTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path dir;
    static Gateway gateway;
    static Http http;
    static PortcullisConfig config;

    @BeforeAll
    static void start() {
        config = TestConfigs.fromYaml("""
                server: {port: 0}
                auth: {secret: %s}
                mcpServers:
                  everything: {command: npx, args: [server-everything], title: Everything, startup: false}
                  remote: {type: streamable-http, url: "https://mcp.example.com/mcp?key=abc", headers: {X-Key: hidden}}
                interface:
                  mcpServers: {use: false}
                """.formatted(TestConfigs.SECRET), dir);
        gateway = Gateway.start(config);
        http = new Http(gateway.port());
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
        gateway.close();
    }

    private static String token(String role) {
        return new TokenMinter(TestConfigs.SECRET.getBytes(StandardCharsets.UTF_8), config.auth(), Clock.systemUTC())
                .mint(new TokenMinter.Claims("u1", role, Optional.empty(), Optional.empty(), Duration.ofMinutes(5)));
    }

    private static JsonNode json(ContentResponse r) {
        assertThat(r.getMediaType()).isEqualTo("application/json");
        return JSON.readTree(r.getContentAsString());
    }

    private static void assertError(ContentResponse r, int status, String code) {
        assertThat(r.getStatus()).isEqualTo(status);
        JsonNode body = json(r);
        assertThat(body.get("error").asString()).isEqualTo(code);
        assertThat(body.get("message").asString()).isNotBlank();
        assertThat(body.get("requestId").asString()).isEqualTo(r.getHeaders().get("X-Request-Id"));
    }

    @Test
    void healthz_answers_without_a_token() {
        ContentResponse r = http.get("/healthz");
        assertThat(r.getStatus()).isEqualTo(200);
        assertThat(json(r).get("status").asString()).isEqualTo("ok");
        assertThat(r.getHeaders().get("X-Request-Id")).isNotBlank();
    }

    @Test
    void readyz_reports_storage() {
        ContentResponse r = http.get("/readyz");
        assertThat(r.getStatus()).isEqualTo(200);
        assertThat(json(r).at("/checks/storage").asString()).isEqualTo("up");
    }

    @Test
    void metrics_are_prometheus_text_with_request_timings() {
        http.get("/healthz");
        ContentResponse r = http.get("/metrics");
        assertThat(r.getStatus()).isEqualTo(200);
        assertThat(r.getHeaders().get("Content-Type")).startsWith("text/plain");
        assertThat(r.getContentAsString())
                .contains("http_server_requests_seconds_count{method=\"GET\",route=\"/healthz\",status=\"200\"}")
                .contains("jvm_memory_used_bytes");
    }

    @Test
    void a_sane_request_id_is_kept_and_an_insane_one_replaced() {
        ContentResponse kept = Http.send(http.request("/healthz").headers(h -> h.put("X-Request-Id", "platform-123")));
        assertThat(kept.getHeaders().get("X-Request-Id")).isEqualTo("platform-123");
        ContentResponse replaced = Http.send(http.request("/healthz").headers(h -> h.put("X-Request-Id", "bad id\twith spaces")));
        assertThat(replaced.getHeaders().get("X-Request-Id")).isNotEqualTo("bad id\twith spaces").hasSize(36);
    }

    @Test
    void api_routes_need_a_token() {
        assertError(http.get("/api/mcp/servers"), 401, "AUTH_TOKEN_MISSING");
        assertError(Http.send(http.request("/api/mcp/servers").headers(h -> h.put("Authorization", "Basic dTpw"))),
                401, "AUTH_TOKEN_MALFORMED");
        assertError(http.get("/api/mcp/servers", "garbage"), 401, "AUTH_TOKEN_MALFORMED");
        assertError(http.get("/api/unknown/route"), 401, "AUTH_TOKEN_MISSING");
    }

    @Test
    void bad_tokens_get_401_never_500() throws Exception {
        Instant now = Instant.now();
        JWTClaimsSet expired = new JWTClaimsSet.Builder().claim("id", "u1").expirationTime(Date.from(now.minusSeconds(600))).build();
        SignedJWT e = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), expired);
        e.sign(new MACSigner(TestConfigs.SECRET.getBytes(StandardCharsets.UTF_8)));
        assertError(http.get("/api/mcp/servers", e.serialize()), 401, "AUTH_TOKEN_EXPIRED");

        JWTClaimsSet valid = new JWTClaimsSet.Builder().claim("id", "u1").expirationTime(Date.from(now.plusSeconds(600))).build();
        assertError(http.get("/api/mcp/servers", new PlainJWT(valid).serialize()), 401, "AUTH_TOKEN_INVALID");

        SignedJWT wrong = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), valid);
        wrong.sign(new MACSigner("a-different-secret-of-at-least-32-bytes!".getBytes(StandardCharsets.UTF_8)));
        assertError(http.get("/api/mcp/servers", wrong.serialize()), 401, "AUTH_TOKEN_INVALID");
        assertError(http.get("/api/mcp/servers", "eyJhbGciOiJIUzI1NiJ9.%%%.xyz"), 401, "AUTH_TOKEN_MALFORMED");
    }

    @Test
    void the_oauth_callback_is_reachable_without_a_token() {
        ContentResponse r = Http.send(http.request("/api/mcp/remote/oauth/callback?code=c&state=s").followRedirects(false));
        assertThat(r.getStatus()).isEqualTo(302);
        assertThat(r.getHeaders().get("Location")).endsWith("/oauth/error?error=invalid_state");
    }

    @Test
    void role_permissions_decide_who_may_use_mcp_servers() {
        ContentResponse user = http.get("/api/mcp/servers", token("USER"));
        assertError(user, 403, "FORBIDDEN");
        assertThat(json(user).get("message").asString()).isEqualTo("Forbidden: Insufficient permissions");

        ContentResponse admin = http.get("/api/mcp/servers", token("ADMIN"));
        assertThat(admin.getStatus()).isEqualTo(200);
        JsonNode servers = json(admin);
        assertThat(servers.propertyNames()).containsExactly("everything", "remote");
        assertThat(servers.at("/everything/title").asString()).isEqualTo("Everything");
        assertThat(admin.getContentAsString()).doesNotContain("hidden").doesNotContain("server-everything");
    }

    @Test
    void unknown_routes_get_the_json_error_shape() {
        assertError(http.get("/nope"), 404, "NOT_FOUND");
        assertThat(json(http.get("/nope")).get("message").asString()).isEqualTo("No route for GET /nope");
        assertError(http.get("/api/mcp/nope/nothing", token("ADMIN")), 404, "NOT_FOUND");
        assertThat(json(http.get("/api/mcp/nope/nothing", token("ADMIN"))).get("message").asString())
                .isEqualTo("No route for GET /api/mcp/nope/nothing");
        // LibreChat's other routes its client may call on the same base URL: Portcullis' shape, never Javalin's page
        for (String path : List.of("/api/plugins", "/api/config", "/api/agents/tools", "/api/nope/deeper", "/favicon.ico")) {
            assertError(http.get(path, token("USER")), 404, "NOT_FOUND");
        }
    }

    @Test
    void a_known_route_with_the_wrong_method_is_405() {
        assertError(Http.send(http.request("/healthz").method("POST")), 405, "METHOD_NOT_ALLOWED");
        assertError(Http.send(http.request("/api/mcp/servers").method("PUT")
                .headers(h -> h.put("Authorization", "Bearer " + token("ADMIN")))), 405, "METHOD_NOT_ALLOWED");
    }
}
