package org.circuitbook.widgets.model;

import java.util.Map;
import org.circuitbook.widgets.data.Othello;
import org.circuitbook.widgets.tensor.Tensor;

/**
 * The Othello world model (kind {@code othello}): a {@link HookedTransformer} that reads a game's moves and predicts
 * the legal next moves, with the linear probes and steering directions the build trained on its residual stream.
 *
 * <p>Stages: stage 0 is the embedded stream ({@code blocks.0.hook_resid_pre}), stage {@code l + 1} the stream after
 * block l ({@code blocks.l.hook_resid_post}). Position t of a game holds the board after move t.
 *
 * <p>Probes are least-squares linear maps (ridge, see {@link #fitProbe}) from the stream at one stage to one-hot
 * targets, three per square: {@code probe.LABELLING.resid_S.W} [d_model, squares * 3] and {@code .b} [squares * 3];
 * a square reads as the class with the largest score among its three. Labellings: {@code colour} (0 empty, 1 black,
 * 2 white) and {@code relative} (0 empty, 1 mine, 2 theirs, relative to the player who moves next).
 *
 * <p>Intervention rule ({@link #edit}), after Li et al. (2023) and Nanda et al. (2023): at the last position, with
 * the relative probe at the stage, let {@code u = W[:, sq*3+new] - W[:, sq*3+old]} (old = the class the probe reads
 * now) and {@code g} the current score gap (new minus old, biases included); the stream moves along u to
 * {@code r + ((MARGIN - g) / |u|^2) u}, so that afterwards the new class leads the old by exactly {@link #MARGIN}
 * (least-squares targets are 0/1: two units is a confident reading; on othello-4x4 at stage 1 margins 1, 2, 4, 8 gave error ratios 0.93, 0.86, 0.84, 0.87) and nothing orthogonal to u changes.
 */
public final class OthelloModel {
    /** The score gap by which an edited square reads its new class. */
    public static final float MARGIN = 2f;
    /** Ridge penalty of the least-squares probes (not applied to the bias). */
    public static final double RIDGE = 1.0;

    private final HookedTransformer model;
    private final Othello game;
    private final Map<String, Tensor> tensors;

    public OthelloModel(HookedTransformer model, Othello game, Map<String, Tensor> tensors) {
        this.model = model;
        this.game = game;
        this.tensors = tensors;
    }

    /**
     * A published {@code othello} file: the transformer (the TransformerLens parameters) and every other tensor
     * (the probes and directions); the board size from the vocabulary (n * n - 4 tokens).
     */
    public static OthelloModel load(org.circuitbook.widgets.weights.SafeTensors file) {
        TransformerConfig cfg = TransformerConfig.fromJson(file.metadata().get(HookedTransformer.CONFIG_KEY));
        Map<String, Tensor> weights = new java.util.LinkedHashMap<>();
        for (String name : HookedTransformer.parameterShapes(cfg).keySet()) {
            weights.put(name, file.tensor(name));
        }
        int n = 4;
        while (n * n - 4 < cfg.d_vocab()) {
            n += 2;
        }
        return new OthelloModel(new HookedTransformer(cfg, weights), new Othello(n), file.tensors());
    }

    /** A probe or direction tensor by name, or null. */
    public Tensor probeTensor(String name) {
        return tensors.get(name);
    }

    public HookedTransformer transformer() {
        return model;
    }

    public Othello game() {
        return game;
    }

    /** The number of stages, n_layers + 1. */
    public int stages() {
        return model.cfg().n_layers() + 1;
    }

    /** The hook point of a stage. */
    public static String stageHook(int stage) {
        return stage == 0 ? "blocks.0.hook_resid_pre" : "blocks." + (stage - 1) + ".hook_resid_post";
    }

    /** The probe tensor name, e.g. {@code probe.relative.resid_1.W}. */
    public static String probeName(String labelling, int stage, String part) {
        return "probe." + labelling + ".resid_" + stage + "." + part;
    }

    /** The steering tensor name {@code steer.resid_S.mine_minus_theirs}. */
    public static String steerName(int stage) {
        return "steer.resid_" + stage + ".mine_minus_theirs";
    }

    /** The SAE steering tensor name {@code steer.resid_S.sae}: per square, its SAE latent's decoder direction. */
    public static String saeName(int stage) {
        return "steer.resid_" + stage + ".sae";
    }

    /** The logits of every position, [pos][vocab]. */
    public float[][] legalLogits(int[] tokens) {
        return rows(model.forward(tokens));
    }

    /** The logits with {@code hook} applied. */
    public float[][] legalLogits(int[] tokens, Hook hook) {
        return rows(model.forward(tokens, hook));
    }

