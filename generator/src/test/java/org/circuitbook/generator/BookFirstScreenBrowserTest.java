package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The real book, when a built site is named ({@code -Dcircuitbook.book.site=DIR}; {@code .ci/run} names the book it
 * builds): every chapter and appendix but the glossary has a diagram, and on a phone (390 x 844) as on a desktop (1400 x 900) a
 * figure starts on the first screen, before any scrolling. Skipped when no site is named.
 */
@DisplayName("The built book's chapters")
class BookFirstScreenBrowserTest {
    @Test
    @DisplayName("each chapter (not the glossary) has a diagram, and a figure on its first screen at 390 and 1400 px")
    void figureOnFirstScreen(@TempDir Path work) throws IOException {
        String site = System.getProperty("circuitbook.book.site", "");
        Assumptions.assumeFalse(site.isBlank(), "no -Dcircuitbook.book.site");
        Path dir = Path.of(site).toAbsolutePath();
        assertTrue(Files.isRegularFile(dir.resolve("index.html")), dir + " is not a built site");
        List<String> chapters = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".html")).sorted().toList()) {
                String html = Files.readString(f);
                // every chapter and appendix but the glossary, which is a list of definitions
                if (html.contains("<p class=\"chapter-number\">") && !html.contains("class=\"glossary\"")) {
                    chapters.add(f.getFileName().toString());
                }
            }
        }
        assertTrue(chapters.size() >= 9, "chapters: " + chapters);
        ChromeDriver chrome = WidgetBrowserTest.chromium(work);
        List<String> wrong = new ArrayList<>();
        try (SubPathServer server = SubPathServer.start(dir, "/")) {
            for (int[] size : new int[][] {{390, 844}, {1400, 900}}) {
                chrome.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", size[0], "height", size[1],
                        "deviceScaleFactor", 1, "mobile", size[0] < 600));
                for (String page : chapters) {
                    chrome.get(server.url() + page);
                    Object diagrams = chrome.executeScript("return document.querySelectorAll('main figure.diagram-figure svg.diagram').length;");
                    Object top = chrome.executeScript("var f = document.querySelector('main figure');"
                            + " return f ? f.getBoundingClientRect().top + scrollY : -1;");
                    double y = ((Number) top).doubleValue();
                    if (((Number) diagrams).intValue() == 0) {
                        wrong.add(page + ": no diagram");
                    }
                    if (y < 0 || y >= size[1]) {
                        wrong.add(page + " at " + size[0] + " x " + size[1] + ": the first figure starts at " + Math.round(y) + " px");
                    }
                }
            }
        } finally {
            chrome.quit();
        }
        assertEquals(List.of(), wrong);
    }
}
