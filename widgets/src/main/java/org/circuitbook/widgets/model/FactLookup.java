package org.circuitbook.widgets.model;

import java.util.Map;
import org.circuitbook.widgets.tensor.Tensor;

/**
 * The fact-lookup toy (Meng et al. 2022, "Locating and Editing Factual Associations in GPT"): a prompt is a
 * subject's tokens then a relation token, {@code [s_0, ..., s_{k-1}, r]}; the model reads the attribute at the
 * last position. Computed in double precision (weights are stored as floats). Because each block moves
 * information one position forward only, the first subject token reaches the relation's position only through
 * the subject's last token: the subject must be recognised there, as Meng et al. find in GPT.
 *
 * <pre>
 *   resid_0[p]            = W_E[tok_p]                      frozen random embeddings (hook_embed)
 *   block l (TransformerLens names, blocks.l.*):
 *     hook_attn_out[p]    = resid_pre[p - 1] (0 at p = 0)   a fixed previous-token head, no parameters
 *     resid_mid           = resid_pre + hook_attn_out
 *     hook_post           = relu(resid_mid W_in + b_in)     [pos, d_mlp]   the MLP's keys
 *     hook_mlp_out        = hook_post W_out + b_out         [pos, d_model] the MLP's values
 *     resid_post          = resid_mid + hook_mlp_out
 *   logits                = resid_post[last] W_U + b_U      over the attribute vocabulary
 * </pre>
 *
 * <p>Causal tracing ({@link #trace}): the subject's embeddings get Gaussian noise of {@code 3 x} the embedding
 * standard deviation; for each (layer, position) the corrupted run's {@code hook_mlp_out} there is replaced by
 * the clean run's, and the probability of the clean answer is read; averaged over fixed noise seeds.
 *
 * <p>ROME ({@link #rome}): a rank-one edit of one layer's {@code W_out} ([d_mlp, d_model]; values are
 * {@code k W_out}). With k* the key at the subject's last token, v* the wanted value there and
 * {@code C = mean k k^T + ridge I} over every position of every fact,
 * {@code W_out' = W_out + (C^-1 k*) (v* - k* W_out)^T / ((C^-1 k*)^T k*)}, so that {@code k* W_out' = v*}
 * exactly and keys orthogonal to {@code C^-1 k*} are unchanged.
 */
public final class FactLookup {
    /** Ridge added to C's diagonal (relative to its mean diagonal) so that dead ReLU units leave it invertible. */
    public static final double RIDGE = 1e-3;

    public final int nLayers, dModel, dMlp, dVocab, dAttr;
    final double[][] W_E;          // [d_vocab][d_model]
    final double[][][] W_in;       // [layer][d_model][d_mlp]
    final double[][] b_in;         // [layer][d_mlp]
    final double[][][] W_out;      // [layer][d_mlp][d_model]
    final double[][] b_out;        // [layer][d_model]
    final double[][] W_U;          // [d_model][d_attr]
    final double[] b_U;            // [d_attr]

    /** From weights named {@code W_E, blocks.l.mlp.W_in, ..., W_U, b_U}. */
    public FactLookup(Map<String, Tensor> w, int nLayers) {
        this(matrix(w.get("W_E")), layers(w, nLayers, "W_in"), vectors(w, nLayers, "b_in"),
                layers(w, nLayers, "W_out"), vectors(w, nLayers, "b_out"), matrix(w.get("W_U")),
                vector(w.get("b_U")));
    }

    public FactLookup(double[][] W_E, double[][][] W_in, double[][] b_in, double[][][] W_out, double[][] b_out,
                      double[][] W_U, double[] b_U) {
        this.W_E = W_E; this.W_in = W_in; this.b_in = b_in; this.W_out = W_out; this.b_out = b_out;
        this.W_U = W_U; this.b_U = b_U;
        nLayers = W_in.length; dModel = W_E[0].length; dMlp = b_in[0].length; dVocab = W_E.length; dAttr = b_U.length;
    }

    /** A copy whose layer {@code layer} has the given W_out (the rest shared). */
    public FactLookup withWOut(int layer, double[][] wOut) {
        double[][][] all = W_out.clone();
        all[layer] = wOut;
        return new FactLookup(W_E, W_in, b_in, all, b_out, W_U, b_U);
    }

    public double[][] wOut(int layer) {
        return W_out[layer];
    }

