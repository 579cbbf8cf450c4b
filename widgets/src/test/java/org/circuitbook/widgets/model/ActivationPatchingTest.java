package org.circuitbook.widgets.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.circuitbook.widgets.data.Lcg;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Activation patching on the hand-built induction circuit of {@link InductionHeadsTest}: BOS A B C A predicts
 * B; the corrupted prompt BOS A D C A predicts D. Where the answer lives is known by construction, so the
 * patching maps are known too.
 */
@DisplayName("Activation patching")
class ActivationPatchingTest {
    private static final ActivationPatching.Prompts PROMPTS =
            new ActivationPatching.Prompts(new int[] {0, 1, 2, 3, 1}, new int[] {0, 1, 4, 3, 1}, 2, 4);

    @Test
    @DisplayName("residual stream: only the corrupted position matters before layer 1, only the last one after it")
    void residualStream() {
        ActivationPatching.Experiment e = ActivationPatching.run(InductionHeadsTest.model(), PROMPTS, "resid", "logit-diff");
        assertEquals(3, e.rows());
        assertEquals(5, e.cols());
        assertEquals("resid_pre 0", e.rowLabel(0));
        assertEquals("blocks.1.hook_resid_post", e.rowHook(2));
        assertTrue(e.cleanValue() > 0.9, "clean: B beats D, " + e.cleanValue());
        assertTrue(e.corruptedValue() < -0.9, "corrupted: D beats B, " + e.corruptedValue());
        for (int c = 0; c < 5; c++) {
            // before layer 0 the corrupted position is the whole difference: patching it gives the clean run
            // exactly, and patching any other position changes nothing at all
            assertEquals(c == 2 ? 1.0 : 0.0, e.recovered(0, c), "resid_pre 0 at " + c);
            // the induction head copies B from its own position (the key whose previous token is A) ...
            assertEquals(c == 2 ? 1.0 : 0.0, e.recovered(1, c), 1e-3, "resid_pre 1 at " + c);
            // ... and after the last layer only the last position reaches the logits there
            assertEquals(c == 4 ? 1.0 : 0.0, e.recovered(2, c), 1e-6, "resid_post 1 at " + c);
        }
        assertArrayEquals(new int[] {0, 2}, e.best());
    }

    @Test
    @DisplayName("noising: each corrupted activation patched into the clean run, scored by the share of the gap it destroys")
    void noising() {
        ActivationPatching.Experiment e = ActivationPatching.run(InductionHeadsTest.model(), PROMPTS, "resid", "logit-diff",
                "noise");
        assertTrue(e.noising());
        ActivationPatching.Experiment denoise = ActivationPatching.run(InductionHeadsTest.model(), PROMPTS, "resid", "logit-diff");
        assertEquals(denoise.cleanValue(), e.cleanValue());
        assertEquals(denoise.corruptedValue(), e.corruptedValue());
        for (int c = 0; c < 5; c++) {
            // before layer 0, the corrupted position in the clean run makes it the corrupted run exactly; elsewhere
            // the two runs agree there, and the patch changes nothing
            assertEquals(c == 2 ? 1.0 : 0.0, e.recovered(0, c), "resid_pre 0 at " + c);
            assertEquals(c == 2 ? e.corruptedValue() : e.cleanValue(), e.value(0, c), 1e-9, "resid_pre 0 at " + c);
            assertEquals(c == 4 ? 1.0 : 0.0, e.recovered(2, c), 1e-6, "resid_post 1 at " + c);
        }
        assertEquals("unknown patching direction \"sideways\" (known: denoise, noise)", assertThrows(IllegalArgumentException.class,
                () -> ActivationPatching.run(InductionHeadsTest.model(), PROMPTS, "resid", "logit-diff", "sideways")).getMessage());
    }

    @Test
    @DisplayName("heads: the induction head carries the answer; the previous-token head's output at C does not matter")
    void heads() {
        ActivationPatching.Experiment e = ActivationPatching.run(InductionHeadsTest.model(), PROMPTS, "heads", "logit-diff");
        assertEquals(2, e.rows());
        assertEquals(1, e.cols());
        assertEquals(1.0, e.recovered(1, 0), 1e-3);
        assertEquals(0.0, e.recovered(0, 0), 1e-3);
        ActivationPatching.Experiment attn = ActivationPatching.run(InductionHeadsTest.model(), PROMPTS, "attn", "probability");
        assertEquals(1.0, attn.recovered(1, 4), 1e-3, "layer 1's attention output at the last position");
        assertEquals(0.0, attn.recovered(1, 3), 1e-6);
        assertTrue(attn.cleanValue() > 0.3 && attn.cleanValue() < 1, "a probability: " + attn.cleanValue());
    }

