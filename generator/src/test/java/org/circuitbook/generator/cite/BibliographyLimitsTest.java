package org.circuitbook.generator.cite;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sizes and depths far past any real file: each gives correct output or a diagnostic, never a crash. */
class BibliographyLimitsTest {

    private static final String HINT_DEEP = "One pair of braces keeps a word as written, e.g. {GPU}; this entry is skipped.";

    private static List<BibProblem> problems(String bib, List<String> keys) {
        List<BibProblem> problems = new ArrayList<>();
        Bibliography b = Bibliography.parse("refs.bib", bib, problems::add);
        keys.addAll(b.keys());
        return problems;
    }

    @Test
    @DisplayName("Rejects 10,000 nested braces at the brace past the limit, in braces or quotes, and keeps the rest")
    void deepBraces() {
        String deep = "{".repeat(10_000) + "x" + "}".repeat(10_000);
        for (String value : List.of("{" + deep + "}", "\"" + deep + "\"")) {
            List<String> keys = new ArrayList<>();
            String bib = "@misc{ok, author = {A, B}, title = {T}, year = 2000}\n"
                    + "@misc{deep, author = {A, B}, year = 2000,\n  title = " + value + "}\n"
                    + "@misc{after, author = {C, D}, title = {T}, year = 2001}\n";
            int column = value.startsWith("{") ? 111 : 112; // the quote does not count as a brace
            assertEquals(List.of(new BibProblem(3, column, "Braces nested more than 100 deep in entry 'deep'", HINT_DEEP)),
                    problems(bib, keys));
            assertEquals(List.of("ok", "after"), keys);
        }
    }

    @Test
    @DisplayName("Renders braces nested exactly 100 deep")
    void hundredDeep() {
        Bibliography b = Bibliography.parse("refs.bib", "@misc{k, author = {A, B}, year = 2000, title = "
                + "{".repeat(100) + "Deep" + "}".repeat(100) + "}", p -> {
                    throw new AssertionError(p.toString());
                });
        assertEquals("A, B. (2000). <i>Deep</i>.", b.reference("k"));
    }

    @Test
    @DisplayName("Reports 10,000 unclosed braces as an unclosed entry and resumes at the next one")
    void unclosedDeep() {
        List<String> keys = new ArrayList<>();
        assertEquals(List.of(new BibProblem(1, 1, "Entry 'open' is not closed",
                "A '}' is missing before the next entry on line 2; this entry is skipped.")),
                problems("@misc{open, title = " + "{".repeat(10_000) + "\n@misc{next, author = {A, B}, title = {T}, year = 2001}\n",
                        keys));
        assertEquals(List.of("next"), keys);
    }

    @Test
    @DisplayName("Lists 10,000 authors as APA 7 does: the first 19, an ellipsis and the last")
    void thousandsOfAuthors() {
        for (int n : new int[] {20, 21, 10_000}) {
            StringBuilder names = new StringBuilder();
            for (int i = 0; i < n; i++) {
                names.append(i > 0 ? " and " : "").append("Last").append(i).append(", F{\\\"u}nf");
            }
            Bibliography b = Bibliography.parse("refs.bib", "@misc{k, author = {" + names + "}, title = {T}, year = 2000}",
                    p -> {
                        throw new AssertionError(p.toString());
                    });
            String ref = b.reference("k");
            assertEquals("Last0 et al. (2000)", b.narrative("k", null));
            assertTrue(ref.startsWith("Last0, F., Last1, F., Last2, F."), ref);
            String end = n == 20 ? "Last18, F., &amp; Last19, F. (2000). <i>T</i>."
                    : "Last17, F., Last18, F., . . . Last" + (n - 1) + ", F. (2000). <i>T</i>.";
            assertTrue(ref.endsWith(end), ref);
        }
    }

    @Test
    @DisplayName("Reports an author list that names nobody, and prints n.d. for a missing year")
    void emptyFields() {
        List<String> keys = new ArrayList<>();
        String bib = """
                @misc{a, author = {}, title = {T}, year = 2000}
                @misc{b, author = { and }, title = {T}, year = 2000}
                @misc{c, author = {{}, }, title = {T}, year = 2000}
                @misc{d, author = {Roe, Ann}, title = {T}}
                """;
        String hint = "Add author = {Last, First and Last, First}.";
        assertEquals(List.of(new BibProblem(1, 1, "Entry 'a' has no author or editor", hint),
                new BibProblem(2, 1, "Entry 'b' has no author or editor", hint),
                new BibProblem(3, 1, "Entry 'c' has no author or editor", hint),
                new BibProblem(4, 1, "Entry 'd' has no year", "Add year = {...}; without it APA prints \"n.d.\".")),
                problems(bib, keys));
        Bibliography b = Bibliography.parse("refs.bib", bib, p -> { });
        assertEquals("Roe (n.d.)", b.narrative("d", null));
    }

