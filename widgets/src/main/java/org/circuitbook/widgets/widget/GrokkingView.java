package org.circuitbook.widgets.widget;

import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.data.ModularPairs;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.weights.Json;

/**
 * The grokking widget's drawing (Nanda et al. 2023, "Progress measures for grokking via mechanistic
 * interpretability"): the training run of the modular-addition transformer read from the metrics the build
 * recorded, with a cursor on one checkpoint.
 * <ul>
 *   <li>loss curves (log scale) against the training step: train loss at every step, train and test loss, excluded and restricted
 *       loss at each checkpoint, and the three phases shaded (a heuristic on the recorded accuracies:
 *       memorisation until train accuracy first reaches 0.99, circuit formation until test accuracy first
 *       reaches 0.5, cleanup after);
 *   <li>the Fourier spectrum of W_E at the cursor (norm per frequency; the final key frequencies marked);
 *   <li>for inputs a and b, the model's logits over c at that checkpoint (the answer marked) and the
 *       strongest frequencies of that logit vector, and whether (a, b) is one of the pairs the model trained on
 *       (the split recomputed from the spec in the file's header, {@link ModularPairs}).
 * </ul>
 */
public final class GrokkingView {
    public static final int WIDTH = 640;
    public static final int HEIGHT = 620;
    private static final double LEFT = 48;
    private static final double PLOT_W = WIDTH - LEFT - 16;
    /** The narrow arrangement's height ({@link Arrangement}): the same three plots, each the drawing's width. */
    public static final int NARROW_HEIGHT = 680;
    private static final double N_LEFT = 40;
    private static final double N_PLOT_W = Arrangement.NARROW_WIDTH - N_LEFT - 8;
    /** The loss plot's box, {left, top, width, height}: wide, and narrow (the phase labels' band is above it). */
    private static final double[] CURVES = {LEFT, 40, PLOT_W, 196};
    private static final double[] N_CURVES = {N_LEFT, 68, N_PLOT_W, 148};

    private GrokkingView() {
    }

    /**
     * The recorded run: one row per checkpoint (final last), the per-step train loss, the key frequencies, and which
     * pairs {@code a * p + b} were trained on (null when not known).
     */
    public record Run(int p, List<Map<?, ?>> rows, double[] perStep, int[] keys, boolean[] train) {
        public Run(int p, List<Map<?, ?>> rows, double[] perStep, int[] keys) {
            this(p, rows, perStep, keys, null);
        }

        /** "(a, b) is a training pair" or "(a, b) is a held-out test pair"; null when the split is not known. */
        public String pairKind(int a, int b) {
            if (train == null || a < 0 || b < 0 || a >= p || b >= p) {
                return null;
            }
            return "(" + a + ", " + b + ") is a " + (train[a * p + b] ? "training pair" : "held-out test pair");
        }

        public int size() {
            return rows.size();
        }

        public int step(int i) {
            return number(rows.get(i), "step").intValue();
        }

        public double value(int i, String key) {
            return number(rows.get(i), key).doubleValue();
        }

        /** The checkpoint index where memorisation ends (train accuracy first >= 0.99), or the last. */
        public int memorised() {
            return first("train_accuracy", 0.99);
        }

        /** The checkpoint index where cleanup starts (test accuracy first >= 0.5), or the last. */
        public int generalising() {
            return first("test_accuracy", 0.5);
        }

        private int first(String key, double at) {
            for (int i = 0; i < rows.size(); i++) {
                if (value(i, key) >= at) {
                    return i;
                }
            }
            return rows.size() - 1;
        }
    }

    /** The run recorded in a final modular-addition file's metrics (a parsed JSON object). */
    public static Run fromMetrics(Map<?, ?> metrics, int p) {
        List<Map<?, ?>> rows = new java.util.ArrayList<>();
        for (Object row : (List<?>) metrics.get("checkpoints")) {
            rows.add((Map<?, ?>) row);
        }
        rows.add(metrics);
        List<?> steps = (List<?>) metrics.get("train_loss_per_step");
        double[] perStep = new double[steps == null ? 0 : steps.size()];
        for (int i = 0; i < perStep.length; i++) {
            perStep[i] = ((Number) steps.get(i)).doubleValue();
        }
        List<?> keys = (List<?>) metrics.get("key_frequencies");
        int[] k = new int[keys == null ? 0 : keys.size()];
        for (int i = 0; i < k.length; i++) {
            k[i] = ((Number) keys.get(i)).intValue();
        }
        return new Run(p, rows, perStep, k);
    }