    @Test
    @DisplayName("cells are computed one patched run at a time, NaN until then")
    void incremental() {
        ActivationPatching.Experiment e = ActivationPatching.start(InductionHeadsTest.model(), PROMPTS, "resid", "logit-diff");
        assertEquals(15, e.cells());
        assertEquals(0, e.computed());
        assertTrue(Double.isNaN(e.value(0, 0)));
        e.computeNext();
        e.computeNext();
        assertEquals(2, e.computed());
        assertFalse(Double.isNaN(e.value(0, 1)));
        assertTrue(Double.isNaN(e.value(0, 2)));
        assertFalse(e.done());
    }

    @Test
    @DisplayName("an experiment that reuses the last one's clean and corrupted runs gives the same values as a fresh one")
    void reusesRuns() {
        HookedTransformer model = InductionHeadsTest.model();
        ActivationPatching.Experiment first = ActivationPatching.run(model, PROMPTS, "resid", "logit-diff");
        ActivationPatching.Prompts otherAnswers = new ActivationPatching.Prompts(PROMPTS.clean(), PROMPTS.corrupted(), 3, 1);
        ActivationPatching.Prompts otherTokens = new ActivationPatching.Prompts(PROMPTS.clean(), new int[] {0, 1, 3, 3, 1}, 2, 4);
        for (String view : ActivationPatching.VIEWS) {
            for (String metric : ActivationPatching.METRICS) {
                for (ActivationPatching.Prompts prompts : java.util.List.of(PROMPTS, otherAnswers, otherTokens)) {
                    ActivationPatching.Experiment fresh = ActivationPatching.run(model, prompts, view, metric);
                    ActivationPatching.Experiment reused = ActivationPatching.start(model, prompts, view, metric, first);
                    while (!reused.done()) {
                        reused.computeNext();
                    }
                    String what = view + " " + metric + " " + prompts;
                    assertEquals(fresh.cleanValue(), reused.cleanValue(), what);
                    assertEquals(fresh.corruptedValue(), reused.corruptedValue(), what);
                    for (int r = 0; r < fresh.rows(); r++) {
                        for (int c = 0; c < fresh.cols(); c++) {
                            assertEquals(fresh.value(r, c), reused.value(r, c), what + " at " + r + ", " + c);
                        }
                    }
                }
            }
        }
    }

    @Test
    @DisplayName("the induction prompts: distinct tokens, repeated up to the cut, one first-half token replaced")
    void inductionPrompts() {
        ActivationPatching.Prompts p = ActivationPatching.inductionPrompts(new Lcg(3), 48, 10, 5);
        assertEquals(16, p.clean().length);
        Set<Integer> distinct = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            distinct.add(p.clean()[i]);
        }
        assertEquals(10, distinct.size());
        for (int i = 0; i <= 5; i++) {
            assertEquals(p.clean()[i], p.clean()[10 + i]);
        }
        assertEquals(p.clean()[6], p.answer());
        assertArrayEquals(new int[] {6}, p.differences());
        assertEquals(p.corrupted()[6], p.wrong());
        assertFalse(distinct.contains(p.wrong()));
        assertArrayEquals(p.clean(), ActivationPatching.inductionPrompts(new Lcg(3), 48, 10, 5).clean(), "seeded");
        assertNotEquals(p.answer(), p.wrong());
    }

    @Test
    @DisplayName("refuses prompts of different lengths, equal answers, an unknown view or metric")
    void errors() {
        assertEquals("the clean and corrupted prompts must have the same number of tokens (2 and 3)",
                assertThrows(IllegalArgumentException.class,
                        () -> new ActivationPatching.Prompts(new int[] {1, 2}, new int[] {1, 2, 3}, 0, 1)).getMessage());
        assertEquals("the clean and corrupted answers must differ", assertThrows(IllegalArgumentException.class,
                () -> new ActivationPatching.Prompts(new int[] {1, 2}, new int[] {1, 3}, 1, 1)).getMessage());
        assertEquals("unknown patching view \"mlp\" (known: resid, attn, heads)", assertThrows(IllegalArgumentException.class,
                () -> ActivationPatching.start(InductionHeadsTest.model(), PROMPTS, "mlp", "logit-diff")).getMessage());
        assertEquals("unknown metric \"loss\" (known: logit-diff, probability)", assertThrows(IllegalArgumentException.class,
                () -> ActivationPatching.start(InductionHeadsTest.model(), PROMPTS, "resid", "loss")).getMessage());
    }
}
