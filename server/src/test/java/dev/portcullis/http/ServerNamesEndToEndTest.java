package dev.portcullis.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.Gateway;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.identity.TokenMinter;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.Peers;
import dev.portcullis.testing.SdkDemoServer;
import dev.portcullis.testing.TestConfigs;
import java.net.HttpCookie;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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
 * Server names as LibreChat allows them — spaces, parentheses, an apostrophe, non-ASCII letters —
 * through every place a name travels: the paths LibreChat's client sends (which it does not
 * encode, so a space arrives as %20 and a parenthesis as itself), tool calls on the real
 * server-everything, and an OAuth authorization against the SDK's demo server, whose browser
 * binding cookie carries the name in its name and path.
 */
class ServerNamesEndToEndTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String STDIO = "Notion (work)";
    /** As LibreChat's client writes it into a path: axios encodes the space and the non-ASCII bytes, nothing else. */
    private static final String STDIO_PATH = "Notion%20(work)";
    private static final String OAUTH = "Bob's Files (é)";
    private static final String OAUTH_PATH = "Bob's%20Files%20(%C3%A9)";
    /** The name as the gateway writes it into URLs it builds and into cookie names. */
    private static final String OAUTH_ENCODED = "Bob%27s%20Files%20%28%C3%A9%29";

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
                  "%s":
                    command: node
                    args: ["%s", "stdio"]
                    title: Notion Work
                  "%s": {type: streamable-http, url: "%s", startup: false}
                """.formatted(TestConfigs.SECRET, STDIO, Peers.serverEverything(), OAUTH, demo.mcpUrl()), dir);
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

    private static Request as(String user, String path) {
        String token = new TokenMinter(TestConfigs.SECRET.getBytes(StandardCharsets.UTF_8), config.auth(), Clock.systemUTC())
                .mint(new TokenMinter.Claims(user, "USER", Optional.empty(), Optional.empty(), Duration.ofMinutes(10)));
        return http.request(path).headers(h -> h.put("Authorization", "Bearer " + token)).timeout(60, TimeUnit.SECONDS)
                .followRedirects(false);
    }

    private static JsonNode json(ContentResponse r) {
        return JSON.readTree(r.getContentAsString());
    }

    private static ContentResponse call(String user, String serverPath, String tool, String arguments) {
        return Http.send(as(user, "/api/mcp/" + serverPath + "/tools/" + tool + "/call").method("POST")
                .body(new StringRequestContent("application/json", "{\"arguments\":" + arguments + "}")));
    }

    @Test
    void a_name_with_a_space_and_parentheses_is_addressed_as_librechats_client_sends_it() {
        ContentResponse echo = call("alice", STDIO_PATH, "echo", "{\"message\":\"hi\"}");
        assertThat(echo.getStatus()).as(echo.getContentAsString()).isEqualTo(200);
        assertThat(json(echo).at("/content/0/text").asString()).contains("hi");

        ContentResponse view = Http.send(as("alice", "/api/mcp/servers/" + STDIO_PATH));
        assertThat(view.getStatus()).as(view.getContentAsString()).isEqualTo(200);
        assertThat(json(view).get("title").asString()).isEqualTo("Notion Work");

        JsonNode status = json(Http.send(as("alice", "/api/mcp/connection/status/" + STDIO_PATH)));
        assertThat(status.get("serverName").asString()).isEqualTo(STDIO);

        JsonNode tools = json(Http.send(as("alice", "/api/mcp/tools")));
        assertThat(tools.get("servers").has(STDIO)).as(tools.toString()).isTrue();

        ContentResponse encodedParens = call("alice", "Notion%20%28work%29", "echo", "{\"message\":\"again\"}");
        assertThat(encodedParens.getStatus()).as("fully encoded reaches the same server").isEqualTo(200);
    }

    @Test
    void an_oauth_authorization_completes_for_a_name_that_is_no_cookie_token() throws Exception {
        ContentResponse started = Http.send(as("alice", "/api/mcp/" + OAUTH_PATH + "/reinitialize").method("POST"));
        assertThat(started.getStatus()).as(started.getContentAsString()).isEqualTo(200);
        assertThat(json(started).get("flowId").asString()).isEqualTo("alice:" + OAUTH);
        HttpCookie binding = started.getHeaders().getValuesList("Set-Cookie").stream()
                .flatMap(h -> HttpCookie.parse(h).stream()).filter(c -> c.getName().startsWith("portcullis_oauth_"))
                .findFirst().orElseThrow();
        assertThat(binding.getName()).isEqualTo("portcullis_oauth_" + OAUTH_ENCODED);
        assertThat(binding.getPath()).isEqualTo("/api/mcp/" + OAUTH_ENCODED + "/oauth");

        ContentResponse atProvider = browser.newRequest(json(started).get("oauthUrl").asString()).timeout(10, TimeUnit.SECONDS).send();
        URI back = URI.create(atProvider.getHeaders().get("Location"));
        assertThat(back.getRawPath()).as("the redirect URI the gateway registered").isEqualTo("/api/mcp/" + OAUTH_ENCODED + "/oauth/callback");
        assertThat(back.getRawPath()).as("the cookie is sent on the callback").startsWith(binding.getPath());

        ContentResponse done = Http.send(http.request(back.getRawPath() + "?" + back.getRawQuery()).followRedirects(false)
                .headers(h -> h.put("Cookie", binding.getName() + "=" + binding.getValue())));
        assertThat(done.getHeaders().get("Location"))
                .isEqualTo("http://localhost:3080/oauth/success?serverName=Bob%27s+Files+%28%C3%A9%29");

        ContentResponse greet = call("alice", OAUTH_PATH, "greet", "{\"name\":\"gateway\"}");
        assertThat(greet.getStatus()).as(greet.getContentAsString()).isEqualTo(200);
        assertThat(json(greet).at("/content/0/text").asString()).isEqualTo("Hello, gateway!");
    }
}
