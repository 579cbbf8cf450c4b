package org.circuitbook.widgets.model;

import org.circuitbook.widgets.tensor.Tensor;

/**
 * Per-head attention scores and per-token losses on a sequence that repeats itself, the measurements of
 * Olsson et al. (2022), "In-context Learning and Induction Heads" (section "Key Concepts"), as the
 * TransformerLens tutorials compute them.
 *
 * <p>For a sequence whose second half repeats its first ({@code tokens[t] == tokens[t - period]} for
 * {@code t >= period}):
 * <ul>
 *   <li>the <b>previous-token score</b> of a head is its mean attention from each position {@code t >= 1}
 *       to {@code t - 1};
 *   <li>the <b>induction score</b> is its mean attention from each position {@code t >= period} of the
 *       repeat to {@code t - period + 1}: the token that followed the current token's earlier occurrence,
 *       which is the token to predict next.
 * </ul>
 * Both lie in [0, 1]; 1 is a head that attends nowhere else.
 */
public final class HeadScores {
    private HeadScores() {
    }

    /**
     * A model's scores on probe sequences that each repeat their first half ({@link
     * org.circuitbook.widgets.data.InductionProbes}): the mean loss per token in the first half (positions 0 to
     * half - 2, predicting tokens 1 to half - 1) and in the repeat (positions half on, predicting tokens half + 1 on;
     * the first token of the repeat, unpredictable, counts in neither), and each head's previous-token and induction
     * scores averaged over the probes, [n_layers][n_heads]. The attention-only trainer records these as its metrics
     * {@code repeated_first_half_loss}, {@code repeated_second_half_loss}, {@code previous_token_scores} and
     * {@code induction_scores}.
     */
    public record OnProbes(double firstHalfLoss, double repeatLoss, double[][] previous, double[][] induction) {
    }

    /** {@code model}'s {@link OnProbes} scores on {@code probes} (each of an even length, repeating its first half). */
    public static OnProbes onProbes(HookedTransformer model, int[][] probes) {
        return onProbes(model, probes, null);
    }

    /**
     * {@code model}'s {@link OnProbes} scores on {@code probes} with {@code hook} (an ablation) applied on every run,
     * or none when null: {@link Sums} over every probe.
     */
    public static OnProbes onProbes(HookedTransformer model, int[][] probes, Hook hook) {
        Sums sums = new Sums(model, probes, hook);
        while (!sums.done()) {
            sums.addNext();
        }
        return sums.result();
    }

    /**
     * {@link OnProbes} measured a probe at a time, so that a widget can spread the work over frames: the sums run in
     * the order the trainer's metrics were first computed in (probe by probe, position by position, into one sum
     * each), so the numbers are the recorded ones bit for bit.
     */
    public static final class Sums {
        private final HookedTransformer model;
        private final int[][] probes;
        private final Hook hook;
        private final int half;
        private final double[][] previous;
        private final double[][] induction;
        private double first;
        private double second;
        private int next;

        /** Sums of {@code model} on {@code probes}, with {@code hook} on every run (null: none), none added yet. */
        public Sums(HookedTransformer model, int[][] probes, Hook hook) {
            this.model = model;
            this.probes = probes;
            this.hook = hook;
            half = probes[0].length / 2;
            previous = new double[model.cfg().n_layers()][model.cfg().n_heads()];
            induction = new double[model.cfg().n_layers()][model.cfg().n_heads()];
        }

        /** How many probes are in the sums. */
        public int added() {
            return next;
        }

        /** How many probes there are. */
        public int total() {
            return probes.length;
        }

        public boolean done() {
            return next == probes.length;
        }

        /** Runs the next probe and adds its losses and scores. */
        public void addNext() {
            int[] seq = probes[next++];
            ActivationCache cache = new ActivationCache();
            double[] losses = tokenLosses(model.forward(seq, hook == null ? cache : hook.andThen(cache)), seq);
            for (int t = 0; t < half - 1; t++) {
                first += losses[t];
            }
            for (int t = half; t < losses.length; t++) {
                second += losses[t];
            }
            if (model.cfg().n_layers() > 0) {
                accumulate(previous, previousToken(model, cache));
                accumulate(induction, HeadScores.induction(model, cache, half));
            }
        }

        /** The means over every probe; only when {@link #done}. */
        public OnProbes result() {
            if (!done()) {
                throw new IllegalStateException(next + " of " + probes.length + " probes measured");
            }
            int n = probes.length;
            return new OnProbes(first / (n * (half - 1)), second / (n * (2 * half - 1 - half)), mean(previous, n),
                    mean(induction, n));
        }
    }

    private static void accumulate(double[][] into, double[][] add) {
        for (int i = 0; i < into.length; i++) {
            for (int j = 0; j < into[i].length; j++) {
                into[i][j] += add[i][j];
            }
        }
    }

    private static double[][] mean(double[][] sums, int n) {
        double[][] out = new double[sums.length][];
        for (int i = 0; i < sums.length; i++) {
            out[i] = new double[sums[i].length];
            for (int j = 0; j < sums[i].length; j++) {
                out[i][j] = sums[i][j] / n;
            }
        }
        return out;
    }

    /** The previous-token score of every head: [n_layers][n_heads], from one run's cache. */
    public static double[][] previousToken(HookedTransformer model, ActivationCache cache) {
        return diagonal(model, cache, 1, 1);
    }

    /** The induction score of every head for a sequence repeating with {@code period}: [n_layers][n_heads]. */
    public static double[][] induction(HookedTransformer model, ActivationCache cache, int period) {
        return diagonal(model, cache, period - 1, period);
    }

    /** Mean attention of each head from position t to t - offset, over t from {@code first}. */
    private static double[][] diagonal(HookedTransformer model, ActivationCache cache, int offset, int first) {
        TransformerConfig cfg = model.cfg();
        double[][] scores = new double[cfg.n_layers()][cfg.n_heads()];
        for (int l = 0; l < cfg.n_layers(); l++) {
            Tensor pattern = cache.get("blocks." + l + ".attn.hook_pattern"); // [n_heads, q_pos, k_pos]
            int pos = pattern.dim(1);
            if (first >= pos || offset < 0 || offset > first) {
                throw new IllegalArgumentException("a sequence of " + pos + " tokens has no position " + first
                        + " with a key " + offset + " back");
            }
            for (int h = 0; h < cfg.n_heads(); h++) {
                double sum = 0;
                for (int t = first; t < pos; t++) {
                    sum += pattern.get(h, t, t - offset);
                }
                scores[l][h] = sum / (pos - first);
            }
        }
        return scores;
    }

    /**
     * The cross-entropy of each next-token prediction, in nats: entry {@code t} is the loss of predicting
     * {@code tokens[t + 1]} from position {@code t} of {@code logits} [pos, d_vocab_out]; pos - 1 entries. A token the
     * model cannot predict (an id at or above d_vocab_out, in a model whose output vocabulary is smaller than its input
     * one) has no loss: NaN, which the sums and drawings of it leave out.
     */
    public static double[] tokenLosses(Tensor logits, int[] tokens) {
        int vocab = logits.dim(1);
        double[] losses = new double[tokens.length - 1];
        for (int t = 0; t < losses.length; t++) {
            if (tokens[t + 1] >= vocab) {
                losses[t] = Double.NaN;
                continue;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < vocab; c++) {
                max = Math.max(max, logits.get(t, c));
            }
            double sum = 0;
            for (int c = 0; c < vocab; c++) {
                sum += Math.exp(logits.get(t, c) - max);
            }
            losses[t] = Math.log(sum) + max - logits.get(t, tokens[t + 1]);
        }
        return losses;
    }
}