    /**
     * The run recorded in a final modular-addition file, from its header's metadata: the metrics, and the train split
     * recomputed ({@link ModularPairs}) from the spec's {@code train_fraction} and {@code data_seed} (left unknown when
     * the spec lacks them or the recomputed split's size is not the recorded {@code train_size}).
     */
    public static Run fromFile(Map<String, String> metadata, int p) {
        Map<?, ?> metrics = (Map<?, ?>) Json.parse(metadata.get("metrics"));
        Run run = fromMetrics(metrics, p);
        String fraction = specValue(metadata.get("spec"), "train_fraction");
        String seed = specValue(metadata.get("spec"), "data_seed");
        if (fraction == null || seed == null || !(metrics.get("train_size") instanceof Number size)) {
            return run;
        }
        try {
            double f = Double.parseDouble(fraction);
            long s = Long.parseLong(seed);
            if (ModularPairs.trainSize(p, f) != size.intValue()) {
                return run;
            }
            return new Run(p, run.rows(), run.perStep(), run.keys(), ModularPairs.trainMask(p, f, s));
        } catch (NumberFormatException e) {
            return run;
        }
    }

    /** The value of {@code key} in a canonical spec (lines {@code key=value}), or null. */
    private static String specValue(String spec, String key) {
        if (spec == null) {
            return null;
        }
        for (String line : spec.split("\n")) {
            if (line.startsWith(key + "=")) {
                return line.substring(key.length() + 1).strip();
            }
        }
        return null;
    }

    private static Number number(Map<?, ?> map, String key) {
        Object v = map.get(key);
        if (!(v instanceof Number)) {
            throw new IllegalArgumentException("grokking metrics have no number \"" + key + "\"");
        }
        return (Number) v;
    }

    /** The logits over c of {@code model} for "a b =": [p]. */
    public static double[] logits(HookedTransformer model, int a, int b, int p) {
        Tensor out = model.forward(new int[] {a, b, p});
        double[] l = new double[p];
        for (int c = 0; c < p; c++) {
            l[c] = out.get(2, c);
        }
        return l;
    }

    /** The norm of each frequency k = 0..p/2 of a vector over Z_p (cos and sin together), orthonormal basis. */
    public static double[] spectrum(double[] v) {
        int p = v.length;
        double[] out = new double[p / 2 + 1];
        for (int k = 0; k < out.length; k++) {
            double c = 0;
            double s = 0;
            for (int x = 0; x < p; x++) {
                c += v[x] * Math.cos(2 * Math.PI * k * x / p);
                s += v[x] * Math.sin(2 * Math.PI * k * x / p);
            }
            boolean alone = k == 0 || 2 * k == p;
            out[k] = alone ? Math.abs(c) / Math.sqrt(p) : Math.sqrt(2.0 / p) * Math.hypot(c, s);
        }
        return out;
    }

    /**
     * Paints the run with the cursor on checkpoint {@code at}; {@code logits} may be null (not loaded). Narrow, the
     * titles wrap, the labels are 11 px and the legend takes two rows.
     */
    public static void paint(Painter g, Run run, int at, int a, int b, double[] logits) {
        if (g.narrow()) {
            Arrangement.begin(g, Arrangement.NARROW_WIDTH, NARROW_HEIGHT);
            g.panel("losses", 0, 0, Arrangement.NARROW_WIDTH, 296);
            paintCurves(g, run, at, true);
            g.panel("spectrum", 0, 300, Arrangement.NARROW_WIDTH, 182);
            paintSpectrum(g, run, at, 312, 100, true);
            g.panel("logits", 0, 486, Arrangement.NARROW_WIDTH, NARROW_HEIGHT - 486);
            paintLogits(g, run, a, b, logits, 496, 90, true);
            return;
        }
        Arrangement.begin(g, WIDTH, HEIGHT);
        g.panel("losses", 0, 0, WIDTH, 290);
        paintCurves(g, run, at, false);
        g.panel("spectrum", 0, 292, WIDTH, 158);
        paintSpectrum(g, run, at, 300, 118, false);
        g.panel("logits", 0, 454, WIDTH, HEIGHT - 454);
        paintLogits(g, run, a, b, logits, 462, 110, false);
    }

