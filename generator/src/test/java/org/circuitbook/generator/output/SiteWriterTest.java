package org.circuitbook.generator.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.circuitbook.generator.FixtureSite;
import org.circuitbook.generator.TreeSnapshot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write stage on its own: failures injected through the files it is given, and a directory that changes
 * while the site is written. Whatever happens, nothing it did not make is deleted and nothing half-written stays.
 */
@DisplayName("The site writer")
class SiteWriterTest {
    @TempDir
    Path root;
    private SiteDirectory site;

    @BeforeEach
    void book() {
        FixtureSite.write(root, "-- content/site.yaml --\ntitle: T\n");
        site = SiteDirectory.of(root.resolve("site"), root, root.resolve(".cache"));
    }

    private static Map<String, byte[]> files(String... pathsAndTexts) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < pathsAndTexts.length; i += 2) {
            files.put(pathsAndTexts[i], pathsAndTexts[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return files;
    }

    private List<String> beside() throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    @DisplayName("a file the file system refuses fails the write with its site path, and keeps the previous site")
    void failureKeepsThePreviousSite() throws IOException {
        SiteWriter.write(site, files("index.html", "previous"));
        var before = TreeSnapshot.of(root);
        // "a" is written as a file, then needed as a directory
        SiteWriter.Failed e = assertThrows(SiteWriter.Failed.class,
                () -> SiteWriter.write(site, files("index.html", "next", "a", "file", "a/b.html", "page")));
        assertEquals(root.resolve("site/a") + " is a file, not a directory", e.reason());
        assertEquals("could not write site to " + root.resolve("site") + ": " + root.resolve("site/a")
                + " is a file, not a directory", e.getMessage());
        assertEquals(before, TreeSnapshot.of(root));
        assertEquals(List.of("content", "site"), beside(), "no temporary directory is left");
    }

    @Test
    @DisplayName("checks the directory again right before the swap: one that became foreign meanwhile is kept")
    void recheckBeforeSwap() throws IOException {
        Path target = root.resolve("site");
        // while the site is written, someone makes site/ their own
        Map<String, byte[]> files = new AbstractMap<>() {
            @Override
            public Set<Entry<String, byte[]>> entrySet() {
                Map<String, byte[]> real = files("index.html", "new");
                return new java.util.AbstractSet<>() {
                    @Override
                    public Iterator<Entry<String, byte[]>> iterator() {
                        try {
                            Files.createDirectories(target);
                            Files.writeString(target.resolve("thesis.tex"), "three years of work");
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        return real.entrySet().iterator();
                    }

                    @Override
                    public int size() {
                        return real.size();
                    }
                };
            }
        };
        SiteDirectory.Refused e = assertThrows(SiteDirectory.Refused.class, () -> SiteWriter.write(site, files));
        assertEquals("is not a site circuitbook wrote: it has 1 entry, e.g. thesis.tex", e.reason());
        assertEquals("three years of work", Files.readString(target.resolve("thesis.tex")));
        assertEquals(List.of("content", "site"), beside());
    }

    @Test
    @DisplayName("the dev server's in-place update refuses a directory that lost its marker to someone's files")
    void updateRespectsTheMarker() throws IOException {
        Map<String, byte[]> first = files("index.html", "one");
        SiteWriter.write(site, first);
        Files.delete(root.resolve("site/.circuitbook-site"));
        Files.writeString(root.resolve("site/notes.md"), "mine");
        SiteDirectory.Refused e = assertThrows(SiteDirectory.Refused.class,
                () -> SiteWriter.update(site, first, files("index.html", "two")));
        assertEquals("is not a site circuitbook wrote: it has 2 entries, e.g. index.html", e.reason());
        assertEquals("one", Files.readString(root.resolve("site/index.html")));
        assertEquals("mine", Files.readString(root.resolve("site/notes.md")));
    }

    @Test
    @DisplayName("the in-place update writes and deletes nothing through a link that leads out of the site")
    void updateStaysInside(@TempDir Path elsewhere) throws IOException {
        Map<String, byte[]> first = files("index.html", "one", "models/a.json", "{}");
        SiteWriter.write(site, first);
        Files.writeString(elsewhere.resolve("a.json"), "someone's");
        FileTrees.deleteTree(root.resolve("site/models"));
        Files.createSymbolicLink(root.resolve("site/models"), elsewhere);
        SiteWriter.Failed e = assertThrows(SiteWriter.Failed.class,
                () -> SiteWriter.update(site, first, files("index.html", "one", "models/a.json", "{\"v\": 2}")));
        assertEquals(root.resolve("site/models/a.json") + ": a link in the site leads outside it; nothing was written there",
                e.reason());
        assertThrows(SiteWriter.Failed.class, () -> SiteWriter.update(site, first, files("index.html", "one")));
        assertEquals("someone's", Files.readString(elsewhere.resolve("a.json")));
    }

    @Test
    @DisplayName("writes the marker with every site, and the in-place update keeps it")
    void marker() throws IOException {
        Map<String, byte[]> first = files("index.html", "one", "old.html", "x");
        SiteWriter.write(site, first);
        assertEquals(List.of("index.html", "old.html"), SiteWriter.update(site, first, files("index.html", "two")));
        assertEquals(new String(SiteDirectory.MARKER_TEXT, StandardCharsets.UTF_8),
                Files.readString(root.resolve("site/.circuitbook-site")));
        try (Stream<Path> s = Files.list(root.resolve("site"))) {
            assertEquals(List.of(".circuitbook-site", "index.html"), s.map(p -> p.getFileName().toString()).sorted().toList(),
                    "the old page deleted, no temporary file left");
        }
        assertEquals("two", Files.readString(root.resolve("site/index.html")));
    }

    @Test
    @DisplayName("names what the file system refused in words, never an exception's class name (/proc gave 'NoSuchFileException')")
    void reasonsInWords() {
        assertEquals("no such file or directory", SiteWriter.words(new java.nio.file.NoSuchFileException("/proc/site.tmp-1")));
        assertEquals("permission denied", SiteWriter.words(new java.nio.file.AccessDeniedException("/x")));
        assertEquals("Read-only file system", SiteWriter.words(new java.nio.file.FileSystemException("/x", null,
                "Read-only file system")));
        assertEquals("the file system refused", SiteWriter.words(new java.nio.file.FileSystemException("/x")));
        assertEquals("an input/output error", SiteWriter.words(new IOException()));
        assertEquals("/x/site: no such file or directory", SiteWriter.reason(new java.nio.file.NoSuchFileException("/x/site"),
                null, Path.of("/x/site")));
    }
}
