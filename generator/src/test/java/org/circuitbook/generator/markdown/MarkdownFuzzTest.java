package org.circuitbook.generator.markdown;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.circuitbook.generator.content.Chapter;
import org.circuitbook.generator.content.FrontMatter;
import org.circuitbook.generator.diagnostics.BuildException;
import org.circuitbook.generator.math.CachedTypesetter;

/**
 * Thousands of random documents, built from MyST fragments (directives, fences, math, roles, citations,
 * links, footnotes) and then cut, shuffled and spliced: parsing, checking and rendering either succeed
 * or fail with diagnostics, never with any other exception.
 */
class MarkdownFuzzTest {
    static final List<String> FRAGMENTS = List.of(
            ":::{note}\n", ":::\n", "::::{warning} Title\n", "::::\n", "```{figure} images/plot.svg\n", "```\n",
            ":label: fig-x\n", ":alt: alt text\n", ":class: dropdown\n", ":width: 50%\n", "```python\nx = 1\n```\n",
            "$x^2$", "$$\n\\frac{a}{b}\n$$ (eq-a)\n", "$$ y $$\n", "{math}`\\alpha`", "{ref}`fig-x`", "{numref}`eq-a`",
            "{eq}`eq-a`", "{cite}`known`", "@known", "[@known, p. 3]", "[@a; @b]", "[](#fig-x)", "[link](#nowhere)",
            "[x](other.html)", "![img](images/plot.svg)", "(sec-a)=\n", "## Heading\n", "# Title\n", "text ", "*em* ",
            "**strong** ", "`code` ", "[^1]", "\n[^1]: note\n", "| a | b |\n|---|---|\n| 1 | 2 |\n", "- [x] task\n",
            "Term\n: def\n", "> quote\n", "\n", "\n\n", "$", "{", "}", "`", "@", "[", "]", "(", ")", ":", "\\", "---\n",
            ":::{widget} superposition\n:model: none\n:::\n", ":::{math}\n:label: eq-m\nx\n:::\n", "\t", "é ü 中 🙂");

    static Path dir;
    static CachedTypesetter math;
    static final Markdown MARKDOWN = new Markdown();

