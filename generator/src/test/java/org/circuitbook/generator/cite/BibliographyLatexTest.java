package org.circuitbook.generator.cite;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** LaTeX in names and titles, through the whole path: .bib text to APA HTML. */
class BibliographyLatexTest {

    private static Bibliography parse(String bib) {
        return Bibliography.parse("refs.bib", bib, p -> {
            throw new AssertionError(p.toString());
        });
    }

    private static List<BibProblem> problemsOf(String bib) {
        List<BibProblem> problems = new ArrayList<>();
        Bibliography.parse("refs.bib", bib, problems::add);
        return problems;
    }

    @Test
    @DisplayName("Decodes accent commands before splitting names, so no author is cut short or lost")
    void accentedAuthors() {
        Bibliography b = parse("""
                @article{erdos, author = {Erd\\H{o}s, Paul and Second, Sam}, title = {On Graphs}, journal = {J}, year = 1951}
                @misc{francois, author = {Fran\\c{c}ois, Jean}, title = {T}, year = 2001}
                @misc{braced, author = {Erd{\\H{o}}s, Paul and G{\\"o}del, Kurt and Dvo\\v{r}\\'{a}k, Anton}, title = {T}, year = 2002}
                @misc{special, author = {{\\AA}ngstr{\\"o}m, Anders and Ma{\\l}ecki, Jan and Stra\\ss e, Xaver}, title = {T}, year = 2003}
                """);
        assertEquals("Erdős and Second (1951)", b.narrative("erdos", null));
        assertEquals("(Erdős &amp; Second, 1951)", b.citation(List.of(CiteItem.of("erdos"))));
        assertEquals("Erdős, P., &amp; Second, S. (1951). On Graphs. <i>J</i>.", b.reference("erdos"));
        assertEquals("François (2001)", b.narrative("francois", null));
        assertEquals("Erdős, P., Gödel, K., &amp; Dvořák, A. (2002). <i>T</i>.", b.reference("braced"));
        assertEquals("Ångström, A., Małecki, J., &amp; Straße, X. (2003). <i>T</i>.", b.reference("special"));
    }

    @Test
    @DisplayName("Keeps a braced name whole, a braced family with its particle, and digits in names")
    void bracedNames() {
        Bibliography b = parse("""
                @misc{obama, author = {{Barack Obama} and Doe, Jane}, title = {T}, year = 2010}
                @misc{poussin, author = {de la {Vall\\'ee Poussin}, Charles and Ludwig van Beethoven}, title = {T}, year = 1896}
                @misc{digits, author = {Team42, Ann and King, Jr., Martin Luther}, title = {T}, year = 2020}
                """);
        assertEquals("Barack Obama and Doe (2010)", b.narrative("obama", null));
        assertEquals("Barack Obama, &amp; Doe, J. (2010). <i>T</i>.", b.reference("obama"));
        assertEquals("de la Vallée Poussin, C., &amp; van Beethoven, L. (1896). <i>T</i>.", b.reference("poussin"));
        assertEquals("Team42, A., &amp; King Jr., M. L. (2020). <i>T</i>.", b.reference("digits"));
    }

    @Test
    @DisplayName("Decodes accents, dashes, ties and escapes in titles and keeps the text of formatting commands")
    void titles() {
        Bibliography b = parse("""
                @misc{t, author = {A, B}, year = 2020,
                  title = {Na\\"{\\i}ve {GPU} Kernels--Fast---Sometimes: 50\\% of {\\em x}~\\&~\\textbf{y} in \\S{}2}}
                """);
        assertEquals("A, B. (2020). <i>Naïve GPU Kernels–Fast—Sometimes: 50% of x\u00a0&amp;\u00a0y in §2</i>.",
                b.reference("t"));
    }

    @Test
    @DisplayName("Reports an unknown LaTeX command and an accent without a letter where they are written")
    void unknownCommands() {
        String bib = """
                @string{pub = {Publisher \\bar}}
                @misc{k,
                  author = {Sm\\"{}ith, A},
                  title  = {Uses \\foo{Fast} Kernels},
                  abstract = {\\ignoredhere},
                  publisher = pub,
                  year   = 2020
                }
                """;
        assertEquals(List.of(
                new BibProblem(1, 26, "Unknown LaTeX command '\\bar' in @string 'pub'",
                        "Write the characters themselves (UTF-8, e.g. ő rather than \\H{o}) or remove the command."),
                new BibProblem(3, 15, "Accent '\\\"' has no letter to go on in field 'author' of entry 'k'",
                        "Write the letter in braces after it, e.g. \\\"{o}, or the accented letter itself."),
                new BibProblem(4, 18, "Unknown LaTeX command '\\foo' in field 'title' of entry 'k'",
                        "Write the characters themselves (UTF-8, e.g. ő rather than \\H{o}) or remove the command.")),
                problemsOf(bib));
        Bibliography b = Bibliography.parse("refs.bib", bib, p -> { });
        assertEquals("Smith, A. (2020). <i>Uses Fast Kernels</i>. Publisher.", b.reference("k"));
    }
}