    /** One run's activations: resid[l] is resid_pre of block l (resid[nLayers] the final), post and mlpOut per block. */
    public static final class Run {
        public double[][][] resid;   // [n_layers + 1][pos][d_model]
        public double[][][] post;    // [n_layers][pos][d_mlp]
        public double[][][] mlpOut;  // [n_layers][pos][d_model]
        public double[] logits;      // [d_attr]

        public double[] probs() {
            return softmax(logits);
        }
    }

    /** The embeddings of {@code tokens} [pos][d_model] (hook_embed). */
    public double[][] embed(int[] tokens) {
        double[][] x = new double[tokens.length][];
        for (int p = 0; p < tokens.length; p++) {
            x[p] = W_E[tokens[p]].clone();
        }
        return x;
    }

    /** The forward pass from embeddings; {@code patch[l][p]}, when not null, replaces hook_mlp_out there. */
    public Run forward(double[][] embedded, double[][][] patch) {
        int n = embedded.length;
        Run run = new Run();
        run.resid = new double[nLayers + 1][][];
        run.post = new double[nLayers][n][];
        run.mlpOut = new double[nLayers][n][];
        double[][] x = new double[n][];
        for (int p = 0; p < n; p++) {
            x[p] = embedded[p].clone();
        }
        run.resid[0] = x;
        for (int l = 0; l < nLayers; l++) {
            double[][] mid = new double[n][dModel];
            for (int p = 0; p < n; p++) {
                for (int d = 0; d < dModel; d++) {
                    mid[p][d] = x[p][d] + (p > 0 ? x[p - 1][d] : 0);
                }
            }
            double[][] next = new double[n][];
            for (int p = 0; p < n; p++) {
                double[] h = new double[dMlp];
                for (int j = 0; j < dMlp; j++) {
                    double a = b_in[l][j];
                    for (int d = 0; d < dModel; d++) {
                        a += mid[p][d] * W_in[l][d][j];
                    }
                    h[j] = Math.max(0, a);
                }
                double[] out;
                if (patch != null && patch[l] != null && patch[l][p] != null) {
                    out = patch[l][p].clone();
                } else {
                    out = b_out[l].clone();
                    for (int j = 0; j < dMlp; j++) {
                        if (h[j] != 0) {
                            for (int d = 0; d < dModel; d++) {
                                out[d] += h[j] * W_out[l][j][d];
                            }
                        }
                    }
                }
                run.post[l][p] = h;
                run.mlpOut[l][p] = out;
                next[p] = new double[dModel];
                for (int d = 0; d < dModel; d++) {
                    next[p][d] = mid[p][d] + out[d];
                }
            }
            x = next;
            run.resid[l + 1] = x;
        }
        run.logits = unembed(x[n - 1]);
        return run;
    }

    public Run forward(int[] tokens) {
        return forward(embed(tokens), null);
    }

    double[] unembed(double[] r) {
        double[] logits = b_U.clone();
        for (int d = 0; d < dModel; d++) {
            for (int a = 0; a < dAttr; a++) {
                logits[a] += r[d] * W_U[d][a];
            }
        }
        return logits;
    }

    /** The top-1 attribute for a prompt. */
    public int predict(int[] tokens) {
        return argmax(forward(tokens).logits);
    }

    /** The standard deviation of every entry of W_E (over the subject rows given, or all when null). */
    public double embeddingStd() {
        double s = 0, s2 = 0;
        int n = 0;
        for (double[] row : W_E) {
            for (double v : row) {
                s += v; s2 += v * v; n++;
            }
        }
        double mean = s / n;
        return Math.sqrt(Math.max(0, s2 / n - mean * mean));
    }

    /** Causal tracing of one prompt. */
    public static final class Trace {
        public double cleanProb;        // p(answer) in the clean run
        public double corruptedProb;    // mean over seeds, no restoration
        public double[][] restored;     // [layer][pos] mean p(answer) with hook_mlp_out restored there
    }

    /**
     * Traces the prompt {@code tokens} whose subject occupies positions [0, subjectLength): noise of
     * {@code noiseScale x} {@link #embeddingStd()} on those embeddings, {@code seeds} fixed noise seeds.
     */
    public Trace trace(int[] tokens, int subjectLength, double noiseScale, long[] seeds) {
        Tracing tracing = new Tracing(tokens, subjectLength, noiseScale, seeds);
        while (!tracing.done()) {
            tracing.step();
        }
        return tracing.trace();
    }

