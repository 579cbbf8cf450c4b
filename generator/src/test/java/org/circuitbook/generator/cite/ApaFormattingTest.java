package org.circuitbook.generator.cite;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ApaFormattingTest {
    private static Bibliography bib;

    @BeforeAll
    static void load() throws Exception {
        bib = Bibliography.parse("refs.bib", BibliographyParseTest.fixture(), p -> {
            throw new AssertionError(p.toString());
        });
    }

    private static String cite(String key, String locator) {
        return bib.citation(List.of(new CiteItem(key, locator)));
    }

    @Test
    @DisplayName("Formats a parenthetical citation with et al. for three or more authors")
    void parenthetical() {
        assertEquals("(Elhage et al., 2022)", cite("elhage2022toy", null));
        assertEquals("(Jain &amp; Wallace, 2019)", cite("jain2019attention", null));
        assertEquals("(Schölkopf, 2019)", cite("schoelkopf2019causality", null));
    }

    @Test
    @DisplayName("Turns locator labels into the style's own labels")
    void locators() {
        assertEquals("(Olah et al., 2020, p. 3)", cite("olah2020zoom", "p. 3"));
        assertEquals("(Olah et al., 2020, pp. 3–5)", cite("olah2020zoom", "pp. 3-5"));
        assertEquals("(Olah et al., 2020, p. 12)", cite("olah2020zoom", "12"));
        assertEquals("(Olah et al., 2020, sec. 2)", cite("olah2020zoom", "sec. 2"));
        assertEquals("(Olah et al., 2020, chap. 4)", cite("olah2020zoom", "ch. 4"));
        assertEquals("(Olah et al., 2020, fig. 1)", cite("olah2020zoom", "fig. 1"));
        assertEquals("(Olah et al., 2020, Theorem &lt;2&gt;)", cite("olah2020zoom", "Theorem <2>"));
    }

    @Test
    @DisplayName("Sorts several works in one citation by author as APA does")
    void multiple() {
        assertEquals("(Elhage et al., 2022; Olah et al., 2020, p. 3)", bib.citation(List.of(
                new CiteItem("olah2020zoom", "p. 3"), CiteItem.of("elhage2022toy"))));
        assertEquals("(Olah, 2015; Olah et al., 2020)", bib.citation(List.of(
                CiteItem.of("Olah2020Zoom"), CiteItem.of("olah2015lstm"))));
    }

    @Test
    @DisplayName("Formats narrative citations for one, two and three or more authors")
    void narrative() {
        assertEquals("Olah (2015)", bib.narrative("olah2015lstm", null));
        assertEquals("Jain and Wallace (2019)", bib.narrative("jain2019attention", null));
        assertEquals("Elhage et al. (2022)", bib.narrative("elhage2022toy", null));
        assertEquals("Nanda et al. (2023, p. 3)", bib.narrative("nanda2023progress", "p. 3"));
    }

    @Test
    @DisplayName("Formats full references with their DOI, URL or arXiv link")
    void references() {
        assertEquals("Olah, C., Cammarata, N., Schubert, L., Goh, G., Petrov, M., &amp; Carter, S. (2020). "
                + "Zoom In: An Introduction to Circuits. <i>Distill</i>, <i>5</i>(3), Article e00024.001. "
                + "<a href=\"https://doi.org/10.23915/distill.00024.001\">https://doi.org/10.23915/distill.00024.001</a>",
                bib.reference("olah2020zoom"));
        assertEquals("Nanda, N., Chan, L., Lieberum, T., Smith, J., &amp; Steinhardt, J. (2023). "
                + "<i>Progress measures for grokking via mechanistic interpretability</i> (arXiv:2301.05217). arXiv. "
                + "<a href=\"https://arxiv.org/abs/2301.05217\">https://arxiv.org/abs/2301.05217</a>",
                bib.reference("nanda2023progress"));
        assertEquals("Elhage, N., Hume, T., Olsson, C., Schiefer, N., Henighan, T., Kravec, S., Hatfield-Dodds, Z., "
                + "Lasenby, R., Drain, D., Chen, C., Grosse, R., McCandlish, S., Kaplan, J., Amodei, D., Wattenberg, M., "
                + "&amp; Olah, C. (2022). <i>Toy Models of Superposition</i>. Transformer Circuits Thread. "
                + "<a href=\"https://transformer-circuits.pub/2022/toy_model/index.html\">"
                + "https://transformer-circuits.pub/2022/toy_model/index.html</a>",
                bib.reference("elhage2022toy"));
        assertEquals("Jain, S., &amp; Wallace, B. C. (2019). Attention is not Explanation. <i>Proceedings of the 2019 "
                + "Conference of the North American Chapter of the Association for Computational Linguistics: Human "
                + "Language Technologies</i>, 3543–3556. "
                + "<a href=\"https://doi.org/10.18653/v1/N19-1357\">https://doi.org/10.18653/v1/N19-1357</a>",
                bib.reference("jain2019attention"));
    }

    @Test
    @DisplayName("Lists references in the style's order, whatever order they are asked in")
    void referenceOrder() {
        List<String> refs = bib.references(List.of("schoelkopf2019causality", "olah2020zoom", "elhage2022toy",
                "olah2015lstm", "olah2020zoom"));
        assertEquals(4, refs.size());
        assertEquals(List.of(bib.reference("elhage2022toy"), bib.reference("olah2015lstm"),
                bib.reference("olah2020zoom"), bib.reference("schoelkopf2019causality")), refs);
        assertEquals("Olah, C. (2015). <i>Understanding LSTM Networks</i>. <a href=\"https://colah.github.io/posts/"
                + "2015-08-Understanding-LSTMs/\">https://colah.github.io/posts/2015-08-Understanding-LSTMs/</a>", refs.get(1));
    }

    @Test
    @DisplayName("Converts LaTeX accents, escapes, ties, dashes, braces and crossrefs")
    void latex() {
        String src = """
                @string{acl = {Association for Computational Linguistics}}
                @proceedings{procs, editor = {Burstein, Jill and Doran, Christy}, title = {Proceedings of {NAACL}}, year = 2019, publisher = acl}
                @inproceedings{child,
                  author = {M{\\"u}ller, J{\\"o}rg and D.~E. Knuth},
                  title = {{BERT} \\& {GPT}: $\\alpha$-entmax, 50\\% of x_1 --- a ``study''},
                  crossref = {procs}, pages = {1--10},
                  url = {https://example.org/a_b--c~d?x=1&y=2}
                }
                """;
        Bibliography b = Bibliography.parse("t.bib", src, p -> {
            throw new AssertionError(p.toString());
        });
        assertEquals("Müller and Knuth (2019)", b.narrative("child", null));
        assertEquals("Müller, J., &amp; Knuth, D. E. (2019). BERT &amp; GPT: α-entmax, 50% of x_1 — a “study”. "
                + "In J. Burstein &amp; C. Doran (Editors), <i>Proceedings of NAACL</i> (pp. 1–10). Association for "
                + "Computational Linguistics. <a href=\"https://example.org/a_b--c~d?x=1&amp;y=2\">"
                + "https://example.org/a_b--c~d?x=1&amp;y=2</a>", b.reference("child"));
    }

    @Test
    @DisplayName("Adds year suffixes to works by the same authors in the same year")
    void yearSuffix() {
        String src = """
                @misc{b, author = {Smith, Jane}, title = {Beta paper}, year = 2020}
                @misc{a, author = {Smith, Jane}, title = {Alpha paper}, year = 2020}
                @misc{c, author = {Smith, Jane and Jones, Tom}, title = {Gamma}, year = 2020}
                """;
        Bibliography b = Bibliography.parse("t.bib", src, p -> { });
        assertEquals("(Smith, 2020a, p. 2)", b.citation(List.of(new CiteItem("a", "p. 2"))));
        assertEquals("Smith (2020b)", b.narrative("b", null));
        assertEquals("(Smith &amp; Jones, 2020)", b.citation(List.of(CiteItem.of("c"))));
    }

    @Test
    @DisplayName("Gives identical results from many threads at once")
    void threads() throws Exception {
        Bibliography b = Bibliography.parse("refs.bib", BibliographyParseTest.fixture(), p -> { });
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String locator = "p. " + (i % 25);
                results.add(pool.submit(() -> b.citation(List.of(new CiteItem("olah2020zoom", locator)))
                        + b.narrative("elhage2022toy", locator) + b.reference("nanda2023progress")));
            }
            for (int i = 0; i < results.size(); i++) {
                String locator = "p. " + (i % 25);
                assertEquals(cite("olah2020zoom", locator) + bib.narrative("elhage2022toy", locator)
                        + bib.reference("nanda2023progress"), results.get(i).get());
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    @DisplayName("Rejects an unknown key with its name and file")
    void unknownKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cite("nope", null));
        assertEquals("Unknown citation key 'nope' in refs.bib", e.getMessage());
    }
}
