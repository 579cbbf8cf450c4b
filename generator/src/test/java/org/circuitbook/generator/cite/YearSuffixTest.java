package org.circuitbook.generator.cite;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class YearSuffixTest {

    private static final String SMITH = """
            @misc{alpha, author = {Smith, Jane and Jones, Tom}, title = {Alpha}, year = 2022}
            @misc{beta, author = {Smith, Jane and Jones, Tom}, title = {Beta}, year = 2022}
            @misc{gamma, author = {Smith, Jane and Jones, Tom}, title = {Gamma}, year = 2022}
            @misc{other, author = {Smith, Jane}, title = {Other}, year = 2022}
            """;

    private static Bibliography parse(String bib) {
        return Bibliography.parse("refs.bib", bib, p -> {
            throw new AssertionError(p.toString());
        });
    }

    @Test
    @DisplayName("Gives no suffix to a cited work whose namesakes in the file are not cited")
    void uncitedNamesakes() {
        Bibliography book = parse(SMITH).citedOnly(List.of("beta", "other"));
        assertEquals("(Smith &amp; Jones, 2022)", book.citation(List.of(CiteItem.of("beta"))));
        assertEquals("Smith and Jones (2022)", book.narrative("beta", null));
        assertEquals("Smith, J., &amp; Jones, T. (2022). <i>Beta</i>.", book.reference("beta"));
        assertEquals(List.of("Smith, J. (2022). <i>Other</i>.", "Smith, J., &amp; Jones, T. (2022). <i>Beta</i>."),
                book.references(List.of("beta", "other")));
    }

    @Test
    @DisplayName("Lets only cited works share out the suffixes, in title order")
    void citedNamesakes() {
        Bibliography book = parse(SMITH).citedOnly(List.of("GAMMA", "beta", "unknown"));
        assertEquals("(Smith &amp; Jones, 2022a)", book.citation(List.of(CiteItem.of("beta"))));
        assertEquals("Smith and Jones (2022b)", book.narrative("gamma", null));
        assertEquals(List.of("Smith, J., &amp; Jones, T. (2022a). <i>Beta</i>.",
                "Smith, J., &amp; Jones, T. (2022b). <i>Gamma</i>."), book.references(List.of("gamma", "beta")));
    }

    @Test
    @DisplayName("Refuses to format a work outside the cited set, and reuses a view for the same set")
    void views() {
        Bibliography all = parse(SMITH);
        Bibliography book = all.citedOnly(List.of("beta"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> book.reference("alpha"));
        assertEquals("Citation key 'alpha' is not among the keys this view was made for", e.getMessage());
        assertSame(book, all.citedOnly(List.of("Beta")));
        assertEquals("(Smith &amp; Jones, 2022b)", all.citation(List.of(CiteItem.of("beta")))); // the whole file
    }

    @Test
    @DisplayName("Runs the suffixes past z as aa, ab, ..., zz, aaa")
    void alphabet() {
        List<String> got = new ArrayList<>();
        for (int i : new int[] {0, 1, 25, 26, 27, 51, 52, 701, 702, 9999}) {
            got.add(Bibliography.yearSuffix(i));
        }
        assertEquals(List.of("a", "b", "z", "aa", "ab", "az", "ba", "zz", "aaa", "ntp"), got);

        StringBuilder bib = new StringBuilder();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            bib.append(String.format("@misc{k%02d, author = {Smith, Jane}, title = {Paper %02d}, year = 2009}%n", i, i));
            keys.add(String.format("k%02d", i));
        }
        Bibliography book = parse(bib.toString()).citedOnly(keys);
        assertEquals("(Smith, 2009z)", book.citation(List.of(CiteItem.of("k25"))));
        assertEquals("Smith (2009aa)", book.narrative("k26", null));
        assertEquals("(Smith, 2009bh, p. 4)", book.citation(List.of(new CiteItem("k59", "p. 4"))));
        assertEquals("Smith, J. (2009bh). <i>Paper 59</i>.", book.reference("k59"));
    }
}