    /** {@link #trace} one noise seed at a time (a page spreads it over frames); the same arithmetic. */
    public final class Tracing {
        private final int[] tokens;
        private final int subjectLength;
        private final long[] seeds;
        private final Run clean;
        private final int answer;
        private final double sigma;
        private final Trace t = new Trace();
        private int next;

        public Tracing(int[] tokens, int subjectLength, double noiseScale, long[] seeds) {
            this.tokens = tokens;
            this.subjectLength = subjectLength;
            this.seeds = seeds;
            clean = forward(tokens);
            answer = argmax(clean.logits);
            sigma = noiseScale * embeddingStd();
            t.cleanProb = clean.probs()[answer];
            t.restored = new double[nLayers][tokens.length];
        }

        /** The next seed's corrupted run and its {@code n_layers x positions} restorations (nothing once done). */
        public void step() {
            if (done()) {
                return;
            }
            int n = tokens.length;
            long seed = seeds[next++];
            double[][] x = embed(tokens);
            Gaussian g = new Gaussian(seed);
            for (int p = 0; p < subjectLength; p++) {
                for (int d = 0; d < dModel; d++) {
                    x[p][d] += sigma * g.next();
                }
            }
            t.corruptedProb += forward(x, null).probs()[answer] / seeds.length;
            for (int l = 0; l < nLayers; l++) {
                for (int p = 0; p < n; p++) {
                    double[][][] patch = new double[nLayers][][];
                    patch[l] = new double[n][];
                    patch[l][p] = clean.mlpOut[l][p];
                    t.restored[l][p] += forward(x, patch).probs()[answer] / seeds.length;
                }
            }
        }

        public boolean done() {
            return next >= seeds.length;
        }

        /** The seeds traced so far. */
        public int seedsDone() {
            return next;
        }

        public int seeds() {
            return seeds.length;
        }

        /** The tracing (complete once {@link #done}). */
        public Trace trace() {
            return t;
        }
    }

    /** The uncentered key covariance C = mean k k^T (+ ridge) of layer {@code layer}'s hook_post over every position of every prompt. */
    public double[][] keyCovariance(int layer, int[][] prompts) {
        KeyCovariance c = new KeyCovariance(layer);
        for (int[] prompt : prompts) {
            c.add(prompt);
        }
        return c.result();
    }

    /** {@link #keyCovariance} a prompt at a time (a page spreads it over frames); the same arithmetic. */
    public final class KeyCovariance {
        private final int layer;
        private final double[][] c = new double[dMlp][dMlp];
        private int count;

        public KeyCovariance(int layer) {
            this.layer = layer;
        }

        /** Adds every position's key of {@code prompt}. */
        public void add(int[] prompt) {
            Run run = forward(prompt);
            for (double[] k : run.post[layer]) {
                for (int i = 0; i < dMlp; i++) {
                    if (k[i] != 0) {
                        for (int j = 0; j < dMlp; j++) {
                            c[i][j] += k[i] * k[j];
                        }
                    }
                }
                count++;
            }
        }

        /** C = the mean of k k^T over the keys added, plus the ridge (once every prompt is in). */
        public double[][] result() {
            double[][] out = new double[dMlp][];
            double trace = 0;
            for (int i = 0; i < dMlp; i++) {
                out[i] = new double[dMlp];
                for (int j = 0; j < dMlp; j++) {
                    out[i][j] = c[i][j] / count;
                }
                trace += out[i][i];
            }
            double ridge = RIDGE * Math.max(trace / dMlp, 1e-12);
            for (int i = 0; i < dMlp; i++) {
                out[i][i] += ridge;
            }
            return out;
        }
    }

    /**
     * The value v* for the edit: hook_mlp_out of {@code layer} at the subject's last position plus a delta found
     * by {@code steps} gradient steps (central differences) on log p(newAttribute) - 0.5 decay |delta|^2.
     */
    public double[] targetValue(int[] tokens, int subjectLength, int layer, int newAttribute, int steps) {
        TargetSearch search = new TargetSearch(tokens, subjectLength, layer, newAttribute, steps);
        while (!search.done()) {
            search.step();
        }
        return search.value();
    }

    /**
     * {@link #targetValue}'s search one gradient step at a time, so that a page can spread it over frames (each
     * step is {@code 2 d_model + 1} forward passes); the steps and their arithmetic are exactly targetValue's.
     */
    public final class TargetSearch {
        private final double[][] x;
        private final int layer, pos, attribute, steps;
        private final double[] base, delta;
        private int taken;
        private boolean done;

