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
import org.circuitbook.widgets.tensor.Tensor;
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
        for (String view : ActivationPatching.views(model.cfg())) {
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
        assertEquals("unknown patching view \"mlp_out\" (known: resid, attn, mlp, heads, path)",
                assertThrows(IllegalArgumentException.class,
                        () -> ActivationPatching.start(InductionHeadsTest.model(), PROMPTS, "mlp_out", "logit-diff")).getMessage());
        assertEquals("the mlp view patches MLP outputs; this model is attention-only", assertThrows(IllegalArgumentException.class,
                () -> ActivationPatching.start(InductionHeadsTest.model(), PROMPTS, "mlp", "logit-diff")).getMessage());
        assertEquals("unknown metric \"loss\" (known: logit-diff, probability)", assertThrows(IllegalArgumentException.class,
                () -> ActivationPatching.start(InductionHeadsTest.model(), PROMPTS, "resid", "loss")).getMessage());
    }

    /** The previous token of A's second occurrence's key is corrupted: only K-composition can carry the answer. */
    private static final ActivationPatching.Prompts FIRST_A =
            new ActivationPatching.Prompts(new int[] {0, 1, 2, 3, 1}, new int[] {0, 4, 2, 3, 1}, 2, 4);

    @Test
    @DisplayName("path patching: the previous-token head restores the answer through the induction head's key, and only there")
    void pathPatching() {
        HookedTransformer model = InductionHeadsTest.model();
        ActivationPatching.Experiment e = ActivationPatching.run(model, FIRST_A, "path", "logit-diff");
        assertEquals(1, e.rows());
        assertEquals(3, e.cols());
        assertEquals("head 0.0", e.rowLabel(0));
        assertArrayEquals(new int[] {1, 0}, e.receiver(1));
        assertEquals(0.0, e.corruptedValue(), 1e-6, "no earlier A: the induction head spreads its attention evenly");
        assertEquals(1.0, e.recovered(0, 1), 1e-3, "through K: the key at B reads 'after A' again");
        // W_Q and W_V read only the current-token subspace, where the sender writes nothing: exactly no effect
        assertEquals(0.0, e.recovered(0, 0), "through Q");
        assertEquals(0.0, e.recovered(0, 2), "through V");
        assertArrayEquals(new double[] {e.recovered(0, 1)}, ActivationPatching.pathEffects(model, FIRST_A, "logit-diff", 0, "k"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ActivationPatching.start(
                TransformerFixtures.random(new TransformerConfig(1, 8, 4, 2, 0, 11, 11, 6, null, true, null, "standard"), 1, 0.3),
                new ActivationPatching.Prompts(new int[] {1, 2}, new int[] {1, 3}, 2, 3), "path", "logit-diff"))
                .getMessage().startsWith("path patching needs two layers"));
    }

    @Test
    @DisplayName("K-composition: on key-corrupted induction prompts the previous-token head's path through the key brings "
            + "the whole answer back")
    void kComposition() {
        ActivationPatching.Prompts p = ActivationPatching.inductionKeyPrompts(new Lcg(3), 48, 10, 5);
        assertArrayEquals(new int[] {5}, p.differences(), "the token before the answer's first occurrence");
        assertEquals(p.clean()[6], p.answer());
        assertEquals(p.corrupted()[5], p.wrong());
        assertEquals(p.clean()[15], p.clean()[5], "the last token is the one replaced");
        assertArrayEquals(p.corrupted(), ActivationPatching.inductionPrompts(new Lcg(3), 48, 10, 5, "previous").corrupted());
        assertArrayEquals(ActivationPatching.inductionPrompts(new Lcg(3), 48, 10, 5).corrupted(),
                ActivationPatching.inductionPrompts(new Lcg(3), 48, 10, 5, "answer").corrupted());
        assertEquals("unknown corruption \"first\" (known: answer, previous)", assertThrows(IllegalArgumentException.class,
                () -> ActivationPatching.inductionPrompts(new Lcg(3), 48, 10, 5, "first")).getMessage());
        double[] k = ActivationPatching.kComposition(InductionHeadsTest.model(), 0, 4, 1);
        assertEquals(1, k.length);
        assertEquals(1.0, k[0], 1e-3);
    }

    @Test
    @DisplayName("split q/k/v inputs: unhooked, the same logits to the bit; a patched key input changes only that head's key")
    void splitQkvInput() {
        HookedTransformer model = TransformerFixtures.random(TransformerFixtures.small(true, null), 4, 0.5);
        HookedTransformer split = model.withSplitQkvInput();
        int[] tokens = {1, 5, 2, 9, 1};
        assertArrayEquals(model.forward(tokens).data(), split.forward(tokens).data());
        ActivationCache plain = split.runWithCache(tokens);
        assertArrayEquals(new int[] {5, 2, 8}, plain.get("blocks.1.hook_k_input").shape());
        ActivationCache patched = split.runWithCache(tokens, Hook.at("blocks.1.hook_k_input", v -> {
            Tensor out = v.copy();
            out.data()[(3 * 2 + 1) * 8] += 1; // position 3, head 1, dimension 0
            return out;
        }));
        float[] k = plain.get("blocks.1.attn.hook_k").data();
        float[] kPatched = patched.get("blocks.1.attn.hook_k").data();
        for (int i = 0; i < k.length; i++) {
            boolean head1AtPos3 = i / 4 == 3 * 2 + 1;
            assertEquals(head1AtPos3, k[i] != kPatched[i], "key element " + i);
        }
        assertArrayEquals(plain.get("blocks.1.attn.hook_q").data(), patched.get("blocks.1.attn.hook_q").data());
        assertArrayEquals(plain.get("blocks.1.attn.hook_v").data(), patched.get("blocks.1.attn.hook_v").data());
    }

    @Test
    @DisplayName("attribution patching: exact where the metric is linear (after the last layer), and correlated before")
    void attribution() {
        HookedTransformer model = InductionHeadsTest.model();
        for (String view : ActivationPatching.views(model.cfg())) {
            ActivationPatching.Experiment e = ActivationPatching.run(model, view.equals("path") ? FIRST_A : PROMPTS, view,
                    "logit-diff", "denoise", "attribution");
            assertTrue(e.attribution());
            double r = e.correlation();
            assertTrue(Double.isNaN(r) || (r >= -1 - 1e-12 && r <= 1 + 1e-12), view + ": " + r);
            if (view.equals("attn")) {
                for (int c = 0; c < e.cols(); c++) { // attn_out of the last layer reaches the logits linearly
                    assertEquals(e.value(1, c), e.estimate(1, c), 1e-5, "attn_out 1 at " + c);
                }
            }
            if (view.equals("resid")) {
                for (int c = 0; c < e.cols(); c++) {
                    assertEquals(e.value(2, c), e.estimate(2, c), 1e-5, "resid_post 1 at " + c);
                }
            }
        }
        ActivationPatching.Experiment started = ActivationPatching.start(model, PROMPTS, "heads", "logit-diff", "denoise",
                "attribution", null);
        assertFalse(started.prepared(), "the backward pass waits for the first step, off the input's frame");
        assertTrue(Double.isNaN(started.estimate(1, 0)));
        started.computeNext();
        assertTrue(started.prepared());
        assertEquals(0, started.computed());
        assertFalse(Double.isNaN(started.estimate(1, 0)));
        ActivationPatching.Experiment patch = ActivationPatching.run(model, PROMPTS, "heads", "logit-diff");
        assertFalse(patch.attribution());
        assertTrue(Double.isNaN(patch.estimate(0, 0)));
    }

    @Test
    @DisplayName("zero ablation of the induction head leaves logits of exactly 0, so it destroys clean / (clean - corrupted)")
    void zeroAblation() {
        ActivationPatching.Experiment e = ActivationPatching.run(InductionHeadsTest.model(), PROMPTS, "heads", "logit-diff",
                "denoise", "zero-ablation");
        assertTrue(e.ablation());
        assertTrue(e.destroys());
        assertFalse(e.noising());
        assertEquals(0.0, e.value(1, 0), 1e-7, "b_U and b_O are 0: nothing reaches the logits");
        assertEquals(e.cleanValue() / (e.cleanValue() - e.corruptedValue()), e.recovered(1, 0), 1e-6);
    }

    @Test
    @DisplayName("mean and resample ablation put in the batch mean and another prompt's activation, seeded")
    void meanAndResampleAblation() {
        HookedTransformer model = TransformerFixtures.random(TransformerFixtures.small(true, null), 7, 0.5);
        ActivationPatching.Prompts prompts = new ActivationPatching.Prompts(new int[] {1, 2, 3, 1, 2}, new int[] {1, 4, 3, 1, 2}, 3, 5);
        AblationBaselines b = AblationBaselines.of(model, 5);
        AblationBaselines again = AblationBaselines.of(model, 5);
        assertArrayEquals(b.resampledPrompt(), again.resampledPrompt(), "seeded");
        assertArrayEquals(b.mean().get("blocks.0.hook_attn_out").data(), again.mean().get("blocks.0.hook_attn_out").data());
        // the mean of hook_pos_embed over any batch is W_pos itself
        float[] pos = b.mean().get("hook_pos_embed").data();
        for (int i = 0; i < pos.length; i++) {
            assertEquals(model.W_pos().data()[i], pos[i], 1e-6);
        }
        assertTrue(b.fits(model, 5));
        AblationBaselines stepwise = new AblationBaselines(model, 5);
        for (int i = 0; i < AblationBaselines.BATCH; i++) {
            assertFalse(stepwise.done(), "one forward pass a step: " + i);
            stepwise.step();
        }
        assertThrows(IllegalStateException.class, stepwise::mean);
        stepwise.step();
        assertTrue(stepwise.done());
        assertArrayEquals(b.mean().get("blocks.1.hook_resid_post").data(), stepwise.mean().get("blocks.1.hook_resid_post").data());
        assertFalse(b.fits(model, 6));
        for (String mode : java.util.List.of("mean-ablation", "resample-ablation")) {
            ActivationPatching.Experiment e = ActivationPatching.run(model, prompts, "attn", "logit-diff", "denoise", mode);
            ActivationCache source = mode.startsWith("mean") ? e.baselines().mean() : e.baselines().resample();
            Tensor want = model.forward(prompts.clean(), Hook.at("blocks.1.hook_attn_out",
                    v -> ActivationPatching.patchPosition(v, source.get("blocks.1.hook_attn_out"), 4)));
            assertEquals(ActivationPatching.metric("logit-diff", want, 3, 5), e.value(1, 4), 0.0, mode);
        }
        assertEquals("unknown patching mode \"half\" (known: patch, attribution, zero-ablation, mean-ablation, resample-ablation)",
                assertThrows(IllegalArgumentException.class, () -> ActivationPatching.run(model, prompts, "attn", "logit-diff",
                        "denoise", "half")).getMessage());
    }

    @Test
    @DisplayName("a model with MLPs and LayerNorm (as an imported one): every view it can run, in every mode, fills its "
            + "grid; the mlp view's last layer reaches the logits linearly without LayerNorm, so attribution is exact there")
    void mlpsAndLayerNorm() {
        ActivationPatching.Prompts prompts =
                new ActivationPatching.Prompts(new int[] {0, 1, 2, 3, 1}, new int[] {0, 4, 2, 3, 1}, 2, 4);
        HookedTransformer ln = TransformerFixtures.random(
                TransformerFixtures.normalized(TransformerFixtures.small(false, "gelu"), "LN"), 3, 0.3);
        assertEquals(ActivationPatching.VIEWS, ActivationPatching.views(ln.cfg()));
        for (String view : ActivationPatching.views(ln.cfg())) {
            for (String mode : ActivationPatching.MODES) {
                ActivationPatching.Experiment e = ActivationPatching.run(ln, prompts, view, "logit-diff", "denoise", mode);
                for (int r = 0; r < e.rows(); r++) {
                    for (int c = 0; c < e.cols(); c++) {
                        assertTrue(Double.isFinite(e.value(r, c)), view + " " + mode + " at " + r + ", " + c);
                    }
                }
            }
        }
        ActivationPatching.Experiment mlp = ActivationPatching.run(ln, prompts, "mlp", "logit-diff");
        assertEquals("blocks.1.hook_mlp_out", mlp.rowHook(1));
        assertEquals("mlp_out 0", mlp.rowLabel(0));
        assertEquals(5, mlp.cols());
        HookedTransformer plain = TransformerFixtures.random(TransformerFixtures.small(false, "gelu_new"), 4, 0.3);
        ActivationPatching.Experiment a = ActivationPatching.run(plain, prompts, "mlp", "logit-diff", "denoise", "attribution");
        for (int c = 0; c < a.cols(); c++) {
            assertEquals(a.value(1, c), a.estimate(1, c), 1e-5, "mlp_out 1 at " + c);
        }
    }
}
