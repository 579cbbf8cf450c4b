package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken chapters in the golden book (which has a second chapter with labels, an image and a
 * bibliography): each fails with exactly these diagnostics, and no site is written.
 */
class BrokenMarkdownTest {
    @TempDir
    Path root;

    static Stream<Arguments> cases() {
        return Stream.of(
                broken("unknown role", "See {reff}`fig-other`.",
                        "5:5: check: unknown role \"reff\" (known: ref, numref, eq, math, cite, cite:p, cite:t, metric, claim, term)"),
                broken("unknown label", "See {ref}`fig-othr`.",
                        "5:5: check: unknown label \"fig-othr\" (did you mean \"fig-other\"?)"),
                broken("eq to a figure", "See {eq}`fig-other`.",
                        "5:5: check: {eq} refers to \"fig-other\", which is a figure, not an equation (use {ref} or {numref})"),
                broken("numref to a section", "See {numref}`sec-other`.",
                        "5:5: check: {numref} refers to \"sec-other\", which has no number (use {ref})"),
                broken("duplicate label in one chapter", """
                        :::{figure} images/plot.svg
                        :label: fig-a
                        :alt: a
                        :::

                        :::{figure} images/plot.svg
                        :label: fig-a
                        :alt: b
                        :::""",
                        "10:1: check: duplicate label \"fig-a\" (already used at content/chapters/01-case.md:5; labels are unique across the book)"),
                broken("duplicate label across chapters", "$$ x $$ (eq-pythagoras)",
                        "content/chapters/02-other.md:14:1: check: duplicate label \"eq-pythagoras\" (already used at content/chapters/01-case.md:5; labels are unique across the book)"),
                broken("TeX error inline", "Inline $\\frac{1}{$ here.",
                        "5:18: check: TeX error: Unexpected end of input in a macro argument, expected '}' (KaTeX supports most of LaTeX's math mode; see katex.org/docs/supported)"),
                broken("TeX error on the second line of display math", "$$\nx + y\n= \\badmacro{z}\n$$",
                        "7:3: check: TeX error: Undefined control sequence: \\badmacro (KaTeX supports most of LaTeX's math mode; see katex.org/docs/supported)"),
                broken("TeX error in a math directive", "```{math}\n:label: eq-bad\n\\sqrt{x\n```",
                        "7:8: check: TeX error: Expected '}', got 'EOF' (KaTeX supports most of LaTeX's math mode; see katex.org/docs/supported)"),
                broken("TeX error in a math role", "A {math}`x^{2` role.",
                        "5:14: check: TeX error: Expected '}', got 'EOF' (KaTeX supports most of LaTeX's math mode; see katex.org/docs/supported)"),
                broken("unclosed display math", "$$\nx^2\n\nMore text.",
                        "5:1: check: display math opened with $$ is never closed (end it with $$)"),
                broken("junk after display math", "$$ x $$ label",
                        "5:1: check: text after the closing $$ is not a label (write a label in parentheses, e.g. $$ E = mc^2 $$ (eq-energy))"),
                broken("missing figure image", "```{figure} images/nope.png\n:alt: gone\n```",
                        "5:1: check: image not found: images/nope.png (paths are relative to content/, e.g. images/plot.png)"),
                broken("missing inline image", "Look: ![a plot](images/nope.svg)",
                        "5:7: check: image not found: images/nope.svg (paths are relative to content/, e.g. images/plot.png)"),
                broken("figure without alt text", ":::{figure} images/plot.svg\n:::",
                        "5:1: check: figure has no :alt: text (describe the image for readers who cannot see it, e.g. :alt: A plot of loss against steps)"),
                broken("figure without an image", ":::{figure}\n:alt: x\n:::",
                        "5:1: check: directive figure needs an argument (the image path, e.g. ```{figure} images/residual-stream.png)"),
                broken("link to a missing page", "Go [there](nowhere.html).",
                        "5:4: check: broken link \"nowhere.html\": no page nowhere.html (pages are written as SLUG.html for chapters/NN-SLUG.md; you can also link to the .md file)"),
                broken("link to a missing anchor", "Go [there](other.html#nope).",
                        "5:4: check: broken link \"other.html#nope\": no anchor #nope in other.html (link to a heading's id or a :label:)"),
                broken("link to a missing anchor on this page", "Go [up](#nowhere).",
                        "5:4: check: broken link \"#nowhere\": no anchor #nowhere in case.html (link to a heading's id or a :label:)"),
                broken("link to a missing file", "Get [the data](data/weights.bin).",
                        "5:5: check: linked file not found: data/weights.bin (paths are relative to content/, e.g. images/plot.png)"),
                broken("unknown directive option", ":::{note}\n:colour: red\nText.\n:::",
                        "6:1: check: unknown option \"colour\" for directive note (known: class, label, name)"),
                broken("unknown admonition class", ":::{note}\n:class: dropdwon\nText.\n:::",
                        "6:1: check: unknown class \"dropdwon\" for directive note (known: dropdown)"),
                broken("unclosed backtick directive", "```{warning}\nNever closed.",
                        "5:1: check: directive {warning} is never closed (end it with a line of ```)"),
                broken("unknown directive", ":::{figur} images/plot.svg\n:::",
                        "5:1: check: unknown directive \"figur\" (did you mean \"figure\"?)"),
                broken("target followed by nothing", "Text.\n\n(orphan)=",
                        "7:1: check: target (orphan)= is not followed by anything to label (put it on the line before a heading)"),
                broken("ref to an untitled target", "(here)=\nA paragraph.\n\nSee {ref}`here`.",
                        "8:5: check: label \"here\" has no title to show (give the reference its own text: {ref}`some text <here>`)"),
                broken("empty link to a heading id", "## Part\n\n[](#part)",
                        "7:1: check: empty link text for #part, which is not a label (give the link text, or point it at a :label:)"),
                broken("term with no glossary", "The {term}`residual stream`.",
                        "5:5: check: unknown term \"residual stream\" (define it in a {glossary} directive)"),
                broken("term misspelt", ":::{glossary}\nResidual stream\n: The sum.\n:::\n\nThe {term}`residual streams`.",
                        "10:5: check: unknown term \"residual streams\" (did you mean \"residual stream\"? to keep your wording,"
                                + " write {term}`residual streams <residual stream>`; or define it in the glossary)"),
                broken("term far from any", ":::{glossary}\nLogit\n: A score.\n:::\n\nA {term}`neuron`.",
                        "10:3: check: unknown term \"neuron\" (define it in the glossary (1 term so far))"),
                broken("glossary term twice", ":::{glossary}\nLogit\n: A score.\n\nlogit\n: Again.\n:::",
                        "9:1: check: glossary term \"logit\" is defined twice (first defined at content/chapters/01-case.md:6)"),
                broken("glossary with prose", ":::{glossary}\nJust a paragraph.\n:::",
                        "6:1: check: a glossary holds only terms and their definitions (write each term on a line of its own"
                                + " and its definition on the next line, after \": \")",
                        "5:1: check: glossary defines no terms (write each term on a line of its own and its definition on"
                                + " the next line, after \": \")"),
                broken("two terms for one definition in a glossary", ":::{glossary}\nTerm\n: Def.\n\nLogit\nLogits\n: A score.\n:::",
                        "10:1: check: a second term for the same definition is not supported inside a directive (give each"
                                + " term its own definition, or link another spelling with {term}`text <term>`)"),
                broken("solution to nothing", ":::{solution} ex-none\nAn answer.\n:::",
                        "5:1: check: solution to \"ex-none\", which is not the label of an exercise (give the exercise a"
                                + " :label: and name it after {solution})"),
                broken("solution to a figure", ":::{exercise}\n:label: ex-one\nQ.\n:::\n\n:::{solution} fig-other\nA.\n:::",
                        "10:1: check: solution to \"fig-other\", which is not the label of an exercise (known: ex-one)"),
                broken("solution without its exercise", ":::{solution}\nA.\n:::",
                        "5:1: check: directive solution needs an argument (the label of the exercise it solves, e.g."
                                + " :::{solution} ex-induction)"),
                broken("exercise with an unknown class", ":::{exercise}\n:class: folded\nQ.\n:::",
                        "6:1: check: unknown class \"folded\" for directive exercise (known: dropdown)"),
                broken("unknown citation key", "As @nobody2020 showed.",
                        "5:4: check: unknown citation key \"nobody2020\" (known: elhage2022, nanda2023, olah2020)"),
                broken("unknown key in a bracketed citation", "Known [@elhage2022; @olah2020; @olha2020].",
                        "5:32: check: unknown citation key \"olha2020\" (did you mean \"olah2020\"?)"));
    }

    private static Arguments broken(String name, String body, String... expected) {
        return Arguments.of(name, body, List.of(expected));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void failsWithExactlyTheseDiagnostics(String name, String body, List<String> expected) throws IOException {
        FixtureSite site = FixtureSite.copyOf(GoldenCasesTest.GOLDEN.resolve("book"), root);
        Files.writeString(root.resolve("content/chapters/01-case.md"), "---\ntitle: Case\n---\n\n" + body + "\n");
        List<String> errors = site.buildErrors();
        assertEquals(expected.stream().map(e -> e.startsWith("content/") ? e : "content/chapters/01-case.md:" + e).toList(),
                errors);
        assertEquals(List.of(), site.siteFiles(), "nothing was written");
        assertEquals(false, Files.exists(root.resolve("site")));
    }
}
