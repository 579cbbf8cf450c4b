package org.circuitbook.widgets.model;

import static org.circuitbook.widgets.model.TransformerFixtures.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.circuitbook.widgets.tensor.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A two-layer attention-only transformer built by hand to hold the circuit of Elhage et al. (2021),
 * "A Mathematical Framework for Transformer Circuits", section "Induction Heads", and Olsson et al. (2022),
 * "In-context Learning and Induction Heads": a previous-token head in layer 0 and an induction head in
 * layer 1 that K-composes with it, so [A][B] ... [A] predicts [B].
 *
 * <p>The residual stream (d_model 21) has four labelled subspaces, one-hot each: the position (0..5), the
 * current token (6..10), the previous token (11..15, written by layer 0) and the output (16..20, written by
 * layer 1 and read by W_U). Token 0 is a beginning-of-sequence marker.
 */
public class InductionHeadsTest {
    private static final int POS = 0;
    private static final int TOK = 6;
    private static final int PREV = 11;
    private static final int OUT = 16;
    private static final int VOCAB = 5;
    private static final float SHARP = 20; // query scale: scores of 20/sqrt(6) ≈ 8.2 against 0
    private static final int[] TOKENS = {0, 1, 2, 3, 1}; // BOS A B C A: the last A should predict B (token 2)

    /** The hand-built two-layer induction circuit (also used by the widget tests). */
    public static HookedTransformer model() {
        TransformerConfig cfg = new TransformerConfig(2, 21, 6, 1, 0, VOCAB, VOCAB, 6, null, true, null, "standard");
        Map<String, Tensor> w = TransformerFixtures.zeros(cfg);
        for (int t = 0; t < VOCAB; t++) {
            w.get("embed.W_E").set(t, TOK + t, 1);
            w.get("unembed.W_U").set(OUT + t, t, 1);
        }
        for (int p = 0; p < 6; p++) {
            w.get("pos_embed.W_pos").set(p, POS + p, 1);
        }
        // layer 0, previous-token head: the query at position i matches the key at position i - 1 ...
        for (int p = 0; p < 6; p++) {
            set(w.get("blocks.0.attn.W_Q"), 0, POS + p, p, SHARP);
            if (p + 1 < 6) {
                set(w.get("blocks.0.attn.W_K"), 0, POS + p, p + 1, 1);
            }
        }
        // ... and copies that position's token into the previous-token subspace
        for (int t = 0; t < VOCAB; t++) {
            set(w.get("blocks.0.attn.W_V"), 0, TOK + t, t, 1);
            set(w.get("blocks.0.attn.W_O"), 0, t, PREV + t, 1);
        }
        // layer 1, induction head: the current token is the query, the previous token the key (K-composition);
        // it copies the attended position's own token to the output subspace
        for (int t = 0; t < VOCAB; t++) {
            set(w.get("blocks.1.attn.W_Q"), 0, TOK + t, t, SHARP);
            set(w.get("blocks.1.attn.W_K"), 0, PREV + t, t, 1);
            set(w.get("blocks.1.attn.W_V"), 0, TOK + t, t, 1);
            set(w.get("blocks.1.attn.W_O"), 0, t, OUT + t, 1);
        }
        return new HookedTransformer(cfg, w);
    }

    private static int argmax(Tensor logits, int position) {
        int best = 0;
        for (int v = 1; v < logits.dim(1); v++) {
            if (logits.get(position, v) > logits.get(position, best)) {
                best = v;
            }
        }
        return best;
    }

    @Test
    @DisplayName("the layer-0 head puts more than 0.9 of its attention on the previous token at every position")
    void previousTokenHead() {
        Tensor pattern = model().runWithCache(TOKENS).get("blocks.0.attn.hook_pattern");
        for (int i = 1; i < TOKENS.length; i++) {
            assertTrue(pattern.get(0, i, i - 1) > 0.9f, "position " + i + ": " + pattern.get(0, i, i - 1));
        }
    }