    /**
     * The checkpoint nearest to {@code x} on the loss plot's step axis (in the arrangement's logical units): where a
     * click or a drag on the chart scrubs to.
     */
    public static int checkpointAt(Run run, boolean narrow, double x) {
        double[] box = narrow ? N_CURVES : CURVES;
        double step = (x - box[0]) / box[2] * run.step(run.size() - 1);
        int best = 0;
        for (int i = 1; i < run.size(); i++) {
            if (Math.abs(run.step(i) - step) < Math.abs(run.step(best) - step)) {
                best = i;
            }
        }
        return best;
    }

    /** Whether ({@code x}, {@code y}) is on the loss chart: the plot, its phase labels and its step axis. */
    public static boolean onCurves(boolean narrow, double x, double y) {
        double[] box = narrow ? N_CURVES : CURVES;
        return x >= box[0] - 8 && x <= box[0] + box[2] + 8 && y >= box[1] - (narrow ? 28 : 14)
                && y <= box[1] + box[3] + 16;
    }

    /** A title: one line wide; narrow, wrapped, its first line at {@code y}; the number of lines. */
    private static int title(Painter g, String text, double y, boolean narrow) {
        if (narrow) {
            return Arrangement.text(g, text, Arrangement.NARROW_WIDTH / 2.0, y, Arrangement.NARROW_WIDTH - 6, 15,
                    Theme.ink(), 12, "center");
        }
        g.text(text, WIDTH / 2.0, y, Theme.ink(), 12, "center");
        return 1;
    }

    private static double logY(double loss, double top, double h) {
        double lo = Math.log10(1e-4);
        double hi = Math.log10(30);
        double v = Math.log10(Math.max(1e-4, Math.min(30, loss)));
        return top + h * (hi - v) / (hi - lo);
    }