        public TargetSearch(int[] tokens, int subjectLength, int layer, int newAttribute, int steps) {
            this.x = embed(tokens);
            this.layer = layer;
            this.pos = subjectLength - 1;
            this.attribute = newAttribute;
            this.steps = steps;
            this.base = forward(x, null).mlpOut[layer][pos];
            this.delta = new double[dModel];
            this.done = steps <= 0;
        }

        /** One gradient step (nothing once done). */
        public void step() {
            if (done) {
                return;
            }
            double h = 1e-4, lr = 0.5, decay = 1e-3;
            double[] grad = new double[dModel];
            for (int d = 0; d < dModel; d++) {
                double[] up = add(base, delta), down = add(base, delta);
                up[d] += h; down[d] -= h;
                grad[d] = (logProb(x, layer, pos, up, attribute) - logProb(x, layer, pos, down, attribute)) / (2 * h)
                        - decay * delta[d];
            }
            for (int d = 0; d < dModel; d++) {
                delta[d] += lr * grad[d];
            }
            taken++;
            done = taken >= steps || logProb(x, layer, pos, add(base, delta), attribute) > Math.log(0.9);
        }

        public boolean done() {
            return done;
        }

        /** The steps taken so far. */
        public int taken() {
            return taken;
        }

        /** v*: the value so far. */
        public double[] value() {
            return add(base, delta);
        }
    }

