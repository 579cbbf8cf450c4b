package org.circuitbook.generator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.circuitbook.generator.FixtureSite;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code circuitbook check} and {@code circuitbook new chapter}: their exact output on fixture books. */
@DisplayName("The authoring commands")
class AuthoringCommandsTest {
    private static final String SITE = "-- content/site.yaml --\ntitle: T\n";
    /** The second line of new chapter's usage errors. */
    private static final String HINT = "see circuitbook new chapter --help\n";

    @TempDir
    Path root;
    private ByteArrayOutputStream out;
    private ByteArrayOutputStream err;

    @BeforeEach
    void streams() {
        out = new ByteArrayOutputStream();
        err = new ByteArrayOutputStream();
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        String[] withRoot = java.util.Arrays.copyOf(args, args.length + 2);
        withRoot[args.length] = "--root";
        withRoot[args.length + 1] = root.toString();
        return Main.run(withRoot, new PrintStream(out, true), new PrintStream(err, true));
    }

    /** Every file under root, relative and sorted: what a command left behind. */
    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .sorted().toList();
        }
    }

    @Test
    @DisplayName("check on a good book prints one line, exits 0, and writes nothing (not even the math cache)")
    void checkGood() throws IOException {
        FixtureSite.write(root, SITE + """
                -- content/chapters/01-a.md --
                ---
                title: A
                ---
                (sec-a)=
                ## Start

                Squares: $x^2$. See [the next chapter](02-b.md#sec-b).
                -- content/chapters/02-b.md --
                ---
                title: B
                ---
                (sec-b)=
                ## More

                Back to {ref}`sec-a`.
                """);
        List<String> before = files();
        assertEquals(0, run("check"));
        assertEquals("check: no problems in 2 chapters, 0 model specs and 0 {metric} roles\n", out.toString());
        assertEquals("", err.toString());
        assertEquals(before, files(), "check wrote nothing: no site/, no .cache/math.bin");
    }

    @Test
    @DisplayName("check on a broken book prints every problem in the standard format and exits 1")
    void checkBroken() throws IOException {
        FixtureSite.write(root, SITE + """
                -- content/chapters/01-a.md --
                ---
                title: A
                ---
                See {ref}`fig-nope` and [B](02-b.md#nowhere), as @nobody2020 says.

                :::{widget} superposition
                :model: missing
                :::
                -- content/chapters/02-b.md --
                ---
                title: B
                ---
                Text.
                """);
        List<String> before = files();
        assertEquals(1, run("check"));
        assertEquals("", out.toString());
        assertEquals("""
                content/chapters/01-a.md:4:5: check: unknown label "fig-nope" (there are none yet)
                content/chapters/01-a.md:4:25: check: broken link "02-b.md#nowhere": no anchor #nowhere in b.html (link to a heading's id or a :label:)
                content/chapters/01-a.md:4:50: check: unknown citation key "nobody2020" (add it to content/references.bib)
                content/chapters/01-a.md:7:1: check: unknown model "missing" (there are none yet: add a spec under content/models/)
                4 errors
                """, err.toString());
        assertEquals(before, files());
    }

    @Test
    @DisplayName("check on a load problem (front matter) reports it as the build does")
    void checkLoadProblem() {
        FixtureSite.write(root, SITE + """
                -- content/chapters/01-a.md --
                ---
                title: A
                colour: red
                ---
                Text.
                """);
        assertEquals(1, run("check"));
        assertEquals("""
                content/chapters/01-a.md:3:1: load: unknown key "colour" in front matter (known keys: authors, date, draft, numbered, subtitle, summary, title)
                1 error
                """, err.toString());
    }

    @Test
    @DisplayName("check reports a chapter that is not UTF-8 as a problem, not a crash")
    void checkNotUtf8() throws IOException {
        FixtureSite.write(root, SITE);
        Files.createDirectories(root.resolve("content/chapters"));
        Files.write(root.resolve("content/chapters/01-a.md"), new byte[] {'-', '-', '-', '\n', 't', (byte) 0xE9, '\n'});
        assertEquals(1, run("check"));
        assertEquals("content/chapters/01-a.md: load: not UTF-8 text (save it as UTF-8)\n1 error\n", err.toString());
    }

    @Test
    @DisplayName("check reads {metric} roles and verify sections against cached models, and says which it could not")
    void checkMetrics() throws IOException {
        FixtureSite site = FixtureSite.write(root, SITE + "-- content/models/toy.yaml --\n" + FixtureSite.TINY_SPEC + """
                -- content/chapters/01-a.md --
                ---
                title: A
                ---
                Loss {metric}`toy/sparsity-0.9/final_loss`; norms {metric}`toy/sparsity-0/feature_norms|len`.
                """);
        assertEquals(0, run("check"));
        assertEquals("check: no problems in 1 chapter, 1 model spec and 0 of 2 {metric} roles; "
                + "not checked: model toy not trained yet (its 2 {metric} roles)\n", out.toString());
        assertFalse(Files.exists(root.resolve(".cache/models")), "check trained nothing");

        site.build();
        assertEquals(0, run("check"));
        assertEquals("check: no problems in 1 chapter, 1 model spec and 2 {metric} roles\n", out.toString());

        // a metric the model does not record, found without building
        Files.writeString(root.resolve("content/chapters/01-a.md"), """
                ---
                title: A
                ---
                Loss {metric}`toy/sparsity-0.9/final_los`.
                """);
        List<String> before = files();
        assertEquals(1, run("check"));
        assertEquals("content/chapters/01-a.md:4:6: render: no metric \"final_los\" in toy/sparsity-0.9 (known: "
                + String.join(", ", knownMetrics()) + ")\n1 error\n", err.toString());

        // a verify section the cached model fails (verify is not part of the cache key: nothing to retrain)
        Files.writeString(root.resolve("content/models/toy.yaml"), FixtureSite.TINY_SPEC
                + "verify:\n  represented_features: {0: 5}\n");
        assertEquals(1, run("check"));
        assertEquals(List.of("content/models/toy.yaml: train: verify toy"),
                err.toString().lines().limit(1).map(l -> l.substring(0, l.indexOf(" toy ") + 4)).toList(),
                err.toString());
        assertEquals(before, files());

        // a changed spec is not in the cache as it is now
        Files.writeString(root.resolve("content/models/toy.yaml"), FixtureSite.TINY_SPEC.replace("steps: 200", "steps: 300")
                + "verify:\n  represented_features: {0: 2}\n");
        Files.writeString(root.resolve("content/chapters/01-a.md"), """
                ---
                title: A
                ---
                Loss {metric}`toy/sparsity-0.9/final_loss`.
                """);
        assertEquals(0, run("check"));
        assertEquals("check: no problems in 1 chapter, 1 model spec and 0 of 1 {metric} role; "
                + "not checked: model toy not trained yet (its 1 {metric} role and verify section)\n", out.toString());
        assertEquals(before, files());
    }

    @Test
    @DisplayName("check reads {claim} roles against cached models: a claim a retrained model breaks fails at its position")
    void checkClaims() throws IOException {
        String chapter = """
                ---
                title: A
                ---
                All {claim}`five <toy/sparsity-0/feature_norms|len == 5>` features, and a loss
                {claim}`this low <toy/sparsity-0.9/final_loss <= BOUND>`.
                """;
        FixtureSite site = FixtureSite.write(root, SITE + "-- content/models/toy.yaml --\n" + FixtureSite.TINY_SPEC
                + "-- content/chapters/01-a.md --\n" + chapter.replace("BOUND", "1"));
        assertEquals(0, run("check"));
        assertEquals("check: no problems in 1 chapter, 1 model spec and 0 of 2 {metric} and {claim} roles; "
                + "not checked: model toy not trained yet (its 2 {metric} and {claim} roles)\n", out.toString());
        site.build();
        // the bound: just above the loss this training reached
        Object metrics = org.circuitbook.widgets.weights.Json.parse(org.circuitbook.widgets.weights.SafeTensors.fromBytes(
                Files.readAllBytes(site.weights("toy", "sparsity-0.9.safetensors"))).metadata().get("metrics"));
        double loss = ((Number) ((java.util.Map<?, ?>) metrics).get("final_loss")).doubleValue();
        Files.writeString(root.resolve("content/chapters/01-a.md"), chapter.replace("BOUND", Double.toString(loss * 1.001)));
        assertEquals(0, run("check"));
        assertEquals("check: no problems in 1 chapter, 1 model spec and 2 {metric} and {claim} roles\n", out.toString());

        // retrained with one step: the loss is far from that low, and check says where the prose is now wrong
        Files.writeString(root.resolve("content/models/toy.yaml"), FixtureSite.TINY_SPEC.replace("steps: 200", "steps: 1"));
        assertEquals(1, run("build"));
        assertEquals(1, run("check"));
        assertEquals("content/chapters/01-a.md:5:1: render: claim \"this low\" does not hold for the trained model: ",
                err.toString().substring(0, err.toString().indexOf("model: ") + 7), err.toString());
        assertTrue(err.toString().endsWith("\n1 error\n"), err.toString());
    }

    private List<String> knownMetrics() {
        return List.of("final_loss", "loss_curve", "restart_losses", "feature_norms", "feature_dimensionality");
    }

    @Test
    @DisplayName("new chapter writes the next number with a slug of the title, prints the path, and check accepts it")
    void newChapter() throws IOException {
        FixtureSite.write(root, SITE + """
                -- content/chapters/01-a.md --
                ---
                title: A
                ---
                Text.
                -- content/chapters/09-b.md --
                ---
                title: B
                ---
                Text.
                """);
        assertEquals(0, run("new", "chapter", "Attention: what Heads Do"));
        assertEquals("content/chapters/10-attention-what-heads-do.md\n", out.toString());
        assertEquals("", err.toString());
        assertEquals("""
                ---
                title: "Attention: what Heads Do"
                summary: One or two sentences on what this chapter is about, for the contents and the page description.
                ---

                Start the chapter here. Its place in the book is the number at the start of its file name.
                A chapter can hold figures, widgets, maths, citations and cross-references; the Writing
                section of the documentation lists them.
                """, Files.readString(root.resolve("content/chapters/10-attention-what-heads-do.md")));

        assertEquals(0, run("new", "chapter", "Naïve Bayes, Œuvres & the model’s Straße — ε-greedy"));
        assertEquals("content/chapters/11-naive-bayes-oeuvres-the-models-strasse-greedy.md\n", out.toString());
        assertEquals("title: Naïve Bayes, Œuvres & the model’s Straße — ε-greedy",
                Files.readString(root.resolve("content/chapters/11-naive-bayes-oeuvres-the-models-strasse-greedy.md"))
                        .lines().skip(1).findFirst().orElseThrow().replace("\"", ""));

        assertEquals(0, run("check"));
        assertEquals("check: no problems in 4 chapters, 0 model specs and 0 {metric} roles\n", out.toString());
    }

    @Test
    @DisplayName("new chapter keeps the prefix's digit width, starts at 01, and never overwrites")
    void newChapterNumbering() throws IOException {
        FixtureSite.write(root, SITE);
        assertEquals(0, run("new", "chapter", "First"));
        assertEquals("content/chapters/01-first.md\n", out.toString());

        Files.writeString(root.resolve("content/chapters/007-old.md"), "---\ntitle: Old\n---\n");
        assertEquals(0, run("new", "chapter", "Second one"));
        assertEquals("content/chapters/008-second-one.md\n", out.toString());

        String before = Files.readString(root.resolve("content/chapters/01-first.md"));
        assertEquals(1, run("new", "chapter", "first"));
        assertEquals("", out.toString());
        assertEquals("circuitbook: content/chapters/01-first.md is already written to first.html "
                + "(give the new chapter another title)\n", err.toString());
        assertEquals(before, Files.readString(root.resolve("content/chapters/01-first.md")));

        assertEquals(2, run("new", "chapter", "¿¡ — !?"));
        assertEquals("circuitbook: the title \"¿¡ — !?\" has no letters or digits to make a file name from"
                + " (e.g. circuitbook new chapter \"Attention heads\")\n"
                + HINT, err.toString());

        assertEquals(2, run("new", "chapter"));
        assertEquals("circuitbook: new needs what to create and its title, e.g. circuitbook new chapter \"Attention heads\"",
                err.toString().lines().findFirst().orElseThrow());
        assertEquals(List.of("content/chapters/007-old.md", "content/chapters/008-second-one.md",
                "content/chapters/01-first.md", "content/site.yaml"), files());
    }

    @Test
    @DisplayName("new chapter refuses, as usage errors, a title too long, empty, of punctuation only or with control characters")
    void newChapterTitles() throws IOException {
        FixtureSite.write(root, SITE);
        List<String> before = files();
        assertEquals(2, run("new", "chapter", "a".repeat(10_000)));
        assertEquals("circuitbook: the title is 10000 characters long; the limit is 200 (shorten it: the summary:"
                + " line of the chapter's front matter can say more)\n" + HINT, err.toString());
        assertEquals(2, run("new", "chapter", ""));
        assertEquals("circuitbook: the title \"\" has no letters or digits to make a file name from"
                + " (e.g. circuitbook new chapter \"Attention heads\")\n"
                + HINT, err.toString());
        assertEquals(2, run("new", "chapter", " \t\n "));
        assertEquals("circuitbook: the title \"\" has no letters or digits to make a file name from"
                + " (e.g. circuitbook new chapter \"Attention heads\")\n"
                + HINT, err.toString());
        assertEquals(2, run("new", "chapter", "Bell\u0007s"));
        assertEquals("circuitbook: the title holds the control character U+0007 (write it as plain text)\n"
                + HINT, err.toString());
        // each of these 40 characters reads as three letters: within the title's limit, past the file name's
        assertEquals(2, run("new", "chapter", "\u3392".repeat(40)));
        assertEquals("circuitbook: the title's file name would be 120 characters long; the limit is 100 (shorten the title)\n"
                + HINT, err.toString());
        assertEquals("", out.toString());
        assertEquals(before, files(), "nothing was written");

        assertEquals(0, run("new", "chapter", "b".repeat(100)));
        assertEquals("content/chapters/01-" + "b".repeat(100) + ".md\n", out.toString());
    }
}