    private static void paintCurves(Painter g, Run run, int at, boolean narrow) {
        int last = run.step(run.size() - 1);
        double[] box = narrow ? N_CURVES : CURVES;
        double x0 = box[0];
        double pt = box[1];
        double PLOT_W = box[2];
        double h = box[3];
        double LEFT = x0;
        int small = narrow ? Arrangement.MIN_TEXT_PX : 9;
        title(g, "Loss (log scale) by training step: train, test, excluded, restricted", narrow ? 12 : 14, narrow);
        // the phases: shaded from a band above the plot, their labels in that band (one row wide, two narrow), where
        // no curve runs; a label centred over its phase where it fits, else moved along (or down a row) to keep clear
        int mem = run.memorised();
        int gen = run.generalising();
        double xm = x0 + PLOT_W * run.step(mem) / last;
        double xg = x0 + PLOT_W * run.step(gen) / last;
        int rows = narrow ? 2 : 1;
        double rowH = narrow ? 13 : 12;
        double bandTop = pt - rows * rowH - 2;
        String[] phases = {"memorisation", "circuit formation", "cleanup"};
        double[] from = {x0, xm, xg};
        double[] to = {xm, xg, x0 + PLOT_W};
        for (int i = 0; i < phases.length; i++) {
            g.fillRect(from[i], bandTop, to[i] - from[i], pt + h - bandTop, Theme.phase(i));
        }
        double[] rowEnd = new double[rows];
        java.util.Arrays.fill(rowEnd, Double.NEGATIVE_INFINITY);
        double gap = 6;
        for (int i = 0; i < phases.length; i++) {
            double w = Arrangement.textWidth(phases[i], small);
            double want = Math.max(x0, Math.min(x0 + PLOT_W - w, (from[i] + to[i]) / 2 - w / 2));
            int row = -1;
            for (int r = 0; r < rows && row < 0; r++) {
                if (want >= rowEnd[r] + gap) {
                    row = r;
                }
            }
            if (row < 0) { // no row has room there: the first row's next free place
                row = 0;
                for (int r = 1; r < rows; r++) {
                    row = rowEnd[r] < rowEnd[row] ? r : row;
                }
                want = rowEnd[row] + gap;
            }
            rowEnd[row] = want + w;
            g.text(phases[i], want, bandTop + 1 + rowH * (row + 0.5), Theme.ink(), small, "left");
        }
        for (double tick : new double[] {10, 1, 0.1, 0.01, 0.001, 0.0001}) {
            double y = logY(tick, pt, h);
            g.line(x0 - 3, y, x0, y, Theme.muted(), 1);
            g.text(tick >= 1 ? Fmt.fixed(tick, 0) : tick >= 0.01 ? Fmt.fixed(tick, 2) : tick >= 0.001 ? "0.001" : "1e-4",
                    x0 - 5, y, Theme.muted(), small, "right");
        }
        int stride = Math.max(1, run.perStep().length / 300); // at most ~300 segments: the plot is ~570 px wide
        for (int s = stride; s < run.perStep().length; s += stride) {
            g.line(x0 + PLOT_W * (s - stride + 1) / last, logY(run.perStep()[s - stride], pt, h),
                    x0 + PLOT_W * (s + 1) / last, logY(run.perStep()[s], pt, h), Theme.faintBlue(), 1);
        }
        String[] keys = {"train_loss", "test_loss", "excluded_loss", "restricted_loss"};
        String[] colours = {Theme.blue(), Theme.red(), Theme.brown(), Theme.green()};
        for (int k = 0; k < keys.length; k++) {
            for (int i = 1; i < run.size(); i++) {
                g.line(x0 + PLOT_W * run.step(i - 1) / last, logY(run.value(i - 1, keys[k]), pt, h),
                        x0 + PLOT_W * run.step(i) / last, logY(run.value(i, keys[k]), pt, h), colours[k], 2);
            }
        }
        double cx = x0 + PLOT_W * run.step(at) / last;
        g.line(cx, pt, cx, pt + h, Theme.ink(), 1.5);
        g.line(x0, pt + h, x0 + PLOT_W, pt + h, Theme.muted(), 1);
        // the step axis: round steps, as many as keep their numbers apart (the last number kept inside the drawing)
        double right = (narrow ? Arrangement.NARROW_WIDTH : WIDTH) - 2;
        double need = Arrangement.textWidth(Integer.toString(last), small) + (narrow ? 16 : 24);
        int every = niceStep(last, PLOT_W, need);
        for (int s = 0; s <= last; s += every) {
            double x = x0 + PLOT_W * s / last;
            g.line(x, pt + h, x, pt + h + 3, Theme.muted(), 1);
            String label = Integer.toString(s);
            double half = Arrangement.textWidth(label, small) / 2;
            g.text(label, Math.min(x, right - half), pt + h + (narrow ? 10 : 9), Theme.muted(), small, "center");
        }
        String status = "step " + run.step(at) + ": train " + Fmt.fixed(run.value(at, "train_loss"), 3) + " / test "
                + Fmt.fixed(run.value(at, "test_loss"), 3) + " loss; accuracy train "
                + Fmt.fixed(run.value(at, "train_accuracy"), 3) + " / test " + Fmt.fixed(run.value(at, "test_accuracy"), 3);
        String[] names = {"train", "test", "excluded", "restricted"};
        if (narrow) { // the status on two lines, the legend in two rows of two
            Arrangement.text(g, status, Arrangement.NARROW_WIDTH / 2.0, pt + h + 26, Arrangement.NARROW_WIDTH - 6, 14,
                    Theme.ink(), small, "center");
            for (int k = 0; k < names.length; k++) {
                double lx = 40 + (k % 2) * 130;
                double ly = pt + h + 56 + (k / 2) * 15;
                g.line(lx, ly, lx + 18, ly, colours[k], 3);
                g.text(names[k], lx + 22, ly, Theme.muted(), small, "left");
            }
            return;
        }
        g.text(status, WIDTH / 2.0, pt + h + 26, Theme.ink(), 11, "center");
        double ly = pt + h + 42;
        for (int k = 0; k < names.length; k++) {
            double lx = LEFT + 60 + k * 130;
            g.line(lx, ly, lx + 18, ly, colours[k], 3);
            g.text(names[k], lx + 22, ly, Theme.muted(), 10, "left");
        }
    }

