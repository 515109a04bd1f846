package dev.portcullis.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium, headless, through its own chromedriver (installed by scripts/browser.sh; a test that
 * needs it fails, never skips, when it is missing). No network but loopback: the flags keep Chromium from
 * calling home and resolve no other host, and each browser has a fresh profile.
 */
public final class Browser implements AutoCloseable {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    public final ChromeDriver driver;
    private final Path profile;

    public Browser() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new AssertionError("Chromium and chromedriver are required at " + CHROMIUM + " and " + CHROMEDRIVER
                    + "; run scripts/browser.sh");
        }
        try {
            profile = Files.createTempDirectory("portcullis-chromium-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                "--no-first-run", "--user-data-dir=" + profile, "--window-size=1280,900",
                // Only loopback exists for these tests: a page that names another host (mock-oauth2-server's login
                // page links a web font) gets "not found" from Chromium itself, with no lookup and no connection.
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(30));
    }

    /** The page as the system's dark or light preference would show it. */
    public void colorScheme(String scheme) {
        driver.executeCdpCommand("Emulation.setEmulatedMedia", java.util.Map.of("features",
                java.util.List.of(java.util.Map.of("name", "prefers-color-scheme", "value", scheme))));
    }

    /** A screenshot of the viewport, written to {@code file}. */
    public void screenshot(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, driver.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The page's accessibility problems that axe-core rates serious or critical (WCAG 2.x A and AA and
     * best practices), as "rule: help (where)" lines; empty when there are none.
     */
    public java.util.List<String> seriousAccessibilityProblems() {
        try {
            driver.executeScript(Files.readString(Peers.axeCore()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Object found = await("const r = await axe.run(document, {runOnly: {type: 'tag', values:"
                + " ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}});"
                + "return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')"
                + ".map(v => v.id + ': ' + v.help + ' (' + v.nodes.map(n => n.target.join(' ')).join(', ') + ')');");
        if (!(found instanceof java.util.List<?> list)) {
            throw new AssertionError("axe-core did not run: " + found);
        }
        return list.stream().map(String::valueOf).toList();
    }

    /** Runs a script in the page that returns a promise; its result. */
    public Object await(String script) {
        return driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "Promise.resolve((async () => {" + script + "})()).then(done, e => done('error: ' + e));");
    }

    @Override
    public void close() {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary profile left behind is harmless
        }
    }
}
