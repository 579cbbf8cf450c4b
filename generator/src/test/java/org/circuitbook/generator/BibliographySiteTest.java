package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bibliography as a built book shows it: only what the book cites takes part in year suffixes. */
@DisplayName("A book's bibliography")
class BibliographySiteTest {
    @TempDir
    Path root;

    private static final String BIB = """
            -- content/site.yaml --
            title: Cites
            -- content/references.bib --
            @misc{early, author = {Smith, Jane}, title = {Alpha, never cited}, year = 2022}
            @misc{cited, author = {Smith, Jane}, title = {Beta}, year = 2022}
            @misc{also, author = {Smith, Jane}, title = {Gamma}, year = 2022}
            @article{erdos, author = {Erd\\H{o}s, Paul and Second, Sam}, title = {On Graphs}, journal = {J}, year = 1951}
            """;

    @Test
    @DisplayName("gives a cited work no year suffix for namesakes it does not cite, and lists only cited works")
    void uncitedNamesakes() {
        FixtureSite site = FixtureSite.write(root, BIB + """
                -- content/chapters/01-a.md --
                ---
                title: A
                ---

                As @cited shows [@erdos].
                """);
        site.build();
        String page = site.read("a.html");
        assertTrue(page.contains(">Smith (2022)</a>"), page);
        assertTrue(page.contains(">(Erdős &amp; Second, 1951)</a>"), page);
        assertTrue(page.contains("<li id=\"ref-cited\">Smith, J. (2022). <i>Beta</i>.</li>"), page);
        assertFalse(page.contains("2022a") || page.contains("2022b") || page.contains("Alpha"), page);
    }

    @Test
    @DisplayName("shares out suffixes among the works cited anywhere in the book, the same on every page")
    void citedAcrossChapters() {
        FixtureSite site = FixtureSite.write(root, BIB + """
                -- content/chapters/01-a.md --
                ---
                title: A
                ---

                First @cited.
                -- content/chapters/02-b.md --
                ---
                title: B
                ---

                Then {cite:t}`also`.
                """);
        site.build();
        assertTrue(site.read("a.html").contains(">Smith (2022a)</a>"), site.read("a.html"));
        assertTrue(site.read("b.html").contains(">Smith (2022b)</a>"), site.read("b.html"));
    }
}
