package dev.portcullis.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.Gateway;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.store.AuditLog;
import dev.portcullis.store.Database;
import dev.portcullis.testing.Browser;
import dev.portcullis.testing.EverythingServer;
import dev.portcullis.testing.Peers;
import dev.portcullis.testing.Services;
import dev.portcullis.testing.TestConfigs;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The admin pages in a real browser (headless Chromium), signed in as an admin through the identity provider: what
 * they show after a real call and a real failure, the accessibility scan in light and dark, phone width, and the
 * screenshots docs/console.md shows.
 */
class AdminConsoleBrowserTest {
    /** Where the test run puts the console's screenshots (docs/console.md shows them). */
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    @TempDir
    static Path dir;
    static MockOAuth2Server provider;
    static Gateway gateway;
    static Database database;
    static Browser browser;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        provider = new MockOAuth2Server();
        provider.start();
        int port = EverythingServer.freePort();
        base = "http://localhost:" + port;
        PortcullisConfig config = TestConfigs.fromYaml("""
                server: {port: %d, publicUrl: "%s"}
                auth:
                  secret: %s
                  oidc: {issuer: "%s", clientId: portcullis-console, clientSecret: console-secret}
                  admins: {emails: [boss@example.test]}
                storage: {url: "%s"}
                mcpSettings: {allowedDomains: ['localhost']}
                mcpServers:
                  everything:
                    title: Everything
                    command: node
                    args: ["%s", "stdio"]
                    startup: false
                  gone:
                    title: Gone away
                    type: streamable-http
                    url: "http://localhost:%d/mcp"
                    startup: false
                """.formatted(port, base, TestConfigs.SECRET, provider.issuerUrl("default"), Services.freshPostgresSchema(),
                Peers.serverEverything(), EverythingServer.freePort()), dir);
        gateway = Gateway.start(config);
        database = Database.open(config.storage());
        AuditLog audit = new AuditLog(database.jdbi());
        Instant now = Instant.now();
        audit.append(new AuditLog.Event(now.minus(Duration.ofMinutes(42)), Optional.empty(), "alice", "server.create",
                "mcpServer:6c1f0e2a", Optional.of("req-1"), Optional.of("{\"name\":\"alices-notes\"}")));
        audit.append(new AuditLog.Event(now.minus(Duration.ofMinutes(17)), Optional.empty(), "alice", "server.share",
                "mcpServer:6c1f0e2a", Optional.of("req-2"), Optional.of("{\"principalType\":\"group\",\"principalId\":\"research\"}")));
        audit.append(new AuditLog.Event(now.minus(Duration.ofMinutes(3)), Optional.empty(), "boss-in-a-browser", "role.update",
                "role:USER", Optional.of("req-3"), Optional.of("{\"roleName\":\"USER\"}")));
        browser = new Browser();
    }

    @AfterAll
    static void stop() throws Exception {
        browser.close();
        gateway.close();
        database.close();
        provider.shutdown();
    }

    /** Each test signs in as its own person: nothing of the last one's sign-in stays in the browser. */
    @AfterEach
    void signOut() {
        browser.driver.get(base + "/console/signed-out");
        browser.driver.manage().deleteAllCookies();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String main() {
        return browser.driver.findElement(By.tagName("main")).getText();
    }

    /** One server's section on Admin → Servers. */
    private static String section(String title) {
        return browser.driver.findElement(By.xpath("//section[contains(@class,'admin-server')][.//h3[normalize-space()='"
                + title + "']]")).getText();
    }

    /** The scan and the screenshots of the page open now, light then dark. */
    private static void scanAndShoot(String name) {
        browser.colorScheme("light");
        assertThat(browser.seriousAccessibilityProblems()).as("axe-core, " + name + ", light").isEmpty();
        browser.screenshot(SCREENSHOTS.resolve(name + "-light.png"));
        browser.colorScheme("dark");
        assertThat(browser.seriousAccessibilityProblems()).as("axe-core, " + name + ", dark").isEmpty();
        browser.screenshot(SCREENSHOTS.resolve(name + "-dark.png"));
        browser.colorScheme("light");
    }

    /** At a phone's width the page itself never scrolls sideways: wide tables scroll in their own box. */
    private static void fitsAPhone(String name) {
        browser.driver.manage().window().setSize(new Dimension(390, 844));
        try {
            Object overflow = browser.driver.executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
            assertThat(((Number) overflow).longValue()).as(name + " at 390 px").isLessThanOrEqualTo(0);
        } finally {
            browser.driver.manage().window().setSize(new Dimension(1280, 900));
        }
    }

    @Test
    void an_admin_sees_servers_audit_log_and_egress_check() {
        provider.enqueueCallback(new DefaultOAuth2TokenCallback("default", "boss-in-a-browser", "JWT", null,
                Map.of("email", "boss@example.test", "email_verified", true, "name", "Boss"), 3600));
        browser.driver.get(base + "/console/login");
        assertThat(browser.driver.getTitle()).isEqualTo("My servers · Portcullis");

        // A real call: echo on server-everything, from its tool page.
        browser.driver.get(base + "/console/tools/everything");
        WebElement echo = browser.driver.findElement(By.xpath("//details[.//summary[normalize-space()='echo']]"));
        echo.findElement(By.tagName("summary")).click();
        echo.findElement(By.id("echo--message")).sendKeys("measured");
        echo.findElement(By.xpath(".//button[@type='submit']")).click();
        for (int i = 0; i < 100 && echo.findElements(By.cssSelector(".result pre")).isEmpty(); i++) {
            sleep(100);
        }
        assertThat(echo.findElement(By.cssSelector(".result pre")).getText()).isEqualTo("Echo: measured");

        // A real failure: nothing listens where "gone" is. The breaker opens for about a second at first, and
        // longer after each failure, so the page is read again after another failure if it closed meanwhile.
        String gone = "";
        for (int attempt = 0; attempt < 5 && !gone.contains("Breaker open"); attempt++) {
            browser.driver.get(base + "/console/tools/gone");
            assertThat(main()).contains("refused the connection");
            browser.driver.findElement(By.linkText("Admin")).click();
            gone = section("Gone away");
        }
        assertThat(browser.driver.getTitle()).isEqualTo("Admin: servers · Portcullis");
        assertThat(gone).contains("Breaker open", "Shared (every user)", "Failing", "Open, retry in",
                "Recent errors of Gone away", "UPSTREAM_UNAVAILABLE");
        String everything = section("Everything");
        assertThat(everything).containsPattern("Calls\\s+[1-9]\\d* \\(0 failed\\)").containsPattern("p50 \\d+\\.\\d ms")
                .contains("Connected");
        assertThat(main()).contains("this replica's");
        scanAndShoot("admin-servers");
        fitsAPhone("servers");

        browser.driver.findElement(By.linkText("Audit log")).click();
        assertThat(browser.driver.getTitle()).isEqualTo("Admin: audit log · Portcullis");
        assertThat(main()).contains("server.create", "server.share", "role.update", "role:USER");
        scanAndShoot("admin-audit");
        fitsAPhone("audit");
        browser.driver.findElement(By.id("actor")).sendKeys("alice");
        browser.driver.findElement(By.id("from")).sendKeys("not a date", Keys.ENTER);
        assertThat(browser.driver.findElement(By.id("from-problem")).getText()).startsWith("Not a date or time");
        assertThat(browser.driver.findElement(By.id("from")).getAttribute("aria-describedby")).contains("from-problem");
        assertThat(browser.seriousAccessibilityProblems()).as("axe-core, audit with a problem").isEmpty();
        browser.driver.findElement(By.id("from")).clear();
        browser.driver.findElement(By.id("from")).sendKeys(Keys.ENTER);
        assertThat(browser.driver.getCurrentUrl()).contains("actor=alice");
        assertThat(main()).contains("server.create", "server.share").doesNotContain("role.update");

        browser.driver.findElement(By.linkText("Egress check")).click();
        assertThat(browser.driver.getTitle()).isEqualTo("Admin: egress check · Portcullis");
        browser.driver.findElement(By.cssSelector("#context option[value='endpoint']")).click();
        browser.driver.findElement(By.id("url")).sendKeys("http://169.254.169.254/latest/meta-data/", Keys.ENTER);
        assertThat(browser.driver.getCurrentUrl()).contains("context=endpoint");
        assertThat(main()).contains("Blocked", "DENIED_ADDRESS", "link-local");
        scanAndShoot("admin-egress");
        fitsAPhone("egress");
    }

    @Test
    void someone_who_is_not_an_admin_sees_no_admin_link_and_a_page_that_says_why() {
        provider.enqueueCallback(new DefaultOAuth2TokenCallback("default", "alice-in-a-browser", "JWT", null,
                Map.of("email", "alice@example.test", "email_verified", true, "name", "Alice"), 3600));
        browser.driver.get(base + "/console/login");
        assertThat(browser.driver.findElements(By.linkText("Admin"))).isEmpty();
        browser.driver.get(base + "/console/admin");
        assertThat(browser.driver.getTitle()).isEqualTo("Admins only · Portcullis");
        assertThat(main()).contains("ADMIN role");
        assertThat(browser.seriousAccessibilityProblems()).as("axe-core, 403 page").isEmpty();
    }
}
