package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * axe-core (the WebJar from Maven Central, no npm) on every page of two fixture books, in the light and the
 * dark theme, wide and at 360 px, with the widgets mounted and the search list open: no serious or critical
 * violation. A failure lists each violation with its rule, impact, help text and the elements it found.
 */
@DisplayName("Accessibility: axe-core finds no serious or critical violation on any page")
class AccessibilityBrowserTest {
    private static final String AXE = "META-INF/resources/webjars/axe-core/4.6.3/axe.min.js";

    static FixtureSite reader;
    static FixtureSite widgets;
    static SubPathServer readerServer;
    static SubPathServer widgetServer;
    static ChromeDriver driver;
    static String axe;

    @BeforeAll
    static void start(@TempDir Path work) throws Exception {
        reader = FixtureSite.copyOf(ReaderSiteTest.FIXTURE, work.resolve("reader"));
        reader.build();
        widgets = FixtureSite.copyOf(BuildFixtureSiteTest.FIXTURE, work.resolve("one-widget"));
        widgets.build();
        readerServer = SubPathServer.start(reader.site(), "/reader/");
        widgetServer = SubPathServer.start(widgets.site(), "/");
        driver = WidgetBrowserTest.chromium(work);
        try (InputStream in = AccessibilityBrowserTest.class.getClassLoader().getResourceAsStream(AXE)) {
            if (in == null) {
                throw new IllegalStateException(AXE + " is not on the test class path (org.webjars.npm:axe-core)");
            }
            axe = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (readerServer != null) {
            readerServer.close();
        }
        if (widgetServer != null) {
            widgetServer.close();
        }
    }

    private Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Serious and critical violations on the current page, one readable line per rule and element. */
    @SuppressWarnings("unchecked")
    private List<String> violations(String where) {
        js(axe);
        Map<String, Object> results = (Map<String, Object>) ((JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "axe.run(document, {resultTypes: ['violations']}).then(r => done({violations: r.violations.map(v => ({"
                        + "id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ') + ': '"
                        + " + n.failureSummary.replace(/\\s+/g, ' '))}))}), e => done({error: String(e)}));");
        assertEquals(null, results.get("error"), where);
        List<String> out = new ArrayList<>();
        for (Map<String, Object> v : (List<Map<String, Object>>) results.get("violations")) {
            if ("serious".equals(v.get("impact")) || "critical".equals(v.get("impact"))) {
                for (Object node : (List<?>) v.get("nodes")) {
                    out.add(where + ": " + v.get("id") + " (" + v.get("impact") + ", " + v.get("help") + ") " + node);
                }
            }
        }
        return out;
    }

    private void mountWidgets() {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        for (WebElement figure : driver.findElements(By.cssSelector("figure[data-widget]"))) {
            js("arguments[0].scrollIntoView();", figure);
            wait.until(d -> "ready".equals(figure.getAttribute("data-state")) || "error".equals(figure.getAttribute("data-state")));
        }
        js("window.scrollTo(0, 0);");
    }

    private List<String> audit(String base, List<String> pages, String theme, boolean narrow) {
        return audit(base, pages, theme, narrow ? 360 : 0, false);
    }

    /**
     * Each of {@code pages} in {@code theme} at {@code width} CSS px (0: the window's), widgets mounted; then with
     * the search list open and (on a narrow screen) the sidebar. With {@code cards} (the book), also with the first
     * cross-reference or citation card open on a narrow screen, and the search list and sidebar on the first page only.
     */
    private List<String> audit(String base, List<String> pages, String theme, int width, boolean cards) {
        boolean narrow = width > 0 && width < 1024;
        List<String> found = new ArrayList<>();
        driver.executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", theme))));
        if (width > 0) {
            driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                    Map.of("width", width, "height", narrow ? 780 : 900, "deviceScaleFactor", 1, "mobile", narrow));
        } else {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
        for (String page : pages) {
            driver.get("about:blank");
            driver.get(base + page);
            js("localStorage.clear();");
            driver.navigate().refresh();
            assertEquals(theme, js("return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';"));
            mountWidgets();
            String where = page + " (" + theme + (width > 0 ? ", " + width + " px" : "") + ")";
            found.addAll(violations(where));
            List<WebElement> links = driver.findElements(By.cssSelector(".xref > a, .cite > a"));
            if (cards && narrow && !links.isEmpty()) { // a card opens as a bottom sheet on a phone, beside its link when wide
                js("arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus();", links.get(0));
                found.addAll(violations(where + " with a reference's card open"));
                js("arguments[0].blur(); window.scrollTo(0, 0);", links.get(0));
            }
            if (cards && !page.equals(pages.get(0))) {
                continue; // the book: the header's search and the sidebar are the same on every page, audited on the first
            }
            // the search list open, with results
            WebElement input = driver.findElement(By.id("search-input"));
            input.sendKeys("the");
            new WebDriverWait(driver, Duration.ofSeconds(10))
                    .until(d -> !d.findElements(By.cssSelector("#search-results [role=option]")).isEmpty());
            found.addAll(violations(where + " with search results"));
            if (narrow && !driver.findElements(By.id("sidebar-toggle")).isEmpty()) {
                input.sendKeys(org.openqa.selenium.Keys.ESCAPE);
                driver.findElement(By.id("sidebar-toggle")).click();
                found.addAll(violations(where + " with the sidebar open"));
            }
        }
        return found;
    }

    @Test
    @DisplayName("every page, light and dark, wide and 360 px")
    void everyPage() {
        List<String> pages = List.of("index.html", "toy.html", "second.html", "about.html", "404.html");
        List<String> found = new ArrayList<>();
        try {
            for (String theme : List.of("light", "dark")) {
                found.addAll(audit(readerServer.url(), pages, theme, false));
                found.addAll(audit(widgetServer.url(), List.of("index.html", "toy.html", "second.html"), theme, false));
            }
            found.addAll(audit(readerServer.url(), pages, "light", true));
            found.addAll(audit(readerServer.url(), pages, "dark", true));
        } finally {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
            driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
        }
        assertTrue(found.isEmpty(), found.size() + " serious or critical violations:\n" + String.join("\n", found));
    }

    /**
     * The real book, when a built site is named ({@code -Dcircuitbook.axe.site=site}; {@code .ci/run} does so after
     * its book build, as the models it needs are trained there): every page, light and dark, at 390 and 1400 px,
     * widgets mounted; at 390 px also with a reference's card open; the search list and the phone's sidebar open on
     * the first page. Skipped otherwise.
     */
    @Test
    @DisplayName("the built book (-Dcircuitbook.axe.site): every page, light and dark, at 390 and 1400 px, cards open")
    void builtBook() throws IOException {
        String site = System.getProperty("circuitbook.axe.site", "");
        org.junit.jupiter.api.Assumptions.assumeFalse(site.isBlank(), "no -Dcircuitbook.axe.site");
        Path dir = Path.of(site).toAbsolutePath();
        assertTrue(java.nio.file.Files.isRegularFile(dir.resolve("index.html")), dir + " is not a built site");
        List<String> pages;
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir)) {
            pages = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".html")).sorted().toList();
        }
        List<String> found = new ArrayList<>();
        try (SubPathServer server = SubPathServer.start(dir, "/")) {
            for (String theme : List.of("light", "dark")) {
                for (int width : List.of(1400, 390)) {
                    found.addAll(audit(server.url(), pages, theme, width, true));
                }
            }
        } finally {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
            driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
        }
        assertTrue(found.isEmpty(), found.size() + " serious or critical violations in " + pages.size() + " pages:\n"
                + String.join("\n", found));
    }
}
