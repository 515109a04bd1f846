package dev.portcullis.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.Gateway;
import dev.portcullis.testing.Browser;
import dev.portcullis.testing.EverythingServer;
import dev.portcullis.testing.TestConfigs;
import java.nio.file.Path;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sign-in as a person does it, in a real browser (headless Chromium): every redirect, cookie attribute and
 * header is the browser's own, not a test's imitation of one.
 */
class ConsoleBrowserTest {
    @TempDir
    static Path dir;
    static MockOAuth2Server provider;
    static Gateway gateway;
    static Browser browser;
    static String base;

    @BeforeAll
    static void start() {
        provider = new MockOAuth2Server();
        provider.start();
        int port = EverythingServer.freePort();
        base = "http://localhost:" + port;
        gateway = Gateway.start(TestConfigs.fromYaml("""
                server: {port: %d, publicUrl: "%s"}
                auth:
                  secret: %s
                  oidc: {issuer: "%s", clientId: portcullis-console, clientSecret: console-secret}
                mcpSettings: {allowedDomains: ['localhost']}
                mcpServers:
                  everything: {command: node, args: ["unused"], startup: false}
                """.formatted(port, base, TestConfigs.SECRET, provider.issuerUrl("default")), dir));
        browser = new Browser();
    }

    @AfterAll
    static void stop() {
        browser.close();
        gateway.close();
        provider.shutdown();
    }

    @Test
    void a_person_signs_in_uses_the_api_with_the_csrf_token_and_signs_out() {
        provider.enqueueCallback(new DefaultOAuth2TokenCallback("default", "alice-in-a-browser", "JWT", null,
                Map.of("email", "alice@example.test", "email_verified", true, "name", "Alice"), 3600));
        browser.driver.get(base + "/console/login");
        assertThat(browser.driver.getCurrentUrl()).isEqualTo(base + "/console/session");
        assertThat(browser.driver.getPageSource()).contains("\"userId\":\"alice-in-a-browser\"", "\"name\":\"Alice\"");
        assertThat(browser.driver.manage().getCookieNamed("portcullis_signin")).satisfies(c -> {
            assertThat(c.isHttpOnly()).isTrue();
            assertThat(c.getSameSite()).isEqualTo("Lax");
        });
        assertThat((String) browser.driver.executeScript("return document.cookie")).as("HttpOnly: no script reads it")
                .doesNotContain("portcullis_signin");

        Object withoutToken = browser.await("return (await fetch('/api/mcp/servers', {method: 'POST',"
                + " headers: {'Content-Type': 'application/json'}, body: '{}'})).status;");
        assertThat(withoutToken).isEqualTo(403L);
        Object listed = browser.await("return (await fetch('/api/mcp/servers')).status;");
        assertThat(listed).isEqualTo(200L);
        Object signedOut = browser.await("const me = await (await fetch('/console/session')).json();"
                + "const out = await fetch('/console/logout', {method: 'POST', headers: {'X-CSRF-Token': me.csrfToken}});"
                + "return out.status + ' ' + (await fetch('/api/mcp/servers')).status;");
        assertThat(signedOut).isEqualTo("200 401");
    }
}
