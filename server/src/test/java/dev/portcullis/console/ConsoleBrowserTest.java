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
    static dev.portcullis.testing.SdkDemoServer demo;
    static Gateway gateway;
    static Browser browser;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        provider = new MockOAuth2Server();
        provider.start();
        demo = new dev.portcullis.testing.SdkDemoServer();
        int port = EverythingServer.freePort();
        base = "http://localhost:" + port;
        gateway = Gateway.start(TestConfigs.fromYaml("""
                server: {port: %d, publicUrl: "%s"}
                auth:
                  secret: %s
                  oidc: {issuer: "%s", clientId: portcullis-console, clientSecret: console-secret}
                mcpSettings: {allowedDomains: ['localhost']}
                mcpServers:
                  everything:
                    title: Everything
                    description: The MCP reference server, with echo, sums, progress and more
                    command: node
                    args: ["%s", "stdio"]
                    startup: false
                  files:
                    title: Team files
                    description: Documents of the team's shared drive, through the provider's remote MCP server
                    type: streamable-http
                    url: https://files.example.com/mcp
                    requiresOAuth: true
                    startup: false
                  demo:
                    title: OAuth demo
                    description: The MCP SDK's demo server, behind its own authorization server
                    type: streamable-http
                    url: "%s"
                    startup: false
                """.formatted(port, base, TestConfigs.SECRET, provider.issuerUrl("default"),
                dev.portcullis.testing.Peers.serverEverything(), demo.mcpUrl()), dir));
        browser = new Browser();
    }

    @AfterAll
    static void stop() throws Exception {
        browser.close();
        gateway.close();
        provider.shutdown();
        demo.close();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Where the test run puts the console's screenshots (docs/console.md shows them). */
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    @Test
    void a_person_signs_in_sees_their_servers_uses_the_api_with_the_csrf_token_and_signs_out() {
        provider.enqueueCallback(new DefaultOAuth2TokenCallback("default", "alice-in-a-browser", "JWT", null,
                Map.of("email", "alice@example.test", "email_verified", true, "name", "Alice"), 3600));
        browser.driver.get(base + "/console/login");
        assertThat(browser.driver.getCurrentUrl()).isEqualTo(base + "/console/");
        assertThat(browser.driver.getTitle()).isEqualTo("My servers · Portcullis");
        String page = browser.driver.findElement(org.openqa.selenium.By.tagName("main")).getText();
        assertThat(page).contains("Everything", "Team files", "Not connected", "Needs your authorization", "Local process");
        assertThat(browser.driver.findElement(org.openqa.selenium.By.className("person")).getText()).isEqualTo("Alice");
        assertThat(browser.driver.manage().getCookieNamed("portcullis_signin")).satisfies(c -> {
            assertThat(c.isHttpOnly()).isTrue();
            assertThat(c.getSameSite()).isEqualTo("Lax");
        });
        assertThat((String) browser.driver.executeScript("return document.cookie")).as("HttpOnly: no script reads it")
                .doesNotContain("portcullis_signin");
        assertThat(browser.await("return (await fetch('/api/mcp/servers', {method: 'POST',"
                + " headers: {'Content-Type': 'application/json'}, body: '{}'})).status;")).isEqualTo(403L);
        assertThat(browser.await("return (await fetch('/api/mcp/servers')).status;")).isEqualTo(200L);

        browser.colorScheme("light");
        assertThat(browser.seriousAccessibilityProblems()).as("axe-core, light").isEmpty();
        browser.screenshot(SCREENSHOTS.resolve("servers-light.png"));
        browser.colorScheme("dark");
        assertThat(browser.seriousAccessibilityProblems()).as("axe-core, dark").isEmpty();
        browser.screenshot(SCREENSHOTS.resolve("servers-dark.png"));
        browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        browser.screenshot(SCREENSHOTS.resolve("servers-phone-dark.png"));
        browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 900));
        browser.colorScheme("light");

        browser.driver.findElement(org.openqa.selenium.By.linkText("MCP clients")).click();
        assertThat(browser.driver.getTitle()).isEqualTo("MCP clients · Portcullis");
        assertThat(browser.driver.findElement(org.openqa.selenium.By.id("vscode")).getText())
                .contains("\"url\": \"" + base + "/mcp\"", "Bearer ${input:portcullis-token}");
        assertThat(browser.driver.findElement(org.openqa.selenium.By.id("claude-code")).getText())
                .startsWith("claude mcp add --transport http portcullis '" + base + "/mcp'");
        assertThat(browser.seriousAccessibilityProblems()).as("axe-core, clients, light").isEmpty();
        browser.screenshot(SCREENSHOTS.resolve("clients-light.png"));
        browser.colorScheme("dark");
        assertThat(browser.seriousAccessibilityProblems()).as("axe-core, clients, dark").isEmpty();
        browser.screenshot(SCREENSHOTS.resolve("clients-dark.png"));
        browser.colorScheme("light");
        browser.driver.findElement(org.openqa.selenium.By.linkText("My servers")).click();

        // Keyboard only: the first Tab reaches the skip link, which moves focus to the content.
        browser.driver.switchTo().activeElement().sendKeys(org.openqa.selenium.Keys.TAB);
        assertThat(browser.driver.switchTo().activeElement().getText()).isEqualTo("Skip to the content");

        browser.driver.findElement(org.openqa.selenium.By.xpath("//button[normalize-space()='Sign out']")).click();
        for (int i = 0; i < 100 && !browser.driver.getCurrentUrl().endsWith("/console/signed-out"); i++) {
            sleep(100);
        }
        assertThat(browser.driver.getCurrentUrl()).endsWith("/console/signed-out");
        assertThat(browser.seriousAccessibilityProblems()).as("axe-core, signed out").isEmpty();
        assertThat(browser.driver.manage().getCookieNamed("portcullis_signin")).as("the cookie is gone").isNull();
        browser.driver.get(base + "/api/mcp/servers");
        assertThat(browser.driver.getPageSource()).contains("AUTH_TOKEN_MISSING");
    }

    /** The card of one server on My servers. */
    private static org.openqa.selenium.WebElement card(String title) {
        return browser.driver.findElement(org.openqa.selenium.By.xpath("//li[contains(@class,'card')][.//h2[normalize-space()='"
                + title + "']]"));
    }

    /** The card's text; htmx may replace the card between finding it and reading it, so read it again then. */
    private static String cardText(String title) {
        for (int attempt = 0; ; attempt++) {
            try {
                return card(title).getText();
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                if (attempt == 20) {
                    throw e;
                }
                sleep(50);
            }
        }
    }

    private static void awaitText(String title, String text) {
        for (int i = 0; i < 100 && !cardText(title).contains(text); i++) {
            sleep(100);
        }
        assertThat(cardText(title)).contains(text);
    }

    @Test
    void a_person_connects_an_oauth_server_in_the_browser_reconnects_it_and_disconnects_it() {
        provider.enqueueCallback(new DefaultOAuth2TokenCallback("default", "bob-in-a-browser", "JWT", null,
                Map.of("name", "Bob"), 3600));
        browser.driver.get(base + "/console/login");
        // Not configured for OAuth: the gateway learns it when the server first refuses it.
        card("OAuth demo").findElement(org.openqa.selenium.By.xpath(".//button[normalize-space()='Reconnect']")).click();
        awaitText("OAuth demo", "Needs your authorization first: use Connect.");
        card("OAuth demo").findElement(org.openqa.selenium.By.linkText("Connect")).click();
        // The demo's authorization server approves at once; the gateway's callback ends on its success page.
        for (int i = 0; i < 100 && !browser.driver.getCurrentUrl().contains("/oauth/success"); i++) {
            sleep(100);
        }
        assertThat(browser.driver.getCurrentUrl()).contains("/oauth/success");
        browser.driver.get(base + "/console/");
        assertThat(cardText("OAuth demo")).contains("Authorized");

        card("OAuth demo").findElement(org.openqa.selenium.By.xpath(".//button[normalize-space()='Reconnect']")).click();
        awaitText("OAuth demo", "Connected again:");
        assertThat(cardText("OAuth demo")).contains("Connected", "Authorized");
        assertThat(browser.seriousAccessibilityProblems()).as("axe-core, a card after an action").isEmpty();
        browser.screenshot(SCREENSHOTS.resolve("servers-connected-light.png"));

        card("OAuth demo").findElement(org.openqa.selenium.By.xpath(".//button[normalize-space()='Disconnect']")).click();
        awaitText("OAuth demo", "Disconnected: your authorization is withdrawn.");
        assertThat(cardText("OAuth demo")).contains("Needs your authorization", "Connect");
        browser.driver.findElement(org.openqa.selenium.By.xpath("//button[normalize-space()='Sign out']")).click();
    }

    @Test
    void a_person_tries_a_tool_from_a_form_made_from_its_schema() {
        provider.enqueueCallback(new DefaultOAuth2TokenCallback("default", "carol-in-a-browser", "JWT", null,
                Map.of("name", "Carol"), 3600));
        browser.driver.get(base + "/console/login");
        card("Everything").findElement(org.openqa.selenium.By.linkText("Tools")).click();
        assertThat(browser.driver.getTitle()).isEqualTo("Everything · Portcullis");
        var echo = browser.driver.findElement(org.openqa.selenium.By.xpath("//details[.//summary[normalize-space()='echo']]"));
        echo.findElement(org.openqa.selenium.By.tagName("summary")).click();
        echo.findElement(org.openqa.selenium.By.id("echo--message")).sendKeys("hello from the console <b>");
        echo.findElement(org.openqa.selenium.By.xpath(".//button[@type='submit']")).click();
        for (int i = 0; i < 100 && echo.findElements(org.openqa.selenium.By.cssSelector(".result pre")).isEmpty(); i++) {
            sleep(100);
        }
        assertThat(echo.findElement(org.openqa.selenium.By.cssSelector(".result pre")).getText())
                .isEqualTo("Echo: hello from the console <b>");

        var sum = browser.driver.findElement(org.openqa.selenium.By.xpath("//details[.//summary[normalize-space()='get-sum']]"));
        sum.findElement(org.openqa.selenium.By.tagName("summary")).click();
        sum.findElement(org.openqa.selenium.By.id("get-sum--a")).sendKeys("2");
        sum.findElement(org.openqa.selenium.By.id("get-sum--b")).sendKeys("3.5");
        sum.findElement(org.openqa.selenium.By.xpath(".//button[@type='submit']")).click();
        for (int i = 0; i < 100 && sum.findElements(org.openqa.selenium.By.cssSelector(".result pre")).isEmpty(); i++) {
            sleep(100);
        }
        assertThat(sum.findElement(org.openqa.selenium.By.cssSelector(".result pre")).getText()).contains("5.5");
        assertThat(browser.seriousAccessibilityProblems()).as("axe-core, tools").isEmpty();
        browser.screenshot(SCREENSHOTS.resolve("tools-light.png"));
        browser.colorScheme("dark");
        assertThat(browser.seriousAccessibilityProblems()).as("axe-core, tools, dark").isEmpty();
        browser.screenshot(SCREENSHOTS.resolve("tools-dark.png"));
        browser.colorScheme("light");
    }

    /** The scan is an instrument: it must see a problem that is there, or its silence proves nothing. */
    @Test
    void the_accessibility_scan_finds_a_problem_that_is_there() {
        browser.driver.get("data:text/html,<!doctype html><html lang=en><title>t</title><main><img src=x.png></main></html>");
        assertThat(browser.seriousAccessibilityProblems()).anySatisfy(p -> assertThat(p).startsWith("image-alt"));
    }

    @Test
    void console_pages_and_assets_come_only_from_the_gateway_under_a_strict_policy() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var page = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/console/")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).as("not signed in: to sign-in").isEqualTo(303);
        var css = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/console/assets/console.css")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("Content-Type")).get().asString().startsWith("text/css");
        var htmx = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/console/assets/htmx.min.js")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(htmx.statusCode()).isEqualTo(200);
        assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base
                + "/console/assets/..%2F..%2Fportcullis.yaml")).build(), java.net.http.HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(404);
        assertThat(dev.portcullis.http.ConsoleRoutesAccess.csp()).contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval", "http:", "https:");
    }
}
