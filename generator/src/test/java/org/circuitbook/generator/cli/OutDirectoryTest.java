package org.circuitbook.generator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.circuitbook.generator.FixtureSite;
import org.circuitbook.generator.TreeSnapshot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --out}: the build replaces only a directory it wrote, an empty one or a new one, and refuses everything
 * else before any work, as a usage error. Every refusal runs beside decoys (the book, a home-like directory, a
 * cache) and checks that every one of their files survives byte for byte.
 */
@DisplayName("The output directory")
class OutDirectoryTest {
    @TempDir
    Path dir;
    private Path root;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void book() throws IOException {
        root = dir.resolve("book");
        FixtureSite.write(root, """
                -- content/site.yaml --
                title: T
                -- content/chapters/01-a.md --
                ---
                title: A
                ---
                Hello.
                -- .cache/models/toy/KEY/final.safetensors --
                minutes of training
                -- notes.txt --
                the project's own file
                """);
        FixtureSite.write(dir, """
                -- home/.bashrc --
                export PS1='$ '
                -- home/.ssh/id_ed25519 --
                PRIVATE KEY
                -- file.txt --
                a file
                """);
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        return Main.run(args, new PrintStream(out, true), new PrintStream(err, true));
    }

    /** Everything under the test's directory: what must survive a refusal. */
    private Map<String, String> snapshot() {
        return snapshot(dir);
    }

    private static Map<String, String> snapshot(Path dir) {
        return TreeSnapshot.of(dir);
    }

    /** Runs build (and serve) with {@code --out OUT}, expects the usage error MESSAGE and no file changed. */
    private void refused(String outArg, String message) {
        Map<String, String> before = snapshot();
        assertEquals(2, run("build", "--root", root.toString(), "--out", outArg));
        assertEquals("circuitbook: " + message + "\n", err.toString());
        assertEquals("", out.toString(), "refused before any stage ran");
        assertEquals(before, snapshot());
        assertEquals(2, run("serve", "--root", root.toString(), "--out", outArg, "--port", "0"));
        assertEquals("circuitbook: " + message + "\n", err.toString());
        assertEquals(before, snapshot());
    }

    private String example() {
        return "choose a directory of its own for the site, e.g. " + root.resolve("site");
    }

    @Test
    @DisplayName("refuses a file, a symbolic link and a path under a file")
    void filesAndLinks() throws IOException {
        refused(dir.resolve("file.txt").toString(),
                "--out " + dir.resolve("file.txt") + ": is a file, not a directory (choose an empty or new directory)");
        Files.createSymbolicLink(dir.resolve("link"), root);
        refused(dir.resolve("link").toString(), "--out " + dir.resolve("link")
                + ": is a symbolic link (give the directory itself, or an empty or new directory)");
        refused(dir.resolve("file.txt/site").toString(), "--out " + dir.resolve("file.txt/site") + ": "
                + dir.resolve("file.txt") + " is a file, not a directory (choose a directory whose parents are directories)");
    }

    @Test
    @DisplayName("refuses a directory it did not write: a home directory, or an older site elsewhere than ROOT/site")
    void foreignDirectories() throws IOException {
        refused(dir.resolve("home").toString(), "--out " + dir.resolve("home")
                + ": is not a site circuitbook wrote: it has 2 entries, e.g. .bashrc (choose an empty or new directory)");
        FixtureSite.write(dir, """
                -- old/index.html --
                <p>old</p>
                -- old/favicon.svg --
                <svg/>
                -- old/assets/style.css --
                p {}
                -- old/assets/widgets.js --
                main()
                """);
        refused(dir.resolve("old").toString(), "--out " + dir.resolve("old") + ": holds a site an older circuitbook"
                + " wrote, without the .circuitbook-site marker (delete it yourself, or create the empty file "
                + dir.resolve("old/.circuitbook-site") + " to let the build replace it)");
    }

    @Test
    @DisplayName("refuses the sources, the project, the cache and whatever holds them, through links too")
    void protectedPaths() throws IOException {
        refused(root.resolve("content").toString(), "--out " + root.resolve("content")
                + ": is the book's content directory (" + example() + ")");
        refused(root.resolve("content/chapters").toString(), "--out " + root.resolve("content/chapters")
                + ": is inside the book's content directory " + root.resolve("content") + " (" + example() + ")");
        refused(root.resolve("content/new").toString(), "--out " + root.resolve("content/new")
                + ": is inside the book's content directory " + root.resolve("content") + " (" + example() + ")");
        refused(root.toString(), "--out " + root + ": is the project directory (" + example() + ")");
        refused(dir.toString(), "--out " + dir + ": contains the project directory " + root + " (" + example() + ")");
        refused(root.resolve(".cache").toString(), "--out " + root.resolve(".cache") + ": is the model cache ("
                + example() + ")");
        refused(root.resolve(".cache/site").toString(), "--out " + root.resolve(".cache/site")
                + ": is inside the model cache " + root.resolve(".cache") + " (" + example() + ")");
        Files.createSymbolicLink(dir.resolve("to-book"), root);
        refused(dir.resolve("to-book/content").toString(), "--out " + dir.resolve("to-book/content")
                + ": is the book's content directory (" + example() + ")");

        Map<String, String> before = snapshot();
        assertEquals(2, run("build", "--root", root.toString(), "--cache", dir.resolve("work/cache").toString(),
                "--out", dir.resolve("work").toString()));
        assertEquals("circuitbook: --out " + dir.resolve("work") + ": contains the model cache "
                + dir.resolve("work/cache") + " (" + example() + ")\n", err.toString());
        assertEquals(before, snapshot());
    }

