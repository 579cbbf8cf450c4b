package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Diagrams in the book: a thumbnail per chapter on the contents page; legible on a phone")
class ContentsThumbnailTest {
    @Test
    @DisplayName("a chapter with diagrams gets its first, as the chapter draws it; a chapter without one gets none")
    void firstDiagram(@TempDir Path work) {
        FixtureSite site = FixtureSite.write(work, """
                -- content/site.yaml --
                title: Thumbs
                -- content/chapters/01-a.md --
                ---
                title: A
                ---
                Text.

                :::{figure} images/diagrams/first.svg
                :alt: the first
                One.
                :::

                :::{figure} images/diagrams/second.svg
                :alt: the second
                Two.
                :::
                -- content/chapters/02-b.md --
                ---
                title: B
                ---
                No diagram here.
                -- content/images/diagrams/first.svg --
                <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>First</title><rect id="r" x="1" y="1" width="8" height="8" class="f-a"/></svg>
                -- content/images/diagrams/second.svg --
                <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>Second</title><circle cx="5" cy="5" r="4" class="f-b"/></svg>
                """);
        site.build();
        String index = site.read("index.html");
        Matcher thumbs = Pattern.compile("<li class=\"has-thumb\"><a class=\"toc-thumb\" href=\"([^\"]+)\" tabindex=\"-1\" "
                + "aria-hidden=\"true\">(<svg .*?</svg>)</a>", Pattern.DOTALL).matcher(index);
        assertTrue(thumbs.find(), index);
        assertEquals("a.html", thumbs.group(1));
        assertTrue(thumbs.group(2).contains("<title>First</title>") && thumbs.group(2).contains("id=\"dg-first-r\""),
                "the chapter's first diagram, its ids as the chapter has them: " + thumbs.group(2));
        assertTrue(site.read("a.html").contains(thumbs.group(2)), "the same drawing as in the chapter");
        assertTrue(!thumbs.find(), "chapter B has no diagram, so no thumbnail");
        assertTrue(index.contains("<li><a href=\"b.html\">"), index);
    }

    @Test
    @DisplayName("in Chromium: at 360 px a diagram keeps its size and scrolls inside its figure, the page does not; "
            + "at 1200 px the chapter opens without the in-page contents, which the sidebar repeats")
    void diagramOnAPhone(@TempDir Path work) throws Exception {
        FixtureSite site = FixtureSite.write(work, """
                -- content/site.yaml --
                title: Phone
                -- content/chapters/01-a.md --
                ---
                title: A
                ---
                ## One

                :::{figure} images/diagrams/wide.svg
                :alt: a wide drawing
                Wide.
                :::

                ## Two
                -- content/images/diagrams/wide.svg --
                <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 560 200"><text x="10" y="100" font-size="12">small text</text></svg>
                """);
        site.build();
        org.openqa.selenium.chrome.ChromeDriver chrome = WidgetBrowserTest.chromium(work);
        try (SubPathServer server = SubPathServer.start(site.site(), "/")) {
            chrome.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                    java.util.Map.of("width", 360, "height", 780, "deviceScaleFactor", 1, "mobile", true));
            chrome.get(server.url() + "a.html");
            java.util.List<?> r = (java.util.List<?>) chrome.executeScript("const f = document.querySelector('figure.diagram-figure');"
                    + "const svg = f.querySelector('svg'); const c = f.querySelector('figcaption').getBoundingClientRect();"
                    + "return [svg.getBoundingClientRect().width, f.scrollWidth > f.clientWidth,"
                    + " document.documentElement.scrollWidth, c.left, c.right];");
            double svgWidth = ((Number) r.get(0)).doubleValue();
            assertTrue(svgWidth >= 16 * 30 - 1, "the diagram keeps 30 rem, its 12-unit text at 11 px or more: " + r);
            assertEquals(Boolean.TRUE, r.get(1), "it scrolls inside its figure: " + r);
            assertTrue(((Number) r.get(2)).doubleValue() <= 360, "the page does not scroll sideways: " + r);
            assertTrue(((Number) r.get(3)).doubleValue() >= 0 && ((Number) r.get(4)).doubleValue() <= 360,
                    "the caption stays on the screen: " + r);
            assertEquals(Boolean.TRUE, chrome.executeScript("return getComputedStyle(document.querySelector('.toc-chapter')).display !== 'none';"),
                    "on a phone the chapter lists its sections");
            chrome.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                    java.util.Map.of("width", 1200, "height", 900, "deviceScaleFactor", 1, "mobile", false));
            chrome.navigate().refresh();
            assertEquals("none", chrome.executeScript("return getComputedStyle(document.querySelector('.toc-chapter')).display;"));
            assertEquals(Boolean.TRUE, chrome.executeScript("return document.querySelector('figure.diagram-figure svg')"
                    + ".getBoundingClientRect().width > 480;"));
            assertEquals(java.util.List.of(), WidgetBrowserTest.problems(chrome));
        } finally {
            chrome.quit();
        }
    }
}
