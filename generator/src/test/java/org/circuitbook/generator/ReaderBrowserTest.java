package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The reader's chrome in headless Chromium, on the {@code sites/reader} fixture served under a sub-path
 * ({@code /reader/}, as GitHub Pages serves a project): skip link and landmarks, the search box by keyboard,
 * the sidebar and its drawer, the scroll-spy, the Content-Security-Policy (no violation on any page), no
 * horizontal overflow at 360 px, the 404 page below the root, dark mode and print.
 */
@DisplayName("The reader's chrome in headless Chromium")
class ReaderBrowserTest {
    static final List<String> PAGES = List.of("index.html", "toy.html", "second.html", "about.html", "404.html");

    static FixtureSite site;
    static SubPathServer server;
    static ChromeDriver driver;

    @BeforeAll
    static void start(@TempDir Path work) throws Exception {
        site = FixtureSite.copyOf(ReaderSiteTest.FIXTURE, work.resolve("book"));
        site.build();
        server = SubPathServer.start(site.site(), "/reader/");
        driver = WidgetBrowserTest.chromium(work);
        // every Content-Security-Policy violation, whatever the console says
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
                "window.__csp = []; document.addEventListener('securitypolicyviolation', e => "
                        + "window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"));
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void reset() {
        driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", "", "features", List.of()));
    }

    private Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    private void open(String page) {
        driver.get("about:blank");
        driver.get(server.url() + page);
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> "complete".equals(js("return document.readyState;")));
    }

    /** Scrolls every widget figure into view and waits until each has mounted. */
    private void mountWidgets() {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        for (WebElement figure : driver.findElements(By.cssSelector("figure[data-widget]"))) {
            js("arguments[0].scrollIntoView();", figure);
            wait.until(d -> "ready".equals(figure.getAttribute("data-state")) || "error".equals(figure.getAttribute("data-state")));
            assertEquals("ready", figure.getAttribute("data-state"), figure.getText());
        }
        js("window.scrollTo(0, 0);");
    }

    private static void narrow(int width) {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", 780, "deviceScaleFactor", 1, "mobile", true));
    }

    @Test
    @DisplayName("every page: the CSP meta tag, no CSP violation and nothing on the console, widgets mounted")
    void contentSecurityPolicy() {
        for (String page : PAGES) {
            open(page);
            mountWidgets();
            String csp = (String) js("const m = document.querySelector('meta[http-equiv=Content-Security-Policy]');"
                    + "return m && m.content;");
            assertEquals(ReaderSiteTest.CSP, csp, page);
            assertEquals(List.of(), js("return window.__csp;"), page + ": CSP violations");
            assertEquals(List.of(), WidgetBrowserTest.problems(driver), page + ": console");
        }
    }

    @Test
    @DisplayName("the skip link is the first thing Tab reaches and moves focus to the main content; landmarks are there")
    void skipLinkAndLandmarks() {
        for (String page : PAGES) {
            open(page);
            new Actions(driver).sendKeys(Keys.TAB).perform();
            WebElement first = driver.switchTo().activeElement();
            assertEquals("Skip to content", first.getText(), page);
            assertTrue((Boolean) js("const r = arguments[0].getBoundingClientRect(); return r.top >= 0 && r.height > 0;", first),
                    page + ": the skip link shows when focused");
            first.sendKeys(Keys.ENTER);
            assertEquals("main", driver.switchTo().activeElement().getAttribute("id"), page);
            for (String landmark : List.of("header.site-header", "main#main", "footer.site-footer", "[role=search]")) {
                assertEquals(1, driver.findElements(By.cssSelector(landmark)).size(), page + ": " + landmark);
            }
            boolean chapter = !page.equals("index.html") && !page.equals("404.html");
            assertEquals(chapter ? 1 : 0, driver.findElements(By.cssSelector("nav#sidebar[aria-label=Chapters]")).size(), page);
        }
    }

    @Test
    @DisplayName("search by keyboard: / focuses, typing lists marked results, arrows choose, Enter opens")
    void searchByKeyboard() {
        open("toy.html");
        // the box is there at once, but its script and index are fetched only when a reader reaches for it
        assertTrue(driver.findElement(By.id("search")).isDisplayed(), "the search box");
        assertEquals(0L, js("return document.querySelectorAll('script[src$=\"search.js\"]').length"
                + " + performance.getEntriesByType('resource').filter(function (e) {"
                + " return /search(\\.js|-index\\.json)$/.test(e.name); }).length;"), "nothing of search's loaded yet");
        new Actions(driver).sendKeys("/").perform();
        WebElement input = driver.switchTo().activeElement();
        assertEquals("search-input", input.getAttribute("id"));
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(10));
        input.sendKeys("grok");
        wait.until(d -> !d.findElements(By.cssSelector("#search-results [role=option]")).isEmpty());
        List<WebElement> options = driver.findElements(By.cssSelector("#search-results [role=option]"));
        assertEquals(List.of("Grok", "grok"), options.stream()
                .map(o -> o.findElement(By.cssSelector("mark")).getText()).toList(), "the typed prefix is marked");
        assertEquals("Grokking", options.get(0).findElement(By.cssSelector(".search-result-title")).getText(),
                "the section titled Grokking ranks first");
        assertEquals("Chapter 2 · Second chapter", options.get(1).findElement(By.cssSelector(".search-result-page")).getText());
        assertEquals("2 results", driver.findElement(By.id("search-status")).getText());
        assertEquals("true", input.getAttribute("aria-expanded"));
        assertEquals("search-option-0", input.getAttribute("aria-activedescendant"));
        assertTrue(options.get(0).getAttribute("href").endsWith("/reader/second.html#grokking"), options.get(0).getAttribute("href"));
        input.sendKeys(Keys.ARROW_DOWN);
        assertEquals("search-option-1", input.getAttribute("aria-activedescendant"));
        assertEquals("true", options.get(1).getAttribute("aria-selected"));
        input.sendKeys(Keys.ARROW_DOWN);
        assertEquals("search-option-0", input.getAttribute("aria-activedescendant"), "wraps around");
        input.sendKeys(Keys.ARROW_UP);
        assertEquals("search-option-1", input.getAttribute("aria-activedescendant"));
        input.sendKeys(Keys.ARROW_UP);
        input.sendKeys(Keys.ENTER);
        wait.until(d -> d.getCurrentUrl().endsWith("/reader/second.html#grokking"));

        // every term must match; the chapter's own text is found across sections
        new Actions(driver).sendKeys("/").perform();
        input = driver.switchTo().activeElement();
        input.sendKeys("grokking superposition");
        wait.until(d -> d.findElement(By.id("search-status")).getText().startsWith("No results"));
        assertEquals("No results for \u201cgrokking superposition\u201d", driver.findElement(By.id("search-status")).getText());
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), "interference");
        wait.until(d -> d.findElement(By.id("search-status")).getText().endsWith("results"));
        WebElement best = driver.findElements(By.cssSelector("#search-results [role=option]")).get(0);
        assertEquals("Interference", best.findElement(By.cssSelector(".search-result-title")).getText(),
                "a section's title ranks above its mentions in text");
        input.sendKeys(Keys.ESCAPE);
        assertEquals("true", driver.findElement(By.id("search-panel")).getAttribute("hidden"));
        assertEquals("false", input.getAttribute("aria-expanded"));
        // excerpts are text, never HTML: a query that looks like markup finds nothing and injects nothing
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), "<img src=x onerror=alert(1)>");
        wait.until(d -> d.findElement(By.id("search-status")).getText().startsWith("No results"));
        assertEquals(0L, js("return document.querySelectorAll('#search img').length;"));
        assertEquals(List.of(), WidgetBrowserTest.problems(driver));
    }

    @Test
    @DisplayName("the sidebar marks the current chapter; the scroll-spy marks the section being read in both lists")
    void sidebarAndScrollSpy() {
        open("second.html");
        assertEquals(List.of("second.html"), driver.findElements(By.cssSelector("#sidebar a[aria-current=page]")).stream()
                .map(a -> a.getAttribute("href").substring(a.getAttribute("href").lastIndexOf('/') + 1)).toList());
        open("toy.html");
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(10));
        js("document.getElementById('the-phase-change').scrollIntoView();");
        wait.until(d -> current(".sidebar-sections").equals(List.of("#the-phase-change")));
        assertEquals(List.of("#the-phase-change"), current(".toc-chapter"));
        // a third-level heading: the contents mark it, the sidebar (second-level only) marks its section
        js("document.getElementById('a-subsection-on-noise').scrollIntoView();");
        wait.until(d -> current(".toc-chapter").equals(List.of("#a-subsection-on-noise")));
        assertEquals(List.of("#interference"), current(".sidebar-sections"));
        js("window.scrollTo(0, 0);");
        wait.until(d -> current(".toc-chapter").isEmpty());
        assertEquals(List.of(), current(".sidebar-sections"));
    }

    @SuppressWarnings("unchecked")
    private List<String> current(String list) {
        return (List<String>) js("return Array.from(document.querySelectorAll(arguments[0] + ' a[aria-current=location]'))"
                + ".map(a => a.getAttribute('href'));", list);
    }

    @Test
    @DisplayName("on a narrow screen the sidebar folds behind a button that opens it, and Escape closes it")
    void sidebarDrawer() {
        narrow(360);
        open("toy.html");
        WebElement button = driver.findElement(By.id("sidebar-toggle"));
        WebElement sidebar = driver.findElement(By.id("sidebar"));
        assertTrue(button.isDisplayed());
        assertEquals("Chapters", button.getAccessibleName());
        assertEquals("false", button.getAttribute("aria-expanded"));
        assertFalse(sidebar.isDisplayed());
        button.click();
        assertEquals("true", button.getAttribute("aria-expanded"));
        new WebDriverWait(driver, Duration.ofSeconds(5)).until(d -> sidebar.isDisplayed());
        assertEquals("toy.html", driver.switchTo().activeElement().getAttribute("href")
                .substring(driver.switchTo().activeElement().getAttribute("href").lastIndexOf('/') + 1),
                "focus moves to the current chapter");
        new Actions(driver).sendKeys(Keys.ESCAPE).perform();
        assertEquals("false", button.getAttribute("aria-expanded"));
        assertEquals("sidebar-toggle", driver.switchTo().activeElement().getAttribute("id"), "focus returns to the button");
        new WebDriverWait(driver, Duration.ofSeconds(5)).until(d -> !sidebar.isDisplayed());
    }

    @Test
    @DisplayName("360 px wide: no page scrolls sideways, with the widgets mounted")
    void noHorizontalOverflowAt360() {
        narrow(360);
        for (String page : PAGES) {
            open(page);
            mountWidgets();
            Object offenders = js("const w = document.documentElement.clientWidth; return Array.from(document.querySelectorAll("
                    + "'body *')).filter(e => e.getBoundingClientRect().right > w + 0.5 && getComputedStyle(e).position !== 'fixed'"
                    + " && !e.closest('.sidebar')).slice(0, 5).map(e => e.tagName + '.' + e.className);");
            assertTrue(((Number) js("return document.documentElement.scrollWidth;")).intValue() <= 360,
                    page + ": scrollWidth " + js("return document.documentElement.scrollWidth;") + ", " + offenders);
        }
    }

    @Test
    @DisplayName("on a phone: a long book title wraps instead of being cut, and a reference's card stays on the screen")
    void phoneTitleAndCards() {
        for (int width : List.of(360, 390)) {
            narrow(width);
            open("second.html");
            js("document.querySelector('.site-title').textContent = 'Circuitbook: Mechanistic Interpretability, Live';");
            assertEquals(Boolean.TRUE, js("const t = document.querySelector('.site-title');"
                    + "return t.scrollWidth <= t.clientWidth + 1 && t.getBoundingClientRect().width >= 96;"), width + " px: title cut");
            List<WebElement> links = driver.findElements(By.cssSelector(".xref > a, .cite > a"));
            assertTrue(!links.isEmpty(), "the fixture has a cross-reference");
            for (WebElement link : links) {
                js("arguments[0].focus();", link);
                Object box = js("const r = arguments[0].parentElement.querySelector('.xref-card, .cite-card').getBoundingClientRect();"
                        + "return [r.left, r.right, r.top, r.bottom, r.width];", link);
                List<?> r = (List<?>) box;
                double left = ((Number) r.get(0)).doubleValue();
                double right = ((Number) r.get(1)).doubleValue();
                double bottom = ((Number) r.get(3)).doubleValue();
                assertTrue(((Number) r.get(4)).doubleValue() > 100, width + " px: the card is shown when its link has focus");
                assertTrue(left >= 0 && right <= width && bottom <= 780, width + " px: card off the screen at " + r);
            }
        }
    }

    @Test
    @DisplayName("a missing page below the root gets the 404 page, whose styles, links and search work")
    void notFoundAtDepth() {
        driver.get(server.url() + "no/such/chapter.html");
        assertEquals("Page not found", driver.findElement(By.tagName("h1")).getText());
        assertEquals("rgb(255, 255, 255)", js("return getComputedStyle(document.body).backgroundColor;"));
        assertEquals("skip-link", js("return getComputedStyle(document.querySelector('.skip-link')).position === 'absolute' ? 'skip-link' : 'unstyled';"),
                "the stylesheet loaded");
        driver.findElement(By.linkText("Go to the contents of Reader Fixture")).click();
        new WebDriverWait(driver, Duration.ofSeconds(5)).until(d -> d.getCurrentUrl().equals(server.url() + "index.html"));
        driver.get(server.url() + "no/such/chapter.html");
        WebElement input = driver.findElement(By.id("search-input"));
        input.sendKeys("colophon");
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .until(d -> !d.findElements(By.cssSelector("#search-results [role=option]")).isEmpty());
        assertTrue(driver.findElement(By.cssSelector("#search-results [role=option]")).getAttribute("href")
                .endsWith("/reader/about.html#colophon"));
        // the 404 status itself shows as a console error; nothing else may
        assertTrue(WidgetBrowserTest.problems(driver).stream().allMatch(p -> p.contains("404")), WidgetBrowserTest.problems(driver).toString());
    }

    @Test
    @DisplayName("the sidebar and the search list follow the dark theme")
    void darkChrome() {
        driver.executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
        open("toy.html");
        js("localStorage.clear();");
        WebElement input = driver.findElement(By.id("search-input"));
        input.sendKeys("features");
        new WebDriverWait(driver, Duration.ofSeconds(10))
                .until(d -> !d.findElements(By.cssSelector("#search-results [role=option]")).isEmpty());
        assertEquals("rgb(32, 35, 42)", js("return getComputedStyle(document.getElementById('search-panel')).backgroundColor;"));
        assertEquals("rgb(228, 230, 234)", js("return getComputedStyle(document.querySelector('.search-result-excerpt')).color;"));
        assertEquals("rgb(107, 85, 20)", js("return getComputedStyle(document.querySelector('#search-results mark')).backgroundColor;"));
        assertEquals("rgb(228, 230, 234)", js("return getComputedStyle(document.querySelector('#sidebar a')).color;"));
        assertEquals("rgb(22, 24, 29)", js("return getComputedStyle(document.querySelector('.site-header')).backgroundColor;"));
    }

    @Test
    @DisplayName("print: only the chapter, on white, external links followed by their URL, static figures shown")
    void print() {
        driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", "print"));
        open("toy.html");
        mountWidgets();
        for (String hidden : List.of(".site-header", "#sidebar", ".chapter-nav", ".site-footer", ".skip-link", ".toc-chapter")) {
            assertEquals("none", js("return getComputedStyle(document.querySelector(arguments[0])).display;", hidden), hidden);
        }
        String after = (String) js("return getComputedStyle(document.querySelector('a[href=\"https://example.org/paper\"]'), '::after').content;");
        assertTrue(after.equals("\" <https://example.org/paper>\"") || after.equals("\" <\" attr(href) \">\""), after);
        assertEquals("none", js("return getComputedStyle(document.querySelector('.footnote-ref a'), '::after').content;"),
                "internal links print no address");
        assertEquals("block", js("return getComputedStyle(document.querySelector('.widget-fallback')).display;"));
        assertEquals("none", js("return getComputedStyle(document.querySelector('.widget-live')).display;"));
        assertEquals("block", js("return getComputedStyle(document.querySelector('.footnotes')).display;"), "endnotes print");
        assertEquals("rgb(255, 255, 255)", js("return getComputedStyle(document.body).backgroundColor;"));
    }
}
