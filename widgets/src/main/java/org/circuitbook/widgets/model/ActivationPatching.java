package org.circuitbook.widgets.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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
 *   <li>{@code mlp}: each layer's MLP output at one position ({@code blocks.L.hook_mlp_out}; models with MLPs only,
 *       {@link #views});
 *   <li>{@code heads}: one head's output at every position ({@code blocks.L.attn.hook_z}, that head's
 *       slice) — layer by head;
 *   <li>{@code path}: path patching (Wang et al. 2022, section 3.1; Goldowsky-Dill et al. 2023, "Localizing Model
 *       Behavior with Path Patching"): a layer-0 head's output (the sender) patched into one layer-1 head's query, key
 *       or value input only (the receiver, through {@code blocks.1.hook_q_input}, ...), everything else as in the run
 *       patched into — sender by receiver, for Q, K and V side by side. The causal test of Q-, K- and V-composition.
 * </ul>
 * {@link #MODES} say what goes in: the other run's activation, or an ablation's baseline; "attribution" adds to each
 * cell the first-order estimate (source - base) . d metric / d activation, the gradient taken once on the run patched
 * into (Nanda 2023, "Attribution Patching"), and how well it agrees ({@link Experiment#correlation}).
 * Cells are computed one patched run at a time ({@link Experiment#compute}), so a page can spread them over
 * animation frames and never freeze.
 */
public final class ActivationPatching {
    /** The experiments, by name. */
    public static final List<String> VIEWS = List.of("resid", "attn", "mlp", "heads", "path");
    /** The metrics, by name. */
    public static final List<String> METRICS = List.of("logit-diff", "probability");
    /**
     * Which way activations go: "denoise" patches each clean activation into the corrupted run (how much of the
     * clean answer it restores: what suffices), "noise" each corrupted activation into the clean run (how much of
     * it it destroys: what is necessary) [Heimersheim and Nanda 2024, "How to use and interpret activation patching"].
     */
    public static final List<String> DIRECTIONS = List.of("denoise", "noise");
    /**
     * What each cell does: "patch" the activation (in {@link #DIRECTIONS}); "attribution", the same patches and beside
     * them their linear estimate from one backward pass ({@link MetricGradient}); or ablate it in the clean run, with
     * zeros, its mean over a batch of prompts of the task, or its value on another prompt ({@link AblationBaselines}).
     */
    public static final List<String> MODES = List.of("patch", "attribution", "zero-ablation", "mean-ablation",
            "resample-ablation");
    /**
     * Which token of the induction task the corrupted prompt replaces: "answer", the answer's first occurrence
     * ({@link #inductionPrompts}: what the answer is), or "previous", the token before it ({@link #inductionKeyPrompts}:
     * where the answer is, the key an induction head matches; path patching's test of K-composition).
     */
    public static final List<String> CORRUPTIONS = List.of("answer", "previous");
    /** The inputs of a head that path patching can patch alone, as {@link #VIEWS} "path" orders its columns. */
    public static final List<String> INPUTS = List.of("q", "k", "v");

    private ActivationPatching() {
    }

    /**
     * The tokens a task's prompts are drawn from: ids below both d_vocab (each can be read) and d_vocab_out (each can be
     * an answer).
     */
    public static int taskVocab(TransformerConfig cfg) {
        return Math.min(cfg.d_vocab(), cfg.d_vocab_out());
    }

    /** The views a model with config {@code cfg} can run: {@link #VIEWS}, without "mlp" for an attention-only model. */
    public static List<String> views(TransformerConfig cfg) {
        List<String> out = new ArrayList<>(VIEWS);
        if (cfg.attn_only()) {
            out.remove("mlp");
        }
        return out;
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

    /** The induction task with {@code corruption} ({@link #CORRUPTIONS}). */
    public static Prompts inductionPrompts(Lcg random, int vocab, int half, int cut, String corruption) {
        check("corruption", corruption, CORRUPTIONS);
        return corruption.equals("previous") ? inductionKeyPrompts(random, vocab, half, cut)
                : inductionPrompts(random, vocab, half, cut);
    }

    /**
     * The induction task of {@link #inductionPrompts} with the corruption one place earlier: the first occurrence of
     * the last token (A, at {@code cut}) is replaced by a token not in the prompt, so no earlier key reads "after A" and
     * only the previous-token information an induction head's key reads can bring the answer A[cut + 1] back: path
     * patching's test of K-composition. The wrong answer is the replacement token.
     */
    public static Prompts inductionKeyPrompts(Lcg random, int vocab, int half, int cut) {
        Prompts p = inductionPrompts(random, vocab, half, cut);
        int[] corrupted = p.clean().clone();
        corrupted[cut] = p.wrong();
        return new Prompts(p.clean(), corrupted, p.answer(), p.wrong());
    }

    /**
     * The K-composition effect of layer-0 head {@code sender} on each layer-1 head, by path patching through the
     * receiver's key input on {@code count} {@link #inductionKeyPrompts} (seeded by {@code seed}; half min(10, n_ctx /
     * 2), the cut drawn from 1 to half - 2): the logit difference the path restores summed over the prompts, over the
     * summed clean-corrupted gap (a ratio of sums, so a prompt with a small gap cannot dominate). [n_heads]
     */
    public static double[] kComposition(HookedTransformer model, int sender, int count, long seed) {
        Lcg random = new Lcg(seed);
        int heads = model.cfg().n_heads();
        int half = Math.min(10, model.cfg().n_ctx() / 2);
        double[] restored = new double[heads];
        double gap = 0;
        for (int i = 0; i < count; i++) {
            Prompts prompts = inductionKeyPrompts(random, model.cfg().d_vocab(), half, 1 + random.nextInt(half - 2));
            Experiment e = start(model, prompts, "path", "logit-diff");
            gap += e.cleanValue() - e.corruptedValue();
            for (int r = 0; r < heads; r++) {
                restored[r] += e.computeCell(sender, INPUTS.indexOf("k") * heads + r) - e.corruptedValue();
            }
        }
        for (int r = 0; r < heads; r++) {
            restored[r] /= gap;
        }
        return restored;
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
        return probabilities(logits)[answer];
    }

    /** Softmax of the logits at the last position, in double: [pos, d_vocab_out] -> [d_vocab_out]. */
    static double[] probabilities(Tensor logits) {
        int last = logits.dim(0) - 1;
        int vocab = logits.dim(1);
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < vocab; j++) {
            max = Math.max(max, logits.get(last, j));
        }
        double[] p = new double[vocab];
        double sum = 0;
        for (int j = 0; j < vocab; j++) {
            p[j] = Math.exp(logits.get(last, j) - max);
            sum += p[j];
        }
        for (int j = 0; j < vocab; j++) {
            p[j] /= sum;
        }
        return p;
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

    /** As {@link #start(HookedTransformer, Prompts, String, String, String, String, Experiment)}, patching. */
    public static Experiment start(HookedTransformer model, Prompts prompts, String view, String metric,
                                   String direction, Experiment previous) {
        return start(model, prompts, view, metric, direction, "patch", previous);
    }

    /**
     * As {@link #start(HookedTransformer, Prompts, String, String)}, in {@code direction} and {@code mode}, but where
     * {@code previous} (or null) ran the same model on the same clean and corrupted tokens (only the view, the metric,
     * the mode or the answers differ), its clean and corrupted runs (and ablation baselines) are reused instead of run
     * again: the same values, without the forward passes.
     */
    public static Experiment start(HookedTransformer model, Prompts prompts, String view, String metric,
                                   String direction, String mode, Experiment previous) {
        check("patching direction", direction, DIRECTIONS);
        check("patching view", view, VIEWS); // before any run
        check("patching mode", mode, MODES);
        if (model.cfg().n_layers() < 1) {
            throw new IllegalArgumentException("a zero-layer model has no layers to patch");
        }
        if (view.equals("mlp") && model.cfg().attn_only()) {
            throw new IllegalArgumentException("the mlp view patches MLP outputs; this model is attention-only");
        }
        if (view.equals("path") && model.cfg().n_layers() < 2) {
            throw new IllegalArgumentException("path patching needs two layers (a sender in layer 0, a receiver in "
                    + "layer 1); this model has " + model.cfg().n_layers());
        }
        AblationBaselines baselines = previous != null && previous.baselines != null
                && previous.baselines.fits(model, prompts.clean().length) ? previous.baselines : null;
        if (!mode.endsWith("-ablation") && baselines != null && !baselines.done()) {
            baselines = null; // half computed and not needed now: an ablation will start them again
        }
        if (mode.endsWith("-ablation") && baselines == null) {
            baselines = new AblationBaselines(model, prompts.clean().length); // computed by the first computeNext()s
        }
        if (previous != null && previous.model == model && Arrays.equals(previous.prompts.clean(), prompts.clean())
                && Arrays.equals(previous.prompts.corrupted(), prompts.corrupted())) {
            return new Experiment(model, prompts, view, metric, direction, mode, baselines, previous.clean,
                    previous.cleanLogits, previous.corrupted, previous.corruptedLogits);
        }
        ActivationCache clean = new ActivationCache();
        Tensor cleanLogits = model.forward(prompts.clean(), clean);
        ActivationCache corrupted = new ActivationCache();
        Tensor corruptedLogits = model.forward(prompts.corrupted(), corrupted);
        return new Experiment(model, prompts, view, metric, direction, mode, baselines, clean, cleanLogits, corrupted,
                corruptedLogits);
    }

    private static void check(String what, String value, List<String> known) {
        if (!known.contains(value)) {
            throw new IllegalArgumentException("unknown " + what + " \"" + value + "\" (known: "
                    + String.join(", ", known) + ")");
        }
    }

    /** Runs an experiment to the end. */
    public static Experiment run(HookedTransformer model, Prompts prompts, String view, String metric) {
        return run(model, prompts, view, metric, "denoise");
    }

    /** Runs an experiment to the end, in {@code direction} ({@link #DIRECTIONS}). */
    public static Experiment run(HookedTransformer model, Prompts prompts, String view, String metric, String direction) {
        return run(model, prompts, view, metric, direction, "patch");
    }

    /** Runs an experiment to the end, in {@code direction} and {@code mode} ({@link #MODES}). */
    public static Experiment run(HookedTransformer model, Prompts prompts, String view, String metric, String direction,
                                 String mode) {
        Experiment e = start(model, prompts, view, metric, direction, mode, null);
        while (!e.done()) {
            e.computeNext();
        }
        return e;
    }

    /**
     * Path patching's effect of layer-0 head {@code sender} on each layer-1 head through its {@code input} ("q", "k" or
     * "v"), denoising: the share of the clean-corrupted gap recovered when only that path carries the clean sender's
     * output. On an induction task, the previous-token head through K is K-composition (Elhage et al. 2021).
     */
    public static double[] pathEffects(HookedTransformer model, Prompts prompts, String metric, int sender, String input) {
        Experiment e = start(model, prompts, "path", metric);
        int heads = model.cfg().n_heads();
        double[] out = new double[heads];
        for (int r = 0; r < heads; r++) {
            int col = INPUTS.indexOf(input) * heads + r;
            out[r] = e.share(e.computeCell(sender, col));
        }
        return out;
    }

    /** One patching experiment: a grid of patched runs, filled in cell by cell. */
    public static final class Experiment {
        private final HookedTransformer model;
        private final HookedTransformer runner; // the model, with split q/k/v inputs for the path view
        private final Prompts prompts;
        private final String view;
        private final String metric;
        private final String direction;
        private final String mode;
        private final AblationBaselines baselines; // null unless an ablation ran (or a previous experiment's)
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
        private double[] estimates; // attribution: the linear estimate of each cell's metric, once computed; else null
        private int next;

        /** On the clean and the corrupted run (the activations and logits of each). */
        private Experiment(HookedTransformer model, Prompts prompts, String view, String metric, String direction,
                           String mode, AblationBaselines baselines, ActivationCache clean, Tensor cleanLogits,
                           ActivationCache corrupted, Tensor corruptedLogits) {
            int layers = model.cfg().n_layers();
            int heads = model.cfg().n_heads();
            this.model = model;
            this.runner = view.equals("path") ? model.withSplitQkvInput() : model;
            this.prompts = prompts;
            this.view = view;
            this.metric = metric;
            this.direction = direction;
            this.mode = mode;
            this.baselines = baselines;
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
                case "mlp" -> {
                    for (int l = 0; l < layers; l++) {
                        rowHooks.add("blocks." + l + ".hook_mlp_out");
                        rowLabels.add("mlp_out " + l);
                    }
                    cols = prompts.clean().length;
                }
                case "path" -> {
                    for (int h = 0; h < heads; h++) {
                        rowHooks.add("blocks.0.attn.hook_z");
                        rowLabels.add("head 0." + h);
                    }
                    cols = INPUTS.size() * heads;
                }
                default -> {
                    for (int l = 0; l < layers; l++) {
                        rowHooks.add("blocks." + l + ".attn.hook_z");
                        rowLabels.add("layer " + l);
                    }
                    cols = heads;
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

        /** What each cell does ({@link #MODES}). */
        public String mode() {
            return mode;
        }

        /** Whether this is noising: corrupted activations patched into the clean run. */
        public boolean noising() {
            return direction.equals("noise") && !ablation();
        }

        /** Whether each cell ablates an activation of the clean run (zero, mean or resample). */
        public boolean ablation() {
            return mode.endsWith("-ablation");
        }

        /** Whether each cell also has its attribution-patching estimate ({@link #estimatedRecovered}). */
        public boolean attribution() {
            return mode.equals("attribution");
        }

        /**
         * Whether the work before the first patched run is done: an ablation's baselines (17 forward passes) and
         * attribution's backward pass, each done by {@link #computeNext} like a cell, one pass a call.
         */
        public boolean prepared() {
            return (baselines == null || baselines.done()) && (!attribution() || estimates != null);
        }

        /** Whether a cell's effect is what it destroys of the clean run's answer (noising, ablation), not what it restores. */
        public boolean destroys() {
            return noising() || ablation();
        }

        /** The ablations' baselines (null unless an ablation ran). */
        public AblationBaselines baselines() {
            return baselines;
        }

        public int rows() {
            return rowHooks.size();
        }

        public int cols() {
            return cols;
        }

        /** The row's name: "resid_pre 0", "attn_out 1", "mlp_out 1", "layer 0", "head 0.2" (a sender). */
        public String rowLabel(int row) {
            return rowLabels.get(row);
        }

        /** The hook point patched in row {@code row}. */
        public String rowHook(int row) {
            return rowHooks.get(row);
        }

        /** The path view's receiver of column {@code col}: {input index in {@link #INPUTS}, layer-1 head}. */
        public int[] receiver(int col) {
            int heads = model.cfg().n_heads();
            return new int[] {col / heads, col % heads};
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
            return next == values.length && prepared();
        }

        /** The patched run's metric at (row, col), NaN while not computed. */
        public double value(int row, int col) {
            return values[row * cols + col];
        }

        /**
         * The patch's effect as a fraction of the clean-corrupted gap; NaN while not computed. Denoising: the share
         * of the gap the patched corrupted run closes (1: the clean answer is back). Noising and ablation: the share
         * the patched clean run loses (1: it answers as the corrupted run does).
         */
        public double recovered(int row, int col) {
            return share(value(row, col));
        }

        /** A metric value as the share of the gap ({@link #recovered}). */
        double share(double v) {
            double gap = cleanValue - corruptedValue;
            if (Double.isNaN(v) || gap == 0) {
                return Double.NaN;
            }
            return destroys() ? (cleanValue - v) / gap : (v - corruptedValue) / gap;
        }

        /** The attribution estimate of the metric at (row, col); NaN unless {@link #attribution()}. */
        public double estimate(int row, int col) {
            return estimates == null ? Double.NaN : estimates[row * cols + col]; // null: not attribution, or not yet
        }

        /** The attribution estimate as a share of the gap, as {@link #recovered}; NaN unless {@link #attribution()}. */
        public double estimatedRecovered(int row, int col) {
            return share(estimate(row, col));
        }

        /**
         * Pearson's correlation between the estimates and the real patches over the cells computed so far (as shares
         * of the gap); NaN without attribution or under two cells.
         */
        public double correlation() {
            if (estimates == null || next < 2) {
                return Double.NaN;
            }
            double sx = 0;
            double sy = 0;
            for (int i = 0; i < next; i++) {
                sx += share(values[i]);
                sy += share(estimates[i]);
            }
            double mx = sx / next;
            double my = sy / next;
            double xy = 0;
            double xx = 0;
            double yy = 0;
            for (int i = 0; i < next; i++) {
                double dx = share(values[i]) - mx;
                double dy = share(estimates[i]) - my;
                xy += dx * dy;
                xx += dx * dx;
                yy += dy * dy;
            }
            return xx == 0 || yy == 0 ? Double.NaN : xy / Math.sqrt(xx * yy);
        }

        /**
         * Does the next piece of work: first what the mode needs ({@link #prepared}: one forward pass of the ablation
         * baselines, or attribution's one backward pass), then the next cell (row-major): one forward pass of the run
         * patched into, with one patch.
         */
        public void computeNext() {
            if (baselines != null && !baselines.done()) {
                baselines.step();
                return;
            }
            if (attribution() && estimates == null) {
                estimates = estimate();
                return;
            }
            if (next == values.length) {
                return;
            }
            values[next] = computeCell(next / cols, next % cols);
            next++;
        }

        /** The metric of the run patched into with cell (row, col)'s patch: one forward pass (once {@link #prepared}). */
        double computeCell(int row, int col) {
            while (!prepared()) {
                computeNext();
            }
            Hook patch;
            if (view.equals("path")) {
                int[] receiver = receiver(col);
                Tensor delta = senderDelta(row);
                patch = Hook.at("blocks.1.hook_" + INPUTS.get(receiver[0]) + "_input",
                        v -> addToHead(v, delta, receiver[1]));
            } else {
                String hook = rowHooks.get(row);
                Tensor source = source(hook);
                patch = view.equals("heads") ? Hook.at(hook, v -> patchHead(v, source, col))
                        : Hook.at(hook, v -> patchPosition(v, source, col));
            }
            int[] into = destroys() ? prompts.clean() : prompts.corrupted();
            return ActivationPatching.metric(metric, runner.forward(into, patch), prompts.answer(), prompts.wrong());
        }

        /** The run patched into: the corrupted one when denoising, else the clean one. */
        private ActivationCache base() {
            return destroys() ? clean : corrupted;
        }

        /** What is put in at {@code hook}: the other run's activation, or the ablation's baseline. */
        private Tensor source(String hook) {
            return switch (mode) {
                case "zero-ablation" -> Tensor.zeros(clean.get(hook).shape());
                case "mean-ablation" -> baselines.mean().get(hook);
                case "resample-ablation" -> baselines.resample().get(hook);
                default -> (noising() ? corrupted : clean).get(hook);
            };
        }

        /**
         * What swapping sender head 0.{@code sender}'s z for the source's changes in its output, the head's own term
         * of attn_out: (z_source - z_base)[p, sender] W_O[sender], [pos, d_model].
         */
        private Tensor senderDelta(int sender) {
            Tensor src = source("blocks.0.attn.hook_z");
            Tensor base = base().get("blocks.0.attn.hook_z");
            int pos = base.dim(0);
            int heads = base.dim(1);
            int dHead = base.dim(2);
            int dModel = model.cfg().d_model();
            float[] wO = model.W_O(0).data();
            float[] out = new float[pos * dModel];
            for (int p = 0; p < pos; p++) {
                for (int e = 0; e < dHead; e++) {
                    int at = (p * heads + sender) * dHead + e;
                    float d = src.data()[at] - base.data()[at];
                    if (d == 0) {
                        continue;
                    }
                    for (int m = 0; m < dModel; m++) {
                        out[p * dModel + m] += d * wO[(sender * dHead + e) * dModel + m];
                    }
                }
            }
            return Tensor.of(out, pos, dModel);
        }

        /** Each cell's metric estimated to first order: the base run's metric + (source - base) . gradient. */
        private double[] estimate() {
            ActivationCache base = base();
            double baseValue = destroys() ? cleanValue : corruptedValue;
            Map<String, double[]> grad = MetricGradient.of(model, base, destroys() ? cleanLogits : corruptedLogits,
                    metric, prompts.answer(), prompts.wrong());
            double[] out = new double[values.length];
            for (int row = 0; row < rows(); row++) {
                String hook = rowHooks.get(row);
                Tensor delta = view.equals("path") ? senderDelta(row) : null;
                for (int col = 0; col < cols; col++) {
                    double sum = 0;
                    if (view.equals("path")) {
                        int[] receiver = receiver(col);
                        double[] g = grad.get("blocks.1.hook_" + INPUTS.get(receiver[0]) + "_input"); // [pos, n_heads, d_model]
                        int heads = model.cfg().n_heads();
                        int dModel = delta.dim(1);
                        for (int p = 0; p < delta.dim(0); p++) {
                            for (int m = 0; m < dModel; m++) {
                                sum += delta.data()[p * dModel + m] * g[(p * heads + receiver[1]) * dModel + m];
                            }
                        }
                    } else {
                        float[] src = source(hook).data();
                        float[] b = base.get(hook).data();
                        double[] g = grad.get(hook);
                        Tensor shape = base.get(hook);
                        if (view.equals("heads")) { // head col's slice at every position: [pos, n_heads, d_head]
                            int heads = shape.dim(1);
                            int dHead = shape.dim(2);
                            for (int p = 0; p < shape.dim(0); p++) {
                                for (int e = 0; e < dHead; e++) {
                                    int at = (p * heads + col) * dHead + e;
                                    sum += (src[at] - b[at]) * g[at];
                                }
                            }
                        } else { // position col: [pos, d_model]
                            int width = shape.dim(1);
                            for (int m = col * width; m < (col + 1) * width; m++) {
                                sum += (src[m] - b[m]) * g[m];
                            }
                        }
                    }
                    out[row * cols + col] = baseValue + sum;
                }
            }
            return out;
        }

        /** The (row, col) whose patch recovers (or destroys) most. */
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

    /** {@code value} [pos, n_heads, d_model] with {@code delta} [pos, d_model] added to head {@code head}'s slice. */
    static Tensor addToHead(Tensor value, Tensor delta, int head) {
        Tensor out = value.copy();
        int heads = value.dim(1);
        int width = value.dim(2);
        for (int p = 0; p < value.dim(0); p++) {
            for (int m = 0; m < width; m++) {
                out.data()[(p * heads + head) * width + m] += delta.data()[p * width + m];
            }
        }
        return out;
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
