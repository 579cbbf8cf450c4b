package org.circuitbook.generator.markdown;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A hover card's preview is cut at a word, never inside one or inside a formula's stand-in. */
class PreviewCutTest {
    @Test
    void shortTextIsWhole() {
        assertEquals("a short caption", RenderContext.cutAtWord("a short caption", 300));
    }

    @Test
    void longTextEndsAtAWordWithAnEllipsis() {
        String text = "word ".repeat(70) + "tail"; // 354 characters
        String cut = RenderContext.cutAtWord(text, 300);
        assertEquals("word ".repeat(60).strip() + "\u2026", cut);
    }

    @Test
    void neverInsideAFormula() {
        String text = "x".repeat(200) + " see \uE0107\uE011" + " more".repeat(40);
        String cut = RenderContext.cutAtWord(text, 207);
        assertEquals("x".repeat(200) + " see\u2026", cut);
    }
}
