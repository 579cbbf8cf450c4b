package org.circuitbook.generator.cite;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Prints timings; asserts only that the work was done (timings on a shared machine are noisy). */
class CitationTiming {

    /** 50 entries of the kinds a book cites: articles, arXiv preprints, web posts, proceedings. */
    static String fiftyEntries() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            String authors = "Author" + i + ", Ann and Second, B{\\\"o}b" + (i % 3 == 0 ? " and Third, Cy and Fourth, Di" : "");
            switch (i % 4) {
                case 0 -> sb.append("@article{k").append(i).append(",\n  author = {").append(authors)
                        .append("},\n  title = {Paper {Number} ").append(i).append("},\n  journal = {Distill},\n  volume = {")
                        .append(i).append("},\n  number = {2},\n  pages = {1--").append(10 + i)
                        .append("},\n  year = {").append(2000 + i % 25).append("},\n  doi = {10.1000/x").append(i).append("}\n}\n\n");
                case 1 -> sb.append("@misc{k").append(i).append(",\n  author = {").append(authors).append("},\n  title = {Preprint ")
                        .append(i).append("},\n  year = {2023},\n  eprint = {2301.").append(10000 + i).append("},\n  archivePrefix = {arXiv}\n}\n\n");
                case 2 -> sb.append("@misc{k").append(i).append(",\n  author = {").append(authors).append("},\n  title = {Post ")
                        .append(i).append("},\n  year = {2022},\n  howpublished = {Transformer Circuits Thread},\n  url = {https://example.org/")
                        .append(i).append("}\n}\n\n");
                default -> sb.append("@inproceedings{k").append(i).append(",\n  author = {").append(authors).append("},\n  title = {Talk ")
                        .append(i).append(" \\& more},\n  booktitle = {Proceedings of ICLR},\n  pages = {3--5},\n  year = {2021}\n}\n\n");
            }
        }
        return sb.toString();
    }

    @Test
    @DisplayName("Prints parse time for fifty entries and cold, warm and memoized citation costs")
    void timings() {
        String src = fiftyEntries();
        long t0 = System.nanoTime();
        Bibliography bib = Bibliography.parse("fifty.bib", src, p -> {
            throw new AssertionError(p.toString());
        });
        long parseCold = System.nanoTime() - t0;
        assertEquals(50, bib.keys().size());
        long parseWarm = Long.MAX_VALUE;
        for (int r = 0; r < 5; r++) {
            long t = System.nanoTime();
            Bibliography.parse("fifty.bib", src, p -> { });
            parseWarm = Math.min(parseWarm, System.nanoTime() - t);
        }

        long t1 = System.nanoTime();
        bib.citation(List.of(CiteItem.of("k0")));
        long first = System.nanoTime() - t1;

        int n = 2000; // distinct locators, so none of these hits the memo
        for (int i = 0; i < n; i++) { // JIT warm-up
            bib.citation(List.of(new CiteItem("k" + (i % 50), "p. " + (1000 + i))));
        }
        long t2 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            bib.citation(List.of(new CiteItem("k" + (i % 50), "p. " + i)));
        }
        long warm = (System.nanoTime() - t2) / n;

        long t3 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            bib.citation(List.of(new CiteItem("k" + (i % 50), "p. " + i)));
        }
        long memo = (System.nanoTime() - t3) / n;

        long t4 = System.nanoTime();
        List<String> refs = bib.references(bib.keys());
        long refsAll = System.nanoTime() - t4;
        assertEquals(50, refs.size());

        Bibliography again = Bibliography.parse("fifty.bib", src, p -> { });
        again.citation(List.of(CiteItem.of("k0"))); // builds its formatter outside the measurement
        long t5 = System.nanoTime();
        again.references(again.keys());
        long refsWarm = System.nanoTime() - t5;

        System.out.printf("[cite timing] parse 50 entries: %.1f ms first in JVM, %.1f ms warm%n", parseCold / 1e6, parseWarm / 1e6);
        System.out.printf("[cite timing] first citation (loads APA style + locale): %.0f ms%n", first / 1e6);
        System.out.printf("[cite timing] warm citation, not memoized: %.3f ms; memoized: %.4f ms%n", warm / 1e6, memo / 1e6);
        System.out.printf("[cite timing] 50 reference entries, first render: %.1f ms (%.2f ms each)%n", refsAll / 1e6, refsAll / 50e6);
        System.out.printf("[cite timing] 50 reference entries, JIT warm, not memoized: %.2f ms each%n", refsWarm / 50e6);
    }
}
