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
     * {@code tokens[t + 1]} from position {@code t} of {@code logits} [pos, d_vocab_out]; pos - 1 entries.
     */
    public static double[] tokenLosses(Tensor logits, int[] tokens) {
        int vocab = logits.dim(1);
        double[] losses = new double[tokens.length - 1];
        for (int t = 0; t < losses.length; t++) {
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
