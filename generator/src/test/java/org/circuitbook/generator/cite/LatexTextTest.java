package org.circuitbook.generator.cite;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LatexTextTest {

    private static String text(String latex) {
        return LatexText.text(latex, (offset, message, hint) -> {
            throw new AssertionError(offset + ": " + message);
        });
    }

    private static List<String> problems(String latex) {
        List<String> out = new ArrayList<>();
        LatexText.text(latex, (offset, message, hint) -> out.add(offset + ": " + message + " (" + hint + ")"));
        return out;
    }

    @Test
    @DisplayName("Decodes every accent command, with and without braces, to one precomposed letter")
    void accents() {
        assertEquals("ő ö ö é è ê ñ ç š ă ā ż ą å ạ ḇ", text("\\H{o} \\\"o \\\"{o} \\'e \\`e \\^e \\~n \\c{c} \\v{s} "
                + "\\u{a} \\={a} \\.{z} \\k{a} \\r{a} \\d{a} \\b{b}"));
        assertEquals("Ő Ç Š Ǎ", text("\\H{O} \\c C \\v S \\v{A}"));
        assertEquals("o͡o", text("\\t{oo}"));
        assertEquals("ő ö ß", text("{\\H{o}} {\\\"o} {\\ss}"));
        assertEquals("í ï ĵ", text("\\'{\\i} \\\"\\i{} \\^{\\j}"));
    }

    @Test
    @DisplayName("Decodes LaTeX's special letters, eating the space that ends the command")
    void specialLetters() {
        assertEquals("å Å ø Ø ß æ Æ œ Œ ł Ł ı ȷ", text("\\aa{} \\AA{} \\o{} \\O{} \\ss{} \\ae{} \\AE{} \\oe{} \\OE{} "
                + "\\l{} \\L{} \\i{} \\j"));
        assertEquals("Straße Łódź Ørsted", text("Stra\\ss e \\L\\'od\\'z \\O rsted"));
    }

    @Test
    @DisplayName("Keeps an accent inside a word, whichever way it is braced")
    void inWords() {
        assertEquals("François Erdős Erdős Gödel", text("Fran\\c{c}ois Erd{\\H{o}}s Erd\\H{o}s G{\\\"o}del"));
    }

    @Test
    @DisplayName("Turns dashes, quotes, ties and escapes into their characters")
    void punctuation() {
        assertEquals("1–10 — a-b “q” ‘s’ a\u00a0b & % _ $ # { }", text("1--10 --- a-b ``q'' `s' a~b \\& \\% \\_ \\$ \\# \\{ \\}"));
        assertEquals("α-entmax x^2 O(n log n)", text("$\\alpha$-entmax $x^2$ $O(n \\log n)$"));
        assertEquals("GPU units in bold and Italic http://x.org/a_b%c text", text("{GPU} units in \\textbf{bold} and "
                + "{\\em Italic} \\url{http://x.org/a_b%c} \\href{http://y}{text}"));
    }

    @Test
    @DisplayName("Keeps groups in braces for names, except a braced special character")
    void names() {
        assertEquals("{Barack Obama} and Erdős, P. and M{üller} and Ünal", LatexText.names(
                "{Barack Obama} and Erd{\\H{o}}s, P. and M{{\\\"u}ller} and {\\\"U}nal", LatexText.Problems.NONE));
        assertEquals("D. E. Knuth", LatexText.names("D.~E. Knuth", LatexText.Problems.NONE));
    }

    @Test
    @DisplayName("Reports an unknown command and an accent with no letter at their offsets, keeping the text")
    void unknown() {
        assertEquals(List.of("2: Unknown LaTeX command '\\foo' (Write the characters themselves (UTF-8, e.g. ő rather "
                        + "than \\H{o}) or remove the command.)",
                "12: Accent '\\H' has no letter to go on (Write the letter in braces after it, e.g. \\H{o}, or the "
                        + "accented letter itself.)",
                "17: Unknown LaTeX command '\\?' (Write the characters themselves (UTF-8, e.g. ő rather than \\H{o}) or "
                        + "remove the command.)",
                "20: A lone '\\' ends the value (Write \\textbackslash{} for a backslash.)"),
                problems("a \\foo{x} b \\H{} \\? \\"));
        assertEquals("a x b  ~ ^", LatexText.text("a \\foo{x} b \\'{} \\~{} \\^{}", LatexText.Problems.NONE));
    }
}
