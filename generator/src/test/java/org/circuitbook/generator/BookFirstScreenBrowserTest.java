package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The real book, when a built site is named ({@code -Dcircuitbook.book.site=DIR}; {@code .ci/run} names the book it
 * builds): every chapter and appendix but the glossary has a diagram, and on a phone (390 x 844) as on a desktop (1400 x 900) a
 * figure starts on the first screen, before any scrolling. Skipped when no site is named.
 */
@DisplayName("The built book's chapters")
class BookFirstScreenBrowserTest {
    @RegisterExtension
    static final BuiltBook book = new BuiltBook("index.html");

    @Test
    @DisplayName("each chapter (not the glossary) has a diagram, and a figure on its first screen at 390 and 1400 px")
    void figureOnFirstScreen() throws IOException {
        List<String> chapters = new ArrayList<>();
        try (var files = Files.list(book.site())) {
            for (Path f : files.filter(p -> p.toString().endsWith(".html")).sorted().toList()) {
                String html = Files.readString(f);
                // every chapter and appendix but the glossary, which is a list of definitions
                if (html.contains("<p class=\"chapter-number\">") && !html.contains("class=\"glossary\"")) {
                    chapters.add(f.getFileName().toString());
                }
            }
        }
        assertTrue(chapters.size() >= 9, "chapters: " + chapters);
        ChromeDriver chrome = book.driver();
        List<String> wrong = new ArrayList<>();
        for (int[] size : new int[][] {{390, 844}, {1400, 900}}) {
            book.size(size[0], size[1]);
            for (String page : chapters) {
                book.open(page);
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
        assertEquals(List.of(), wrong);
    }
}
