package org.circuitbook.widgets.model;

import org.circuitbook.widgets.data.Lcg;
import org.circuitbook.widgets.tensor.Eigenvalues;
import org.circuitbook.widgets.tensor.Ops;
import org.circuitbook.widgets.tensor.Tensor;

/**
 * How the heads of a two-layer attention-only transformer compose, and which heads copy: Elhage et al. (2021),
 * "A Mathematical Framework for Transformer Circuits", sections "Two-Layer Attention-Only Transformers" (Q-, K- and
 * V-composition) and "Summarizing OV/QK Matrices" (copying, detecting composition), computed as ARENA's chapter 1.2
 * ("Intro to Mech Interp", section "Reverse-engineering induction circuits") computes them with TransformerLens.
 *
 * <p>As in {@link Circuits}, vectors are rows multiplied from the left ({@code x W}), so the paper's products read in
 * the opposite order. With OV0 = W_V W_O of layer-0 head h0 and QK1 = W_Q W_K^T, OV1 = W_V W_O of layer-1 head h1
 * ([d_model, d_model] each), the token-by-token composition tables, each [d_vocab, d_vocab]:
 * <ul>
 *   <li><b>K-composition</b> {@code W_E QK1 (W_E OV0)^T / sqrt(d_head)}: row i a <em>query</em> token, column j the
 *       token that head h0 attended to from the <em>key</em> position (for a previous-token head: the token just
 *       before the key). Entry (i, j) is the attention score layer-1's head gives a key whose previous token is j when
 *       the query is i, through h0's output alone. An induction head scores "the key after an earlier i" highest: a
 *       large diagonal (Olsson et al. 2022);
 *   <li><b>Q-composition</b> {@code (W_E OV0) QK1 W_E^T / sqrt(d_head)}: row i the token head h0 moved into the
 *       <em>query</em> position, column j the key token;
 *   <li><b>V-composition</b> {@code W_E OV0 OV1 W_U}: row i the token head h0 moved into the position head h1 attends
 *       to, column j the output logit it raises through both heads' OV circuits (a virtual head's full OV circuit).
 * </ul>
 * Q and K are scaled by 1/sqrt(d_head), as the attention scores are, so they read like {@link Circuits#fullQK} in the
 * circuits widget. Each leaves out the direct paths, positional embeddings and biases (the paper's "terms" of one path).
 *
 * <p>The <b>composition scores</b> are the paper's ||W_A W_B||_F / (||W_A||_F ||W_B||_F) with ARENA's choice of
 * matrices: Q: (OV0, QK1), K: (OV0, QK1^T), V: (OV0, OV1). Two random matrices of rank d_head in d_model dimensions
 * score far above 0 ({@link #baseline}), so a score means composition only well above that.
 *
 * <p>The <b>copying score</b> of a head is sum(lambda) / sum(|lambda|) over the complex eigenvalues lambda of its full
 * OV circuit W_E W_V W_O W_U: near 1 when the head raises the logit of the token it attends to, near -1 when it
 * lowers it (an anti-copying or copy-suppression head). The [d_vocab, d_vocab] product has the same nonzero
 * eigenvalues as the [d_head, d_head] matrix W_O W_U W_E W_V (AB and BA share theirs), which is the one solved.
 */
public final class Composition {
    /** The composition kinds, as the widget's {@code :kind:} names them. */
    public static final java.util.List<String> KINDS = java.util.List.of("k", "q", "v");
    /** Random draws behind {@link #baseline}, and their seed. */
    public static final int BASELINE_DRAWS = 200;
    public static final long BASELINE_SEED = 1_2021L;

    private Composition() {
    }

    /**
     * The {@code kind} ({@link #KINDS}) composition table between head {@code sender} of layer 0 and head
     * {@code receiver} of layer 1, [d_vocab, d_vocab] (V: [d_vocab, d_vocab_out]); rows and columns as the class says.
     */
    public static Tensor table(HookedTransformer model, String kind, int sender, int receiver) {
        requireTwoLayers(model);
        model.requireNoLayerNorm("the composition table");
        Tensor written = Ops.matmul(model.W_E(), Circuits.OV(model, 0, sender)); // [d_vocab, d_model]: W_E OV0
        float scale = (float) (1 / Math.sqrt(model.cfg().d_head()));
        switch (kind) {
            case "k": {
                Tensor query = Ops.matmul(model.W_E(), Circuits.QK(model, 1, receiver)); // [d_vocab, d_model]
                return Ops.scale(Ops.matmul(query, Ops.transpose(written)), scale);      // [d_vocab, d_vocab]
            }
            case "q": {
                Tensor query = Ops.matmul(written, Circuits.QK(model, 1, receiver));     // [d_vocab, d_model]
                return Ops.scale(Ops.matmul(query, Ops.transpose(model.W_E())), scale);  // [d_vocab, d_vocab]
            }
            case "v":
                return Ops.matmul(Ops.matmul(written, Circuits.OV(model, 1, receiver)), model.W_U()); // [d_vocab, d_vocab_out]
            default:
                throw new IllegalArgumentException("unknown composition \"" + kind + "\" (known: k, q, v)");
        }
    }

