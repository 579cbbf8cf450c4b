package org.circuitbook.widgets.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.circuitbook.widgets.data.Lcg;
import org.circuitbook.widgets.tensor.Tensor;

/**
 * Activation patching (Meng et al. 2022, "Locating and Editing Factual Associations in GPT", section 2.1;
 * Wang et al. 2022, "Interpretability in the Wild", section 3.3; Heimersheim and Nanda 2024, "How to use and
 * interpret activation patching"): run the model on a corrupted prompt, but at one hook point (and position)
 * put back the activation the clean prompt produced there, and see how much of the clean behaviour returns.
 * This is "denoising": a location where patching restores the metric carries information the task needs.
 *
 * <p>The metric is read at the last position: the logit difference between the clean answer and the
 * corrupted answer, or the probability of the clean answer. Each patched run's metric is reported as the
 * fraction of the gap it closes, {@code (patched - corrupted) / (clean - corrupted)}: 0 is no effect, 1 full
 * recovery. Three experiments ({@link #VIEWS}):
 * <ul>
 *   <li>{@code resid}: the residual stream before each layer and after the last, one position at a time
 *       ({@code blocks.L.hook_resid_pre}, {@code blocks.L.hook_resid_post}) — layer by position;
 *   <li>{@code attn}: each layer's attention output at one position ({@code blocks.L.hook_attn_out});
 *   <li>{@code heads}: one head's output at every position ({@code blocks.L.attn.hook_z}, that head's
 *       slice) — layer by head.
 * </ul>
 * Cells are computed one patched run at a time ({@link Experiment#compute}), so a page can spread them over
 * animation frames and never freeze.
 */
public final class ActivationPatching {
    /** The experiments, by name. */
    public static final List<String> VIEWS = List.of("resid", "attn", "heads");
    /** The metrics, by name. */
    public static final List<String> METRICS = List.of("logit-diff", "probability");
    /**
     * Which way activations go: "denoise" patches each clean activation into the corrupted run (how much of the
     * clean answer it restores: what suffices), "noise" each corrupted activation into the clean run (how much of
     * it it destroys: what is necessary) [Heimersheim and Nanda 2024, "How to use and interpret activation patching"].
     */
    public static final List<String> DIRECTIONS = List.of("denoise", "noise");

    private ActivationPatching() {
    }

    /** A clean and a corrupted prompt of the same length, and the answers each should lead to. */
    public record Prompts(int[] clean, int[] corrupted, int answer, int wrong) {
        public Prompts {
            if (clean.length != corrupted.length) {
                throw new IllegalArgumentException("the clean and corrupted prompts must have the same number of "
                        + "tokens (" + clean.length + " and " + corrupted.length + ")");
            }
            if (clean.length < 2) {
                throw new IllegalArgumentException("a prompt needs at least 2 tokens");
            }
            if (answer == wrong) {
                throw new IllegalArgumentException("the clean and corrupted answers must differ");
            }
        }

        /** The positions where the prompts differ. */
        public int[] differences() {
            int n = 0;
            int[] at = new int[clean.length];
            for (int i = 0; i < clean.length; i++) {
                if (clean[i] != corrupted[i]) {
                    at[n++] = i;
                }
            }
            return Arrays.copyOf(at, n);
        }
    }

    /**
     * An induction task: {@code half} distinct random tokens A, then A again up to its token {@code cut}, so
     * the clean answer is A[cut + 1]; the corrupted prompt has another token (not in A) in that place in the
     * first half, which a model that copies what followed the earlier occurrence predicts instead.
     */
    public static Prompts inductionPrompts(Lcg random, int vocab, int half, int cut) {
        if (half < 2 || half + 1 > vocab || cut < 0 || cut + 1 >= half) {
            throw new IllegalArgumentException("need 2 <= half < vocab and 0 <= cut < half - 1, got half " + half
                    + ", cut " + cut + ", vocab " + vocab);
        }
        int[] pool = new int[vocab];
        for (int i = 0; i < vocab; i++) {
            pool[i] = i;
        }
        for (int i = 0; i < half + 1; i++) { // a partial Fisher-Yates shuffle: half + 1 distinct tokens
            int j = i + random.nextInt(vocab - i);
            int t = pool[i];
            pool[i] = pool[j];
            pool[j] = t;
        }
        int[] clean = new int[half + cut + 1];
        for (int i = 0; i < half; i++) {
            clean[i] = pool[i];
        }
        for (int i = 0; i <= cut; i++) {
            clean[half + i] = pool[i];
        }
        int[] corrupted = clean.clone();
        corrupted[cut + 1] = pool[half];
        return new Prompts(clean, corrupted, pool[cut + 1], pool[half]);
    }

