package org.circuitbook.widgets.model;

import static org.circuitbook.widgets.model.TransformerFixtures.set;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.circuitbook.widgets.tensor.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CircuitsTest {

    @Test
    @DisplayName("OV and QK are [d_model, d_model]; the full circuits are token by token; the direct path is W_E W_U")
    void shapes() {
        // d_vocab 9 and d_vocab_out 4 differ, so a transposed product would show
        HookedTransformer model = TransformerFixtures.random(
                new TransformerConfig(2, 6, 3, 2, 10, 9, 4, 7, "relu", false, null, "standard"), 11, 0.3);
        assertArrayEquals(new int[] {6, 6}, Circuits.OV(model, 1, 1).shape());
        assertArrayEquals(new int[] {6, 6}, Circuits.QK(model, 0, 1).shape());
        assertArrayEquals(new int[] {9, 4}, Circuits.fullOV(model, 1, 0).shape());
        assertArrayEquals(new int[] {9, 9}, Circuits.fullQK(model, 0, 0).shape());
        assertArrayEquals(new int[] {9, 4}, Circuits.directPath(model).shape());
    }

    /**
     * One head with d_model 2 and d_head 1, numbers chosen to multiply by hand:
     * W_V = [2, 3]^T, W_O = [5, 7]; W_Q = [1, 2]^T, W_K = [3, 4]^T;
     * token 0 embeds as (1, 1), token 1 as (0, 1); W_U = [[1, 0], [0, 2]].
     */
    private static HookedTransformer byHand() {
        TransformerConfig cfg = new TransformerConfig(1, 2, 1, 1, 0, 2, 2, 3, null, true, null, "standard");
        Map<String, Tensor> w = TransformerFixtures.zeros(cfg);
        Tensor wV = w.get("blocks.0.attn.W_V");
        set(wV, 0, 0, 0, 2);
        set(wV, 0, 1, 0, 3);
        Tensor wO = w.get("blocks.0.attn.W_O");
        set(wO, 0, 0, 0, 5);
        set(wO, 0, 0, 1, 7);
        Tensor wQ = w.get("blocks.0.attn.W_Q");
        set(wQ, 0, 0, 0, 1);
        set(wQ, 0, 1, 0, 2);
        Tensor wK = w.get("blocks.0.attn.W_K");
        set(wK, 0, 0, 0, 3);
        set(wK, 0, 1, 0, 4);
        w.put("embed.W_E", Tensor.of(new float[] {1, 1, 0, 1}, 2, 2));
        w.put("unembed.W_U", Tensor.of(new float[] {1, 0, 0, 2}, 2, 2));
        return new HookedTransformer(cfg, w);
    }

    @Test
    @DisplayName("OV = W_V W_O and QK = W_Q W_K^T, multiplied out by hand")
    void ovAndQkByHand() {
        HookedTransformer model = byHand();
        // W_V W_O = [2, 3]^T [5, 7] = [[10, 14], [15, 21]]
        assertArrayEquals(new float[] {10, 14, 15, 21}, Circuits.OV(model, 0, 0).data());
        // W_Q W_K^T = [1, 2]^T [3, 4] = [[3, 4], [6, 8]]
        assertArrayEquals(new float[] {3, 4, 6, 8}, Circuits.QK(model, 0, 0).data());
    }

    @Test
    @DisplayName("the full circuits and the direct path, multiplied out by hand")
    void fullCircuitsByHand() {
        HookedTransformer model = byHand();
        // W_E OV = [[1, 1], [0, 1]] [[10, 14], [15, 21]] = [[25, 35], [15, 21]]; times W_U doubles column 1
        assertArrayEquals(new float[] {25, 70, 15, 42}, Circuits.fullOV(model, 0, 0).data());
        // W_E QK = [[9, 12], [6, 8]]; times W_E^T = [[1, 0], [1, 1]] -> [[21, 12], [14, 8]]
        assertArrayEquals(new float[] {21, 12, 14, 8}, Circuits.fullQK(model, 0, 0).data());
        // W_E W_U = [[1, 2], [0, 2]]
        assertArrayEquals(new float[] {1, 2, 0, 2}, Circuits.directPath(model).data());
    }

    @Test
    @DisplayName("a head's QK matrix gives its attention score: x_q QK x_k^T / sqrt(d_head) matches hook_attn_scores")
    void qkGivesScores() {
        HookedTransformer model = TransformerFixtures.random(TransformerFixtures.small(true, null), 12, 0.3);
        // with the query and key biases zeroed, the score is exactly the bilinear form
        Map<String, Tensor> w = new java.util.LinkedHashMap<>(model.tensors());
        w.put("blocks.0.attn.b_Q", Tensor.zeros(2, 4));
        w.put("blocks.0.attn.b_K", Tensor.zeros(2, 4));
        model = new HookedTransformer(model.cfg(), w);
        int[] tokens = {4, 2, 9};
        ActivationCache cache = model.runWithCache(tokens);
        Tensor resid = cache.get("blocks.0.hook_resid_pre"); // [pos, d_model]
        Tensor qk = Circuits.QK(model, 0, 1);               // [d_model, d_model]
        double score = 0;
        for (int a = 0; a < 8; a++) {
            for (int b = 0; b < 8; b++) {
                score += resid.get(2, a) * qk.get(a, b) * resid.get(0, b);
            }
        }
        assertEquals(score / 2, cache.get("blocks.0.attn.hook_attn_scores").get(1, 2, 0), 1e-5);
    }
}
