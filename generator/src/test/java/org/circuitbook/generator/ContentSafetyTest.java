package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.circuitbook.generator.content.ContentFiles;
import org.circuitbook.generator.diagnostics.BuildException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the site publishes from {@code content/}: only files whose real path is inside it, with the bytes the
 * check read; chapter names that are safe in an {@code href}; links and raw HTML within the policy. {@code check}
 * and {@code build} report the same problems. (The adversarial corpus, {@code adversarial/content/}, holds many
 * more single cases; these are the ones a txtar case cannot express.)
 */
@DisplayName("Content safety")
class ContentSafetyTest {
    @TempDir
    Path work;

    private static final String OUTSIDE_HINT = "(copy the file into content/ instead of linking to it)";

    private FixtureSite site(String chapterBody) {
        return FixtureSite.write(work.resolve("project"), """
                -- content/site.yaml --
                title: Safety
                -- content/chapters/01-a.md --
                ---
                title: A
                ---
                """ + chapterBody);
    }

    private static List<String> checkErrors(FixtureSite site) {
        BuildException e = assertThrows(BuildException.class, () -> BookCheck.run(site.root, site.root.resolve(".cache")));
        return e.diagnostics().stream().map(Object::toString).toList();
    }

    @Test
    @DisplayName("refuses an image linked to a file outside content/, in check and build alike, and publishes nothing")
    void imageLinkedOutside() throws IOException {
        FixtureSite site = site("![leak](images/leak.png)\n");
        Path secret = Files.writeString(work.resolve("secret.txt"), "CI_TOKEN=do-not-publish");
        Files.createDirectories(site.root.resolve("content/images"));
        Files.createSymbolicLink(site.root.resolve("content/images/leak.png"), secret);
        List<String> expected = List.of("content/chapters/01-a.md:4:1: check: image images/leak.png resolves outside content/ (to "
                + secret.toRealPath() + ") " + OUTSIDE_HINT);
        assertEquals(expected, checkErrors(site));
        assertEquals(expected, site.buildErrors());
        assertEquals(List.of(), site.siteFiles());
    }

    @Test
    @DisplayName("refuses a site.yaml linked outside content/, or dangling, instead of reading it or calling it missing")
    void siteConfigLinks() throws IOException {
        FixtureSite site = site("Text.\n");
        Path config = site.root.resolve("content/site.yaml");
        Files.delete(config);
        Path outside = Files.writeString(work.resolve("site.yaml"), "title: Someone else's\n");
        Files.createSymbolicLink(config, outside);
        assertEquals(List.of("content/site.yaml: load: resolves outside content/ (to " + outside.toRealPath() + ") "
                + OUTSIDE_HINT), site.buildErrors());

        Files.delete(config);
        Files.createSymbolicLink(config, work.resolve("gone.yaml"));
        assertEquals(List.of("content/site.yaml: load: is a symbolic link to a missing file (" + work.resolve("gone.yaml")
                + ") (remove the link, or copy the file it meant into content/)"), checkErrors(site));
    }

    @Test
    @DisplayName("accepts a content/ that is itself a link, and links that stay inside it")
    void linksInsideContent() throws IOException {
        Path real = work.resolve("book-content");
        FixtureSite.write(real.getParent(), """
                -- book-content/site.yaml --
                title: Linked
                -- book-content/chapters/01-a.md --
                ---
                title: A
                ---
                ![plot](images/alias.png)
                -- book-content/images/plot.png --
                plot bytes
                """);
        Files.createSymbolicLink(real.resolve("images/alias.png"), Path.of("plot.png"));
        Path root = Files.createDirectories(work.resolve("project"));
        Files.createSymbolicLink(root.resolve("content"), real);
        new BuildPipeline(BuildPipeline.Options.defaults(root), line -> { }).run();
        assertEquals("plot bytes", Files.readString(root.resolve("site/images/alias.png")).strip());
    }

