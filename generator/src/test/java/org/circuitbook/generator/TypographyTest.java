package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text taken out of Markdown for plain-text places (the table of contents, hover cards that preview a
 * figure's caption, a section reference's link text) is escaped exactly once, and the roles in it read
 * as they do in the prose. Built from the {@code typography} golden case, which fixes the whole output.
 */
@DisplayName("Plain-text titles and previews")
class TypographyTest {
    static String page;

    @BeforeAll
    static void build(@TempDir Path work) throws Exception {
        FixtureSite site = FixtureSite.copyOf(GoldenCasesTest.GOLDEN.resolve("book"), work);
        Files.copy(GoldenCasesTest.GOLDEN.resolve("cases/typography.md"), work.resolve("content/chapters/01-typography.md"));
        site.build();
        page = site.read("typography.html");
    }

    @Test
    @DisplayName("no entity is escaped twice anywhere on the page")
    void nothingDoubleEscaped() {
        Matcher m = Pattern.compile(".{0,60}&amp;(#?[A-Za-z0-9]+;).{0,20}").matcher(page);
        assertFalse(m.find(), () -> "double-escaped: " + m.group());
    }

    @Test
    @DisplayName("the table of contents shows headings with their curly quotes, dashes and roles")
    void tableOfContents() {
        int start = page.indexOf("<nav class=\"toc-chapter\"");
        String toc = page.substring(start, page.indexOf("</nav>", start));
        assertTrue(toc.contains("<a href=\"#the-books-model\">The book’s model</a>"), toc);
        assertTrue(toc.contains(">“Quoted” – and *escaped* &amp; raw?</a>"), toc);
        assertTrue(toc.contains("<a href=\"#sec-holds\">Where (2.1) holds, as Elhage et al. (2022) said</a>"), toc);
    }

    @Test
    @DisplayName("the card of a reference to a figure previews its caption: curly quotes, roles as the caption reads them, math typeset")
    void figureCard() {
        String card = "<span class=\"xref-card\" role=\"tooltip\"><strong>Figure 1.1</strong> The model’s “weights” – all"
                + " of them… like Figure 2.1, Fig. 2.1, (2.1) in A labelled section or its own words; <span class=\"katex\">";
        assertEquals(2, count(page, card), page);
        // the caption itself and the two cards
        assertEquals(3, count(page, "<annotation encoding=\"application/x-tex\">y_1</annotation></semantics></math></span>"
                + "<span class=\"katex-html\" aria-hidden=\"true\">"), page);
        assertEquals(2, count(page, "</span></span></span>, (Olah et al., 2020, p. 3) and 5 &lt; 6 &amp; *.</span>"), page);
    }

    @Test
    @DisplayName("a reference to a section whose heading holds a role reads as the heading does")
    void sectionLink() {
        assertEquals(2, count(page, "<span class=\"xref\"><a href=\"#sec-holds\">Where (2.1) holds, as Elhage et al. (2022)"
                + " said</a></span>"), page);
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            n++;
        }
        return n;
    }
}