    @BeforeContainer
    static void start() throws Exception {
        dir = Files.createTempDirectory("fuzz");
        Files.createDirectories(dir.resolve("images"));
        Files.writeString(dir.resolve("images/plot.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
        math = new CachedTypesetter(dir.resolve("math.bin"));
    }

    @AfterContainer
    static void stop() {
        math.close();
    }

    @Provide
    Arbitrary<String> documents() {
        Arbitrary<String> assembled = Arbitraries.of(FRAGMENTS).list().ofMinSize(0).ofMaxSize(40)
                .map(parts -> String.join("", parts));
        Arbitrary<String> noise = Arbitraries.strings().withChars("$`{}[]()@:#*_-\\|>!^ \n\tabcxyz0123")
                .ofMaxLength(200);
        Arbitrary<String> mutated = assembled.flatMap(doc -> Arbitraries.integers().between(0, Math.max(0, doc.length()))
                .tuple2().map(t -> {
                    int a = Math.min(t.get1(), t.get2());
                    int b = Math.max(t.get1(), t.get2());
                    return doc.substring(0, a) + doc.substring(b) + doc.substring(a, b); // cut and splice
                }));
        return Arbitraries.oneOf(assembled, noise, mutated);
    }

    /** Found by fuzzing: under a non-UTF-8 locale such a path used to throw InvalidPathException. */
    @net.jqwik.api.Example
    void nonAsciiLinkTargetsGiveDiagnostics() {
        renderingNeverFailsWithAnythingButDiagnostics("[x](é ü 中 🙂.png) ![y](images/中.svg)");
    }

    /** The book's own chapters, to mutate: real documents exercise what fragments alone never assemble. */
    static final List<String> CHAPTERS = bookChapters();

    private static List<String> bookChapters() {
        try (java.util.stream.Stream<Path> s = Files.list(Path.of("../content/chapters"))) {
            return s.filter(p -> p.toString().endsWith(".md")).sorted().map(p -> {
                try {
                    String text = Files.readString(p);
                    return text.substring(text.indexOf("\n---\n") + 5); // the body, without front matter
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * A chapter of the book mutated 1 to 8 times: a range cut, moved, duplicated or replaced by a fragment, or
     * one character swapped for markup. The issue's adversary mutated 2,000 chapters this way.
     */
    @Provide
    Arbitrary<String> mutatedChapters() {
        Arbitrary<int[]> edit = Arbitraries.integers().between(0, Integer.MAX_VALUE).array(int[].class).ofSize(4);
        return Combinators.combine(Arbitraries.integers().between(0, CHAPTERS.size() - 1), edit.list().ofMinSize(1).ofMaxSize(8))
                .as((chapter, edits) -> {
                    String doc = CHAPTERS.get(chapter);
                    for (int[] e : edits) {
                        int a = e[1] % (doc.length() + 1);
                        int b = Math.min(doc.length(), a + e[2] % 400);
                        String cut = doc.substring(a, b);
                        String fragment = FRAGMENTS.get(e[3] % FRAGMENTS.size());
                        doc = switch (e[0] % 5) {
                            case 0 -> doc.substring(0, a) + doc.substring(b); // delete
                            case 1 -> doc.substring(0, a) + doc.substring(b) + cut; // move to the end
                            case 2 -> doc.substring(0, b) + cut + doc.substring(b); // duplicate
                            case 3 -> doc.substring(0, a) + fragment + doc.substring(b); // replace
                            default -> doc.substring(0, a) + fragment + doc.substring(a); // insert
                        };
                    }
                    return doc;
                });
    }

    @Property
    void mutatedChaptersFailOnlyWithDiagnostics(@ForAll("mutatedChapters") String body) {
        renderingNeverFailsWithAnythingButDiagnostics(body);
    }

    /**
     * Tries come from {@code jqwik.tries.default} (src/test/resources/junit-platform.properties: 1,000 in
     * {@code mvn verify}); the nightly-sized run is {@code -Djqwik.tries.default=10000} (README "Security and
     * safety"). A document that takes over 30 s counts as a hang.
     */
    @Property
    void renderingNeverFailsWithAnythingButDiagnostics(@ForAll("documents") String body) {
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
                () -> parseCheckAndRender(body), () -> "hung on a document of " + body.length() + " characters");
    }

    private static void parseCheckAndRender(String body) {
        Chapter chapter = new Chapter("content/chapters/01-fuzz.md", "fuzz",
                new FrontMatter("Fuzz", "", List.of(), null, "", false, true), body);
        ParsedChapter parsed = new ParsedChapter(chapter, MARKDOWN.parse(body));
        CheckedBook book;
        try {
            book = new BookChecker(dir, Map.of(), new FakeCitations(), math).check(List.of(parsed));
        } catch (BuildException e) {
            for (var d : e.diagnostics()) {
                if (d.line() < 0 || d.message().isEmpty()) {
                    throw new AssertionError("malformed diagnostic " + d);
                }
            }
            return;
        }
        MARKDOWN.render(parsed.document(), new RenderContext("fuzz.html", book, new FakeCitations(), w -> Map.of()));
    }

    /** Two keys, "known", "a" and "b", formatted trivially. */
    static final class FakeCitations implements Citations {
        @Override
        public boolean has(String key) {
            return key.equals("known") || key.equals("a") || key.equals("b");
        }

        @Override
        public java.util.Collection<String> keys() {
            return List.of("known", "a", "b");
        }

        @Override
        public String parenthetical(List<MystNodes.CiteItem> items) {
            return "(" + items.size() + ")";
        }

        @Override
        public String narrative(MystNodes.CiteItem item) {
            return item.key();
        }

        @Override
        public String reference(String key) {
            return key;
        }

        @Override
        public List<String> sorted(java.util.Collection<String> keys) {
            return List.copyOf(keys);
        }
    }
}
