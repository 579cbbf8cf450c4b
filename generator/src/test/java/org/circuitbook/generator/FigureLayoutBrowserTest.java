package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.circuitbook.generator.serve.DevServer;
import org.circuitbook.widgets.figures.Widgets;
import org.circuitbook.widgets.widget.Arrangement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What the shared layer promises every figure, whatever its widget, in real headless Chromium: every widget of
 * {@link Widgets#BOOK} (on {@link WidgetContractBrowserTest}'s fixture, one chapter per widget), at device pixel
 * ratios 1 and 2 (Chrome's device-metrics emulation) and viewport widths from a phone's (360 px) to a wide
 * desktop's (1920 px):
 * <ul>
 *   <li>each canvas's backing store is its CSS size times the device pixel ratio (within a pixel: sharp, not
 *       stretched);</li>
 *   <li>nothing scrolls the page sideways, and no control's label is cut off;</li>
 *   <li>on a phone (360 and 390 px) the figure shows its widget's narrow arrangement ({@link Arrangement}: panels
 *       stacked), static and live, and the drawing fits the figure: nothing scrolls sideways inside it; from 768 px
 *       on, the wide one;</li>
 *   <li>the figure is as tall once live as its static drawing was (no layout jump when it mounts);</li>
 *   <li>the header's theme toggle repaints the canvas;</li>
 *   <li>and no console errors.</li>
 * </ul>
 */
@DisplayName("Figure layout, pixel density and theme in headless Chromium")
class FigureLayoutBrowserTest {
    static final int[] WIDTHS = {360, 390, 768, 1400, 1920};
    static final int[] RATIOS = {1, 2};
    static final int HEIGHT = 900;
    /** CSS pixels the figure's height may change by when it mounts. */
    static final double JUMP_PX = 4;

    static DevServer server;
    static ChromeDriver driver;

    @BeforeAll
    static void start(@TempDir Path work) throws Exception {
        FixtureSite site = FixtureSite.write(work, WidgetContractBrowserTest.site());
        site.build();
        server = DevServer.start(site.site(), 0);
        driver = WidgetBrowserTest.chromium(work);
        // the figure's height as the page lays it out before the bundle mounts it: taken when its data-state is
        // first set (boot.js or the bundle's Main: loading or waiting), before any live part is in it
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", """
                new MutationObserver(function () {
                  var f = document.querySelector('figure[data-widget]');
                  if (window.__staticHeight !== undefined || !f || !f.getAttribute('data-state')) { return; }
                  window.__staticHeight = f.getBoundingClientRect().height;
                  window.__staticDrawing = Array.from(f.querySelectorAll('.widget-fallback .widget-drawing')).filter(function (s) {
                    return s.getClientRects().length > 0; }).map(function (s) {
                    var r = s.getBoundingClientRect(), b = f.getBoundingClientRect();
                    return [s.getAttribute('class').replace(/^widget-drawing ?/, ''), r.left - b.left, b.right - r.right, r.width, r.height]; });
                  window.__staticState = f.getAttribute('data-state') + (f.querySelector('.widget-live') ? ' live' : '');
                }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'] });"""));
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

    @Test
    @DisplayName("the fixture has a chapter for every registered widget")
    void everyWidget() {
        assertEquals(new TreeSet<>(Widgets.BOOK.names()), new TreeSet<>(WidgetContractBrowserTest.CASES.keySet()));
    }

    @TestFactory
    @DisplayName("sharp canvases, no sideways scrolling, no jump on mounting, theme repaints")
    Stream<DynamicTest> layout() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String widget : Widgets.BOOK.names()) {
            for (int ratio : RATIOS) {
                for (int width : WIDTHS) {
                    tests.add(DynamicTest.dynamicTest(widget + " at " + width + " px, DPR " + ratio,
                            () -> check(widget, width, ratio)));
                }
            }
        }
        return tests.stream();
    }