    /** The residual stream at a stage, [pos][d_model]. */
    public float[][] resid(int[] tokens, int stage) {
        return rows(model.runWithCache(tokens).get(stageHook(stage)));
    }

    /** One run's last position: its logits, and its residual stream at each stage ([stage][d_model]). */
    public record LastPosition(float[] logits, float[][] resid) {
    }

    /** The logits and the stage residuals at the last position, from one forward pass. */
    public LastPosition lastPosition(int[] tokens) {
        ActivationCache cache = new ActivationCache();
        float[][] logits = rows(model.forward(tokens, cache));
        int last = tokens.length - 1;
        float[][] resid = new float[stages()][];
        for (int s = 0; s < resid.length; s++) {
            resid[s] = rows(cache.get(stageHook(s)))[last];
        }
        return new LastPosition(logits[last], resid);
    }

    /** The classes the {@code labelling} probe at {@code stage} reads from one stream vector {@code r}. */
    public int[] readout(float[] r, String labelling, int stage) {
        return readout(tensors.get(probeName(labelling, stage, "W")), tensors.get(probeName(labelling, stage, "b")), r,
                game.squares());
    }

    /** The classes a probe reads at each position, [pos][square]. */
    public int[][] probeReadout(int[] tokens, String labelling, int stage) {
        float[][] r = resid(tokens, stage);
        int[][] out = new int[r.length][];
        for (int p = 0; p < r.length; p++) {
            out[p] = readout(r[p], labelling, stage);
        }
        return out;
    }

