package org.circuitbook.generator.cli;

import org.circuitbook.widgets.figures.Widgets;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.circuitbook.generator.FixtureSite;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The circuitbook command")
class CliTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true), new PrintStream(err, true));
    }

    @Test
    @DisplayName("without a command prints usage and exits 2")
    void noCommand() {
        assertEquals(2, run());
        assertTrue(err.toString().startsWith("usage: circuitbook <command> [options]"));
    }

    @Test
    @DisplayName("rejects an unknown command or option with exit 2")
    void badUsage() {
        assertEquals(2, run("biuld"));
        assertTrue(err.toString().startsWith("circuitbook: unknown command \"biuld\""), err.toString());
        assertEquals(2, run("build", "--colour", "red"));
        assertTrue(err.toString().contains("circuitbook: unknown option \"--colour\""), err.toString());
    }

    @Test
    @DisplayName("rejects a --base-url that is not an absolute http(s) URL with exit 2")
    void badBaseUrl() {
        assertEquals(2, run("build", "--base-url", "user.github.io/book"));
        assertEquals("circuitbook: --base-url \"user.github.io/book\" is not an absolute http(s) URL"
                + " (write the published address, e.g. https://user.github.io/book/)\n", err.toString());
    }

    @Test
    @DisplayName("build on a broken book prints each problem, the count, and exits 1")
    void brokenBook(@TempDir Path root) {
        FixtureSite.write(root, """
                -- content/site.yaml --
                title: T
                -- content/chapters/01-a.md --
                ---
                title: A
                ---
                :::{widget} nope
                :::
                """);
        assertEquals(1, run("build", "--root", root.toString()));
        assertEquals("content/chapters/01-a.md:4:1: check: unknown widget \"nope\" (known: " + String.join(", ", Widgets.BOOK.names()) + ")\n"
                + "1 error\n"
                + "build failed; " + root.resolve("site") + " was left as it was\n", err.toString());
        assertTrue(!Files.exists(root.resolve("site")));
    }

    @Test
    @DisplayName("build on a good book writes the site, reports the time and exits 0")
    void goodBook(@TempDir Path root) {
        FixtureSite.write(root, """
                -- content/site.yaml --
                title: T
                -- content/chapters/01-a.md --
                ---
                title: A
                ---
                Hello.
                """);
        assertEquals(0, run("build", "--root", root.toString(), "--out", root.resolve("public").toString()));
        assertTrue(Files.isRegularFile(root.resolve("public/a.html")));
        assertTrue(out.toString().lines().anyMatch(l -> l.matches("built in \\d+\\.\\d s")), out.toString());
    }

    private String usage(String... args) {
        out.reset();
        err.reset();
        assertEquals(2, run(args), err.toString());
        assertEquals("", out.toString());
        return err.toString();
    }

    @Test
    @DisplayName("each command takes only its own options, each once, each with a value")
    void optionsPerCommand(@TempDir Path root) {
        FixtureSite.write(root, "-- content/site.yaml --\ntitle: T\n");
        String r = root.toString();
        assertEquals("circuitbook: check does not take --retrain (check takes --root, --cache)\n",
                usage("check", "--root", r, "--retrain", "x"));
        assertEquals("circuitbook: new chapter does not take --port (new chapter takes --root)\n",
                usage("new", "chapter", "X", "--root", r, "--port", "5"));
        assertEquals("circuitbook: links does not take --cache (links takes --root, --out)\n",
                usage("links", "--cache", r));
        assertEquals("circuitbook: words does not take --out (words takes --root)\n", usage("words", "--out", r));
        assertEquals("circuitbook: build does not take --port (build takes --root, --out, --cache, --retrain, --base-url)\n",
                usage("build", "--port", "8001"));
        assertEquals("circuitbook: --out is given twice (give it once)\n",
                usage("build", "--root", r, "--out", "a", "--out", "b"));
        assertEquals("circuitbook: --out needs a value (write --out DIR)\n", usage("build", "--root", r, "--out"));
        assertEquals("circuitbook: --root needs a value (write --root DIR)\n", usage("build", "--root", "--out", "x"));
        assertEquals("circuitbook: --cache needs a value (write --cache DIR)\n", usage("check", "--cache", ""));
        assertTrue(root.toFile().list().length == 1, "nothing was written: " + java.util.Arrays.toString(root.toFile().list()));
    }

    @Test
    @DisplayName("serve's port must be a number from 0 (any free port) to 65535")
    void port() {
        assertEquals("circuitbook: --port 70000 is not a port number (use 1 to 65535, or 0 for any free port)\n",
                usage("serve", "--port", "70000"));
        assertEquals("circuitbook: --port -1 is not a port number (use 1 to 65535, or 0 for any free port)\n",
                usage("serve", "--port", "-1"));
        assertEquals("circuitbook: --port needs a number, got \"eighty\" (e.g. --port 8001)\n", usage("serve", "--port", "eighty"));
    }

    @Test
    @DisplayName("--root must be a directory holding content/, --cache a directory or a place for one")
    void rootAndCache(@TempDir Path dir) throws java.io.IOException {
        Path root = dir.resolve("book");
        FixtureSite.write(root, "-- content/site.yaml --\ntitle: T\n-- cache.bin --\nnot a directory\n");
        String hint = " (pass the project directory, the one that holds content/)\n";
        assertEquals("circuitbook: --root " + dir.resolve("nope") + ": no such directory" + hint,
                usage("build", "--root", dir.resolve("nope").toString()));
        assertEquals("circuitbook: --root " + root.resolve("cache.bin") + ": is a file, not a directory" + hint,
                usage("check", "--root", root.resolve("cache.bin").toString()));
        assertEquals("circuitbook: --root " + dir + ": has no content/ directory" + hint,
                usage("words", "--root", dir.toString()));
        Path cwd = Path.of("").toAbsolutePath();
        if (!Files.isDirectory(cwd.resolve("content"))) {
            assertEquals("circuitbook: no content/ directory in the current directory " + cwd
                    + " (run circuitbook from the project directory, or pass --root DIR)\n", usage("check"));
        }
        assertEquals("circuitbook: --cache " + root.resolve("cache.bin") + ": is a file, not a directory"
                        + " (give a directory for the trained models, e.g. " + root.resolve(".cache") + ")\n",
                usage("build", "--root", root.toString(), "--cache", root.resolve("cache.bin").toString()));
        assertEquals("circuitbook: --cache " + root.resolve("cache.bin/models") + ": " + root.resolve("cache.bin")
                        + " is a file, not a directory (give a directory for the trained models, e.g. "
                        + root.resolve(".cache") + ")\n",
                usage("check", "--root", root.toString(), "--cache", root.resolve("cache.bin/models").toString()));
        assertEquals("circuitbook: --cache " + root.resolve("content/cache") + ": is inside the book's content directory "
                        + root.resolve("content") + " (give a directory outside it, e.g. " + root.resolve(".cache") + ")\n",
                usage("check", "--root", root.toString(), "--cache", root.resolve("content/cache").toString()));
        Files.writeString(root.resolve(".cache"), "a file where the default cache goes");
        assertEquals("circuitbook: --cache " + root.resolve(".cache") + ": is a file, not a directory"
                + " (move that file away, or pass --cache DIR)\n", usage("serve", "--root", root.toString(), "--port", "0"));
        assertEquals(java.util.List.of(".cache", "cache.bin", "content"),
                java.util.Arrays.stream(root.toFile().list()).sorted().toList(), "nothing was written");
    }
}