    @Test
    @DisplayName("publishes the bytes the check read: a link swapped after the check does not change what is written")
    void publishesCheckedBytes() throws IOException {
        FixtureSite site = site("![plot](images/plot.png)\n");
        Path images = Files.createDirectories(site.root.resolve("content/images"));
        Files.writeString(images.resolve("real.png"), "checked bytes");
        Path link = Files.createSymbolicLink(images.resolve("plot.png"), Path.of("real.png"));
        Path secret = Files.writeString(work.resolve("secret.txt"), "swapped in after the check");
        BuildSession.Output output;
        try (BuildSession session = new BuildSession(BuildPipeline.Options.defaults(site.root), line -> { })) {
            output = session.build((stage, summary, nanos) -> {
                if (stage.equals("check")) {
                    try {
                        Files.delete(link);
                        Files.createSymbolicLink(link, secret);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            });
        }
        assertEquals("checked bytes", new String(output.files().get("images/plot.png"), java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("notices a link swapped while a file is read, instead of trusting the first look")
    void readRechecksTheLink() throws IOException {
        Path content = Files.createDirectories(work.resolve("content"));
        Files.writeString(content.resolve("real.png"), "inside");
        Path link = Files.createSymbolicLink(content.resolve("plot.png"), Path.of("real.png"));
        ContentFiles files = new ContentFiles(content);
        ContentFiles.Verdict verdict = files.check(link);
        assertTrue(verdict.ok(), verdict.problem());
        assertArrayEquals("inside".getBytes(), files.read(link, verdict));

        Files.delete(link);
        Files.createSymbolicLink(link, Files.writeString(work.resolve("secret"), "outside"));
        assertThrows(ContentFiles.Changed.class, () -> files.read(link, verdict));
        assertEquals(ContentFiles.Kind.OUTSIDE, files.check(link).kind());
    }

    @Test
    @DisplayName("refuses unsafe links, raw HTML and chapter names in one run, each at its own position")
    void everythingAtOnce() throws IOException {
        FixtureSite site = site("""
                [a](JaVaScRiPt:alert(1)) and <span onclick="x">b</span>

                <script>alert(1)</script>
                """);
        assertEquals(List.of(
                "content/chapters/01-a.md:4:1: check: unsafe link target \"JaVaScRiPt:alert(1)\" (links may be http(s), mailto or relative)",
                "content/chapters/01-a.md:4:36: check: raw HTML attribute onclick on <span> is not allowed (event handlers are"
                        + " scripts, which chapters cannot run; allowed on <span>: aria-*, class, dir, id, lang, title)",
                "content/chapters/01-a.md:6:1: check: raw HTML tag <script> is not allowed (chapters cannot run scripts; an"
                        + " interactive figure is a {widget} directive)"), site.buildErrors());
        Files.writeString(site.root.resolve("content/chapters/10-javascript:alert(1).md"), "---\ntitle: B\n---\n");
        assertEquals(List.of("content/chapters/10-javascript:alert(1).md: load: page name \"javascript:alert(1).html\" is not"
                + " a safe URL (chapter file names may use only a-z, 0-9, - and _ after the number; rename it, e.g. to"
                + " 10-javascript-alert-1.md)"), checkErrors(site));
    }

    @Test
    @DisplayName("publishes the allowed HTML as written, and a figure's plain width as a CSS length")
    void allowedHtml() throws IOException {
        FixtureSite site = site("""
                Press <kbd>Ctrl</kbd>+<kbd>C</kbd>, H<sub>2</sub>O <!-- a note -->

                <details class="more"><summary>More</summary>
                <a href="https://example.com/" aria-label="Example">x</a> <img src="images/p.png" alt="p" width="20">
                </details>

                ```{figure} images/p.png
                :alt: p
                :width: 300
                ```
                -- content/images/p.png --
                p
                """);
        site.build();
        String page = site.read("a.html");
        for (String expected : List.of("Press <kbd>Ctrl</kbd>+<kbd>C</kbd>, H<sub>2</sub>O <!-- a note -->",
                "<details class=\"more\"><summary>More</summary>",
                "<a href=\"https://example.com/\" aria-label=\"Example\">x</a> <img src=\"images/p.png\" alt=\"p\" width=\"20\">",
                "<img src=\"images/p.png\" alt=\"p\" loading=\"lazy\" style=\"width: 300px\">")) {
            assertTrue(page.contains(expected), expected + " in\n" + page);
        }
        assertFalse(site.siteFiles().stream().anyMatch(f -> f.contains("..")));
        assertEquals("p", site.read("images/p.png").strip());
    }
}