    /** The smallest of 1, 2, 5 x 10^k steps between ticks over {@code 0..last} that keeps them {@code need} apart. */
    static int niceStep(int last, double width, double need) {
        for (int scale = 1; ; scale *= 10) {
            for (int m : new int[] {1, 2, 5}) {
                int step = m * scale;
                if (step >= last || width * step / last >= need) {
                    return Math.max(1, step);
                }
            }
        }
    }

    private static void paintSpectrum(Painter g, Run run, int at, double top, double h, boolean narrow) {
        List<?> norms = (List<?>) run.rows().get(at).get("fourier_norms");
        double LEFT = narrow ? N_LEFT : GrokkingView.LEFT;
        double PLOT_W = narrow ? N_PLOT_W : GrokkingView.PLOT_W;
        if (narrow) { // the title, and under it what the bars are, on up to two lines
            title(g, "Fourier spectrum of W_E at step " + run.step(at), top, true);
            Arrangement.text(g, "norm per frequency k; key ones dark", Arrangement.NARROW_WIDTH / 2.0, top + 15,
                    Arrangement.NARROW_WIDTH - 6, 14, Theme.muted(), Arrangement.MIN_TEXT_PX, "center");
            top += 32;
        } else {
            title(g, "Fourier spectrum of W_E at step " + run.step(at) + " (norm per frequency k; key frequencies dark)",
                    top, false);
        }
        double max = 1e-9;
        for (Object n : norms) {
            max = Math.max(max, ((Number) n).doubleValue());
        }
        double bar = PLOT_W / norms.size();
        double base = top + 12 + h;
        // narrow: labels of 11 px; a key frequency's always (on a second line when its neighbour's is in the way), every
        // fifth where it keeps clear of them
        double need = Arrangement.textWidth("00", Arrangement.MIN_TEXT_PX) + 3;
        List<Double> placed = new java.util.ArrayList<>();
        for (int k = 0; k < norms.size(); k++) {
            double v = ((Number) norms.get(k)).doubleValue() / max * h;
            boolean key = false;
            for (int kk : run.keys()) {
                key |= kk == k;
            }
            g.fillRect(LEFT + k * bar + 1, base - v, bar - 2, v, key ? Theme.strongBar() : Theme.weakBar());
            if (!narrow && (key || k % 5 == 0)) {
                g.text(Integer.toString(k), LEFT + (k + 0.5) * bar, base + 8, key ? Theme.ink() : Theme.muted(), 9, "center");
            }
            if (narrow && key) {
                double x = LEFT + (k + 0.5) * bar;
                boolean clear = placed.isEmpty() || x - placed.get(placed.size() - 1) >= need;
                g.text(Integer.toString(k), x, base + 8 + (clear ? 0 : 12), Theme.ink(), Arrangement.MIN_TEXT_PX, "center");
                if (clear) {
                    placed.add(x);
                }
            }
        }
        if (narrow) {
            for (int k = 0; k < norms.size(); k += 5) {
                double x = LEFT + (k + 0.5) * bar;
                boolean clear = true;
                for (int kk : run.keys()) {
                    clear &= Math.abs(LEFT + (kk + 0.5) * bar - x) >= need;
                }
                if (clear) {
                    g.text(Integer.toString(k), x, base + 8, Theme.muted(), Arrangement.MIN_TEXT_PX, "center");
                }
            }
        }
        g.line(LEFT, base, LEFT + PLOT_W, base, Theme.muted(), 1);
    }