    @Test
    @DisplayName("Reports a year, month or date that is none at its value, where citeproc-java threw or misread it")
    void badDates() {
        List<String> keys = new ArrayList<>();
        String bib = """
                @misc{a, author = {A, B}, title = {T}, year = {2000/x}}
                @misc{b, author = {A, B}, title = {T}, year = {99999999999}}
                @misc{c, author = {A, B}, title = {T}, date = {2000-13-45}}
                @misc{d, author = {A, B}, title = {T}, year = "2000 2001", month = {13}}
                @misc{e, author = {A, B}, title = {T}, year = {2019--2020}, month = jan}
                @misc{f, author = {A, B}, title = {T}, year = {n.d.}}
                @misc{g, author = {A, B}, title = {T}, date = {2020-05-17/2020-06}}
                @misc{h, author = {A, B}, title = {T}, year = 20}
                """;
        String year = "Write four digits, e.g. year = {2020}, or a range, e.g. {2019--2020}; for an undated work, {n.d.}.";
        assertEquals(List.of(new BibProblem(1, 48, "Entry 'a' has year '2000/x', which is not a year", year),
                new BibProblem(2, 48, "Entry 'b' has year '99999999999', which is not a year", year),
                new BibProblem(3, 48, "Entry 'c' has date '2000-13-45', which is not a date",
                        "Write YYYY, YYYY-MM or YYYY-MM-DD, e.g. date = {2020-05-17}, or two of them joined by '/'."),
                new BibProblem(4, 48, "Entry 'd' has year '2000 2001', which is not a year", year),
                new BibProblem(4, 69, "Entry 'd' has month '13', which is not a month",
                        "Write month = jan (or feb, ..., dec), or a number from 1 to 12."),
                new BibProblem(8, 47, "Entry 'h' has year '20', which is not a year", year)),
                problems(bib, keys));
        Bibliography b = Bibliography.parse("refs.bib", bib, p -> { });
        assertEquals(List.of("A, B. (n.d.). <i>T</i>.", "A, B. (n.d.). <i>T</i>.", "A, B. (n.d.). <i>T</i>.",
                "A, B. (n.d.). <i>T</i>.", "A, B. (2019–2020). <i>T</i>.", "A, B. (n.d.). <i>T</i>.",
                "A, B. (2020). <i>T</i>.", "A, B. (n.d.). <i>T</i>."), keys.stream().map(b::reference).toList());
    }

    @Test
    @DisplayName("Reports pages, a volume or an issue that citeproc-java's number grammar throws on, and leaves it out")
    void unreadableNumbers() {
        List<String> keys = new ArrayList<>();
        // found by BibFuzzTest: "1, 2 and" made citeproc-java throw a NullPointerException while formatting
        String bib = """
                @article{a, author = {A, B}, title = {T}, journal = {J}, year = 2000, pages = {1, 2 and}}
                @article{b, author = {A, B}, title = {T}, journal = {J}, year = 2000, volume = {3, 4 and}, pages = {5--9}}
                @article{c, author = {A, B}, title = {T}, journal = {J}, year = 2000, volume = 3, number = {1, 2 and}}
                """;
        assertEquals(List.of(new BibProblem(1, 80, "Entry 'a' has pages '1, 2 and', which cannot be read as page numbers",
                        BibNumbers.HINT),
                new BibProblem(2, 81, "Entry 'b' has volume '3, 4 and', which cannot be read as a volume", BibNumbers.HINT),
                new BibProblem(3, 93, "Entry 'c' has number '1, 2 and', which cannot be read as a number", BibNumbers.HINT)),
                problems(bib, keys));
        Bibliography b = Bibliography.parse("refs.bib", bib, p -> { });
        assertEquals(List.of("A, B. (2000a). T. <i>J</i>.", "A, B. (2000b). T. <i>J</i>, 5–9.", "A, B. (2000c). T. <i>J</i>, <i>3</i>."),
                keys.stream().map(b::reference).toList());
    }
}
