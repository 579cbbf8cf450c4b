package org.circuitbook.widgets.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.circuitbook.widgets.tensor.Eigenvalues;
import org.circuitbook.widgets.tensor.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link Composition} against a straightforward reimplementation here: plain loops in double over the full
 * [d_vocab, d_vocab] matrices, no shortcut through the [d_head, d_head] matrix. Tolerance: 1e-4 relative to the
 * table's scale, as the code under test multiplies in float.
 */
class CompositionTest {
    /** Two layers, d_model 8, d_head 3, 3 heads, d_vocab 11 (d_vocab_out 11: the copying score needs it square). */
    private static final TransformerConfig CFG =
            new TransformerConfig(2, 8, 3, 3, 0, 11, 11, 6, null, true, null, "standard");

    private static HookedTransformer model() {
        return TransformerFixtures.random(CFG, 21, 0.5);
    }

    /** The matrix {@code t} as double[][] (rank 2), or head {@code h}'s slice of a [n_heads, a, b] tensor. */
    private static double[][] d(Tensor t) {
        double[][] out = new double[t.dim(0)][t.dim(1)];
        for (int i = 0; i < out.length; i++) {
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = t.get(i, j);
            }
        }
        return out;
    }

    private static double[][] d(Tensor t, int h) {
        return d(t.index(h));
    }

    private static double[][] mul(double[][] a, double[][] b) {
        double[][] out = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b[0].length; j++) {
                for (int k = 0; k < b.length; k++) {
                    out[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return out;
    }

    private static double[][] t(double[][] a) {
        double[][] out = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                out[j][i] = a[i][j];
            }
        }
        return out;
    }

    private static double norm(double[][] a) {
        double s = 0;
        for (double[] row : a) {
            for (double v : row) {
                s += v * v;
            }
        }
        return Math.sqrt(s);
    }

    private static void assertClose(double[][] want, Tensor got, String what) {
        assertArrayEquals(new int[] {want.length, want[0].length}, got.shape(), what + ": shape");
        double scale = 0;
        for (double[] row : want) {
            for (double v : row) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        for (int i = 0; i < want.length; i++) {
            for (int j = 0; j < want[0].length; j++) {
                assertEquals(want[i][j], got.get(i, j), 1e-4 * scale, what + " at (" + i + ", " + j + ")");
            }
        }
    }

    @Test
    @DisplayName("the Q-, K- and V-composition tables equal the products written out over the whole vocabulary")
    void tables() {
        HookedTransformer m = model();
        double[][] wE = d(m.W_E());
        double[][] wU = d(m.W_U());
        double root = Math.sqrt(CFG.d_head());
        for (int a = 0; a < CFG.n_heads(); a++) {
            double[][] ov0 = mul(d(m.W_V(0), a), d(m.W_O(0), a));
            for (int b = 0; b < CFG.n_heads(); b++) {
                double[][] qk1 = mul(d(m.W_Q(1), b), t(d(m.W_K(1), b)));
                double[][] ov1 = mul(d(m.W_V(1), b), d(m.W_O(1), b));
                // K: query token i (row) against a key whose previous token, moved there by head 0.a, is j (column)
                double[][] k = mul(mul(wE, qk1), t(mul(wE, ov0)));
                double[][] q = mul(mul(mul(wE, ov0), qk1), t(wE));
                double[][] v = mul(mul(mul(wE, ov0), ov1), wU);
                for (double[][] x : new double[][][] {k, q}) {
                    for (double[] row : x) {
                        for (int j = 0; j < row.length; j++) {
                            row[j] /= root;
                        }
                    }
                }
                assertClose(k, Composition.table(m, "k", a, b), "K 0." + a + " -> 1." + b);
                assertClose(q, Composition.table(m, "q", a, b), "Q 0." + a + " -> 1." + b);
                assertClose(v, Composition.table(m, "v", a, b), "V 0." + a + " -> 1." + b);
            }
        }
    }

    @Test
    @DisplayName("the K-composition table is the attention score a layer-1 head gets from a layer-0 head's output")
    void kTableIsAnAttentionScore() {
        // the key's residual stream holds W_E[j] OV0 (what head 0.a wrote there, having attended to token j); the query's
        // holds W_E[i]; the score is x_q W_Q W_K^T x_k^T / sqrt(d_head)
        HookedTransformer m = model();
        Tensor table = Composition.table(m, "k", 1, 2);
        double[][] wE = d(m.W_E());
        double[][] ov0 = mul(d(m.W_V(0), 1), d(m.W_O(0), 1));
        int i = 4;
        int j = 7;
        double[][] query = mul(new double[][] {wE[i]}, d(m.W_Q(1), 2));           // [1, d_head]
        double[][] key = mul(mul(new double[][] {wE[j]}, ov0), d(m.W_K(1), 2));   // [1, d_head]
        double score = mul(query, t(key))[0][0] / Math.sqrt(CFG.d_head());
        assertEquals(score, table.get(i, j), 1e-4 * Math.abs(score) + 1e-6);
    }

    @Test
    @DisplayName("the composition scores are ||W_A W_B||_F / (||W_A||_F ||W_B||_F) with ARENA's pairs of matrices")
    void scores() {
        HookedTransformer m = model();
        double[][][] want = new double[3][CFG.n_heads()][CFG.n_heads()];
        for (int a = 0; a < CFG.n_heads(); a++) {
            double[][] ov0 = mul(d(m.W_V(0), a), d(m.W_O(0), a));
            for (int b = 0; b < CFG.n_heads(); b++) {
                double[][] qk1 = mul(d(m.W_Q(1), b), t(d(m.W_K(1), b)));
                double[][] ov1 = mul(d(m.W_V(1), b), d(m.W_O(1), b));
                want[0][a][b] = norm(mul(ov0, qk1)) / (norm(ov0) * norm(qk1));
                want[1][a][b] = norm(mul(ov0, t(qk1))) / (norm(ov0) * norm(qk1));
                want[2][a][b] = norm(mul(ov0, ov1)) / (norm(ov0) * norm(ov1));
            }
        }
        String[] kinds = {"q", "k", "v"};
        for (int k = 0; k < 3; k++) {
            double[][] got = Composition.scores(m, kinds[k]);
            for (int a = 0; a < CFG.n_heads(); a++) {
                assertArrayEquals(want[k][a], got[a], 1e-5, kinds[k] + " scores of head 0." + a);
            }
        }
        // the q and k scores differ (QK1 is not symmetric), so the transpose is really taken
        assertTrue(Math.abs(want[0][0][0] - want[1][0][0]) > 1e-3);
    }

    @Test
    @DisplayName("a matrix composes with itself at most fully: the score of (I, I) is 1 / sqrt(d), of (P, P) for a projection 1 / sqrt(rank)")
    void scoreByHand() {
        float[] identity = new float[16];
        float[] projection = new float[16];
        for (int i = 0; i < 4; i++) {
            identity[i * 5] = 1;
        }
        projection[0] = 1; // rank 1: ||P P|| = 1, ||P|| = 1
        Tensor id = Tensor.of(identity, 4, 4);
        assertEquals(0.5, Composition.score(id, id), 1e-12); // ||I|| = 2, ||I I|| = 2: 2 / 4
        assertEquals(1.0, Composition.score(Tensor.of(projection, 4, 4), Tensor.of(projection, 4, 4)), 1e-12);
        assertEquals(0.0, Composition.score(Tensor.zeros(4, 4), id));
    }

    @Test
    @DisplayName("the factored score, computed through [d_head, d_head] Gram matrices, equals the score of the multiplied-out matrices")
    void factoredScore() {
        HookedTransformer m = model();
        for (int a = 0; a < CFG.n_heads(); a++) {
            Tensor vl = m.W_V(0).index(a);
            Tensor or = m.W_O(0).index(a);
            Tensor ql = m.W_Q(1).index(a);
            Tensor kr = org.circuitbook.widgets.tensor.Ops.transpose(m.W_K(1).index(a));
            double direct = Composition.score(org.circuitbook.widgets.tensor.Ops.matmul(vl, or),
                    org.circuitbook.widgets.tensor.Ops.matmul(ql, kr));
            assertEquals(direct, Composition.score(vl, or, ql, kr), 1e-6 * direct);
        }
        Tensor zero = Tensor.zeros(8, 3);
        assertEquals(0.0, Composition.score(zero, Tensor.zeros(3, 8), zero, Tensor.zeros(3, 8)));
    }

    @Test
    @DisplayName("the random baseline is fixed by its seed and near 1 / sqrt(d_model): 0.125 for d_model 64")
    void baseline() {
        double b = Composition.baseline(64, 16);
        assertEquals(b, Composition.baseline(64, 16), 0, "the same draws every time");
        assertEquals(0.125, b, 0.005);
        assertEquals(1 / Math.sqrt(16), Composition.baseline(16, 4), 0.02); // 0.238: the mean of a ratio is a little lower
    }

    @Test
    @DisplayName("the copying score equals sum(lambda) / sum(|lambda|) over the full [d_vocab, d_vocab] OV circuit's eigenvalues")
    void copyingAgainstTheFullCircuit() {
        HookedTransformer m = model();
        double[][] scores = Composition.copyingScores(m);
        assertEquals(CFG.n_layers(), scores.length);
        for (int l = 0; l < CFG.n_layers(); l++) {
            for (int h = 0; h < CFG.n_heads(); h++) {
                double[][] full = mul(mul(mul(d(m.W_E()), d(m.W_V(l), h)), d(m.W_O(l), h)), d(m.W_U()));
                double[][] eig = Eigenvalues.of(full);
                double sum = 0;
                double abs = 0;
                for (int i = 0; i < eig[0].length; i++) {
                    sum += eig[0][i];
                    abs += Math.hypot(eig[0][i], eig[1][i]);
                }
                assertEquals(sum / abs, scores[l][h], 1e-4, "head " + l + "." + h);
                assertTrue(Math.abs(scores[l][h]) <= 1 + 1e-12);
            }
        }
    }

    @Test
    @DisplayName("copying scores by hand: OV = I copies (1), OV = -I suppresses (-1), a quarter turn neither (0)")
    void copyingByHand() {
        assertEquals(1.0, Composition.copyingScore(withOv(new float[] {1, 0, 0, 1}), 0, 0), 1e-6);
        assertEquals(-1.0, Composition.copyingScore(withOv(new float[] {-2, 0, 0, -3}), 0, 0), 1e-6);
        assertEquals(0.0, Composition.copyingScore(withOv(new float[] {0, -1, 1, 0}), 0, 0), 1e-6);
        // eigenvalues 3 and -1: (3 - 1) / (3 + 1)
        assertEquals(0.5, Composition.copyingScore(withOv(new float[] {1, 2, 2, 1}), 0, 0), 1e-6);
    }

    /** One layer, one head, d_model = d_head = d_vocab = 2, W_E = W_U = W_V = I and W_O = {@code ov}. */
    private static HookedTransformer withOv(float[] ov) {
        TransformerConfig cfg = new TransformerConfig(1, 2, 2, 1, 0, 2, 2, 3, null, true, null, "standard");
        Map<String, Tensor> w = TransformerFixtures.zeros(cfg);
        float[] identity = {1, 0, 0, 1};
        w.put("embed.W_E", Tensor.of(identity.clone(), 2, 2));
        w.put("unembed.W_U", Tensor.of(identity.clone(), 2, 2));
        w.put("blocks.0.attn.W_V", Tensor.of(identity.clone(), 1, 2, 2));
        w.put("blocks.0.attn.W_O", Tensor.of(ov, 1, 2, 2));
        return new HookedTransformer(cfg, w);
    }

    @Test
    @DisplayName("the diagonal fraction counts rows whose largest entry is their own column; composition needs two layers")
    void diagonalFractionAndLayers() {
        Tensor table = Tensor.of(new float[] {
                5, 1, 0,
                2, 1, 3,
                0, 0, 9}, 3, 3);
        assertEquals(2.0 / 3, Composition.diagonalFraction(table), 1e-12);
        HookedTransformer oneLayer = withOv(new float[] {1, 0, 0, 1});
        assertThrows(IllegalArgumentException.class, () -> Composition.table(oneLayer, "k", 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Composition.scores(oneLayer, "k"));
        assertThrows(IllegalArgumentException.class, () -> Composition.table(model(), "x", 0, 0));
    }
}
