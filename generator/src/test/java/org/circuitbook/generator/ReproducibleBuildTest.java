package org.circuitbook.generator;

import org.circuitbook.generator.training.ModelKinds;
import org.circuitbook.widgets.figures.Widgets;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two clean builds of the same sources write byte-identical sites: no timestamps, random ids, absolute paths or
 * hash-order output anywhere, and training (a fresh cache each time, so every model really trains twice) gives
 * the same weights to the bit. The fixture has every model kind ({@link ModelKinds#ALL}) and every widget
 * ({@link Widgets#BOOK}), which the test asserts, on tiny specs: the one-widget
 * site (a toy model, math, a table) plus the transformer, logit, SAE, board and imported-model widgets browser tests' sites.
 */
@DisplayName("Reproducible builds")
class ReproducibleBuildTest {

    /** The fixture under {@code root}: all three sites' files side by side (their chapter names differ). */
    static FixtureSite fixture(Path root) {
        FixtureSite.copyOf(BuildFixtureSiteTest.FIXTURE.resolve("content"), root.resolve("content"));
        FixtureSite.write(root, TransformerWidgetsBrowserTest.SITE);
        FixtureSite.write(root, LogitWidgetsBrowserTest.SITE); // the same tiny models, more chapters
        FixtureSite.write(root, BoardWidgetsBrowserTest.SITE); // the othello model and its two widgets
        FixtureSite.write(root, FactEditingBrowserTest.SITE);
        // a model trained elsewhere: a TransformerLens file, imported, and the logit lens on it
        try {
            ImportedWidgetsBrowserTest.write(root);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return FixtureSite.write(root, SaeExplorerBrowserTest.SITE + """
                -- content/site.yaml --
                title: Reproducible
                subtitle: Every model kind and every widget, twice
                """);
    }

    @Test
    @DisplayName("two builds from clean (fresh site/ and fresh .cache/, in different directories) are byte-identical")
    void twoCleanBuildsAreIdentical(@TempDir Path first, @TempDir Path second) {
        FixtureSite a = fixture(first);
        BuildPipeline.Result built = a.build();
        FixtureSite b = fixture(second);
        b.build();
        for (FixtureSite site : List.of(a, b)) {
            assertTrue(site.log.stream().filter(l -> l.startsWith("  train ")).allMatch(l -> l.contains(" [missing] ")),
                    "every model trained from scratch: " + site.log);
        }
        assertEquals(8, a.log.stream().filter(l -> l.startsWith("  train ")).count(), String.join("\n", a.log));
        assertTrue(a.siteFiles().size() > 40, "a whole site: " + a.siteFiles());
        assertEquals(new java.util.TreeSet<>(Widgets.BOOK.names()), widgetsOn(a.site()),
                "the fixture's pages hold every registered widget");
        assertEquals(new java.util.TreeSet<>(ModelKinds.ALL.names()),
                new java.util.TreeSet<>(built.models().stream().map(m -> m.spec().kind()).toList()),
                "the fixture trains every registered model kind");
        assertEquals(List.of(), differences(a.site(), b.site()),
                "files that differ between two clean builds of the same sources");
    }

    /** The widget names of every {@code <figure data-widget>} on the site's pages. */
    static java.util.Set<String> widgetsOn(Path site) {
        java.util.Set<String> found = new java.util.TreeSet<>();
        java.util.regex.Pattern figure = java.util.regex.Pattern.compile("<figure [^>]*data-widget=\"([^\"]+)\"");
        try (java.util.stream.Stream<Path> files = Files.walk(site)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".html")).toList()) {
                java.util.regex.Matcher m = figure.matcher(Files.readString(p));
                while (m.find()) {
                    found.add(m.group(1));
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return found;
    }

    @Test
    @DisplayName("the comparison names files on one side only and the first differing byte of a changed file")
    void differencesAreReported(@TempDir Path a, @TempDir Path b) throws IOException {
        Files.createDirectories(a.resolve("x"));
        Files.createDirectories(b.resolve("x"));
        Files.writeString(a.resolve("same.html"), "<p>same</p>");
        Files.writeString(b.resolve("same.html"), "<p>same</p>");
        Files.writeString(a.resolve("x/page.html"), "built at 10:00");
        Files.writeString(b.resolve("x/page.html"), "built at 10:01");
        Files.writeString(a.resolve("x/short.js"), "abc");
        Files.writeString(b.resolve("x/short.js"), "abcd");
        Files.writeString(a.resolve("only-a.css"), "");
        Files.writeString(b.resolve("x/only-b.json"), "{}");
        assertEquals(List.of("only-a.css: only in " + a, "x/only-b.json: only in " + b,
                        "x/page.html: differs from byte 13 (14 and 14 bytes)",
                        "x/short.js: differs from byte 3 (3 and 4 bytes)"),
                differences(a, b));
    }

    /**
     * Every difference between the trees {@code a} and {@code b}, one line per file, by path: a file on one side
     * only, or the offset of the first byte that differs (an offset equal to the shorter length: one is a prefix).
     */
    static List<String> differences(Path a, Path b) {
        TreeSet<String> all = new TreeSet<>(files(a));
        all.addAll(files(b));
        List<String> out = new ArrayList<>();
        for (String f : all) {
            Path x = a.resolve(f);
            Path y = b.resolve(f);
            if (!Files.exists(y)) {
                out.add(f + ": only in " + a);
            } else if (!Files.exists(x)) {
                out.add(f + ": only in " + b);
            } else {
                try {
                    long at = Files.mismatch(x, y);
                    if (at != -1) {
                        out.add(f + ": differs from byte " + at + " (" + Files.size(x) + " and " + Files.size(y)
                                + " bytes)");
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return out;
    }

    private static List<String> files(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
