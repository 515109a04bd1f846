package dev.portcullis.oauth;

import dev.portcullis.testing.SdkDemoServer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.Gateway;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.identity.TokenMinter;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.TestConfigs;
import java.net.HttpCookie;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * End to end through the HTTP API against the SDK's OAuth demo ({@code --oauth --oauth-strict}):
 * reinitialize → authorization URL → the user's browser at the provider → callback → tool call.
 */
class GatewayOAuthFlowTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path dir;
    static SdkDemoServer demo;
    static Gateway gateway;
    static Http http;
    static HttpClient browser;
    static PortcullisConfig config;

    @BeforeAll
    static void start() throws Exception {
        demo = new SdkDemoServer();
        config = TestConfigs.fromYaml("""
                server: {port: 0, publicUrl: "http://localhost:3080"}
                auth: {secret: %s}
                mcpSettings:
                  allowedDomains: ['localhost']
                mcpServers:
                  demo: {type: streamable-http, url: "%s", startup: false}
                """.formatted(TestConfigs.SECRET, demo.mcpUrl()), dir);
        gateway = Gateway.start(config);
        http = new Http(gateway.port());
        browser = new HttpClient();
        browser.setFollowRedirects(false);
        browser.start();
    }

    @AfterAll
    static void stop() throws Exception {
        browser.stop();
        http.close();
        gateway.close();
        demo.close();
    }

    private static String token(String user) {
        return new TokenMinter(TestConfigs.SECRET.getBytes(StandardCharsets.UTF_8), config.auth(), Clock.systemUTC())
                .mint(new TokenMinter.Claims(user, "USER", Optional.empty(), Optional.empty(), Duration.ofMinutes(10)));
    }

    private static Request as(String user, String path) {
        return http.request(path).headers(h -> h.put("Authorization", "Bearer " + token(user))).timeout(30, TimeUnit.SECONDS)
                .followRedirects(false);
    }

    private static JsonNode json(ContentResponse r) {
        return JSON.readTree(r.getContentAsString());
    }

    /** What LibreChat's front end gets from reinitialize: the URL to open, and the cookie binding this browser. */
    private record Started(String flowId, String authorizationUrl, Optional<HttpCookie> binding) {
    }

    private static Started reinitialize(String user) {
        ContentResponse r = Http.send(as(user, "/api/mcp/demo/reinitialize").method("POST"));
        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.get("oauthRequired").asBoolean()).as(r.getContentAsString()).isTrue();
        Optional<HttpCookie> cookie = r.getHeaders().getValuesList("Set-Cookie").stream()
                .flatMap(h -> HttpCookie.parse(h).stream()).filter(c -> c.getName().equals("portcullis_oauth_demo")).findFirst();
        return new Started(body.get("flowId").asString(), body.get("oauthUrl").asString(), cookie);
    }

    /** The user's browser at the auto-approving provider: its redirect carries code and state back. */
    private static String providerRedirect(String authorizationUrl) throws Exception {
        ContentResponse r = browser.newRequest(authorizationUrl).timeout(10, TimeUnit.SECONDS).send();
        assertThat(r.getStatus()).isEqualTo(302);
        URI location = URI.create(r.getHeaders().get("Location"));
        assertThat(location.getPath()).isEqualTo("/api/mcp/demo/oauth/callback");
        return location.getPath() + "?" + location.getRawQuery();
    }

    private static ContentResponse callback(String pathAndQuery, Optional<HttpCookie> binding) {
        Request r = http.request(pathAndQuery).followRedirects(false);
        binding.ifPresent(c -> r.headers(h -> h.put("Cookie", c.getName() + "=" + c.getValue())));
        return Http.send(r);
    }

    private static ContentResponse greet(String user) {
        return Http.send(as(user, "/api/mcp/demo/tools/greet/call").method("POST")
                .body(new StringRequestContent("application/json", "{\"arguments\":{\"name\":\"gateway\"}}")));
    }

    @Test
    void a_user_authorizes_and_then_calls_the_tool() throws Exception {
        ContentResponse before = greet("alice");
        assertThat(before.getStatus()).isEqualTo(403);
        assertThat(json(before).get("error").asString()).isEqualTo("OAUTH_REQUIRED");
        assertThat(json(before).get("oauthUrl").asString()).startsWith("http://localhost:" + demo.authPort + "/authorize");

        Started started = reinitialize("alice");
        assertThat(started.flowId()).isEqualTo("alice:demo");
        assertThat(json(Http.send(as("alice", "/api/mcp/connection/status/demo"))).get("authorizationState").asString())
                .isEqualTo("authorizing");
        assertThat(started.binding()).hasValueSatisfying(c -> assertThat(c.isHttpOnly()).isTrue());
        String back = providerRedirect(started.authorizationUrl());

        ContentResponse done = callback(back, started.binding());
        assertThat(done.getStatus()).isEqualTo(302);
        assertThat(done.getHeaders().get("Location")).isEqualTo("http://localhost:3080/oauth/success?serverName=demo");
        assertThat(json(Http.send(as("alice", "/api/mcp/oauth/status/alice:demo"))).get("status").asString()).isEqualTo("COMPLETED");
        JsonNode status = json(Http.send(as("alice", "/api/mcp/connection/status/demo")));
        assertThat(status.get("requiresOAuth").asBoolean()).as("found when it answered 401").isTrue();
        assertThat(status.get("authorizationState").asString()).isEqualTo("authorized");
        assertThat(status.get("connectionStatus").asString()).as("connected by the callback, as LibreChat does")
                .isEqualTo("connected");
        assertThat(json(Http.send(as("alice", "/api/mcp/oauth/status/alice:demo"))).has("error"))
                .as("LibreChat's type: a string or nothing, never null").isFalse();

        ContentResponse after = greet("alice");
        assertThat(after.getStatus()).as(after.getContentAsString()).isEqualTo(200);
        assertThat(json(after).at("/content/0/text").asString()).isEqualTo("Hello, gateway!");

        ContentResponse replay = callback(back, started.binding());
        assertThat(replay.getHeaders().get("Location")).as("a second callback needs no second exchange").endsWith("/oauth/success?serverName=demo");

        ContentResponse tokens = Http.send(as("alice", "/api/mcp/oauth/tokens/alice:demo"));
        assertThat(tokens.getStatus()).isEqualTo(200);
        assertThat(json(tokens).at("/tokens/token_type").asString()).isEqualToIgnoringCase("bearer");
        assertThat(json(tokens).get("tokens").propertyNames()).doesNotContain("access_token", "refresh_token");

        for (String route : List.of("/api/mcp/oauth/status/", "/api/mcp/oauth/tokens/")) {
            assertAnswersLikeAnUnknownFlow(Http.send(as("mallory", route + "alice:demo")),
                    Http.send(as("mallory", route + "nobody:nothing")));
        }

        ContentResponse disconnected = Http.send(as("alice", "/api/mcp/demo/oauth").method("DELETE"));
        assertThat(json(disconnected).get("disconnected").asBoolean()).isTrue();
        assertThat(greet("alice").getStatus()).as("authorization is needed again").isEqualTo(403);
    }

    /** A listing is a look, not a use: it neither starts an authorization nor marks the server failed. */
    @Test
    void listing_tools_starts_no_authorization() {
        JsonNode listed = json(Http.send(as("erin", "/api/mcp/tools")));
        assertThat(listed.at("/servers/demo/tools").size()).isZero();
        assertThat(listed.at("/servers/demo/icon").isString()).as("LibreChat's type: a string").isTrue();
        JsonNode status = json(Http.send(as("erin", "/api/mcp/connection/status/demo")));
        assertThat(status.get("authorizationState").asString()).isEqualTo("needs_authorization");
        assertThat(status.get("connectionStatus").asString()).isNotEqualTo("error");
        assertThat(Http.send(as("erin", "/api/mcp/oauth/status/erin:demo")).getStatus()).as("no flow").isEqualTo(404);
    }

    @Test
    void initiate_refuses_a_link_made_for_another_user() {
        ContentResponse r = Http.send(as("frank", "/api/mcp/demo/oauth/initiate?userId=alice"));
        assertThat(r.getStatus()).isEqualTo(403);
        assertThat(json(r).get("error").asString()).isEqualTo("FORBIDDEN");
        assertThat(Http.send(as("frank", "/api/mcp/demo/oauth/initiate")).getStatus()).as("LibreChat requires it").isEqualTo(403);
        ContentResponse mine = Http.send(as("frank", "/api/mcp/demo/oauth/initiate?userId=frank"));
        assertThat(mine.getStatus()).isEqualTo(302);
    }

    /** LibreChat's uninstall (its front end sends auth: {}) revokes and deletes the grant and ends attempts. */
    @Test
    void uninstalling_through_user_plugins_forgets_the_authorization() throws Exception {
        Started started = reinitialize("gina");
        callback(providerRedirect(started.authorizationUrl()), started.binding());
        assertThat(greet("gina").getStatus()).isEqualTo(200);

        ContentResponse uninstalled = Http.send(as("gina", "/api/user/plugins").method("POST")
                .body(new StringRequestContent("application/json", "{\"pluginKey\":\"mcp_demo\",\"action\":\"uninstall\",\"auth\":{}}")));

        assertThat(uninstalled.getStatus()).isEqualTo(200);
        assertThat(uninstalled.getContentAsString()).as("LibreChat answers with no body").isEmpty();
        assertThat(json(Http.send(as("gina", "/api/mcp/connection/status/demo"))).get("authorizationState").asString())
                .isEqualTo("needs_authorization");
        assertThat(greet("gina").getStatus()).as("authorization is needed again").isEqualTo(403);
    }

    /** Status, headers and body match, but for the request id: nothing tells a foreign flow from none. */
    private static void assertAnswersLikeAnUnknownFlow(ContentResponse foreign, ContentResponse unknown) {
        assertThat(foreign.getStatus()).isEqualTo(404).isEqualTo(unknown.getStatus());
        JsonNode foreignBody = json(foreign);
        JsonNode unknownBody = json(unknown);
        assertThat(foreignBody.get("error").asString()).isEqualTo("NOT_FOUND");
        ((tools.jackson.databind.node.ObjectNode) foreignBody).remove("requestId");
        ((tools.jackson.databind.node.ObjectNode) unknownBody).remove("requestId");
        assertThat(foreignBody).isEqualTo(unknownBody);
        List<String> ignored = List.of("date", "x-request-id");
        java.util.function.Function<ContentResponse, java.util.Map<String, String>> headers = r -> {
            java.util.Map<String, String> out = new java.util.TreeMap<>();
            r.getHeaders().forEach(f -> {
                if (!ignored.contains(f.getLowerCaseName())) {
                    out.put(f.getLowerCaseName(), f.getValue());
                }
            });
            return out;
        };
        assertThat(headers.apply(foreign)).isEqualTo(headers.apply(unknown));
    }

    @Test
    void a_callback_without_the_browser_binding_is_refused() throws Exception {
        Started started = reinitialize("bob");
        String back = providerRedirect(started.authorizationUrl());
        ContentResponse r = callback(back, Optional.empty());
        assertThat(r.getHeaders().get("Location")).endsWith("/oauth/error?error=csrf_validation_failed");
        ContentResponse wrong = callback(back, Optional.of(new HttpCookie("portcullis_oauth_demo", "forged")));
        assertThat(wrong.getHeaders().get("Location")).endsWith("/oauth/error?error=csrf_validation_failed");
        assertThat(greet("bob").getStatus()).isEqualTo(403);
    }

    @Test
    void a_foreign_or_replayed_state_is_refused() {
        ContentResponse r = callback("/api/mcp/demo/oauth/callback?code=x&state=not-a-state", Optional.empty());
        assertThat(r.getHeaders().get("Location")).endsWith("/oauth/error?error=invalid_state");
        ContentResponse none = callback("/api/mcp/demo/oauth/callback?code=x", Optional.empty());
        assertThat(none.getHeaders().get("Location")).endsWith("/oauth/error?error=missing_state");
    }

    /** LibreChat's result codes for a redirect that names no attempt: the provider's error, or missing_code. */
    @Test
    void a_redirect_without_an_attempt_reports_librechats_codes() {
        ContentResponse denied = callback("/api/mcp/demo/oauth/callback?error=access_denied", Optional.empty());
        assertThat(denied.getHeaders().get("Location")).endsWith("/oauth/error?error=access_denied");
        ContentResponse odd = callback("/api/mcp/demo/oauth/callback?error=%3Cscript%3E", Optional.empty());
        assertThat(odd.getHeaders().get("Location")).as("only well-formed codes are echoed")
                .endsWith("/oauth/error?error=authorization_denied");
        ContentResponse empty = callback("/api/mcp/demo/oauth/callback?state=whatever", Optional.empty());
        assertThat(empty.getHeaders().get("Location")).endsWith("/oauth/error?error=missing_code");
    }

    @Test
    void a_tool_call_can_wait_for_the_user_to_authorize() throws Exception {
        Started started = reinitialize("carol");
        String back = providerRedirect(started.authorizationUrl());
        var waiting = java.util.concurrent.CompletableFuture.supplyAsync(() -> Http.send(as("carol", "/api/mcp/demo/tools/greet/call")
                .method("POST").timeout(60, TimeUnit.SECONDS)
                .body(new StringRequestContent("application/json", "{\"arguments\":{\"name\":\"later\"},\"waitForAuthMs\":20000}"))));
        Thread.sleep(500);
        assertThat(waiting).isNotDone();
        callback(back, started.binding());
        ContentResponse r = waiting.get(30, TimeUnit.SECONDS);
        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(200);
        assertThat(json(r).at("/content/0/text").asString()).isEqualTo("Hello, later!");
    }

    @Test
    void the_client_metadata_document_is_public_and_names_itself() {
        ContentResponse r = Http.send(http.request("/api/mcp/demo/oauth/client-metadata.json"));
        assertThat(r.getStatus()).isEqualTo(200);
        assertThat(json(r).get("client_id").asString()).isEqualTo("http://localhost:3080/api/mcp/demo/oauth/client-metadata.json");
        assertThat(json(r).get("redirect_uris").get(0).asString()).isEqualTo("http://localhost:3080/api/mcp/demo/oauth/callback");
        // Any well-formed name gets its document: the route must not tell which servers exist in any tenant.
        assertThat(Http.send(http.request("/api/mcp/nope/oauth/client-metadata.json")).getStatus()).isEqualTo(200);
        assertThat(Http.send(http.request("/api/mcp/a_mcp_b/oauth/client-metadata.json")).getStatus()).isEqualTo(404);
        // A name with a space and parentheses is a name: its document names the encoded callback.
        ContentResponse spaced = Http.send(http.request("/api/mcp/Notion%20(work)/oauth/client-metadata.json"));
        assertThat(spaced.getStatus()).isEqualTo(200);
        assertThat(json(spaced).get("redirect_uris").get(0).asString())
                .isEqualTo("http://localhost:3080/api/mcp/Notion%20%28work%29/oauth/callback");
    }

    @Test
    void cancel_ends_the_pending_attempt() {
        reinitialize("dave");
        ContentResponse cancelled = Http.send(as("dave", "/api/mcp/oauth/cancel/demo").method("POST"));
        assertThat(json(cancelled).get("message").asString()).contains("cancelled");
        assertThat(json(Http.send(as("dave", "/api/mcp/oauth/status/dave:demo"))).get("status").asString()).isEqualTo("FAILED");
    }
}
