package org.circuitbook.generator.cite;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BibliographyParseTest {

    static String fixture() throws IOException {
        try (InputStream in = BibliographyParseTest.class.getResourceAsStream("circuits.bib")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<BibProblem> problemsOf(String bib) {
        List<BibProblem> problems = new ArrayList<>();
        Bibliography.parse("refs.bib", bib, problems::add);
        return problems;
    }

    @Test
    @DisplayName("Reads every entry of a realistic file and remembers the line each starts on")
    void readsFixture() throws IOException {
        List<BibProblem> problems = new ArrayList<>();
        Bibliography bib = Bibliography.parse("book/refs.bib", fixture(), problems::add);
        assertEquals(List.of(), problems);
        assertEquals(Set.of("elhage2022toy", "olah2020zoom", "nanda2023progress", "jain2019attention",
                "olah2015lstm", "schoelkopf2019causality"), bib.keys());
        assertEquals(2, bib.line("elhage2022toy"));
        assertEquals(47, bib.line("schoelkopf2019causality"));
        assertEquals(-1, bib.line("commented")); // inside a % comment line
        assertEquals("book/refs.bib", bib.displayPath());
    }

    @Test
    @DisplayName("Matches keys case-insensitively, as BibTeX does")
    void caseInsensitiveKeys() throws IOException {
        Bibliography bib = Bibliography.parse("refs.bib", fixture(), p -> { });
        assertTrue(bib.has("Olah2020Zoom"));
        assertFalse(bib.has("olah2021"));
        assertEquals(10, bib.line("OLAH2020ZOOM"));
    }

    @Test
    @DisplayName("Reports a missing comma at the next field's position and keeps the other entries")
    void syntaxError() {
        String bib = """
                @article{good,
                  author = {Smith, Jane},
                  title  = {A Good Entry},
                  year   = {2020}
                }

                @article{broken,
                  author = {Doe, John}
                  title  = {Missing Comma},
                  year   = {2021}
                }
                @misc{after, author = {Roe, Ann}, title = {After}, year = 2022}
                """;
        List<BibProblem> problems = new ArrayList<>();
        Bibliography parsed = Bibliography.parse("refs.bib", bib, problems::add);
        assertEquals(List.of(new BibProblem(9, 3,
                "Syntax error in entry 'broken': unexpected 'title', expected '#', ',' or '}'",
                "Is a ',' missing at the end of line 8? This entry is skipped.")), problems);
        assertEquals(Set.of("good", "after"), parsed.keys());
    }

    @Test
    @DisplayName("A lone carriage return, a line break to jbibtex and not to the file's positions, keeps an error inside its line")
    void loneCarriageReturn() {
        String bib = "@misc{a, note = {x},\r  title {T}, year = 2020}\n@misc{b, author = {Roe, Ann}, title = {B},\r year = 2022\r\n  url {u}}\n";
        assertEquals(List.of(
                new BibProblem(1, bib.indexOf("{T}") + 1, "Syntax error in entry 'a': unexpected '{', expected '='",
                        "Fields are written as name = {value}. This entry is skipped."),
                new BibProblem(3, 3, "Syntax error in entry 'b': unexpected 'url', expected '#', ',' or '}'",
                        "Is a ',' missing at the end of line 2? This entry is skipped.")), problemsOf(bib));
    }

    @Test
    @DisplayName("Reports a duplicate key at its second occurrence, naming the line of the first")
    void duplicateKey() {
        String bib = """
                @article{smith2020, author = {Smith, Jane}, title = {First}, year = 2020}

                @book{Smith2020,
                  author = {Smith, Jane}, title = {Second}, year = 2020}
                """;
        assertEquals(List.of(new BibProblem(3, 7, "Duplicate citation key 'Smith2020'",
                "First defined on line 1; this entry is ignored.")), problemsOf(bib));
    }

    @Test
    @DisplayName("A crossref to the entry itself is reported, and crossref cycles are formatted without looping")
    void crossrefToItselfAndCycles() {
        String bib = """
                @inproceedings{self, author = {Smith, Jane}, title = {Self}, crossref = {self}}
                @inproceedings{a, author = {Doe, John}, title = {A}, year = 2020, crossref = {b}}
                @proceedings{b, editor = {Roe, Richard}, title = {B}, year = 2021, crossref = {a}}
                """;
        List<BibProblem> problems = new ArrayList<>();
        Bibliography parsed = Bibliography.parse("refs.bib", bib, problems::add);
        assertEquals(List.of(
                new BibProblem(1, 1, "Entry 'self' has crossref to itself",
                        "Remove the crossref field, or point it at the proceedings or book entry."),
                new BibProblem(1, 1, "Entry 'self' has no year", "Add year = {...}; without it APA prints \"n.d.\".")),
                problems);
        assertEquals("(Smith, n.d.)", parsed.citation(List.of(CiteItem.of("self"))));
        assertEquals("(Doe, 2020)", parsed.citation(List.of(CiteItem.of("a"))));
        assertTrue(parsed.reference("b").contains("B"));
    }

    @Test
    @DisplayName("Reports entries without year, title or author and still keeps them")
    void missingFields() {
        String bib = """
                % notes
                @misc{noyear,
                  author = {Roe, Richard},
                  title  = {No Year Here}
                }
                @misc{bare, year = {2020}}
                """;
        List<BibProblem> problems = new ArrayList<>();
        Bibliography parsed = Bibliography.parse("refs.bib", bib, problems::add);
        assertEquals(List.of(
                new BibProblem(2, 1, "Entry 'noyear' has no year", "Add year = {...}; without it APA prints \"n.d.\"."),
                new BibProblem(6, 1, "Entry 'bare' has no title", "Add title = {...}."),
                new BibProblem(6, 1, "Entry 'bare' has no author or editor", "Add author = {Last, First and Last, First}.")),
                problems);
        assertEquals("(Roe, n.d.)", parsed.citation(List.of(CiteItem.of("noyear"))));
    }

    @Test
    @DisplayName("Reports an unclosed entry once and resumes at the next entry")
    void unclosedEntry() {
        String bib = """
                @article{unclosed,
                  author = {Poe, Edgar,
                  title  = {Unclosed},
                  year   = {1845}
                }

                @misc{next, author = {Roe, Ann}, title = {Next}, year = 2022}
                @misc{tail, author = {X, Y}, title = "Open quote}
                """;
        List<BibProblem> problems = new ArrayList<>();
        Bibliography parsed = Bibliography.parse("refs.bib", bib, problems::add);
        assertEquals(List.of(
                new BibProblem(1, 1, "Entry 'unclosed' is not closed",
                        "A '}' is missing before the next entry on line 7; this entry is skipped."),
                new BibProblem(8, 1, "Entry 'tail' ends inside a field value",
                        "Check for an unbalanced '\"' or '{'; this entry is skipped.")), problems);
        assertEquals(Set.of("next"), parsed.keys());
    }

    @Test
    @DisplayName("Reports an undefined @string macro where it is used and keeps the entry")
    void undefinedMacro() {
        String bib = "@string{acl = {ACL}}\n@misc{m, author = {A, B}, title = {T}, publisher = acl, year = 2020, month = foo}\n";
        assertEquals(List.of(new BibProblem(2, 78, "Undefined string 'foo'",
                "Put the value in braces, e.g. {foo}, or define it with @string.")), problemsOf(bib));
    }

    @Test
    @DisplayName("Accepts CRLF line endings, a byte-order mark, tabs and parenthesized entries")
    void crlfAndParens() {
        String bib = "\uFEFF@article{good,\r\n\tauthor = {Smith, Jane},\r\n\ttitle = {Good}, year = {2020}\r\n}\r\n"
                + "@misc(paren,\r\n\tauthor = {A, B} title = \"T (x)\", year = 2020)\r\n";
        List<BibProblem> problems = new ArrayList<>();
        Bibliography parsed = Bibliography.parse("refs.bib", bib, problems::add);
        assertEquals(List.of(new BibProblem(6, 18,
                "Syntax error in entry 'paren': unexpected 'title', expected '#', ')' or ','",
                "Is a ',' missing before it? This entry is skipped.")), problems);
        assertEquals(Set.of("good"), parsed.keys());
        parsed = Bibliography.parse("refs.bib", bib.replace("{A, B} title", "{A, B}, title"), problems::add);
        assertEquals(Set.of("good", "paren"), parsed.keys());
        assertEquals(5, parsed.line("paren"));
    }
}
