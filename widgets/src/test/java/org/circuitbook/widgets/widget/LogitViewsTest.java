package org.circuitbook.widgets.widget;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.circuitbook.widgets.data.SyntheticLanguage;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.model.InductionHeadsTest;
import org.circuitbook.widgets.model.LogitLens;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The logit-attribution and logit-lens drawings and words, on the hand-built induction circuit, whose unembedding reads
 * only the subspace the layer-1 head writes: there every logit difference is that head's alone, exactly.
 */
@DisplayName("Logit attribution and logit lens views")
class LogitViewsTest {
    private static final String[] NAMES = SyntheticLanguage.tokenNames(5);
    private static final int[] PROMPT = {0, 1, 2, 3, 1}; // BOS A B C A: the last A predicts B

    @Test
    @DisplayName("attributes the induction answer at the last position to head 1.0 alone, and has no answer where there is none")
    void attribution() {
        HookedTransformer model = InductionHeadsTest.model();
        LogitAttributionView.Table t = LogitAttributionView.forPrompt(model, PROMPT, LogitAttributionView.NEXT,
                LogitAttributionView.MEAN, NAMES);
        assertEquals(java.util.List.of("embed", "pos embed", "head 0.0", "head 1.0", "attn biases", "b_U"),
                t.terms().stream().map(org.circuitbook.widgets.model.LogitAttribution.Term::label).toList());
        assertEquals("bi", t.answer()[4]);
        assertTrue(t.diff()[4] > 0.5, "the head raises the answer: " + t.diff()[4]);
        assertEquals(t.diff()[4], t.value(3, 4), 1e-6);
        for (int r : new int[] {0, 1, 2, 4, 5}) {
            assertEquals(0.0, t.value(r, 4), 1e-6, t.rowLabel(r));
        }
        assertEquals(t.diff()[4], t.value(t.rows() - 1, 4)); // the last row is the logit difference itself
        assertEquals("At position 4 (\"be\"), head 1.0 contributes +" + Fmt.fixed(t.diff()[4], 2) + " of logit(bi) - mean logit = "
                + Fmt.fixed(t.diff()[4], 2) + ".", LogitAttributionView.readout(t, 3, 4));
        assertTrue(LogitAttributionView.describe(t, 4).contains("The model has no LayerNorm, so the terms add up exactly"));
        // one token everywhere against another: BOS and a wrong answer that equals the answer have no difference
        LogitAttributionView.Table fixed = LogitAttributionView.forPrompt(model, PROMPT, "2", "2", NAMES);
        assertTrue(!fixed.has(0) && !fixed.has(4));
        assertTrue(LogitAttributionView.readout(fixed, 3, 4).startsWith("At position 4 (\"be\") there is no answer"));
    }

    @Test
    @DisplayName("maps the heat map's cells both ways in both arrangements and draws a bar for every term")
    void attributionDrawing() {
        HookedTransformer model = InductionHeadsTest.model();
        LogitAttributionView.Table t = LogitAttributionView.forPrompt(model, PROMPT, LogitAttributionView.NEXT,
                LogitAttributionView.BIGRAM, NAMES);
        // wide: 5 columns of 320 / 5 = 64 px from x = 290; 7 rows of 22 px (the cap) from y = 58
        assertArrayEquals(new int[] {0, 0}, LogitAttributionView.cellAt(t, false, 291, 59));
        assertArrayEquals(new int[] {6, 4}, LogitAttributionView.cellAt(t, false, 290 + 4 * 64 + 1, 58 + 6 * 22 + 1));
        assertNull(LogitAttributionView.cellAt(t, false, 289, 59));
        assertNull(LogitAttributionView.cellAt(t, false, 291, 58 + 7 * 22 + 1));
        for (boolean narrow : new boolean[] {false, true}) {
            SvgPainter svg = new SvgPainter(LogitAttributionView.WIDTH, LogitAttributionView.HEIGHT, narrow);
            LogitAttributionView.paint(svg, t, 3, 4);
            String out = svg.toSvg("x");
            assertTrue(out.contains("head 1.0") && out.contains("logit diff"), out);
        }
    }

    @Test
    @DisplayName("the lens's last stage finds the induction answer; the embedding alone does not; cells map both ways")
    void lens() {
        HookedTransformer model = InductionHeadsTest.model();
        LogitLens l = LogitLensView.lens(model, PROMPT);
        assertEquals(3, l.stages());
        assertEquals(2, l.top(2, 4, 1)[0]);
        assertEquals(1, l.rank(2, 4, 2));
        assertTrue(l.rank(0, 4, 2) > 1 || l.probability(0, 4, 2) <= 1.0 / 5 + 1e-9, "the embedding writes no output");
        assertTrue(LogitLensView.readout(l, NAMES, 2, 4).endsWith("the correct next token, bi, is rank 1 of 5 with probability "
                + Fmt.fixed(l.probability(2, 4, 2), 2) + "."), LogitLensView.readout(l, NAMES, 2, 4));
        assertTrue(LogitLensView.describe(l, NAMES).contains("after layer 1"));
        // wide: 5 columns of 520 / 5 = 104 px from x = 104; 3 rows of 44 px from y = 78
        assertArrayEquals(new int[] {2, 4}, LogitLensView.cellAt(l, false, 104 + 4 * 104 + 1, 78 + 2 * 44 + 1));
        // narrow: on its side, a row per position (22 px... capped at 28) and a column per stage (56 px) from (96, 92)
        assertArrayEquals(new int[] {1, 3}, LogitLensView.cellAt(l, true, 96 + 56 + 1, 92 + 3 * 28 + 1));
        assertNull(LogitLensView.cellAt(l, true, 95, 93));
        assertArrayEquals(new int[] {1, 4}, LogitLensView.move(l, false, 2, 4, "ArrowUp"));
        assertArrayEquals(new int[] {2, 3}, LogitLensView.move(l, true, 2, 4, "ArrowUp"));
        assertArrayEquals(new int[] {2, 0}, LogitLensView.move(l, false, 2, 4, "Home"));
        assertNull(LogitLensView.move(l, false, 2, 4, "x"));
        for (boolean narrow : new boolean[] {false, true}) {
            SvgPainter svg = new SvgPainter(LogitLensView.WIDTH, LogitLensView.HEIGHT, narrow);
            LogitLensView.paint(svg, l, NAMES, 2, 4);
            assertTrue(svg.toSvg("x").contains("correct bi rank 1"));
        }
    }
}
