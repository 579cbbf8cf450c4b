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
        assertTrue(err.toString().startsWith("usage: circuitbook <command> [options]\n"), err.toString());
        assertEquals("", out.toString());
    }

    /** Runs a command that must succeed without writing to stderr; returns its stdout. */
    private String ok(String... args) {
        out.reset();
        err.reset();
        assertEquals(0, run(args), err.toString());
        assertEquals("", err.toString());
        return out.toString();
    }

    @Test
    @DisplayName("--help and -h print the commands, or one command's options, and exit 0")
    void help() {
        String top = ok("--help");
        assertTrue(top.startsWith("usage: circuitbook <command> [options]\n"), top);
        for (String command : java.util.List.of("build", "serve", "check", "new", "links", "words")) {
            assertTrue(top.contains("\n  " + command + " "), command + " is listed:\n" + top);
        }
        assertTrue(top.contains("see circuitbook COMMAND --help"), top);
        assertTrue(top.contains("exit status: 0 success; 1 "), top);
        assertEquals(top, ok("-h"));

        String build = ok("build", "--help");
        assertTrue(build.startsWith("usage: circuitbook build [-h] [--root DIR] [--out DIR] [--cache DIR] [--retrain NAME]..."),
                build);
        for (String option : java.util.List.of("--root DIR", "--out DIR", "--cache DIR", "--retrain NAME", "--base-url URL")) {
            assertTrue(build.contains(option), option + " in\n" + build);
        }
        assertTrue(!build.contains("--port"), build);
        assertEquals(build, ok("build", "-h"));
        assertTrue(ok("serve", "--help").contains("--port N"));
        String check = ok("check", "--help");
        assertTrue(check.contains("--cache DIR") && !check.contains("--retrain") && !check.contains("--out"), check);
        String links = ok("links", "--help");
        assertTrue(links.contains("--out DIR") && !links.contains("--cache"), links);
        String words = ok("words", "--help");
        assertTrue(words.contains("--root DIR") && !words.contains("--out"), words);
        assertTrue(ok("new", "--help").contains("chapter"));
        String chapter = ok("new", "chapter", "--help");
        assertTrue(chapter.startsWith("usage: circuitbook new chapter [-h] [--root DIR] TITLE"), chapter);
        assertTrue(chapter.contains("A title that starts with - goes after --"), chapter);
    }

    @Test
    @DisplayName("--version prints the project's version and exits 0")
    void version() {
        String version = ok("--version");
        assertTrue(version.matches("circuitbook \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n"), version);
    }

    @Test
    @DisplayName("new chapter takes a title that starts with - after --, and says so when it is not")
    void dashedTitle(@TempDir Path root) throws java.io.IOException {
        FixtureSite.write(root, "-- content/site.yaml --\ntitle: T\n");
        assertEquals("circuitbook: unknown option \"-log p\" (a title that starts with - goes after --,"
                        + " e.g. circuitbook new chapter -- \"-log p\")\nsee circuitbook new chapter --help\n",
                usage("new", "chapter", "-log p", "--root", root.toString()));
        assertEquals("content/chapters/01-log-p.md\n",
                ok("new", "chapter", "--root", root.toString(), "--", "-log p"));
        assertTrue(Files.readString(root.resolve("content/chapters/01-log-p.md")).contains("-log p"));
    }

    @Test
    @DisplayName("rejects an unknown command or option with exit 2")
    void badUsage() {
        assertEquals("circuitbook: unknown command \"biuld\" (known: build, serve, check, new chapter, links, words)\n"
                + "see circuitbook --help\n", usage("biuld"));
        assertEquals("circuitbook: unknown option \"--colour\"\nsee circuitbook build --help\n",
                usage("build", "--colour", "red"));
        assertEquals("circuitbook: unexpected argument \"site\"\nsee circuitbook build --help\n", usage("build", "site"));
        assertEquals("circuitbook: --root goes after the command, e.g. circuitbook build --root DIR\n"
                + "see circuitbook --help\n", usage("--root", "."));
        assertEquals("circuitbook: \"--out=x\": write --out x (a space between an option and its value, not =)\n"
                + "see circuitbook build --help\n", usage("build", "--out=x"));
        assertEquals("circuitbook: unknown option \"--version\"\nsee circuitbook build --help\n", usage("build", "--version"));
    }

    @Test
    @DisplayName("rejects a --base-url that is not an absolute http(s) URL with exit 2")
    void badBaseUrl() {
        assertEquals(2, run("build", "--base-url", "user.github.io/book"));
        assertEquals("circuitbook: --base-url \"user.github.io/book\" is not an absolute http(s) URL"
                + " (write the published address, e.g. https://user.github.io/book/)\n"
                + "see circuitbook build --help\n", err.toString());
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
        assertEquals("circuitbook: check does not take --retrain (check takes --root, --cache)\n"
                + "see circuitbook check --help\n", usage("check", "--root", r, "--retrain", "x"));
        assertEquals("circuitbook: new chapter does not take --port (new chapter takes --root)\n"
                + "see circuitbook new chapter --help\n", usage("new", "chapter", "X", "--root", r, "--port", "5"));
        assertEquals("circuitbook: links does not take --cache (links takes --root, --out)\n"
                + "see circuitbook links --help\n", usage("links", "--cache", r));
        assertEquals("circuitbook: words does not take --out (words takes --root)\n"
                + "see circuitbook words --help\n", usage("words", "--out", r));
        assertEquals("circuitbook: build does not take --port (build takes --root, --out, --cache, --retrain, --base-url)\n"
                + "see circuitbook build --help\n", usage("build", "--port", "8001"));
        assertEquals("circuitbook: --out is given twice (give it once)\n"
                + "see circuitbook build --help\n", usage("build", "--root", r, "--out", "a", "--out", "b"));
        assertEquals("circuitbook: --out needs a value (write --out DIR)\n"
                + "see circuitbook build --help\n", usage("build", "--root", r, "--out"));
        assertEquals("circuitbook: --root needs a value (write --root DIR)\n"
                + "see circuitbook build --help\n", usage("build", "--root", "--out", "x"));
        assertEquals("circuitbook: --cache needs a value (write --cache DIR)\n"
                + "see circuitbook check --help\n", usage("check", "--cache", ""));
        assertTrue(root.toFile().list().length == 1, "nothing was written: " + java.util.Arrays.toString(root.toFile().list()));
    }

    @Test
    @DisplayName("serve's port must be a number from 0 (any free port) to 65535")
    void port() {
        assertEquals("circuitbook: --port 70000 is not a port number (use 1 to 65535, or 0 for any free port)\n"
                + "see circuitbook serve --help\n", usage("serve", "--port", "70000"));
        assertEquals("circuitbook: --port -1 is not a port number (use 1 to 65535, or 0 for any free port)\n"
                + "see circuitbook serve --help\n", usage("serve", "--port", "-1"));
        assertEquals("circuitbook: --port needs a number, got \"eighty\" (e.g. --port 8001)\n"
                + "see circuitbook serve --help\n", usage("serve", "--port", "eighty"));
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