    private static void paintLogits(Painter g, Run run, int a, int b, double[] logits, double top, double h,
                                    boolean narrow) {
        int p = run.p();
        int answer = (a + b) % p;
        double LEFT = narrow ? N_LEFT : GrokkingView.LEFT;
        double PLOT_W = narrow ? N_PLOT_W : GrokkingView.PLOT_W;
        int small = narrow ? Arrangement.MIN_TEXT_PX : 9;
        double middle = narrow ? Arrangement.NARROW_WIDTH / 2.0 : WIDTH / 2.0;
        double mid = top + 12 + h / 2 + (narrow ? 32 : 0); // narrow: below the title's three lines
        String kind = run.pairKind(a, b);
        // under the plot: what the axis is, and whether the model trained on this pair
        String caption = "c = 0 ... " + (p - 1) + " (red: the answer, " + answer + ")";
        if (narrow) {
            g.text(caption, middle, mid + h / 2 + 26, Theme.muted(), small, "center");
            if (kind != null) {
                Arrangement.text(g, kind, middle, mid + h / 2 + 40, Arrangement.NARROW_WIDTH - 6, 14, Theme.ink(), small,
                        "center");
            }
        } else {
            g.text(caption, LEFT, mid + h / 2 + 25, Theme.muted(), 10, "left");
            if (kind != null) {
                g.text(kind, LEFT + PLOT_W, mid + h / 2 + 25, Theme.ink(), 11, "right");
            }
        }
        if (logits == null) {
            String loading = "Loading this checkpoint's weights for the logits of " + a + " + " + b + " ...";
            if (narrow) {
                Arrangement.text(g, loading, middle, top + h / 2, Arrangement.NARROW_WIDTH - 6, 15, Theme.muted(), 12,
                        "center");
            } else {
                g.text(loading, WIDTH / 2.0, top + h / 2, Theme.muted(), 12, "center");
            }
            return;
        }
        int best = 0;
        double max = Double.NEGATIVE_INFINITY;
        double min = Double.POSITIVE_INFINITY;
        for (int c = 0; c < p; c++) {
            if (logits[c] > logits[best]) {
                best = c;
            }
            max = Math.max(max, logits[c]);
            min = Math.min(min, logits[c]);
        }
        title(g, "Logits for " + a + " + " + b + " (mod " + p + "): predicts " + best + (best == answer ? " (correct)"
                : ", answer " + answer) + "; strongest frequencies " + topFrequencies(logits, 3), top, narrow);
        double range = Math.max(1e-9, Math.max(Math.abs(max), Math.abs(min)));
        double bar = PLOT_W / p;
        for (int c = 0; c < p; c++) {
            double v = logits[c] / range * h / 2;
            String colour = c == answer ? Theme.red() : Theme.faintBlue();
            g.fillRect(LEFT + c * bar + 0.5, v >= 0 ? mid - v : mid, Math.max(1, bar - 1), Math.abs(v), colour);
        }
        g.line(LEFT, mid, LEFT + PLOT_W, mid, Theme.muted(), 1);
        g.text(Fmt.fixed(range, 1), LEFT - 4, mid - h / 2, Theme.muted(), small, "right");
        g.text("-" + Fmt.fixed(range, 1), LEFT - 4, mid + h / 2, Theme.muted(), small, "right");
        // the x axis: every 10th residue (those clear of the answer's number), and the answer in red
        double axis = mid + h / 2 + (narrow ? 10 : 9);
        double need = Arrangement.textWidth("00", small) + 10;
        double xAnswer = LEFT + (answer + 0.5) * bar;
        for (int c = 0; c < p; c += 10) {
            double x = LEFT + (c + 0.5) * bar;
            g.line(x, mid + h / 2, x, mid + h / 2 + 3, Theme.muted(), 1);
            if (c != answer && Math.abs(x - xAnswer) >= need) {
                g.text(Integer.toString(c), x, axis, Theme.muted(), small, "center");
            }
        }
        g.line(xAnswer, mid + h / 2, xAnswer, mid + h / 2 + 3, Theme.red(), 1.5);
        g.text(Integer.toString(answer), xAnswer, axis, Theme.red(), narrow ? small : 10, "center");
    }

    /** The {@code n} non-constant frequencies with the largest norm in {@code v}, as "k1, k2, k3". */
    public static String topFrequencies(double[] v, int n) {
        double[] s = spectrum(v);
        StringBuilder out = new StringBuilder();
        boolean[] used = new boolean[s.length];
        for (int i = 0; i < n; i++) {
            int best = -1;
            for (int k = 1; k < s.length; k++) {
                if (!used[k] && (best < 0 || s[k] > s[best])) {
                    best = k;
                }
            }
            if (best < 0) {
                break;
            }
            used[best] = true;
            out.append(i == 0 ? "" : ", ").append(best);
        }
        return out.toString();
    }

