package dev.portcullis.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.Gateway;
import dev.portcullis.oauth.flow.IdTokens;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.TestConfigs;
import java.net.HttpCookie;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Console sign-in through a real OpenID provider (mock-oauth2-server, which signs in whoever asks): the
 * browser is played by hand, one redirect at a time, so every cookie and parameter is checked.
 */
class ConsoleSignInTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PUBLIC = "http://localhost:3080";

    @TempDir
    static Path dir;
    static MockOAuth2Server provider;
    static Gateway gateway;
    static Http http;
    static HttpClient browser;

    @BeforeAll
    static void start() throws Exception {
        provider = new MockOAuth2Server();
        provider.start();
        gateway = Gateway.start(TestConfigs.fromYaml("""
                server: {port: 0, publicUrl: "%s"}
                auth:
                  secret: %s
                  oidc:
                    issuer: "%s"
                    clientId: portcullis-console
                    clientSecret: console-secret
                    claims: {groups: groups}
                  admins: {emails: [boss@example.test]}
                mcpSettings:
                  allowedDomains: ['localhost']
                mcpServers:
                  everything: {command: node, args: ["unused"], startup: false}
                """.formatted(PUBLIC, TestConfigs.SECRET, provider.issuerUrl("default")), dir));
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
        provider.shutdown();
    }

    /** A browser's visit to the gateway, by path, with these cookies and headers. */
    private static ContentResponse visit(String method, String path, Map<String, String> headers) {
        Request r = http.request(path).method(method).followRedirects(false);
        headers.forEach((k, v) -> r.headers(h -> h.put(k, v)));
        return Http.send(r);
    }

    private static Optional<HttpCookie> cookie(ContentResponse r, String name) {
        return r.getHeaders().getValuesList("Set-Cookie").stream().flatMap(h -> HttpCookie.parse(h).stream())
                .filter(c -> c.getName().equals(name)).findFirst();
    }

    private static String setCookie(ContentResponse r, String name) {
        return r.getHeaders().getValuesList("Set-Cookie").stream().filter(h -> h.startsWith(name + "=")).findFirst().orElseThrow();
    }

    /** Started at the gateway: where the browser goes next, and the attempt cookie it was given. */
    private record Started(URI authorizationUrl, HttpCookie attempt) {
    }

    private static Started begin() {
        ContentResponse login = visit("GET", "/console/login", Map.of());
        assertThat(login.getStatus()).as(login.getContentAsString()).isEqualTo(302);
        return new Started(URI.create(login.getHeaders().get("Location")), cookie(login, "portcullis_signin_attempt").orElseThrow());
    }

    /** The provider signs the person in and sends the browser back: the callback's path and query. */
    private static String atProvider(URI authorizationUrl, String subject, Map<String, Object> claims) throws Exception {
        provider.enqueueCallback(new DefaultOAuth2TokenCallback("default", subject, "JWT", null, claims, 3600));
        ContentResponse r = browser.newRequest(authorizationUrl).timeout(10, TimeUnit.SECONDS).send();
        assertThat(r.getStatus()).isEqualTo(302);
        URI back = URI.create(r.getHeaders().get("Location"));
        assertThat(back.getScheme() + "://" + back.getRawAuthority() + back.getPath()).isEqualTo(PUBLIC + "/console/callback");
        return back.getPath() + "?" + back.getRawQuery();
    }

    private static ContentResponse callback(String pathAndQuery, Optional<HttpCookie> attempt, String... more) {
        StringBuilder cookies = new StringBuilder();
        attempt.ifPresent(c -> cookies.append(c.getName()).append('=').append(c.getValue()));
        for (String c : more) {
            cookies.append(cookies.isEmpty() ? "" : "; ").append(c);
        }
        return visit("GET", pathAndQuery, cookies.isEmpty() ? Map.of() : Map.of("Cookie", cookies.toString()));
    }

    /** Signs in as {@code subject}; the sign-in cookie's "name=value". */
    private static String signIn(String subject, Map<String, Object> claims) throws Exception {
        Started started = begin();
        ContentResponse done = callback(atProvider(started.authorizationUrl(), subject, claims), Optional.of(started.attempt()));
        assertThat(done.getStatus()).as(done.getContentAsString()).isEqualTo(303);
        HttpCookie signIn = cookie(done, "portcullis_signin").orElseThrow();
        return signIn.getName() + "=" + signIn.getValue();
    }

    private static JsonNode session(String cookie) {
        ContentResponse r = visit("GET", "/console/session", Map.of("Cookie", cookie));
        assertThat(r.getStatus()).as(r.getContentAsString()).isEqualTo(200);
        return JSON.readTree(r.getContentAsString());
    }

    @Test
    void the_authorization_request_is_a_code_flow_with_pkce_state_and_nonce() {
        Started started = begin();
        String query = started.authorizationUrl().getRawQuery();
        assertThat(query).contains("response_type=code", "client_id=portcullis-console", "code_challenge_method=S256",
                "code_challenge=", "state=", "nonce=", "scope=openid+email+profile",
                "redirect_uri=" + java.net.URLEncoder.encode(PUBLIC + "/console/callback", java.nio.charset.StandardCharsets.UTF_8));
        assertThat(started.attempt().isHttpOnly()).isTrue();
        assertThat(started.attempt().getPath()).isEqualTo("/console/callback");
    }

    @Test
    void a_person_signs_in_and_uses_the_api_with_the_cookie_alone() throws Exception {
        Started started = begin();
        ContentResponse done = callback(atProvider(started.authorizationUrl(), "alice-sub",
                Map.of("email", "alice@example.test", "email_verified", true, "name", "Alice", "groups", java.util.List.of("research"))),
                Optional.of(started.attempt()));
        assertThat(done.getStatus()).isEqualTo(303);
        assertThat(done.getHeaders().get("Location")).isEqualTo("/console/");
        String raw = setCookie(done, "portcullis_signin");
        assertThat(raw).contains("HttpOnly").containsIgnoringCase("SameSite=Lax").doesNotContain("Secure"); // http public URL
        String cookie = raw.substring(0, raw.indexOf(';'));

        JsonNode me = session(cookie);
        assertThat(me.get("userId").asString()).isEqualTo("alice-sub");
        assertThat(me.get("email").asString()).isEqualTo("alice@example.test");
        assertThat(me.get("name").asString()).isEqualTo("Alice");
        assertThat(me.get("role").asString()).isEqualTo("USER");
        assertThat(me.get("groups").get(0).asString()).isEqualTo("research");
        ContentResponse servers = visit("GET", "/api/mcp/servers", Map.of("Cookie", cookie));
        assertThat(servers.getStatus()).as(servers.getContentAsString()).isEqualTo(200);
    }

    @Test
    void the_operators_admin_list_applies_to_people_who_sign_in_with_a_verified_address() throws Exception {
        String cookie = signIn("boss-sub", Map.of("email", "boss@example.test", "email_verified", true));
        assertThat(session(cookie).get("role").asString()).isEqualTo("ADMIN");
    }

    /** Anyone may register at a provider with an admin's address; only a verified one counts. */
    @Test
    void an_unverified_address_is_not_taken() throws Exception {
        for (Map<String, Object> claims : java.util.List.<Map<String, Object>>of(Map.of("email", "boss@example.test"),
                Map.of("email", "boss@example.test", "email_verified", false),
                Map.of("email", "boss@example.test", "email_verified", "true"))) {
            JsonNode me = session(signIn("mallory-sub", claims));
            assertThat(me.get("role").asString()).as("%s", claims).isEqualTo("USER");
            assertThat(me.get("email").isNull()).as("%s", claims).isTrue();
        }
    }

    @Test
    void a_link_from_another_site_cannot_use_the_sign_in_even_to_read() throws Exception {
        String cookie = signIn("alice-sub", Map.of());
        ContentResponse crossSite = visit("GET", "/api/mcp/servers", Map.of("Cookie", cookie, "Sec-Fetch-Site", "cross-site"));
        assertThat(crossSite.getStatus()).isEqualTo(403);
        assertThat(visit("GET", "/api/mcp/servers", Map.of("Cookie", cookie, "Sec-Fetch-Site", "same-origin")).getStatus())
                .isEqualTo(200);
    }

    @Test
    void a_callback_without_the_browsers_attempt_cookie_signs_no_one_in_and_the_attempt_survives() throws Exception {
        Started started = begin();
        String back = atProvider(started.authorizationUrl(), "mallory-victim", Map.of());
        ContentResponse elsewhere = callback(back, Optional.empty());
        assertThat(elsewhere.getStatus()).isEqualTo(400);
        assertThat(cookie(elsewhere, "portcullis_signin")).isEmpty();
        ContentResponse forged = callback(back, Optional.of(new HttpCookie("portcullis_signin_attempt", "forged")));
        assertThat(forged.getStatus()).isEqualTo(400);
        assertThat(callback(back, Optional.of(started.attempt())).getStatus()).as("the real browser still can").isEqualTo(303);
    }

    @Test
    void a_callback_is_used_once() throws Exception {
        Started started = begin();
        String back = atProvider(started.authorizationUrl(), "alice-sub", Map.of());
        assertThat(callback(back, Optional.of(started.attempt())).getStatus()).isEqualTo(303);
        ContentResponse again = callback(back, Optional.of(started.attempt()));
        assertThat(again.getStatus()).isEqualTo(400);
        assertThat(again.getContentAsString()).contains("already used");
    }

    @Test
    void an_unknown_state_or_a_provider_error_signs_no_one_in() {
        Started started = begin();
        ContentResponse unknown = callback("/console/callback?code=x&state=made-up", Optional.of(started.attempt()));
        assertThat(unknown.getStatus()).isEqualTo(400);
        ContentResponse denied = callback("/console/callback?error=access_denied&state=x", Optional.of(started.attempt()));
        assertThat(denied.getStatus()).isEqualTo(400);
        assertThat(denied.getContentAsString()).contains("access_denied");
    }

    @Test
    void a_sign_in_cookie_the_browser_brought_is_replaced_not_reused() throws Exception {
        String before = signIn("alice-sub", Map.of());
        Started started = begin();
        ContentResponse done = callback(atProvider(started.authorizationUrl(), "alice-sub", Map.of()),
                Optional.of(started.attempt()), before, "portcullis_signin=attacker-chosen-value");
        String after = setCookie(done, "portcullis_signin");
        assertThat(after).doesNotStartWith(before + ";").doesNotContain("attacker-chosen-value");
        assertThat(visit("GET", "/console/session", Map.of("Cookie", "portcullis_signin=attacker-chosen-value")).getStatus())
                .isEqualTo(401);
    }

    @Test
    void requests_that_change_something_need_the_csrf_token_and_the_gateways_origin() throws Exception {
        String cookie = signIn("alice-sub", Map.of());
        String csrf = session(cookie).get("csrfToken").asString();
        String path = "/api/mcp/servers";
        String body = "{}";
        ContentResponse none = Http.send(http.request(path).method("POST").headers(h -> h.put("Cookie", cookie))
                .body(new org.eclipse.jetty.client.StringRequestContent("application/json", body)));
        assertThat(none.getStatus()).isEqualTo(403);
        assertThat(JSON.readTree(none.getContentAsString()).get("error").asString()).isEqualTo("CSRF_TOKEN_INVALID");
        ContentResponse wrong = Http.send(http.request(path).method("POST").headers(h -> h.put("Cookie", cookie)
                .put("X-CSRF-Token", "not-it")).body(new org.eclipse.jetty.client.StringRequestContent("application/json", body)));
        assertThat(wrong.getStatus()).isEqualTo(403);
        ContentResponse crossSite = Http.send(http.request(path).method("POST").headers(h -> h.put("Cookie", cookie)
                .put("X-CSRF-Token", csrf).put("Origin", "https://evil.example"))
                .body(new org.eclipse.jetty.client.StringRequestContent("application/json", body)));
        assertThat(crossSite.getStatus()).isEqualTo(403);
        ContentResponse right = Http.send(http.request(path).method("POST").headers(h -> h.put("Cookie", cookie)
                .put("X-CSRF-Token", csrf).put("Origin", PUBLIC))
                .body(new org.eclipse.jetty.client.StringRequestContent("application/json", body)));
        assertThat(right.getStatus()).as("past the CSRF check: the body is what is wrong now").isEqualTo(400);
        assertThat(JSON.readTree(right.getContentAsString()).get("error").asString()).isNotEqualTo("CSRF_TOKEN_INVALID");
    }

    @Test
    void signing_out_ends_the_sign_in_everywhere_and_needs_the_csrf_token() throws Exception {
        String cookie = signIn("alice-sub", Map.of());
        String csrf = session(cookie).get("csrfToken").asString();
        assertThat(visit("POST", "/console/logout", Map.of("Cookie", cookie)).getStatus()).as("no token: refused").isEqualTo(403);
        assertThat(session(cookie).get("userId").asString()).isEqualTo("alice-sub");
        ContentResponse out = visit("POST", "/console/logout", Map.of("Cookie", cookie, "X-CSRF-Token", csrf));
        assertThat(out.getStatus()).isEqualTo(200);
        ContentResponse api = visit("GET", "/api/mcp/servers", Map.of("Cookie", cookie));
        assertThat(api.getStatus()).isEqualTo(401);
        assertThat(JSON.readTree(api.getContentAsString()).get("error").asString()).isEqualTo("SIGN_IN_ENDED");
    }

    @Test
    void a_stale_tabs_sign_out_reloads_it_instead_of_failing_quietly_and_another_site_cannot_clear_the_cookie() throws Exception {
        String cookie = signIn("alice-sub", Map.of());
        ContentResponse stale = visit("POST", "/console/logout", Map.of("Cookie", cookie, "X-CSRF-Token", "an-old-token",
                "HX-Request", "true"));
        assertThat(stale.getStatus()).isEqualTo(403);
        assertThat(stale.getHeaders().get("HX-Refresh")).isEqualTo("true");
        assertThat(cookie(stale, "portcullis_signin")).as("not cleared").isEmpty();
        ContentResponse crossSite = visit("POST", "/console/logout", Map.of("Sec-Fetch-Site", "cross-site"));
        assertThat(crossSite.getHeaders().getValuesList("Set-Cookie")).as("another site's form clears nothing").isEmpty();
        assertThat(session(cookie).get("userId").asString()).isEqualTo("alice-sub");
    }

    @Test
    void the_consoles_actions_need_a_sign_in_and_its_csrf_token_and_take_no_bearer_token() throws Exception {
        String path = "/console/servers/everything/reconnect";
        ContentResponse anonymous = visit("POST", path, Map.of());
        assertThat(anonymous.getStatus()).isEqualTo(401);
        String cookie = signIn("alice-sub", Map.of());
        assertThat(visit("POST", path, Map.of("Cookie", cookie)).getStatus()).as("no CSRF token").isEqualTo(403);
        String csrf = session(cookie).get("csrfToken").asString();
        ContentResponse done = visit("POST", path, Map.of("Cookie", cookie, "X-CSRF-Token", csrf));
        assertThat(done.getStatus()).isEqualTo(200);
        assertThat(done.getHeaders().get("Content-Security-Policy")).contains("default-src 'none'");
        assertThat(done.getContentAsString()).startsWith("<li class=\"card\">").contains("<h2>everything</h2>");
    }

    @Test
    void a_bearer_token_still_works_and_wins_over_a_cookie() throws Exception {
        String cookie = signIn("alice-sub", Map.of());
        String token = new dev.portcullis.identity.TokenMinter(TestConfigs.SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                TestConfigs.fromYaml("auth: {secret: " + TestConfigs.SECRET + "}", dir).auth(), java.time.Clock.systemUTC())
                .mint(new dev.portcullis.identity.TokenMinter.Claims("bob", "USER", Optional.empty(), Optional.empty(),
                        java.time.Duration.ofMinutes(5)));
        ContentResponse r = Http.send(http.request("/api/mcp/servers").headers(h -> h.put("Cookie", cookie)
                .put("Authorization", "Bearer " + token)));
        assertThat(r.getStatus()).isEqualTo(200);
    }

    /** Data kept only for a use: without an enterprise-managed server of this provider, no ID token is kept. */
    @Test
    void the_id_token_of_a_sign_in_is_not_kept_when_no_server_exchanges_it() throws Exception {
        Started started = begin();
        ContentResponse done = callback(atProvider(started.authorizationUrl(), "nora-sub", Map.of()), Optional.of(started.attempt()));
        assertThat(done.getStatus()).isEqualTo(303);

        assertThat(gateway.idTokens().usable(new IdTokens.Holder("", "nora-sub", provider.issuerUrl("default").toString()),
                Duration.ZERO)).isEmpty();
    }

    @Test
    void there_is_no_development_sign_in_when_a_provider_is_configured() {
        assertThat(visit("GET", "/console/dev-login?ticket=x", Map.of()).getStatus()).isEqualTo(404);
    }
}
