package dev.portcullis.oauth;

import dev.portcullis.testing.SdkDemoServer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.Gateway;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.identity.TokenMinter;
import dev.portcullis.testing.Http;
import dev.portcullis.testing.TestConfigs;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** {@code oauth.allowUnboundCallback: true} restores LibreChat's lenient callback, and only then. */
class LenientCallbackTest {
    @TempDir
    Path dir;

    @Test
    void a_callback_without_a_cookie_completes_only_in_lenient_mode() throws Exception {
        try (SdkDemoServer demo = new SdkDemoServer()) {
            PortcullisConfig config = TestConfigs.fromYaml("""
                    server: {port: 0, publicUrl: "http://localhost:3080"}
                    auth: {secret: %s}
                    oauth: {allowUnboundCallback: true}
                    mcpSettings: {allowedDomains: ['localhost']}
                    mcpServers:
                      demo: {type: streamable-http, url: "%s", startup: false}
                    """.formatted(TestConfigs.SECRET, demo.mcpUrl()), dir);
            HttpClient browser = new HttpClient();
            browser.setFollowRedirects(false);
            browser.start();
            try (Gateway gateway = Gateway.start(config); Http http = new Http(gateway.port())) {
                String token = new TokenMinter(TestConfigs.SECRET.getBytes(StandardCharsets.UTF_8), config.auth(), Clock.systemUTC())
                        .mint(new TokenMinter.Claims("erin", "USER", Optional.empty(), Optional.empty(), Duration.ofMinutes(5)));
                ContentResponse started = Http.send(http.request("/api/mcp/demo/reinitialize").method("POST")
                        .headers(h -> h.put("Authorization", "Bearer " + token)));
                String url = JsonMapper.builder().build().readTree(started.getContentAsString()).get("oauthUrl").asString();
                URI back = URI.create(browser.newRequest(url).timeout(10, TimeUnit.SECONDS).send().getHeaders().get("Location"));
                ContentResponse callback = Http.send(http.request(back.getPath() + "?" + back.getRawQuery()).followRedirects(false));
                assertThat(callback.getHeaders().get("Location")).endsWith("/oauth/success?serverName=demo");
            } finally {
                browser.stop();
            }
        }
    }
}
