package org.circuitbook.generator.cli;

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
        assertEquals("content/chapters/01-a.md:4:1: check: unknown widget \"nope\" (known: activation-patching, attention-patterns, circuits, grokking, sae-explorer, superposition)\n"
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
}
