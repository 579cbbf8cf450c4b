package org.circuitbook.generator.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Katex")
class KatexTest {
    // Loading takes seconds in interpreter mode: share one instance across the tests.
    private static Katex katex;

    @BeforeAll
    static void load() {
        katex = Katex.load();
    }

    @AfterAll
    static void close() {
        katex.close();
    }

    @Test
    @DisplayName("renders x^2 inline as HTML and MathML without a display wrapper")
    void rendersInline() throws TexException {
        String html = katex.render("x^2", false);
        assertTrue(html.contains("class=\"katex\""), html);
        assertTrue(html.contains("<math"), html);
        assertTrue(html.contains("class=\"katex-html\""), html);
        assertFalse(html.contains("katex-display"), html);
    }

    @Test
    @DisplayName("renders an integral in display mode inside katex-display")
    void rendersDisplay() throws TexException {
        String html = katex.render("\\int_0^1 f", true);
        assertTrue(html.contains("class=\"katex-display\""), html);
        assertTrue(html.contains("class=\"katex\""), html);
        assertTrue(html.contains("<math"), html);
        assertTrue(html.contains("display=\"block\""), html);
    }

    @Test
    @DisplayName("reports an undefined macro with KaTeX's message and its 0-based position")
    void undefinedMacro() {
        TexException e = assertThrows(TexException.class, () -> katex.render("a + \\badmacro", false));
        assertEquals(4, e.position());
        assertEquals("Undefined control sequence: \\badmacro", e.rawMessage());
        assertTrue(e.getMessage().startsWith("Undefined control sequence: \\badmacro at position 5:"),
                e.getMessage());
        assertFalse(e.getMessage().contains("KaTeX parse error"), e.getMessage());
    }

    @Test
    @DisplayName("reports an unfinished fraction at the end of the input")
    void unfinishedFraction() {
        TexException e = assertThrows(TexException.class, () -> katex.render("\\frac{1}{", true));
        assertEquals("\\frac{1}{".length(), e.position());
        assertEquals("Unexpected end of input in a macro argument, expected '}'", e.rawMessage());
        assertEquals("Unexpected end of input in a macro argument, expected '}' at end of input: \\frac{1}{",
                e.getMessage());
    }

    @Test
    @DisplayName("reports an unbalanced brace at its position")
    void extraBrace() {
        TexException e = assertThrows(TexException.class, () -> katex.render("a}b", false));
        assertEquals(1, e.position());
        assertEquals("Expected 'EOF', got '}'", e.rawMessage());
    }

    @Test
    @DisplayName("locates an error inside a macro the formula defines at the macro's definition")
    void errorInDefinedMacro() {
        TexException e = assertThrows(TexException.class, () -> katex.render("\\def\\foo{x^}  \\foo", false));
        assertEquals(10, e.position());
        assertEquals("Expected group after '^'", e.rawMessage());
    }

    @Test
    @DisplayName("reports a redefinition error without a position")
    void noPosition() {
        TexException e = assertThrows(TexException.class,
                () -> katex.render("\\newcommand{\\bar}{x} \\bar", false));
        assertEquals(-1, e.position());
        assertTrue(e.getMessage().contains("use \\renewcommand"), e.getMessage());
    }

    @Test
    @DisplayName("does not let a macro defined in one formula leak into the next")
    void macrosDoNotLeak() throws TexException {
        katex.render("\\gdef\\leaky{x} \\leaky", false);
        TexException e = assertThrows(TexException.class, () -> katex.render("\\leaky", false));
        assertEquals(0, e.position());
    }

    @Test
    @DisplayName("reports the version of the KaTeX WebJar on the class path")
    void version() {
        assertTrue(Katex.version().matches("\\d+\\.\\d+\\.\\d+.*"), Katex.version());
    }
}