    private static void emulate(int width, int ratio) {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", HEIGHT,
                "deviceScaleFactor", ratio, "mobile", false));
    }

    private static Object js(String script, Object... args) {
        return driver.executeScript(script, args);
    }

    private static double number(Object o) {
        return ((Number) o).doubleValue();
    }

    private void check(String widget, int width, int ratio) {
        emulate(width, ratio);
        String page = server.url() + widget + ".html";
        driver.get("about:blank");
        driver.get(page);
        js("localStorage.clear();");
        WebElement figure = driver.findElement(By.cssSelector("figure[data-widget]"));
        js("arguments[0].scrollIntoView();", figure);
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> "ready".equals(figure.getAttribute("data-state"))
                || "error".equals(figure.getAttribute("data-state")));
        assertEquals("ready", figure.getAttribute("data-state"), figure.getText());
        settle();
        String where = widget + " at " + width + " px, DPR " + ratio;
        assertEquals((long) ratio, ((Number) js("return window.devicePixelRatio;")).longValue(), "emulated ratio");

        // sharp: every canvas on screen holds CSS size x DPR pixels
        @SuppressWarnings("unchecked")
        List<List<Number>> canvases = (List<List<Number>>) js("""
                return Array.from(arguments[0].querySelectorAll('canvas')).filter(function (c) {
                  return c.getClientRects().length > 0; }).map(function (c) {
                  var r = c.getBoundingClientRect(); return [r.width, r.height, c.width, c.height]; });""", figure);
        assertTrue(!canvases.isEmpty(), where + ": a canvas on screen");
        for (List<Number> c : canvases) {
            double cssW = number(c.get(0));
            double cssH = number(c.get(1));
            String size = String.format(Locale.ROOT, "%s: canvas %dx%d shown at %.2fx%.2f CSS px", where,
                    c.get(2).intValue(), c.get(3).intValue(), cssW, cssH);
            assertTrue(Math.abs(c.get(2).intValue() - Math.round(cssW * ratio)) <= 1, size);
            assertTrue(Math.abs(c.get(3).intValue() - Math.round(cssH * ratio)) <= 1, size);
        }

        // nothing wider than the page, and the figure's own box holds its parts (a wide drawing scrolls inside them)
        @SuppressWarnings("unchecked")
        List<Number> widths = (List<Number>) js("""
                var f = arguments[0], d = document.documentElement;
                return [d.scrollWidth, d.clientWidth, f.scrollWidth, f.clientWidth, window.innerWidth];""", figure);
        assertTrue(number(widths.get(0)) <= number(widths.get(1)), where + ": the page scrolls sideways " + widths);
        assertTrue(number(widths.get(2)) <= number(widths.get(3)), where + ": the figure overflows " + widths);
        // no control's text cut off, and every control inside the live figure's box
        @SuppressWarnings("unchecked")
        List<String> clipped = (List<String>) js("""
                var live = arguments[0].querySelector('.widget-live'), box = live.getBoundingClientRect(), out = [];
                live.querySelectorAll('label, button, select, output, input').forEach(function (el) {
                  if (el.getClientRects().length === 0) { return; }
                  var r = el.getBoundingClientRect();
                  if (r.left < box.left - 1 || r.right > box.right + 1) { out.push(el.outerHTML.slice(0, 80) + ' outside'); }
                  if (el.tagName !== 'INPUT' && el.tagName !== 'SELECT' && el.scrollWidth > el.clientWidth + 1) {
                    out.push(el.outerHTML.slice(0, 80) + ' cut off'); }
                });
                return out;""", figure);
        assertEquals(List.of(), clipped, where + ": controls cut off");

        // no jump: as tall live as static
        String state = (String) js("return window.__staticState;");
        assertTrue("loading".equals(state) || "waiting".equals(state), where + ": measured before it mounted: " + state);
        double before = number(js("return window.__staticHeight;"));
        double after = number(js("return arguments[0].getBoundingClientRect().height;", figure));
        System.out.printf(Locale.ROOT, "%s: figure %.1f px static, %.1f px live; canvas %s%n", where, before, after,
                canvases);
        String shots = System.getProperty("layout.shots");
        if (shots != null) { // -Dlayout.shots=DIR: a picture of each figure, to look at
            try {
                java.nio.file.Files.createDirectories(Path.of(shots));
                java.nio.file.Files.write(Path.of(shots, widget + "-" + width + "-" + ratio + ".png"),
                        figure.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        assertTrue(Math.abs(after - before) <= JUMP_PX, String.format(Locale.ROOT,
                "%s: the figure was %.1f px tall static and is %.1f px live", where, before, after));

        // the arrangement: narrow on a phone, static and live, and the drawing inside the figure; wide from 768 px on
        boolean phone = width < Arrangement.NARROW_BELOW;
        @SuppressWarnings("unchecked")
        List<List<Object>> statics = (List<List<Object>>) js("return window.__staticDrawing;");
        assertEquals(1, statics.size(), where + ": one static drawing shown before mounting: " + statics);
        List<Object> shown = statics.get(0);
        assertEquals(phone ? "widget-narrow-drawing" : "widget-wide-drawing", shown.get(0), where + ": the static drawing");
        assertTrue(number(shown.get(1)) >= -0.5 && number(shown.get(2)) >= -0.5, where + ": the static drawing "
                + "pokes out of the figure: " + shown);
        @SuppressWarnings("unchecked")
        List<Object> live = (List<Object>) js("""
                var f = arguments[0], stage = f.querySelector('.widget-stage'), c = stage.querySelector('canvas');
                var cs = getComputedStyle(stage), r = c.getBoundingClientRect(), b = f.getBoundingClientRect();
                var l = f.querySelector('.widget-live');
                return [cs.getPropertyValue('--widget-arrangement').trim(), r.left - b.left, b.right - r.right,
                  r.width / r.height, l.scrollWidth - l.clientWidth, c.width];""", figure);
        assertEquals(phone ? "narrow" : "", live.get(0), where + ": the live arrangement");
        double staticRatio = number(shown.get(3)) / number(shown.get(4));
        assertTrue(Math.abs(number(live.get(3)) / staticRatio - 1) < 0.02, where + ": the live drawing's shape "
                + live.get(3) + " is not the static one's " + staticRatio);
        if (phone) { // the narrow drawing fits: nothing scrolls sideways inside the figure
            assertTrue(number(live.get(1)) >= -0.5 && number(live.get(2)) >= -0.5, where + ": the canvas pokes out of "
                    + "the figure: " + live);
            assertTrue(number(live.get(4)) <= 0, where + ": the live figure scrolls sideways: " + live);
            double cssWidth = number(canvases.get(0).get(0));
            assertTrue(cssWidth >= Arrangement.NARROW_WIDTH - 8, where + ": the narrow drawing is shown at " + cssWidth
                    + " CSS px, much narrower than laid out (its labels would be under 11 px)");
        }

        // the header's theme toggle repaints the canvas
        WebElement canvas = figure.findElement(By.cssSelector("canvas.widget-canvas"));
        String light = (String) js("return arguments[0].toDataURL();", canvas);
        js("document.getElementById('theme-toggle').click();");
        settle();
        String dark = (String) js("return arguments[0].toDataURL();", canvas);
        if (shots != null) { // and in the dark theme
            try {
                java.nio.file.Files.write(Path.of(shots, widget + "-" + width + "-" + ratio + "-dark.png"),
                        figure.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        js("document.getElementById('theme-toggle').click(); localStorage.clear();");
        assertTrue(!light.equals(dark), where + ": the theme toggle left the canvas as it was");
        assertEquals(List.of(), WidgetBrowserTest.problems(driver), where + ": console errors");
    }

    @TestFactory
    @DisplayName("a live figure changes arrangement when the window crosses the threshold, and back")
    Stream<DynamicTest> resize() {
        return Widgets.BOOK.names().stream().map(widget -> DynamicTest.dynamicTest(widget, () -> {
            emulate(1400, 2);
            driver.get("about:blank");
            driver.get(server.url() + widget + ".html");
            WebElement figure = driver.findElement(By.cssSelector("figure[data-widget]"));
            js("arguments[0].scrollIntoView();", figure);
            new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> "ready".equals(figure.getAttribute("data-state")));
            for (int width : new int[] {360, 1400}) {
                emulate(width, 2);
                settle();
                settle();
                @SuppressWarnings("unchecked")
                List<Object> live = (List<Object>) js("""
                        var f = arguments[0], stage = f.querySelector('.widget-stage'), c = stage.querySelector('canvas');
                        var cs = getComputedStyle(f), r = c.getBoundingClientRect();
                        var aspect = (width < 660 ? cs.getPropertyValue('--widget-narrow-aspect')
                          : cs.getPropertyValue('--widget-aspect')).split('/');
                        return [getComputedStyle(stage).getPropertyValue('--widget-arrangement').trim(),
                          r.width / r.height, parseFloat(aspect[0]) / parseFloat(aspect[1]), c.width, r.width * 2];"""
                        .replace("width < 660", width + " < " + Arrangement.NARROW_BELOW), figure);
                String where = widget + " resized to " + width + " px: " + live;
                assertEquals(width < Arrangement.NARROW_BELOW ? "narrow" : "", live.get(0), where);
                assertTrue(Math.abs(number(live.get(1)) / number(live.get(2)) - 1) < 0.02, where + ": the drawing's shape");
                assertTrue(Math.abs(number(live.get(3)) - number(live.get(4))) <= 1, where + ": backing store");
            }
            assertEquals(List.of(), WidgetBrowserTest.problems(driver), widget + ": console errors");
        }));
    }

    @Test
    @DisplayName("narrow, the pointer reads the cell under it in the narrow arrangement (circuits)")
    void narrowHitTest() {
        emulate(360, 1);
        driver.get("about:blank");
        driver.get(server.url() + "circuits.html");
        WebElement figure = driver.findElement(By.cssSelector("figure[data-widget]"));
        js("arguments[0].scrollIntoView();", figure);
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> "ready".equals(figure.getAttribute("data-state")));
        WebElement canvas = figure.findElement(By.cssSelector("canvas.widget-canvas"));
        WebElement readout = figure.findElement(By.cssSelector("output"));
        // the narrow table: 12 tokens over 222 px from (40, 106) of the 270-px drawing (CircuitsView)
        double cell = (Arrangement.NARROW_WIDTH - 48) / 12.0;
        for (int[] at : new int[][] {{0, 0}, {1, 2}, {11, 5}}) {
            @SuppressWarnings("unchecked")
            List<Number> r = (List<Number>) js("arguments[0].scrollIntoView({block: 'center'});"
                    + " var r = arguments[0].getBoundingClientRect(); return [r.left, r.top, r.width];", canvas);
            double scale = r.get(2).doubleValue() / Arrangement.NARROW_WIDTH;
            new org.openqa.selenium.interactions.Actions(driver).moveToLocation(
                    (int) Math.round(r.get(0).doubleValue() + (40 + (at[1] + 0.5) * cell) * scale),
                    (int) Math.round(r.get(1).doubleValue() + (106 + (at[0] + 0.5) * cell) * scale)).perform();
            String expected = "attending to \"" + org.circuitbook.widgets.data.SyntheticLanguage.tokenName(at[0])
                    + "\" raises the logit of \"" + org.circuitbook.widgets.data.SyntheticLanguage.tokenName(at[1]) + "\"";
            new WebDriverWait(driver, Duration.ofSeconds(5)).until(d -> readout.getText().startsWith(expected));
        }
    }

    /** Two animation frames: resize observers and redraws have run. */
    private static void settle() {
        driver.executeAsyncScript("var done = arguments[arguments.length - 1];"
                + " requestAnimationFrame(function () { requestAnimationFrame(function () { done(null); }); });");
    }
}
