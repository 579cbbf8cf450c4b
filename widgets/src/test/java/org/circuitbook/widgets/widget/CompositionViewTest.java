package org.circuitbook.widgets.widget;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.model.TransformerConfig;
import org.circuitbook.widgets.tensor.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The composition widget's view on a two-layer model built to be read by eye: d_model = d_head = d_vocab = 3,
 * W_E = W_U = I; head 0.0 copies (W_V = W_O = I), head 0.1 suppresses (W_O = -I); head 1.0 has W_Q = 2 I and
 * W_K = I, so its K-composition with 0.0 is 2 I / sqrt(3); head 1.1 is all zeros.
 */
@DisplayName("Composition view")
class CompositionViewTest {
    static HookedTransformer model() {
        TransformerConfig cfg = new TransformerConfig(2, 3, 3, 2, 0, 3, 3, 4, null, true, null, "standard");
        Map<String, Tensor> w = new LinkedHashMap<>();
        HookedTransformer.parameterShapes(cfg).forEach((name, shape) -> w.put(name, Tensor.zeros(shape)));
        for (int i = 0; i < 3; i++) {
            w.get("embed.W_E").set(i, i, 1);
            w.get("unembed.W_U").set(i, i, 1);
            for (int h = 0; h < 2; h++) { // [n_heads, 3, 3]: head h's (i, i) at h * 9 + i * 4
                w.get("blocks.0.attn.W_V").data()[h * 9 + i * 4] = 1;
                w.get("blocks.0.attn.W_O").data()[h * 9 + i * 4] = h == 0 ? 1 : -1;
            }
            w.get("blocks.1.attn.W_Q").data()[i * 4] = 2;
            w.get("blocks.1.attn.W_K").data()[i * 4] = 1;
        }
        return new HookedTransformer(cfg, w);
    }

    @Test
    @DisplayName("starts on the most diagonal K-composition pair, and reads its cells out in words")
    void firstPairAndReadout() {
        HookedTransformer m = model();
        assertArrayEquals(new int[] {0, 0}, CompositionView.defaultPair(m));
        CompositionView.Chosen k = CompositionView.choose(m, CompositionView.summary(m), "k", 0, 0);
        float s = (float) (2 / Math.sqrt(3));
        assertArrayEquals(new float[] {s, 0, 0, 0, s, 0, 0, 0, s}, k.table().data(), 1e-6f);
        assertEquals("head 1.0: query \"ba\" scores a key where 0.0 saw \"ba\" at 1.15 (diagonal)",
                CompositionView.readout(k, 0, 0));
        assertEquals("K-composition: head 0.0 into head 1.0's keys", CompositionView.title(k));
        CompositionView.Chosen v = CompositionView.choose(m, k.summary(), "v", 1, 0);
        assertEquals("through 0.1 then 1.0, \"be\" raises the logit of \"bi\" by 0.00", CompositionView.readout(v, 1, 2));
        CompositionView.Chosen q = CompositionView.choose(m, k.summary(), "q", 1, 0);
        assertEquals("head 1.0: a query where 0.1 saw \"bi\" scores key \"bi\" at -1.15 (diagonal)",
                CompositionView.readout(q, 2, 2));
    }

    @Test
    @DisplayName("describes the diagonal, the pair's score against the baseline, and every copying score, naming the negative ones")
    void description() {
        HookedTransformer m = model();
        CompositionView.Chosen k = CompositionView.choose(m, CompositionView.summary(m), "k", 0, 0);
        String d = CompositionView.describe(k);
        assertTrue(d.startsWith("K-composition: head 0.0 into head 1.0's keys, a 3 by 3 heatmap (rows: query token; "
                + "columns: token 0.0 moved into the key (its previous token); red positive, blue negative, up to 1.2). "
                + "Its largest entry in a row is on the diagonal for 3 of 3 tokens (diagonal mean 1.15, elsewhere 0.00). "
                + "K-composition score of 0.0 and 1.0: 0.577, against "), d);
        // ||OV0 QK1^T|| / (||OV0|| ||QK1||) = ||2 I|| / (sqrt 3 * 2 sqrt 3) = 1 / sqrt 3
        assertTrue(d.endsWith(" OV copying scores: 0.0 1.00, 0.1 -1.00, 1.0 0.00, 1.1 0.00. Negative (lowering the logit "
                + "of the token attended to): 0.1."), d);
    }

    @Test
    @DisplayName("a point on the table is a cell, a point on the score matrix a pair of heads, in both arrangements")
    void hitTesting() {
        HookedTransformer m = model();
        CompositionView.Chosen k = CompositionView.choose(m, CompositionView.summary(m), "k", 0, 0);
        for (boolean narrow : new boolean[] {false, true}) {
            for (int s = 0; s < 2; s++) {
                for (int r = 0; r < 2; r++) {
                    double[] at = CompositionView.pairCenter(k, narrow, s, r);
                    assertArrayEquals(new int[] {s, r}, CompositionView.pairAt(k, narrow, at[0], at[1]));
                    assertNull(CompositionView.cellAt(k, narrow, at[0], at[1]), "the matrix is not the table");
                }
            }
            assertNull(CompositionView.pairAt(k, narrow, 0, 0));
        }
        assertArrayEquals(new int[] {2, 1}, CompositionView.cellAt(k, false, 62 + 432 * 1.5 / 3, 70 + 432 * 2.5 / 3));
    }
}