    /**
     * The share of rows of {@code table} whose largest entry is on the diagonal (ties: the first column): for the
     * K-composition table of a previous-token head and an induction head, the share of query tokens that attend most
     * to a key whose previous token is themselves.
     */
    public static double diagonalFraction(Tensor table) {
        int n = Math.min(table.dim(0), table.dim(1));
        int hits = 0;
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int j = 1; j < table.dim(1); j++) {
                if (table.get(i, j) > table.get(i, best)) {
                    best = j;
                }
            }
            hits += best == i ? 1 : 0;
        }
        return (double) hits / n;
    }

    /**
     * The {@code kind} composition score of every pair, [layer-0 head][layer-1 head]: ||W_A W_B||_F /
     * (||W_A||_F ||W_B||_F) with (W_A, W_B) = (OV0, QK1) for q, (OV0, QK1^T) for k and (OV0, OV1) for v.
     */
    public static double[][] scores(HookedTransformer model, String kind) {
        requireTwoLayers(model);
        model.requireNoLayerNorm("the composition score");
        int heads = model.cfg().n_heads();
        double[][] out = new double[heads][heads];
        for (int b = 0; b < heads; b++) {
            // W_B as its two factors, [d_model, d_head] x [d_head, d_model]
            Tensor q = model.W_Q(1).index(b);
            Tensor k = model.W_K(1).index(b);
            Tensor[] wB = switch (kind) {
                case "q" -> new Tensor[] {q, Ops.transpose(k)};
                case "k" -> new Tensor[] {k, Ops.transpose(q)};
                case "v" -> new Tensor[] {model.W_V(1).index(b), model.W_O(1).index(b)};
                default -> throw new IllegalArgumentException("unknown composition \"" + kind + "\" (known: k, q, v)");
            };
            for (int a = 0; a < heads; a++) {
                out[a][b] = score(model.W_V(0).index(a), model.W_O(0).index(a), wB[0], wB[1]);
            }
        }
        return out;
    }

    /**
     * {@link #score(Tensor, Tensor)} of A = al ar and B = bl br ([d, r] x [r, d] each) without forming the [d, d]
     * products: ||X Y||_F^2 = trace((X^T X)(Y Y^T)), so every product here is [r, r] or [d, r], in double. On the
     * book's shapes a fifth of the work of multiplying out, which the browser does for every pair when the widget mounts.
     */
    public static double score(Tensor al, Tensor ar, Tensor bl, Tensor br) {
        double[][] n = times(al, times(ar, bl));                 // [d, r] x ([r, d] x [d, r]) -> [d, r]
        double ab = traceOfProduct(gram(n, true), gram(br, false));
        double a = traceOfProduct(gram(al, true), gram(ar, false));
        double b = traceOfProduct(gram(bl, true), gram(br, false));
        return a * b == 0 ? 0 : Math.sqrt(ab / (a * b));
    }

    private static double[][] times(Tensor x, Tensor y) {
        return times(rows(x), rows(y));
    }

    private static double[][] times(Tensor x, double[][] y) {
        return times(rows(x), y);
    }

    private static double[][] times(double[][] x, double[][] y) {
        double[][] out = new double[x.length][y[0].length];
        for (int i = 0; i < x.length; i++) {
            for (int p = 0; p < y.length; p++) {
                double v = x[i][p];
                for (int j = 0; j < out[i].length; j++) {
                    out[i][j] += v * y[p][j];
                }
            }
        }
        return out;
    }

    private static double[][] rows(Tensor t) {
        double[][] out = new double[t.dim(0)][t.dim(1)];
        for (int i = 0; i < out.length; i++) {
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = t.get(i, j);
            }
        }
        return out;
    }

    private static double[][] gram(Tensor x, boolean columns) {
        return gram(rows(x), columns);
    }

    /** X^T X ({@code columns}: [c, c] for [r, c]) or X X^T ([r, r]). */
    private static double[][] gram(double[][] x, boolean columns) {
        int n = columns ? x[0].length : x.length;
        int m = columns ? x.length : x[0].length;
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = 0;
                for (int k = 0; k < m; k++) {
                    sum += columns ? x[k][i] * x[k][j] : x[i][k] * x[j][k];
                }
                out[i][j] = sum;
                out[j][i] = sum;
            }
        }
        return out;
    }

    /** trace(p q) for two symmetric matrices: the sum of their elementwise product. */
    private static double traceOfProduct(double[][] p, double[][] q) {
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            for (int j = 0; j < p.length; j++) {
                sum += p[i][j] * q[i][j];
            }
        }
        return sum;
    }

    /** ||a b||_F / (||a||_F ||b||_F) for two [d, d] matrices (0 when either is 0). */
    public static double score(Tensor a, Tensor b) {
        double denominator = frobenius(a) * frobenius(b);
        return denominator == 0 ? 0 : frobenius(Ops.matmul(a, b)) / denominator;
    }

    /**
     * The composition score two unrelated heads get: the mean of {@link #score} over {@value #BASELINE_DRAWS} pairs of
     * random matrices shaped as OV and QK are, each the product of a [d_model, d_head] and a [d_head, d_model] matrix
     * of independent standard normal entries (the score ignores their scale), drawn from {@link Lcg} seeded with
     * {@value #BASELINE_SEED}. The same for Q, K and V: a transposed random matrix is as random. About
     * 1/sqrt(d_model): 0.125 for d_model 64, d_head 16.
     */
    public static double baseline(int dModel, int dHead) {
        Lcg random = new Lcg(BASELINE_SEED);
        double sum = 0;
        for (int draw = 0; draw < BASELINE_DRAWS; draw++) {
            Tensor al = gaussian(random, dModel, dHead);
            Tensor ar = gaussian(random, dHead, dModel);
            Tensor bl = gaussian(random, dModel, dHead);
            Tensor br = gaussian(random, dHead, dModel);
            sum += score(al, ar, bl, br);
        }
        return sum / BASELINE_DRAWS;
    }

    private static Tensor gaussian(Lcg random, int rows, int cols) {
        float[] data = new float[rows * cols];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        return Tensor.of(data, rows, cols);
    }

    /** The Frobenius norm, summed in double. */
    static double frobenius(Tensor m) {
        double sum = 0;
        for (float v : m.data()) {
            sum += (double) v * v;
        }
        return Math.sqrt(sum);
    }

    /** The copying score of head {@code head} of layer {@code layer} (see the class). */
    public static double copyingScore(HookedTransformer model, int layer, int head) {
        model.requireNoLayerNorm("the copying score");
        double[][] eigenvalues = Eigenvalues.of(reducedOV(model, layer, head));
        double sum = 0;
        double absolute = 0;
        for (int i = 0; i < eigenvalues[0].length; i++) {
            sum += eigenvalues[0][i];
            absolute += Math.hypot(eigenvalues[0][i], eigenvalues[1][i]);
        }
        return absolute == 0 ? 0 : sum / absolute;
    }

    /** Every head's {@link #copyingScore}, [n_layers][n_heads]. */
    public static double[][] copyingScores(HookedTransformer model) {
        double[][] out = new double[model.cfg().n_layers()][model.cfg().n_heads()];
        for (int l = 0; l < out.length; l++) {
            for (int h = 0; h < out[l].length; h++) {
                out[l][h] = copyingScore(model, l, h);
            }
        }
        return out;
    }

    /**
     * W_O W_U W_E W_V of one head, [d_head, d_model] x [d_model, d_vocab_out] x [d_vocab, d_model] x [d_model,
     * d_head] -> [d_head, d_head], in double: its eigenvalues are the full OV circuit's nonzero ones (needs d_vocab_out
     * = d_vocab, true of every attention-only model here).
     */
    static double[][] reducedOV(HookedTransformer model, int layer, int head) {
        Tensor wV = model.W_V(layer).index(head); // [d_model, d_head]
        Tensor wO = model.W_O(layer).index(head); // [d_head, d_model]
        Tensor wUwE = Ops.matmul(model.W_U(), model.W_E()); // [d_model, d_model]
        Tensor m = Ops.matmul(Ops.matmul(wO, wUwE), wV);    // [d_head, d_head]
        int n = m.dim(0);
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                out[i][j] = m.get(i, j);
            }
        }
        return out;
    }

    private static void requireTwoLayers(HookedTransformer model) {
        if (model.cfg().n_layers() < 2) {
            throw new IllegalArgumentException("composition needs two attention layers, the model has "
                    + model.cfg().n_layers());
        }
    }
}
