package org.circuitbook.generator.cite;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A harness run by hand ({@code -Dtest=LargeBibTiming}; surefire skips it otherwise): what a book
 * that cites 60 works pays for a 10,000-entry .bib next to a 50-entry one. Prints medians; asserts
 * only that the work was done, as timings on a shared machine are noisy.
 */
class LargeBibTiming {

    /** {@code n} entries by 100 author pairs, each pair in one year: groups of n/100 need year suffixes. */
    static String generated(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("@article{g").append(i).append(",\n  author = {Author").append(i % 100)
                    .append(", Ann and Second, B{\\\"o}b},\n  title = {Paper ").append(i)
                    .append("},\n  journal = {Distill},\n  volume = {").append(i % 7).append("},\n  pages = {1--")
                    .append(10 + i % 50).append("},\n  year = {").append(2000 + i % 10).append("}\n}\n\n");
        }
        return sb.toString();
    }

    /** Parses, then renders 60 citations (20 sharing an author and year) and their reference list. */
    private static long[] once(String src) {
        long t0 = System.nanoTime();
        Bibliography bib = Bibliography.parse("big.bib", src, p -> {
            throw new AssertionError(p.toString());
        });
        long parse = System.nanoTime() - t0;
        List<String> cited = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            cited.add("g" + i);
        }
        for (int i = 1; i <= 20; i++) {
            cited.add("g" + (7 + 100 * i)); // all by Author7, 2007
        }
        bib = bib.citedOnly(cited);
        long t1 = System.nanoTime();
        for (String k : cited) {
            bib.citation(List.of(new CiteItem(k, "p. 2")));
            bib.narrative(k, null);
        }
        long cite = System.nanoTime() - t1;
        long t2 = System.nanoTime();
        assertEquals(60, bib.references(cited).size());
        long refs = System.nanoTime() - t2;
        return new long[] {parse, cite, refs};
    }

    private static void report(String what, Supplier<String> src, int runs) {
        String text = src.get();
        once(text); // JIT warm-up
        long[][] all = new long[runs][];
        for (int r = 0; r < runs; r++) {
            all[r] = once(text);
        }
        String[] names = {"parse", "60 citations", "60 references"};
        StringBuilder sb = new StringBuilder("[bib timing] " + what + ":");
        for (int c = 0; c < names.length; c++) {
            long[] col = new long[runs];
            for (int r = 0; r < runs; r++) {
                col[r] = all[r][c];
            }
            Arrays.sort(col);
            sb.append(String.format(" %s %.0f ms;", names[c], col[runs / 2] / 1e6));
        }
        System.out.println(sb);
    }

    @Test
    @DisplayName("Prints the median cost of 60 citations against 100 and 10,000 entries")
    void timings() {
        report("100 entries", () -> generated(100) + many(7), 7);
        report("10,000 entries", () -> generated(10_000), 5);
    }

    /** Pads the small file with the 20 works by Author7 the citations name. */
    private static String many(int author) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= 20; i++) {
            int k = author + 100 * i;
            sb.append("@misc{g").append(k).append(", author = {Author").append(author)
                    .append(", Ann and Second, B{\\\"o}b}, title = {Paper ").append(k).append("}, year = 2007}\n");
        }
        return sb.toString();
    }
}
