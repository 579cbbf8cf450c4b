package org.circuitbook.generator.cite;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Realistic .bib files with random mutations (cuts, duplicated spans, stray delimiters, LaTeX
 * fragments, deep braces): parsing and formatting either succeed or give diagnostics inside the
 * file, never any exception.
 */
class BibFuzzTest {
    private static final String SEED = seed();

    private static final List<String> INSERTS = List.of("{", "}", "\"", "@", ",", "=", "#", "\\", "\\\"", "\\H{",
            "\\c", "\\foo{", "\\'{\\i}", "{\\ss}", "%", "~", "$", "@misc{", "@string{x = ", " and ", " and others",
            "\n", " ", "é", "--", "{".repeat(150), "}".repeat(150), "(", ")", "\r\n", "\uFEFF", "@comment{",
            "crossref = {olah2020zoom},", "year = {}", "author = {{}}", "\\url{", "$\\alpha");

    private static String seed() {
        try {
            return BibliographyParseTest.fixture() + """
                    @string{acl = {Association for Computational {L}inguistics}}
                    @inproceedings{erdos1951, author = {Erd\\H{o}s, Paul and Fran\\c{c}ois, Jean and {Barack Obama}},
                      title = {Na\\"{\\i}ve {GPU} Kernels--Fast---Sometimes \\& 50\\%}, booktitle = {Proc.}, publisher = acl,
                      pages = {1--10}, year = 1951}
                    @misc(paren, author = "de la {Vall\\'ee Poussin}, C.", title = "Quoted {\\em title}", year = 1896)
                    """;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One mutation: cut [a, b), duplicate it, or insert a fragment at a. */
    private record Edit(int kind, double a, double b, String insert) {
        String apply(String s) {
            int x = (int) (Math.min(a, b) * s.length());
            int y = (int) (Math.max(a, b) * s.length());
            return switch (kind) {
                case 0 -> s.substring(0, x) + s.substring(y);
                case 1 -> s.substring(0, y) + s.substring(x, y) + s.substring(y);
                default -> s.substring(0, x) + insert + s.substring(x);
            };
        }
    }

    @Provide
    Arbitrary<String> mutated() {
        Arbitrary<Double> at = Arbitraries.doubles().between(0, 1);
        Arbitrary<Edit> edit = Combinators.combine(Arbitraries.integers().between(0, 4), at, at, Arbitraries.of(INSERTS))
                .as(Edit::new);
        return edit.list().ofMinSize(1).ofMaxSize(8).map(edits -> {
            String s = SEED;
            for (Edit e : edits) {
                s = e.apply(s);
            }
            return s;
        });
    }

    @Example
    void unmutatedSeedParsesCleanly() {
        Bibliography.parse("refs.bib", SEED, p -> {
            throw new AssertionError(p.toString());
        });
        parsingAndFormattingNeverThrow(SEED);
    }

    @Example // once found by the property (shrunk): pages that made citeproc-java's number grammar throw
    void pagesCiteprocCouldNotRead() {
        int at = SEED.indexOf("e00024.001");
        parsingAndFormattingNeverThrow(SEED.substring(0, at) + "{e,\n{o and}}" + SEED.substring(at + "e00024.001".length()));
        parsingAndFormattingNeverThrow("@article{k, title = {T}, journal = {J}, year = 2020, pages = {1, 2 and}}");
    }

    @Property // tries: jqwik.tries.default (1,000 in mvn verify; 10,000 in the nightly-sized run)
    void parsingAndFormattingNeverThrow(@ForAll("mutated") String bib) {
        List<BibProblem> problems = new ArrayList<>();
        Bibliography b = Bibliography.parse("refs.bib", bib, problems::add);
        String[] lines = bib.startsWith("\uFEFF") ? bib.substring(1).split("\n", -1) : bib.split("\n", -1);
        for (BibProblem p : problems) {
            if (p.line() < 1 || p.line() > lines.length || p.column() < 1 || p.column() > lines[p.line() - 1].length() + 1
                    || p.message().isBlank()) {
                throw new AssertionError("problem outside the file: " + p);
            }
        }
        Bibliography view = b.citedOnly(b.keys());
        for (String key : b.keys()) {
            view.citation(List.of(new CiteItem(key, "p. 3")));
            view.narrative(key, null);
            view.reference(key);
        }
        view.references(b.keys());
    }
}