    /**
     * A text alternative for the figure at checkpoint {@code at}: the accuracies and losses at that step (the
     * restricted and excluded losses to three significant figures, as the loss chart's log scale needs), the phases,
     * the spectrum of W_E (the key frequencies' norms against the others', and their share of its squared norm), and
     * for a + b the prediction and the strongest frequencies of the logits (the logit panel's title) once loaded.
     */
    public static String describe(Run run, int at, int a, int b, double[] logits) {
        String s = "Training run of the modular-addition transformer (p = " + run.p() + "), at step " + run.step(at)
                + " of " + run.step(run.size() - 1) + ": train accuracy " + Fmt.fixed(run.value(at, "train_accuracy"), 3)
                + ", test accuracy " + Fmt.fixed(run.value(at, "test_accuracy"), 3) + ", test loss "
                + Fmt.fixed(run.value(at, "test_loss"), 3) + lossesText(run, at) + ". Memorisation ends at step "
                + run.step(run.memorised()) + " and cleanup starts at step " + run.step(run.generalising()) + "."
                + spectrumText(run, at);
        if (logits != null) {
            int best = 0;
            for (int c = 1; c < logits.length; c++) {
                if (logits[c] > logits[best]) {
                    best = c;
                }
            }
            s += " For " + a + " + " + b + " the model predicts " + best + " (answer " + (a + b) % run.p()
                    + "); the strongest frequencies of its logits are " + topFrequencies(logits, 3) + ".";
        }
        String kind = run.pairKind(a, b);
        return kind == null ? s : s + " " + kind + (run.train()[a * run.p() + b] ? ": the model was trained on it."
                : ": the model never trained on it.");
    }

    /** ", train loss T, restricted loss R, excluded loss E" for the losses the checkpoint's row records. */
    private static String lossesText(Run run, int at) {
        StringBuilder s = new StringBuilder();
        for (String key : List.of("train_loss", "restricted_loss", "excluded_loss")) {
            if (run.rows().get(at).get(key) instanceof Number n) {
                s.append(", ").append(key.replace('_', ' ')).append(" ").append(Fmt.significant(n.doubleValue(), 3));
            }
        }
        return s.toString();
    }

    /**
     * " W_E's Fourier spectrum: the key frequencies 26, 24, 12, 8 and 11 have norms from x to y, the other 24 from u to
     * v; the key frequencies hold N% of its squared norm (constant included)." Empty when the row has no spectrum or
     * the run no key frequencies.
     */
    private static String spectrumText(Run run, int at) {
        if (!(run.rows().get(at).get("fourier_norms") instanceof List<?> list) || run.keys().length == 0) {
            return "";
        }
        double[] norms = new double[list.size()];
        double total = 0;
        for (int k = 0; k < norms.length; k++) {
            norms[k] = ((Number) list.get(k)).doubleValue();
            total += norms[k] * norms[k];
        }
        boolean[] key = new boolean[norms.length];
        double kept = 0;
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < run.keys().length; i++) {
            int k = run.keys()[i];
            if (k <= 0 || k >= norms.length) {
                return "";
            }
            key[k] = true;
            kept += norms[k] * norms[k];
            names.append(i == 0 ? "" : i == run.keys().length - 1 ? " and " : ", ").append(k);
        }
        double keyMin = Double.POSITIVE_INFINITY;
        double keyMax = 0;
        double otherMin = Double.POSITIVE_INFINITY;
        double otherMax = 0;
        int others = 0;
        for (int k = 1; k < norms.length; k++) {
            if (key[k]) {
                keyMin = Math.min(keyMin, norms[k]);
                keyMax = Math.max(keyMax, norms[k]);
            } else {
                otherMin = Math.min(otherMin, norms[k]);
                otherMax = Math.max(otherMax, norms[k]);
                others++;
            }
        }
        String s = " W_E's Fourier spectrum: the key " + (run.keys().length == 1 ? "frequency " : "frequencies ") + names
                + (run.keys().length == 1 ? " has norm " + Fmt.fixed(keyMax, 2) : " have norms from " + Fmt.fixed(keyMin, 2)
                + " to " + Fmt.fixed(keyMax, 2));
        if (others > 0) {
            s += ", the other " + others + " from " + Fmt.fixed(otherMin, 2) + " to " + Fmt.fixed(otherMax, 2);
        }
        return s + "; the key " + (run.keys().length == 1 ? "frequency holds " : "frequencies hold ")
                + Fmt.fixed(total == 0 ? 0 : 100 * kept / total, 0) + "% of its squared norm (constant included).";
    }
}