    /** The classes probe (W, b) reads from one stream vector. */
    public static int[] readout(Tensor w, Tensor b, float[] r, int squares) {
        int[] out = new int[squares];
        for (int sq = 0; sq < squares; sq++) {
            int best = 0;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < 3; c++) {
                double s = score(w, b, r, sq * 3 + c);
                if (s > max) {
                    max = s;
                    best = c;
                }
            }
            out[sq] = best;
        }
        return out;
    }

    private static double score(Tensor w, Tensor b, float[] r, int col) {
        double s = b.get(col);
        for (int m = 0; m < r.length; m++) {
            s += r[m] * w.get(m, col);
        }
        return s;
    }

    /**
     * The last position's logits after the intervention of the class comment: square {@code square} made to read
     * {@code newClass} (relative labelling) at {@code stage}.
     */
    public float[] edit(int[] tokens, int stage, int square, int newClass) {
        return edit(tokens, stage, square, newClass, MARGIN);
    }

    /** {@link #edit(int[], int, int, int)} with another margin. */
    public float[] edit(int[] tokens, int stage, int square, int newClass, float margin) {
        Tensor w = tensors.get(probeName("relative", stage, "W"));
        Tensor b = tensors.get(probeName("relative", stage, "b"));
        String at = stageHook(stage);
        int last = tokens.length - 1;
        Hook hook = (name, value) -> {
            if (!name.equals(at)) {
                return value;
            }
            Tensor out = value.copy();
            int d = value.dim(1);
            float[] r = new float[d];
            for (int m = 0; m < d; m++) {
                r[m] = value.get(last, m);
            }
            int old = readout(w, b, r, square + 1)[square];
            if (old == newClass) {
                return out;
            }
            double gap = score(w, b, r, square * 3 + newClass) - score(w, b, r, square * 3 + old);
            double norm = 0;
            for (int m = 0; m < d; m++) {
                double u = w.get(m, square * 3 + newClass) - w.get(m, square * 3 + old);
                norm += u * u;
            }
            double step = (margin - gap) / norm;
            for (int m = 0; m < d; m++) {
                double u = w.get(m, square * 3 + newClass) - w.get(m, square * 3 + old);
                out.set(last, m, (float) (r[m] + step * u));
            }
            return out;
        };
        float[][] logits = legalLogits(tokens, hook);
        return logits[last];
    }

    /** The last position's logits with {@code alpha * direction} added to the stream at {@code stage} there. */
    public float[] steer(int[] tokens, int stage, float[] direction, float alpha) {
        String at = stageHook(stage);
        int last = tokens.length - 1;
        Hook hook = (name, value) -> {
            if (!name.equals(at)) {
                return value;
            }
            Tensor out = value.copy();
            for (int m = 0; m < direction.length; m++) {
                out.set(last, m, value.get(last, m) + alpha * direction[m]);
            }
            return out;
        };
        return legalLogits(tokens, hook)[last];
    }

    /**
     * A direction of {@code d_model}: {@code mine_minus_theirs} or {@code sae} (the square's row of the steering
     * tensor, {@link #steerName} or {@link #saeName}), or a probe's
     * {@code relative.mine}, {@code relative.theirs}, {@code colour.black} ... column for the square.
     */
    public float[] direction(String name, int stage, int square) {
        int d = model.cfg().d_model();
        float[] out = new float[d];
        if (name.equals("mine_minus_theirs") || name.equals("sae")) {
            Tensor s = tensors.get(name.equals("sae") ? saeName(stage) : steerName(stage));
            for (int m = 0; m < d; m++) {
                out[m] = s.get(square, m);
            }
            return out;
        }
        int dot = name.indexOf('.');
        String labelling = name.substring(0, dot);
        String cls = name.substring(dot + 1);
        int c = cls.equals("empty") ? 0 : cls.equals("mine") || cls.equals("black") ? 1 : 2;
        Tensor w = tensors.get(probeName(labelling, stage, "W"));
        for (int m = 0; m < d; m++) {
            out[m] = w.get(m, square * 3 + c);
        }
        return out;
    }

    /** A board's labels per square: {@code colour} as the cells, {@code relative} 0 empty, 1 mine, 2 theirs. */
    public static int[] labels(Othello.State state, String labelling) {
        int[] out = state.cells.clone();
        if (labelling.equals("relative")) {
            for (int i = 0; i < out.length; i++) {
                out[i] = out[i] == 0 ? 0 : out[i] == state.toMove ? 1 : 2;
            }
        }
        return out;
    }

    /**
     * Least squares with a ridge penalty {@link #RIDGE} (not on the bias): rows {@code x} [n][d], targets one-hot over
     * three classes per square from {@code labels} [n][squares]; returns {W [d, squares * 3], b [squares * 3]}.
     * Solves the normal equations (d + 1 unknowns) by Gaussian elimination with partial pivoting, in doubles.
     */
    public static Tensor[] fitProbe(float[][] x, int[][] labels, int squares) {
        int d = x[0].length;
        int k = d + 1;
        int cols = squares * 3;
        double[][] a = new double[k][k];
        double[][] rhs = new double[k][cols];
        double[] row = new double[k];
        for (int n = 0; n < x.length; n++) {
            accumulate(a, rhs, row, x[n], labels[n]);
        }
        for (int i = 0; i < d; i++) {
            a[i][i] += RIDGE;
        }
        double[][] sol = solve(a, rhs);
        float[] w = new float[d * cols];
        float[] b = new float[cols];
        for (int c = 0; c < cols; c++) {
            for (int m = 0; m < d; m++) {
                w[m * cols + c] = (float) sol[m][c];
            }
            b[c] = (float) sol[d][c];
        }
        return new Tensor[] {Tensor.of(w, d, cols), Tensor.of(b, cols)};
    }

    /**
     * Adds one example to the probes' normal equations: {@code a += [x, 1][x, 1]^T}, and to {@code rhs} its one-hot
     * labels (three classes per square); {@code row} is scratch of length {@code x.length + 1}.
     */
    public static void accumulate(double[][] a, double[][] rhs, double[] row, float[] x, int[] labels) {
        int d = x.length, k = d + 1;
        for (int m = 0; m < d; m++) {
            row[m] = x[m];
        }
        row[d] = 1;
        for (int i = 0; i < k; i++) {
            double ri = row[i];
            double[] ai = a[i];
            for (int j = 0; j < k; j++) {
                ai[j] += ri * row[j];
            }
            for (int sq = 0; sq < labels.length; sq++) {
                rhs[i][sq * 3 + labels[sq]] += ri;
            }
        }
    }

    /** Solves {@code a x = rhs} by Gaussian elimination with partial pivoting, in place (the probes' normal equations). */
    public static double[][] solve(double[][] a, double[][] rhs) {
        int k = a.length;
        for (int col = 0; col < k; col++) {
            int pivot = col;
            for (int r = col + 1; r < k; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            double[] t = a[col];
            a[col] = a[pivot];
            a[pivot] = t;
            t = rhs[col];
            rhs[col] = rhs[pivot];
            rhs[pivot] = t;
            for (int r = col + 1; r < k; r++) {
                double f = a[r][col] / a[col][col];
                if (f == 0) {
                    continue;
                }
                for (int j = col; j < k; j++) {
                    a[r][j] -= f * a[col][j];
                }
                for (int j = 0; j < rhs[r].length; j++) {
                    rhs[r][j] -= f * rhs[col][j];
                }
            }
        }
        double[][] x = new double[k][rhs[0].length];
        for (int r = k - 1; r >= 0; r--) {
            for (int j = 0; j < rhs[0].length; j++) {
                double s = rhs[r][j];
                for (int c = r + 1; c < k; c++) {
                    s -= a[r][c] * x[c][j];
                }
                x[r][j] = s / a[r][r];
            }
        }
        return x;
    }

    private static float[][] rows(Tensor t) {
        int n = t.dim(0);
        int d = t.dim(1);
        float[][] out = new float[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                out[i][j] = t.get(i, j);
            }
        }
        return out;
    }
}
