package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The real built book in headless Chromium, for the tests that read it as a reader would: a JUnit 5 extension, one per
 * test class, registered as
 *
 * <pre>{@code @RegisterExtension static final BuiltBook book = new BuiltBook("superposition.html");}</pre>
 *
 * <p>The site is the one named by {@code -Dcircuitbook.book.site=DIR} (a site {@code circuitbook.jar build} wrote;
 * {@code .ci/run} names the book it builds). Without it every test of the class is skipped, reported as skipped, and
 * no browser is started. With it: {@code DIR} must hold the page given (else the class fails), it is served at the
 * root ({@link SubPathServer}) and one Chromium ({@link WidgetBrowserTest#chromium}) serves all the class's tests;
 * after each test the viewport and colour scheme {@link #emulate} set are reset; after the last, Chromium quits and
 * the server stops.
 */
final class BuiltBook implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {
    static final String PROPERTY = "circuitbook.book.site";

    /** How the reader looks at the book: a viewport width in CSS px and a colour scheme ("light" or "dark"). */
    record Look(int width, String theme) {
        @Override
        public String toString() {
            return width + " px, " + theme;
        }
    }

    /** The two looks a Try-it is done in: a desktop in the light theme, a phone in the dark one. */
    static final List<Look> LOOKS = List.of(new Look(1400, "light"), new Look(390, "dark"));

    private final String page;
    private Path site;
    private Path profile;
    private SubPathServer server;
    private ChromeDriver driver;

    /** The book must hold {@code page} ("index.html", or the chapter the class reads) to count as built. */
    BuiltBook(String page) {
        this.page = page;
    }

    private static String named() {
        return System.getProperty(PROPERTY, "");
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (named().isBlank()) {
            return; // each test is skipped, see beforeEach
        }
        Path dir = Path.of(named()).toAbsolutePath();
        assertTrue(Files.isRegularFile(dir.resolve(page)), dir + " is not a built book (no " + page + ")");
        site = dir;
        server = SubPathServer.start(dir, "/");
        profile = Files.createTempDirectory("circuitbook-book-");
        driver = WidgetBrowserTest.chromium(profile);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Assumptions.assumeFalse(named().isBlank(), "no -D" + PROPERTY);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (driver != null) {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
            driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (driver != null) {
                driver.quit();
            }
        } finally {
            if (server != null) {
                server.close();
            }
            if (profile != null) { // Chromium's profile, best effort (it is under the system's temporary folder)
                try (Stream<Path> files = Files.walk(profile)) {
                    files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
                } catch (IOException | UncheckedIOException e) {
                    // left for the system to clear
                }
            }
        }
    }

    /** The built site's folder. */
    Path site() {
        return site;
    }

    /** The site's address, ending in "/". */
    String url() {
        return server.url();
    }

    ChromeDriver driver() {
        return driver;
    }

    /**
     * The viewport {@code width} x {@code height} CSS px at a device pixel ratio of 1 (a mobile one when narrower than
     * 1024 px), for the pages loaded from now until the test ends.
     */
    void size(int width, int height) {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", width < 1024));
    }

    /** {@link #size} at {@code look}'s width and {@code height}, and {@code prefers-color-scheme} its theme. */
    void emulate(Look look, int height) {
        size(look.width(), height);
        driver.executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", look.theme()))));
    }

    /**
     * {@code page} afresh, as a first-time reader gets it: from a blank page, then reloaded with the browser's
     * localStorage (where the reader's theme and widget settings are kept) cleared.
     */
    void load(String page) {
        driver.get("about:blank");
        open(page);
        driver.executeScript("localStorage.clear();");
        driver.navigate().refresh();
        loaded(page);
    }

    /**
     * {@code page} of the book, once it has loaded. Right after chromedriver's {@code get}, a script has found no
     * diagram on chapters whose HTML holds one (CI and here, 2026-12-04: one to three of 24 page loads, not the same
     * ones twice), so the page read must be this page, fully loaded, before a test reads it.
     */
    void open(String page) {
        driver.get(url() + page);
        loaded(page);
    }

    private void loaded(String page) {
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> Boolean.TRUE.equals(driver.executeScript(
                "return document.readyState === 'complete' && location.pathname === arguments[0];", "/" + page)));
    }

    /** Uncaught page errors, and console messages at warning level or above, since the last call. */
    List<String> problems() {
        return WidgetBrowserTest.problems(driver);
    }
}