    /** The metric {@code metric} ({@link #METRICS}) of the logits at the last position. */
    public static double metric(String metric, Tensor logits, int answer, int wrong) {
        int last = logits.dim(0) - 1;
        if (metric.equals("logit-diff")) {
            return logits.get(last, answer) - logits.get(last, wrong);
        }
        if (!metric.equals("probability")) {
            throw new IllegalArgumentException("unknown metric \"" + metric + "\" (known: "
                    + String.join(", ", METRICS) + ")");
        }
        int vocab = logits.dim(1);
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < vocab; j++) {
            max = Math.max(max, logits.get(last, j));
        }
        double sum = 0;
        for (int j = 0; j < vocab; j++) {
            sum += Math.exp(logits.get(last, j) - max);
        }
        return Math.exp(logits.get(last, answer) - max) / sum;
    }

    /** Starts experiment {@code view} on {@code model}: the clean and corrupted runs are done, no cell yet. */
    public static Experiment start(HookedTransformer model, Prompts prompts, String view, String metric) {
        return start(model, prompts, view, metric, "denoise", null);
    }

    /** As {@link #start(HookedTransformer, Prompts, String, String, String, Experiment)}, denoising. */
    public static Experiment start(HookedTransformer model, Prompts prompts, String view, String metric,
                                   Experiment previous) {
        return start(model, prompts, view, metric, "denoise", previous);
    }

    /**
     * As {@link #start(HookedTransformer, Prompts, String, String)}, but where {@code previous} (or null) ran
     * the same model on the same clean and corrupted tokens (only the view, the metric or the answers differ),
     * its clean and corrupted runs are reused instead of run again: the same values, without the two forward
     * passes.
     */
    public static Experiment start(HookedTransformer model, Prompts prompts, String view, String metric,
                                   String direction, Experiment previous) {
        if (!DIRECTIONS.contains(direction)) {
            throw new IllegalArgumentException("unknown patching direction \"" + direction + "\" (known: "
                    + String.join(", ", DIRECTIONS) + ")");
        }
        if (!VIEWS.contains(view)) { // before any run
            throw new IllegalArgumentException("unknown patching view \"" + view + "\" (known: "
                    + String.join(", ", VIEWS) + ")");
        }
        if (model.cfg().n_layers() < 1) {
            throw new IllegalArgumentException("a zero-layer model has no layers to patch");
        }
        if (previous != null && previous.model == model && Arrays.equals(previous.prompts.clean(), prompts.clean())
                && Arrays.equals(previous.prompts.corrupted(), prompts.corrupted())) {
            return new Experiment(model, prompts, view, metric, direction, previous.clean, previous.cleanLogits,
                    previous.corrupted, previous.corruptedLogits);
        }
        ActivationCache clean = new ActivationCache();
        Tensor cleanLogits = model.forward(prompts.clean(), clean);
        ActivationCache corrupted = new ActivationCache();
        Tensor corruptedLogits = model.forward(prompts.corrupted(), corrupted);
        return new Experiment(model, prompts, view, metric, direction, clean, cleanLogits, corrupted, corruptedLogits);
    }

    /** Runs an experiment to the end. */
    public static Experiment run(HookedTransformer model, Prompts prompts, String view, String metric) {
        return run(model, prompts, view, metric, "denoise");
    }

    /** Runs an experiment to the end, in {@code direction} ({@link #DIRECTIONS}). */
    public static Experiment run(HookedTransformer model, Prompts prompts, String view, String metric, String direction) {
        Experiment e = start(model, prompts, view, metric, direction, null);
        while (!e.done()) {
            e.computeNext();
        }
        return e;
    }

    /** One patching experiment: a grid of patched runs, filled in cell by cell. */
    public static final class Experiment {
        private final HookedTransformer model;
        private final Prompts prompts;
        private final String view;
        private final String metric;
        private final String direction;
        private final ActivationCache clean;
        private final Tensor cleanLogits;
        private final ActivationCache corrupted;
        private final Tensor corruptedLogits;
        private final double cleanValue;
        private final double corruptedValue;
        private final List<String> rowHooks = new ArrayList<>();
        private final List<String> rowLabels = new ArrayList<>();
        private final int cols;
        private final double[] values; // metric of each patched run, NaN until computed
        private int next;

        /** On the clean and the corrupted run (the activations and logits of each). */
        private Experiment(HookedTransformer model, Prompts prompts, String view, String metric, String direction,
                           ActivationCache clean, Tensor cleanLogits, ActivationCache corrupted, Tensor corruptedLogits) {
            int layers = model.cfg().n_layers();
            this.model = model;
            this.prompts = prompts;
            this.view = view;
            this.metric = metric;
            this.direction = direction;
            this.clean = clean;
            this.cleanLogits = cleanLogits;
            this.corrupted = corrupted;
            this.corruptedLogits = corruptedLogits;
            this.cleanValue = ActivationPatching.metric(metric, cleanLogits, prompts.answer(), prompts.wrong());
            this.corruptedValue = ActivationPatching.metric(metric, corruptedLogits, prompts.answer(), prompts.wrong());
            switch (view) {
                case "resid" -> {
                    for (int l = 0; l < layers; l++) {
                        rowHooks.add("blocks." + l + ".hook_resid_pre");
                        rowLabels.add("resid_pre " + l);
                    }
                    rowHooks.add("blocks." + (layers - 1) + ".hook_resid_post");
                    rowLabels.add("resid_post " + (layers - 1));
                    cols = prompts.clean().length;
                }
                case "attn" -> {
                    for (int l = 0; l < layers; l++) {
                        rowHooks.add("blocks." + l + ".hook_attn_out");
                        rowLabels.add("attn_out " + l);
                    }
                    cols = prompts.clean().length;
                }
                default -> {
                    for (int l = 0; l < layers; l++) {
                        rowHooks.add("blocks." + l + ".attn.hook_z");
                        rowLabels.add("layer " + l);
                    }
                    cols = model.cfg().n_heads();
                }
            }
            values = new double[rowHooks.size() * cols];
            Arrays.fill(values, Double.NaN);
        }

        public Prompts prompts() {
            return prompts;
        }

        public String view() {
            return view;
        }

        public String metric() {
            return metric;
        }

        /** "denoise" (clean activations into the corrupted run) or "noise" (corrupted into the clean run). */
        public String direction() {
            return direction;
        }

        /** Whether this is noising: corrupted activations patched into the clean run. */
        public boolean noising() {
            return direction.equals("noise");
        }

        public int rows() {
            return rowHooks.size();
        }

        public int cols() {
            return cols;
        }

        /** The row's name: "resid_pre 0", "attn_out 1", "layer 0". */
        public String rowLabel(int row) {
            return rowLabels.get(row);
        }

        /** The hook point patched in row {@code row}. */
        public String rowHook(int row) {
            return rowHooks.get(row);
        }

        public double cleanValue() {
            return cleanValue;
        }

        public double corruptedValue() {
            return corruptedValue;
        }

        public int cells() {
            return values.length;
        }

        public int computed() {
            return next;
        }

        public boolean done() {
            return next == values.length;
        }

        /** The patched run's metric at (row, col), NaN while not computed. */
        public double value(int row, int col) {
            return values[row * cols + col];
        }

        /**
         * The patch's effect as a fraction of the clean-corrupted gap; NaN while not computed. Denoising: the share
         * of the gap the patched corrupted run closes (1: the clean answer is back). Noising: the share the patched
         * clean run loses (1: it answers as the corrupted run does).
         */
        public double recovered(int row, int col) {
            double gap = cleanValue - corruptedValue;
            double v = value(row, col);
            if (Double.isNaN(v) || gap == 0) {
                return Double.NaN;
            }
            return noising() ? (cleanValue - v) / gap : (v - corruptedValue) / gap;
        }

        /** Computes the next cell (row-major): one forward pass of the corrupted prompt (noising: the clean one) with one patch. */
        public void computeNext() {
            if (done()) {
                return;
            }
            int row = next / cols;
            int col = next % cols;
            String hook = rowHooks.get(row);
            Tensor source = (noising() ? corrupted : clean).get(hook);
            Hook patch = view.equals("heads") ? Hook.at(hook, v -> patchHead(v, source, col))
                    : Hook.at(hook, v -> patchPosition(v, source, col));
            int[] into = noising() ? prompts.clean() : prompts.corrupted();
            values[next] = ActivationPatching.metric(metric, model.forward(into, patch), prompts.answer(), prompts.wrong());
            next++;
        }

        /** The (row, col) whose patch recovers most. */
        public int[] best() {
            int[] best = null;
            for (int r = 0; r < rows(); r++) {
                for (int c = 0; c < cols; c++) {
                    if (!Double.isNaN(recovered(r, c)) && (best == null || recovered(r, c) > recovered(best[0], best[1]))) {
                        best = new int[] {r, c};
                    }
                }
            }
            return best;
        }
    }

    /** {@code value} [pos, d_model] with row {@code pos} taken from {@code source}. */
    static Tensor patchPosition(Tensor value, Tensor source, int pos) {
        Tensor out = value.copy();
        int width = value.dim(1);
        System.arraycopy(source.data(), pos * width, out.data(), pos * width, width);
        return out;
    }

    /** {@code value} [pos, n_heads, d_head] with head {@code head}'s slice at every position from {@code source}. */
    static Tensor patchHead(Tensor value, Tensor source, int head) {
        Tensor out = value.copy();
        int heads = value.dim(1);
        int dHead = value.dim(2);
        for (int p = 0; p < value.dim(0); p++) {
            int at = (p * heads + head) * dHead;
            System.arraycopy(source.data(), at, out.data(), at, dHead);
        }
        return out;
    }
}
