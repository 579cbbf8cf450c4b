package org.circuitbook.generator.extending;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.circuitbook.generator.BuildPipeline;
import org.circuitbook.generator.FixtureSite;
import org.circuitbook.generator.WidgetBrowserTest;
import org.circuitbook.generator.serve.DevServer;
import org.circuitbook.widgets.figures.Widgets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A widget is one class plus one line: {@link DecisionBoundaryWidget}, registered here with
 * {@code options.withWidgets(...)} only (and its model kind, {@link TinyMlpKind}, with {@code withKinds}), is
 * checked, drawn at build time from the trained weights and published as a figure with its option; without its
 * line the build fails naming the widgets it knows.
 */
@DisplayName("A widget added outside the book (DecisionBoundaryWidget on TinyMlpKind)")
class DecisionBoundaryWidgetTest {
    static String site(String options) {
        return """
                -- content/site.yaml --
                title: Extending
                -- content/chapters/01-xor.md --
                ---
                title: XOR
                ---
                An MLP learns XOR.

                :::{widget} decision-boundary
                :model: xor
                OPTIONS
                :::
                """.replace("OPTIONS\n", options) + TinyMlpKindTest.XOR_SPEC;
    }

    /** The one line each, as a site adds them. */
    static BuildPipeline.Options registered(BuildPipeline.Options o) {
        return o.withKinds(new TinyMlpKind()).withWidgets(new DecisionBoundaryWidget());
    }

    @Test
    @DisplayName("registered with withWidgets: its figure carries its option, only the weights it reads, and its static drawing")
    void buildsItsFigure(@TempDir Path root) throws Exception {
        FixtureSite site = FixtureSite.write(root, site(":resolution: 16\n"));
        site.build(DecisionBoundaryWidgetTest::registered);
        String page = site.read("xor.html");
        Matcher figure = Pattern.compile("<figure class=\"widget[^\"]*\"[^>]*>").matcher(page);
        assertTrue(figure.find(), page);
        String open = figure.group();
        assertTrue(open.contains("data-widget=\"decision-boundary\""), open);
        assertTrue(open.contains("data-resolution=\"16\""), open);
        assertTrue(open.contains("data-static"), "a widget with no live part is marked static: " + open);
        assertEquals(1, open.split("data-weights=\"")[1].split("\"")[0].split(" ").length, open);
        // the drawing: a 16 x 16 heatmap under the four points, described from the trained model
        List<String> drawings = org.circuitbook.generator.WidgetBrowserTest.staticDrawings(site.site(), page);
        assertEquals(1, drawings.size(), "one static drawing, published beside the page: " + page);
        String svg = drawings.get(0);
        assertTrue(svg.contains("viewBox=\"0 0 320 320\""), svg);
        assertEquals(4, svg.split("<circle").length - 1 - 4, "four filled points and their four rings: " + svg);
        assertTrue(svg.contains("<title>The MLP's probability of class 1 over the square from -0.5 to 1.5, red for 1 and"
                + " blue for 0; it classifies 4 of the 4 XOR points correctly ("), svg);
        assertFalse(page.contains("runs it live"), "no promise of a live figure");
        assertTrue(page.contains("(A static view of the trained model.)"), page);

        // in Chromium: neither boot.js nor the bundle touches a static-only figure (the bundle does not know it),
        // so it keeps its drawing, has no loading or error state, and the console stays clean
        try (DevServer server = DevServer.start(site.site(), 0)) {
            ChromeDriver chrome = WidgetBrowserTest.chromium(root);
            try {
                chrome.get(server.url() + "xor.html");
                JavascriptExecutor js = chrome;
                js.executeScript("document.querySelector('figure[data-widget]').scrollIntoView();");
                new WebDriverWait(chrome, Duration.ofSeconds(10)).until(d -> "complete".equals(
                        js.executeScript("return document.readyState;")));
                Thread.sleep(1500); // time for boot.js's observer, the bundle and a mount, were any to start
                assertEquals(List.of("", "false", "true"), js.executeScript("var f = document.querySelector("
                        + "'figure[data-widget]'); return [f.getAttribute('data-state') || '',"
                        + " String(!!f.querySelector('.widget-live')),"
                        + " String(f.querySelector('.widget-fallback .widget-drawing').getBoundingClientRect().width > 100)];"));
                assertEquals(List.of(), WidgetBrowserTest.problems(chrome));
            } finally {
                chrome.quit();
            }
        }
    }

    @Test
    @DisplayName("without its registry line, the check fails naming the widgets it knows")
    void unregisteredWidgetFails(@TempDir Path root) {
        FixtureSite site = FixtureSite.write(root, site(""));
        assertEquals(List.of("content/chapters/01-xor.md:6:1: check: unknown widget \"decision-boundary\" (known: "
                + String.join(", ", Widgets.BOOK.names()) + ")"), site.buildErrors(o -> o.withKinds(new TinyMlpKind())));
    }

    @Test
    @DisplayName("its option is checked as it declares, and an option it does not declare is an error")
    void optionsAreChecked(@TempDir Path root) {
        FixtureSite site = FixtureSite.write(root, site(":resolution: 500\n:zoom: 2\n"));
        assertEquals(List.of(
                "content/chapters/01-xor.md:9:1: check: unknown option \"zoom\" for widget decision-boundary (known: "
                        + "class, height, label, model, name, resolution)",
                "content/chapters/01-xor.md:8:1: check: resolution must be a whole number from 4 to 128, got \"500\""
                        + " (e.g. :resolution: 32)"),
                site.buildErrors(DecisionBoundaryWidgetTest::registered));
    }
}
