package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The formatted citations kept in {@code .cache/citations.json}: a later build reads them instead of formatting
 * again, and only while the bibliography, the cited works and the code are the same.
 */
@DisplayName("The citation cache")
class CitationCacheTest {
    @TempDir
    Path root;

    private static final String BOOK = """
            -- content/site.yaml --
            title: Cites
            -- content/references.bib --
            @misc{cited, author = {Smith, Jane}, title = {Beta}, year = 2022}
            @misc{also, author = {Smith, Jane}, title = {Gamma}, year = 2022}
            @article{erdos, author = {Erd\\H{o}s, Paul and Second, Sam}, title = {On Graphs}, journal = {J}, year = 1951}
            -- content/chapters/01-a.md --
            ---
            title: A
            ---

            As @cited shows [@erdos].
            """;

    @Test
    @DisplayName("answers a later build from the file, and formats afresh when the bibliography or the cited works change")
    void keptWhileTheSame() throws IOException {
        FixtureSite site = FixtureSite.write(root, BOOK);
        site.build();
        String first = site.read("a.html");
        assertTrue(first.contains(">(Erdős &amp; Second, 1951)</a>"), first);
        Path file = root.resolve(".cache/citations.json");
        String kept = Files.readString(file);
        assertTrue(kept.startsWith("{\"format\":\"circuitbook-citations/1\",\"views\":{\""), kept);
        assertTrue(kept.contains("\"(Erdős &amp; Second, 1951)\""), kept);

        // the same book again: the same site, and the file is not rewritten
        FileTime written = Files.getLastModifiedTime(file);
        site.build();
        assertEquals(first, site.read("a.html"));
        assertEquals(written, Files.getLastModifiedTime(file));

        // an answer changed in the file shows in the next build: it was read, not formatted again
        Files.writeString(file, kept.replace("\"(Erdős &amp; Second, 1951)\"", "\"(Kept, 1951)\""));
        site.build();
        assertTrue(site.read("a.html").contains(">(Kept, 1951)</a>"), site.read("a.html"));

        // a change to references.bib, even to a work the book does not cite, is another key: formatted afresh
        Path bib = root.resolve("content/references.bib");
        Files.writeString(bib, Files.readString(bib) + "@misc{unused, author = {Doe, Jo}, title = {Delta}, year = 2001}\n");
        site.build();
        assertEquals(first, site.read("a.html"));

        // so is another set of cited works (here "also" gives Smith's two works their year suffixes)
        Files.writeString(file, Files.readString(file).replace("\"(Erdős &amp; Second, 1951)\"", "\"(Kept, 1951)\""));
        Path chapter = root.resolve("content/chapters/01-a.md");
        Files.writeString(chapter, Files.readString(chapter) + "\nAnd @also.\n");
        site.build();
        String more = site.read("a.html");
        assertTrue(more.contains(">(Erdős &amp; Second, 1951)</a>") && more.contains(">Smith (2022a)</a>"), more);
        assertFalse(Files.readString(file).contains("Kept"), "the file holds only the views the last build used");
    }

    @Test
    @DisplayName("an unreadable or foreign file is formatted afresh and rewritten; a book without a bibliography writes none")
    void brokenFiles() throws IOException {
        FixtureSite site = FixtureSite.write(root, BOOK);
        site.build();
        String first = site.read("a.html");
        Path file = root.resolve(".cache/citations.json");
        String good = Files.readString(file);
        for (String bad : List.of("", "{\"format\":\"circuitbook-citations/1\",\"views\":{\"k\":", "[1, 2]",
                "{\"format\":\"circuitbook-citations/0\",\"views\":{}}", good.replace("\"(Erdős &amp; Second, 1951)\"", "7"))) {
            Files.writeString(file, bad);
            site.build();
            assertEquals(first, site.read("a.html"), bad);
            assertEquals(good, Files.readString(file), bad);
        }

        Path other = Files.createDirectories(root.resolve("other"));
        FixtureSite plain = FixtureSite.write(other, """
                -- content/site.yaml --
                title: Plain
                -- content/chapters/01-a.md --
                ---
                title: A
                ---
                No citations.
                """);
        plain.build();
        assertFalse(Files.exists(other.resolve(".cache/citations.json")));
    }

    @Test
    @DisplayName("a cache file that cannot be written fails the build with its path and a hint, the site left as it was")
    void unwritable() throws IOException {
        FixtureSite site = FixtureSite.write(root, BOOK.replace("As @cited shows", "As $x^2$ and @cited show"));
        site.build();
        String page = site.read("a.html");
        Files.delete(root.resolve(".cache/citations.json"));
        Files.createDirectories(root.resolve(".cache/citations.json/in-the-way"));
        List<String> errors = site.buildErrors();
        assertEquals(1, errors.size(), errors.toString());
        // the file system's own words for the reason ("Is a directory" on Linux) come between these
        assertTrue(errors.get(0).startsWith(".cache/citations.json: render: could not save the citation cache: "), errors.get(0));
        assertTrue(errors.get(0).endsWith(" (the cache folder must be writable, with room to spare: fix it, or build with"
                + " --cache DIR)"), errors.get(0));
        assertEquals(page, site.read("a.html"));

        Files.delete(root.resolve(".cache/citations.json/in-the-way"));
        Files.delete(root.resolve(".cache/citations.json"));
        Files.delete(root.resolve(".cache/math.bin"));
        Files.createDirectories(root.resolve(".cache/math.bin/in-the-way"));
        errors = site.buildErrors();
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith(".cache/math.bin: check: could not save the math cache: "), errors.get(0));
        assertTrue(errors.get(0).endsWith(" (the cache folder must be writable, with room to spare: fix it, or build with"
                + " --cache DIR)"), errors.get(0));
        assertEquals(page, site.read("a.html"));

        // a book with problems of its own shows those first, not the cache's
        Path chapter = root.resolve("content/chapters/01-a.md");
        Files.writeString(chapter, Files.readString(chapter) + "\nSee {ref}`nowhere`.\n");
        errors = site.buildErrors();
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("content/chapters/01-a.md:"), errors.get(0));
        assertTrue(errors.get(0).contains("unknown label \"nowhere\""), errors.get(0));
    }
}
