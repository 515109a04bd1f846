package dev.portcullis.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.portcullis.Gateway;
import dev.portcullis.testing.Browser;
import dev.portcullis.testing.EverythingServer;
import dev.portcullis.testing.Peers;
import dev.portcullis.testing.TestConfigs;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;

/**
 * Two people in two browsers, signed in through the OIDC provider's own login page (mock-oauth2-server in
 * interactive-login mode: the person types who they are, as on a real provider): one adds a server of her
 * own and shares it, the other sees it and calls its tools. Also what a person sets for themselves (their
 * values, the theme), the live state, a call's progress, and the attacks a signed-in browser invites: a
 * fixated sign-in cookie and a form on another site.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleSharingBrowserTest {
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    @TempDir
    static Path dir;
    static MockOAuth2Server provider;
    static EverythingServer everything;
    static Gateway gateway;
    static Browser alice;
    static Browser bob;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        provider = new MockOAuth2Server(OAuth2Config.Companion.fromJson("{\"interactiveLogin\": true}"));
        provider.start();
        everything = EverythingServer.start("streamableHttp");
        int port = EverythingServer.freePort();
        base = "http://localhost:" + port;
        gateway = Gateway.start(TestConfigs.fromYaml("""
                server: {port: %d, publicUrl: "%s"}
                auth:
                  secret: %s
                  oidc: {issuer: "%s", clientId: portcullis-console, clientSecret: console-secret}
                interface:
                  mcpServers: {use: true, create: true, share: true, public: true}
                  peoplePicker: {users: true}
                mcpSettings: {allowedDomains: ['localhost', '127.0.0.1']}
                mcpServers:
                  keyed:
                    title: Keyed everything
                    description: The reference server, started with a word each person chooses
                    command: node
                    args: ["%s", "stdio"]
                    env: {SECRET_WORD: "{{SECRET_WORD}}"}
                    customUserVars:
                      SECRET_WORD: {title: Secret word, description: Any word; the server gets it in its environment}
                    startup: false
                  everything:
                    title: Everything
                    description: The MCP reference server
                    command: node
                    args: ["%s", "stdio"]
                    startup: false
                """.formatted(port, base, TestConfigs.SECRET, provider.issuerUrl("default"), Peers.serverEverything(),
                Peers.serverEverything()), dir));
        alice = new Browser();
        bob = new Browser();
    }

    @AfterAll
    static void stop() throws Exception {
        alice.close();
        bob.close();
        gateway.close();
        everything.close();
        provider.shutdown();
    }

    /** Signs in on the provider's login page, typing the subject and the claims as a person would. */
    private static void signIn(Browser browser, String subject, String claims) {
        browser.driver.get(base + "/console/login");
        await(() -> !browser.driver.findElements(By.name("username")).isEmpty());
        assertThat(browser.driver.getCurrentUrl()).as("the provider's own page").startsWith(provider.issuerUrl("default").toString());
        browser.driver.findElement(By.name("username")).sendKeys(subject);
        browser.driver.findElement(By.name("claims")).sendKeys(claims);
        browser.driver.findElement(By.cssSelector("input[type=submit]")).click();
        await(() -> browser.driver.getCurrentUrl().equals(base + "/console/"));
    }

    private static void await(BooleanSupplier condition) {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!holds(condition)) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not so within 60 s");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** htmx may replace an element between finding it and reading it: not yet, then. */
    private static boolean holds(BooleanSupplier condition) {
        try {
            return condition.getAsBoolean();
        } catch (org.openqa.selenium.StaleElementReferenceException e) {
            return false;
        }
    }

    private static String mainText(Browser browser) {
        for (int attempt = 0; ; attempt++) {
            try {
                return browser.driver.findElement(By.tagName("main")).getText();
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                if (attempt == 20) {
                    throw e;
                }
            }
        }
    }

    private static WebElement card(Browser browser, String title) {
        return browser.driver.findElement(By.xpath("//li[contains(@class,'card')][.//h2[normalize-space()=\"" + title + "\"]]"));
    }

    private static void scan(Browser browser, String name) {
        browser.colorScheme("light");
        assertThat(browser.seriousAccessibilityProblems()).as("axe-core, " + name + ", light").isEmpty();
        browser.screenshot(SCREENSHOTS.resolve(name + "-light.png"));
        browser.colorScheme("dark");
        assertThat(browser.seriousAccessibilityProblems()).as("axe-core, " + name + ", dark").isEmpty();
        browser.screenshot(SCREENSHOTS.resolve(name + "-dark.png"));
        browser.colorScheme("light");
    }

    /** Chooses an option of a select as a person does: by clicking it (which fires the change). */
    private static void choose(Browser browser, String selectId, String value) {
        browser.driver.findElement(By.id(selectId)).click();
        browser.driver.findElement(By.cssSelector("#" + selectId + " option[value='" + value + "']")).click();
    }

    private static int status(String cookie) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/api/mcp/servers"))
                .header("Cookie", "portcullis_signin=" + cookie).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    @Order(1)
    void signing_in_never_keeps_a_cookie_the_browser_came_with() throws Exception {
        // An attacker who could plant a cookie value in Bob's browser must not end up sharing his sign-in.
        bob.driver.get(base + "/console/signed-out");
        bob.driver.manage().addCookie(new Cookie("portcullis_signin", "planted-by-someone-else-0123456789"));
        signIn(bob, "bob", "{\"name\": \"Bob\", \"email\": \"bob@example.test\", \"email_verified\": true}");
        String first = bob.driver.manage().getCookieNamed("portcullis_signin").getValue();
        assertThat(first).isNotEqualTo("planted-by-someone-else-0123456789");
        assertThat(status("planted-by-someone-else-0123456789")).isEqualTo(401);
        assertThat(status(first)).isEqualTo(200);
        assertThat(bob.driver.findElement(By.className("person")).getText()).isEqualTo("Bob");

        // Signing in again gives a new sign-in and ends the one the browser had.
        signIn(bob, "bob", "{\"name\": \"Bob\", \"email\": \"bob@example.test\", \"email_verified\": true}");
        String second = bob.driver.manage().getCookieNamed("portcullis_signin").getValue();
        assertThat(second).isNotEqualTo(first);
        assertThat(status(first)).as("the old sign-in has ended").isEqualTo(401);
        assertThat(status(second)).isEqualTo(200);
    }

    @Test
    @Order(2)
    void a_person_adds_a_server_and_sees_the_apis_problems_next_to_the_fields() {
        signIn(alice, "alice", "{\"name\": \"Alice\", \"email\": \"alice@example.test\", \"email_verified\": true}");
        alice.driver.findElement(By.linkText("Add a server")).click();
        assertThat(alice.driver.getTitle()).isEqualTo("Add a server · Portcullis");
        scan(alice, "new-server");

        // Nothing filled in: the API's messages, each beside its field, and the fields marked invalid.
        alice.driver.findElement(By.xpath("//button[normalize-space()='Add the server']")).click();
        await(() -> !alice.driver.findElements(By.id("title-error")).isEmpty());
        assertThat(alice.driver.findElement(By.id("title")).getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(alice.driver.findElement(By.id("title")).getAttribute("aria-describedby")).contains("title-error");
        assertThat(alice.driver.findElement(By.id("url-error")).getText()).isNotBlank();

        // An address the egress policy refuses: said beside the address, the rest of the input kept.
        alice.driver.findElement(By.id("title")).sendKeys("Alice's tools");
        alice.driver.findElement(By.id("url")).sendKeys("http://169.254.169.254/mcp");
        alice.driver.findElement(By.xpath("//button[normalize-space()='Add the server']")).click();
        await(() -> !alice.driver.findElements(By.id("url-error")).isEmpty()
                && alice.driver.findElement(By.id("url-error")).getText().contains("egress"));
        assertThat(alice.driver.findElements(By.id("title-error"))).isEmpty();
        assertThat(alice.driver.findElement(By.id("title")).getAttribute("value")).isEqualTo("Alice's tools");
        scan(alice, "new-server-problems");

        WebElement url = alice.driver.findElement(By.id("url"));
        url.clear();
        url.sendKeys(everything.uri("/mcp").toString());
        alice.driver.findElement(By.id("description")).sendKeys("Alice's own copy of the reference server");
        alice.driver.findElement(By.xpath("//button[normalize-space()='Add the server']")).click();
        await(() -> alice.driver.getCurrentUrl().contains("/console/?added="));
        assertThat(card(alice, "Alice's tools").getText()).contains("Added. You can use it now, and share it.", "Share");
    }

    @Test
    @Order(3)
    void she_shares_it_with_bob_who_sees_it_and_calls_its_tools() {
        card(alice, "Alice's tools").findElement(By.linkText("Share")).click();
        assertThat(alice.driver.getTitle()).isEqualTo("Share Alice's tools · Portcullis");
        assertThat(mainText(alice)).contains("Alice (you)", "Owner", "Not shared with everyone.");
        assertThat(alice.driver.findElements(By.xpath("//button[@aria-label='Remove Alice (you)']")))
                .as("no button to take her own role away").isEmpty();
        alice.driver.findElement(By.id("people-query")).sendKeys("Bob");
        await(() -> !alice.driver.findElements(By.cssSelector("#candidates input[type=radio]")).isEmpty());
        assertThat(alice.driver.findElement(By.id("candidates")).getText()).contains("Bob", "bob@example.test");
        choose(alice, "share-role", "mcpServer_viewer");
        alice.driver.findElement(By.xpath("//button[normalize-space()='Share']")).click();
        await(() -> mainText(alice).contains("Shared with bob as Viewer."));
        assertThat(alice.driver.findElement(By.cssSelector("#sharing table")).getText()).contains("Bob", "Person", "Viewer");
        scan(alice, "sharing");

        bob.driver.get(base + "/console/");
        assertThat(mainText(bob)).contains("Alice's tools");
        assertThat(card(bob, "Alice's tools").findElements(By.linkText("Share"))).as("a viewer may not share").isEmpty();
        card(bob, "Alice's tools").findElement(By.linkText("Tools")).click();
        WebElement echo = bob.driver.findElement(By.xpath("//details[.//summary[normalize-space()='echo']]"));
        echo.findElement(By.tagName("summary")).click();
        echo.findElement(By.id("echo--message")).sendKeys("shared with me");
        echo.findElement(By.xpath(".//button[@type='submit']")).click();
        await(() -> !echo.findElements(By.cssSelector(".result pre")).isEmpty());
        assertThat(echo.findElement(By.cssSelector(".result pre")).getText()).isEqualTo("Echo: shared with me");

        // Alice takes it back: Bob no longer finds it.
        alice.driver.findElement(By.xpath("//button[@aria-label='Remove Bob']")).click();
        await(() -> mainText(alice).contains("No longer shared with bob."));
        bob.driver.get(base + "/console/");
        assertThat(mainText(bob)).doesNotContain("Alice's tools");
    }

    @Test
    @Order(4)
    void a_form_on_another_site_cannot_act_with_the_sign_in() throws Exception {
        HttpServer site = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String page = """
                <!doctype html><html><body><form id="f" method="post" action="%s/console/servers/new">
                <input name="title" value="Planted by another site"><input name="url" value="%s"></form>
                <script>document.getElementById('f').submit()</script></body></html>""".formatted(base, everything.uri("/mcp"));
        site.createContext("/", exchange -> {
            byte[] body = page.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        site.start();
        try {
            bob.driver.get("http://127.0.0.1:" + site.getAddress().getPort() + "/");
            await(() -> bob.driver.getCurrentUrl().startsWith(base));
            assertThat(bob.driver.getPageSource()).doesNotContain("Added");
        } finally {
            site.stop(0);
        }
        bob.driver.get(base + "/console/");
        assertThat(mainText(bob)).doesNotContain("Planted by another site");
        // Even from the console's own origin, a change without the sign-in's CSRF token is refused.
        Object refused = bob.await("const r = await fetch('/console/servers/new', {method: 'POST', body: new URLSearchParams("
                + "{title: 'No token', url: '" + everything.uri("/mcp") + "'})}); return r.status + ' ' + (await r.json()).error;");
        assertThat(refused).isEqualTo("403 CSRF_TOKEN_INVALID");
        bob.driver.navigate().refresh();
        assertThat(mainText(bob)).doesNotContain("No token");
    }

    @Test
    @Order(5)
    void a_person_sets_their_own_values_and_the_state_follows_by_itself() {
        bob.driver.get(base + "/console/");
        WebElement keyed = card(bob, "Keyed everything");
        assertThat(keyed.getText()).contains("Your values (0 of 1 set)", "Not connected");
        assertThat(keyed.findElement(By.tagName("details")).getAttribute("open")).as("open while one is missing").isNotNull();
        scan(bob, "servers-values");
        WebElement word = keyed.findElement(By.xpath(".//input[@name='var.SECRET_WORD']"));
        assertThat(bob.driver.findElement(By.xpath("//label[@for='" + word.getAttribute("id") + "']")).getText())
                .isEqualTo("Secret word");
        word.sendKeys("swordfish");
        keyed.findElement(By.xpath(".//button[normalize-space()='Save']")).click();
        await(() -> card(bob, "Keyed everything").getText().contains("Saved: 1 value."));
        assertThat(card(bob, "Keyed everything").getText()).contains("Your values (1 of 1 set)");
        assertThat(card(bob, "Keyed everything").findElement(By.xpath(".//input[@name='var.SECRET_WORD']")).getAttribute("value"))
                .as("a value is never shown back").isEmpty();

        // Connected from elsewhere (another tab, a chat): the open page's state changes without a reload.
        String token = (String) bob.driver.executeScript("return JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRF-Token']");
        assertThat(bob.await("return (await fetch('/api/mcp/keyed/reinitialize', {method: 'POST', headers: {'X-CSRF-Token': '"
                + token + "'}})).status;")).isEqualTo(200L);
        await(() -> card(bob, "Keyed everything").findElement(By.className("state")).getText().equals("Connected"));
    }

    @Test
    @Order(6)
    void a_long_call_shows_its_progress_then_its_result() {
        bob.driver.get(base + "/console/tools/everything");
        WebElement tool = bob.driver.findElement(By.xpath("//details[.//summary[normalize-space()='trigger-long-running-operation']]"));
        tool.findElement(By.tagName("summary")).click();
        tool.findElement(By.xpath(".//input[@name='duration']")).sendKeys("3");
        tool.findElement(By.xpath(".//input[@name='steps']")).sendKeys("3");
        tool.findElement(By.xpath(".//button[@type='submit']")).click();
        try {
            await(() -> tool.findElement(By.className("result")).getText().contains("Step 1 of 3"));
        } catch (AssertionError e) {
            throw new AssertionError("result: " + tool.getText() + " / " + bob.driver.manage().logs().get("browser").getAll(), e);
        }
        assertThat(tool.findElement(By.tagName("progress")).getAttribute("value")).isIn("1", "2");
        assertThat(tool.findElement(By.xpath(".//button[@type='submit']")).isEnabled()).as("one call at a time").isFalse();
        bob.screenshot(SCREENSHOTS.resolve("tools-progress-light.png"));
        await(() -> !tool.findElements(By.cssSelector(".result pre")).isEmpty());
        assertThat(tool.findElement(By.cssSelector(".result pre")).getText()).contains("Long running operation completed");
    }

    @Test
    @Order(7)
    void the_theme_switch_overrides_the_system_and_is_remembered() {
        bob.driver.get(base + "/console/");
        bob.colorScheme("light");
        String light = (String) bob.driver.executeScript("return getComputedStyle(document.body).backgroundColor");
        choose(bob, "theme", "dark");
        String dark = (String) bob.driver.executeScript("return getComputedStyle(document.body).backgroundColor");
        assertThat(dark).isNotEqualTo(light);
        bob.driver.navigate().refresh();
        assertThat(bob.driver.executeScript("return document.documentElement.dataset.theme")).isEqualTo("dark");
        assertThat(bob.driver.executeScript("return getComputedStyle(document.body).backgroundColor")).isEqualTo(dark);
        assertThat(bob.driver.executeScript("const s = document.getElementById('theme'); return s.options[s.selectedIndex].text"))
                .isEqualTo("Dark");
        assertThat(bob.seriousAccessibilityProblems()).as("axe-core, dark chosen under a light system").isEmpty();
        choose(bob, "theme", "system");
        assertThat(bob.driver.executeScript("return getComputedStyle(document.body).backgroundColor")).isEqualTo(light);
        bob.driver.navigate().refresh();
        assertThat(bob.driver.executeScript("return document.documentElement.dataset.theme")).isNull();
    }
}