    @Test
    @DisplayName("the layer-1 head attends to the token after the earlier A and predicts B")
    void inductionHead() {
        HookedTransformer model = model();
        ActivationCache cache = new ActivationCache();
        Tensor logits = model.forward(TOKENS, cache);
        assertTrue(cache.get("blocks.1.attn.hook_pattern").get(0, 4, 2) > 0.9f);
        assertEquals(2, argmax(logits, 4));
    }

    @Test
    @DisplayName("zero-ablating the previous-token head's z breaks the induction head: the prediction is lost")
    void ablation() {
        HookedTransformer model = model();
        Hook ablate = Hook.at("blocks.0.attn.hook_z", z -> Tensor.zeros(z.shape()));
        ActivationCache cache = model.runWithCache(TOKENS, ablate);
        // with nothing in the previous-token subspace every key scores 0: a uniform pattern over 5 positions
        assertEquals(0.2f, cache.get("blocks.1.attn.hook_pattern").get(0, 4, 2), 1e-6);
        assertEquals(1, argmax(model.forward(TOKENS, ablate), 4), "now the most frequent token wins");
    }

    @Test
    @DisplayName("the induction head's full OV circuit is the identity (it copies) and its direct full QK circuit is zero")
    void circuits() {
        HookedTransformer model = model();
        Tensor ov = Circuits.fullOV(model, 1, 0);
        Tensor qk = Circuits.fullQK(model, 1, 0);
        for (int a = 0; a < VOCAB; a++) {
            for (int b = 0; b < VOCAB; b++) {
                assertEquals(a == b ? 1f : 0f, ov.get(a, b));
                assertEquals(0f, qk.get(a, b), "the head needs layer 0's output to find its key");
            }
        }
        // the previous-token head's QK matrix matches position p's query with position p - 1's key
        assertEquals(SHARP, Circuits.QK(model, 0, 0).get(POS + 3, POS + 2));
    }

    @Test
    @DisplayName("HeadScores: on a repeated sequence the hand-built heads score near 1 for their own job and low for the other")
    void headScores() {
        HookedTransformer model = model();
        int[] repeated = {1, 2, 3, 1, 2, 3}; // period 3
        ActivationCache cache = model.runWithCache(repeated);
        double[][] previous = HeadScores.previousToken(model, cache);
        double[][] induction = HeadScores.induction(model, cache, 3);
        assertTrue(previous[0][0] > 0.9, "layer 0 previous-token score " + previous[0][0]);
        // positions 4 and 5 score ~1; at 3 the key at 0 also "follows" a 1 (position 0 attends to itself in
        // layer 0, as there is no BOS token), so it splits evenly: (0.5 + 1 + 1) / 3 = 0.83
        assertEquals(2.5 / 3, induction[1][0], 0.01, "layer 1 induction score");
        assertTrue(induction[0][0] < 0.1, "layer 0 is no induction head: " + induction[0][0]);
        assertTrue(previous[1][0] < 0.2, "layer 1 is no previous-token head: " + previous[1][0]);
        double[] losses = HeadScores.tokenLosses(model.forward(repeated), repeated);
        assertEquals(5, losses.length);
        for (int t = 3; t < 5; t++) {
            assertTrue(losses[t] < losses[0], "the repeat is predicted: loss " + losses[t] + " at " + t
                    + " against " + losses[0] + " at 0");
        }
    }

    @Test
    @DisplayName("HeadScores.tokenLosses is the cross-entropy of each next token, in nats")
    void tokenLosses() {
        Tensor logits = Tensor.of(new float[] {0, 0, 0, (float) Math.log(3), 0, 0}, 2, 3);
        double[] losses = HeadScores.tokenLosses(logits, new int[] {0, 1, 0});
        assertEquals(Math.log(3), losses[0], 1e-6);      // uniform over 3
        assertEquals(-Math.log(0.6), losses[1], 1e-6);   // softmax(log 3, 0, 0)[0] = 3/5
    }
}