    private double logProb(double[][] x, int layer, int pos, double[] value, int attribute) {
        double[][][] patch = new double[nLayers][][];
        patch[layer] = new double[x.length][];
        patch[layer][pos] = value;
        double[] logits = forward(x, patch).logits;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : logits) {
            max = Math.max(max, v);
        }
        double z = 0;
        for (double v : logits) {
            z += Math.exp(v - max);
        }
        return logits[attribute] - max - Math.log(z);
    }

    /**
     * ROME's rank-one update of {@code W_out} [d_mlp][d_model]: returns
     * {@code W + u (v* - k* W)^T / (u . k*)} with {@code u = C^-1 k*} (C solved by Cholesky).
     */
    public static double[][] rome(double[][] W, double[][] c, double[] kStar, double[] vStar, double[] bOut) {
        return romeFactored(W, cholesky(c), kStar, vStar, bOut);
    }

    /** {@link #rome} with C given by its Cholesky factor {@code l} ({@link #cholesky}): the same arithmetic. */
    public static double[][] romeFactored(double[][] W, double[][] l, double[] kStar, double[] vStar, double[] bOut) {
        int m = W.length, dm = W[0].length;
        double[] u = solveCholesky(l, kStar);
        double denom = 0;
        for (int i = 0; i < m; i++) {
            denom += u[i] * kStar[i];
        }
        double[] residual = new double[dm];
        for (int d = 0; d < dm; d++) {
            double wk = bOut[d];
            for (int i = 0; i < m; i++) {
                wk += kStar[i] * W[i][d];
            }
            residual[d] = vStar[d] - wk;
        }
        double[][] out = new double[m][dm];
        for (int i = 0; i < m; i++) {
            for (int d = 0; d < dm; d++) {
                out[i][d] = W[i][d] + u[i] * residual[d] / denom;
            }
        }
        return out;
    }

    /** Edits the fact {@code tokens -> newAttribute} at {@code layer}; {@code prompts} give the key covariance. */
    public FactLookup edit(int[] tokens, int subjectLength, int layer, int newAttribute, int[][] prompts) {
        return edit(tokens, subjectLength, layer, newAttribute, keyCovariance(layer, prompts));
    }

    /**
     * The edit of layer {@code layer}'s W_out that writes {@code vStar} at the subject's last token, C given by its
     * Cholesky factor {@code l}: {@link #edit(int[], int, int, double[][], double[])}'s arithmetic.
     */
    public FactLookup editFactored(int[] tokens, int subjectLength, int layer, double[][] l, double[] vStar) {
        double[] kStar = forward(tokens).post[layer][subjectLength - 1];
        return withWOut(layer, romeFactored(W_out[layer], l, kStar, vStar, b_out[layer]));
    }

    /** Edits the fact {@code tokens -> newAttribute} at {@code layer} with the key covariance {@code c}. */
    public FactLookup edit(int[] tokens, int subjectLength, int layer, int newAttribute, double[][] c) {
        double[] vStar = targetValue(tokens, subjectLength, layer, newAttribute, TARGET_STEPS);
        return edit(tokens, subjectLength, layer, c, vStar);
    }

    /** The edit of layer {@code layer}'s W_out that writes the value {@code vStar} at the subject's last token. */
    public FactLookup edit(int[] tokens, int subjectLength, int layer, double[][] c, double[] vStar) {
        double[] kStar = forward(tokens).post[layer][subjectLength - 1];
        return withWOut(layer, rome(W_out[layer], c, kStar, vStar, b_out[layer]));
    }

    /** The most gradient steps {@link #targetValue} takes (it stops once p(new) exceeds 0.9). */
    public static final int TARGET_STEPS = 50;

    /** x with C x = b, C symmetric positive definite (Cholesky). */
    static double[] solveSpd(double[][] c, double[] b) {
        return solveCholesky(cholesky(c), b);
    }

    /** The lower-triangular L with L L^T = C (C symmetric positive definite). */
    public static double[][] cholesky(double[][] c) {
        Cholesky f = new Cholesky(c);
        while (!f.done()) {
            f.nextRow();
        }
        return f.factor();
    }

    /** {@link #cholesky} a row at a time (a page spreads it over frames); the same arithmetic. */
    public static final class Cholesky {
        private final double[][] c;
        private final double[][] l;
        private int next;

        public Cholesky(double[][] c) {
            this.c = c;
            this.l = new double[c.length][c.length];
        }

        /** Row {@code i} of L (it needs the rows before it). */
        public void nextRow() {
            if (done()) {
                return;
            }
            int i = next++;
            for (int j = 0; j <= i; j++) {
                double s = c[i][j];
                for (int k = 0; k < j; k++) {
                    s -= l[i][k] * l[j][k];
                }
                l[i][j] = i == j ? Math.sqrt(Math.max(s, 1e-300)) : s / l[j][j];
            }
        }

        public boolean done() {
            return next >= c.length;
        }

        /** L (complete once {@link #done}). */
        public double[][] factor() {
            return l;
        }
    }

    /** x with L L^T x = b. */
    static double[] solveCholesky(double[][] l, double[] b) {
        int n = b.length;
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) {
                s -= l[i][k] * y[k];
            }
            y[i] = s / l[i][i];
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < n; k++) {
                s -= l[k][i] * x[k];
            }
            x[i] = s / l[i][i];
        }
        return x;
    }

    static double[] add(double[] a, double[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] + b[i];
        }
        return out;
    }

    public static double[] softmax(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : logits) {
            max = Math.max(max, v);
        }
        double z = 0;
        double[] p = new double[logits.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            z += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= z;
        }
        return p;
    }

    public static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Deterministic standard normals (SplitMix64 + Box-Muller), the same on the JVM and in TeaVM. */
    public static final class Gaussian {
        private long state;
        private double spare = Double.NaN;

        public Gaussian(long seed) {
            state = seed;
        }

        /** Uniform in (0, 1). */
        public double uniform() {
            state += 0x9E3779B97F4A7C15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z = z ^ (z >>> 31);
            return ((z >>> 11) + 0.5) / (double) (1L << 53);
        }

        public double next() {
            if (!Double.isNaN(spare)) {
                double s = spare;
                spare = Double.NaN;
                return s;
            }
            double r = Math.sqrt(-2 * Math.log(uniform())), t = 2 * Math.PI * uniform();
            spare = r * Math.sin(t);
            return r * Math.cos(t);
        }
    }

    private static double[][] matrix(Tensor t) {
        int r = t.shape()[0], c = t.shape()[1];
        double[][] out = new double[r][c];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                out[i][j] = t.data()[i * c + j];
            }
        }
        return out;
    }

    private static double[] vector(Tensor t) {
        double[] out = new double[t.data().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.data()[i];
        }
        return out;
    }

    private static double[][][] layers(Map<String, Tensor> w, int n, String name) {
        double[][][] out = new double[n][][];
        for (int l = 0; l < n; l++) {
            out[l] = matrix(w.get("blocks." + l + ".mlp." + name));
        }
        return out;
    }

    private static double[][] vectors(Map<String, Tensor> w, int n, String name) {
        double[][] out = new double[n][];
        for (int l = 0; l < n; l++) {
            out[l] = vector(w.get("blocks." + l + ".mlp." + name));
        }
        return out;
    }
}