    @Test
    @DisplayName("writes a new or empty directory, marks it, and replaces a marked one entirely")
    void writesAndReplaces() throws IOException {
        Path site = dir.resolve("public");
        assertEquals(0, run("build", "--root", root.toString(), "--out", site.toString()), err.toString());
        assertEquals("circuitbook wrote this directory and replaces all of it on every build; keep nothing else here\n",
                Files.readString(site.resolve(".circuitbook-site")));
        Files.writeString(site.resolve("stale.html"), "from an earlier build");
        assertEquals(0, run("build", "--root", root.toString(), "--out", site.toString()), err.toString());
        assertFalse(Files.exists(site.resolve("stale.html")), "a marked site is the build's: replaced whole");
        assertTrue(Files.isRegularFile(site.resolve("a.html")));

        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertEquals(0, run("build", "--root", root.toString(), "--out", empty.toString()), err.toString());
        assertTrue(Files.isRegularFile(empty.resolve(".circuitbook-site")));
    }

    @Test
    @DisplayName("takes over ROOT/site written by an older circuitbook (no marker), and nothing else there")
    void upgradeDefaultSite() throws IOException {
        FixtureSite.write(root, """
                -- site/index.html --
                <p>old</p>
                -- site/favicon.svg --
                <svg/>
                -- site/assets/style.css --
                p {}
                -- site/assets/widgets.js --
                main()
                -- site/old-chapter.html --
                <p>gone</p>
                """);
        assertEquals(0, run("build", "--root", root.toString()), err.toString());
        assertTrue(Files.isRegularFile(root.resolve("site/.circuitbook-site")));
        assertFalse(Files.exists(root.resolve("site/old-chapter.html")));

        Files.delete(root.resolve("site/.circuitbook-site"));
        Files.delete(root.resolve("site/favicon.svg"));
        Map<String, String> before = snapshot();
        assertEquals(2, run("build", "--root", root.toString()));
        assertEquals("circuitbook: --out " + root.resolve("site") + ": is not a site circuitbook wrote: it has "
                + (Files.list(root.resolve("site")).count()) + " entries, e.g. 404.html (choose an empty or new directory)\n",
                err.toString());
        assertEquals(before, snapshot());
    }

    @Test
    @DisplayName("leaves alone directories beside the site whose names the writer once used (site.tmp-N, site.old-N)")
    void neighbours() throws IOException {
        long pid = ProcessHandle.current().pid();
        FixtureSite.write(root, "-- site.tmp-" + pid + "/mine.txt --\nkeep me\n-- site.old-" + pid + "/mine.txt --\nme too");
        assertEquals(0, run("build", "--root", root.toString()), err.toString());
        assertEquals(0, run("build", "--root", root.toString()), err.toString());
        assertEquals("keep me\n", Files.readString(root.resolve("site.tmp-" + pid + "/mine.txt")));
        assertEquals("me too\n", Files.readString(root.resolve("site.old-" + pid + "/mine.txt")));
        try (Stream<Path> s = Files.list(root)) {
            assertEquals(java.util.List.of(".cache", "content", "notes.txt", "site", "site.old-" + pid, "site.tmp-" + pid),
                    s.map(p -> p.getFileName().toString()).sorted().toList(), "nothing of the writer's own is left");
        }
    }

    @Test
    @DisplayName("a write the file system refuses is one line, exit 1, and the previous site is kept")
    void writeFails() throws IOException {
        // a 255-byte name is a valid directory, but no sibling name longer than it can be created
        Path site = dir.resolve("s".repeat(255));
        FixtureSite.write(site, "-- .circuitbook-site --\nmarker\n-- index.html --\nprevious\n");
        Map<String, String> before = snapshot(dir);
        before.keySet().removeIf(k -> k.startsWith("book/.cache/"));
        assertEquals(1, run("build", "--root", root.toString(), "--out", site.toString()));
        assertEquals("circuitbook: could not write site to " + site + ": could not create a directory beside it:"
                + " File name too long (the previous site, if any, was left as it was; choose an --out directory you"
                + " can write to, on a disk with free space)\n", err.toString());
        Map<String, String> after = snapshot(dir);
        after.keySet().removeIf(k -> k.startsWith("book/.cache/"));
        assertEquals(before, after, "the previous site and everything beside it as they were");
    }
}
