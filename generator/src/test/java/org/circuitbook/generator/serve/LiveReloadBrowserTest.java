package org.circuitbook.generator.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.circuitbook.generator.BuildPipeline;
import org.circuitbook.generator.FixtureSite;
import org.circuitbook.generator.WidgetBrowserTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * {@code circuitbook serve} in headless Chromium: saving a chapter reloads the open page with the new text at
 * the same scroll position; breaking it lays the exact diagnostic and its source lines over the page; fixing it
 * takes them away. Waits are bounded and generous; nothing is timed.
 */
@DisplayName("Live reload in headless Chromium")
class LiveReloadBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path root;
    private LiveSite live;
    private ChromeDriver driver;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (live != null) {
            live.close();
        }
    }

    /** A chapter long enough to scroll, ending with {@code last}. */
    private static String chapter(String last) {
        StringBuilder sb = new StringBuilder("---\ntitle: A long chapter\n---\n(sec-top)=\n## Top\n\n");
        for (int i = 1; i <= 80; i++) {
            sb.append("Paragraph ").append(i).append(" says what paragraphs say, at some length, so that the page scrolls.\n\n");
        }
        return sb.append(last).append('\n').toString();
    }

    private Object js(String script) {
        return ((JavascriptExecutor) driver).executeScript(script);
    }

    private String overlay(String selector) {
        return (String) js("var host = document.querySelector('circuitbook-overlay');"
                + "if (!host) return null;"
                + "return Array.from(host.shadowRoot.querySelectorAll('" + selector + "')).map(e => e.textContent).join('|');");
    }

    @Test
    @DisplayName("reloads on save keeping the scroll position, shows the exact diagnostic over the page, and hides it when fixed")
    void editBreakFix() throws Exception {
        FixtureSite.write(root, "-- content/site.yaml --\ntitle: Live\n-- content/chapters/01-a.md --\n"
                + chapter("The end, first version."));
        live = LiveSite.start(BuildPipeline.Options.defaults(root), 0, new PrintStream(log, true), new PrintStream(log, true));
        driver = WidgetBrowserTest.chromium(root);
        WebDriverWait wait = new WebDriverWait(driver, WAIT);
        driver.get(live.url() + "a.html");
        wait.until(d -> live.listeners() == 1);
        js("window.scrollTo(0, 1500); window.__before = true;");
        long y = ((Number) js("return window.scrollY;")).longValue();
        assertEquals(1500, y);

        Path file = root.resolve("content/chapters/01-a.md");
        Files.writeString(file, chapter("The end, second version."));
        wait.until(d -> Boolean.TRUE.equals(js("return document.body.textContent.includes('The end, second version.')"
                + " && window.__before === undefined;")));
        wait.until(d -> ((Number) js("return window.scrollY;")).longValue() == y);
        assertEquals(y, ((Number) js("return window.scrollY;")).longValue(), "scrolled back to where the reader was");
        assertEquals(null, overlay(".diagnostic"));

        // broken: the overlay, over the last good page
        Files.writeString(file, chapter("The end, see {numref}`sec-top`."));
        wait.until(d -> overlay(".diagnostic") != null);
        assertEquals("Build failed: 1 problem", overlay(".title"));
        assertEquals("content/chapters/01-a.md:167:14: check: {numref} refers to \"sec-top\", which has no number (use {ref})",
                overlay(".diagnostic"));
        assertEquals("""
                165 | Paragraph 80 says what paragraphs say, at some length, so that the page scrolls.
                166 |\s
                167 | The end, see {numref}`sec-top`.
                    |              ^
                """, overlay(".excerpt"));
        assertEquals("{", overlay("mark.at"));
        assertTrue(driver.findElement(By.tagName("body")).getText().contains("The end, second version."),
                "the last good build is still shown under the overlay");
        assertEquals("light", js("return document.querySelector('circuitbook-overlay').getAttribute('data-theme');"));
        String light = (String) js("return getComputedStyle(document.querySelector('circuitbook-overlay').shadowRoot"
                + ".querySelector('.panel')).backgroundColor;");
        js("document.documentElement.setAttribute('data-theme', 'dark');"); // what the header's button does
        assertEquals("dark", js("return document.querySelector('circuitbook-overlay').getAttribute('data-theme');"));
        assertEquals(List.of("rgb(255, 255, 255)", "rgb(31, 32, 38)"), List.of(light,
                js("return getComputedStyle(document.querySelector('circuitbook-overlay').shadowRoot"
                        + ".querySelector('.panel')).backgroundColor;")));

        // the reader may hide it (to read the page below) until the problems change
        js("document.querySelector('circuitbook-overlay').shadowRoot.querySelector('button.close').click();");
        assertEquals(null, overlay(".diagnostic"));
        driver.findElement(By.id("theme-toggle")).click(); // the page is usable again

        // fixed: the page reloads with the new text, no overlay
        Files.writeString(file, chapter("The end, see {ref}`sec-top`."));
        wait.until(d -> overlay(".diagnostic") == null
                && Boolean.TRUE.equals(js("return document.body.textContent.includes('The end, see Top.');")));
        assertEquals(List.of(), WidgetBrowserTest.problems(driver), "no console errors; log:\n" + log);
    }
}
