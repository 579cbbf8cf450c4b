package org.circuitbook.widgets.model;

import java.util.ArrayList;
import java.util.List;
import org.circuitbook.widgets.tensor.Tensor;

/**
 * Direct logit attribution (Elhage et al. 2021, "A Mathematical Framework for Transformer Circuits", section
 * "Transformer Overview": the final residual stream is the sum of what every component wrote; Wang et al. 2022,
 * "Interpretability in the Wild", section 3.1): the logit difference between an answer and a wrong answer at one
 * position, split into what each component wrote into the residual stream there, read through the unembedding.
 *
 * <pre>
 *   resid_final[p] = W_E[t_p] + W_pos[p] + Σ_l Σ_h z[l][p, h] W_O[l][h] + Σ_l b_O[l] + Σ_l mlp_out[l][p]
 *   logit(a) - logit(b) = resid_final[p] · (W_U[:, a] - W_U[:, b]) + b_U[a] - b_U[b]
 * </pre>
 * The book's transformers have no LayerNorm, so the logits are linear in the residual stream and the split is exact:
 * the terms add up to the model's logit difference, with no frozen LayerNorm scale to approximate (TransformerLens's
 * {@code cache.apply_ln_to_stack} is not needed); a model with LayerNorm is refused
 * ({@link HookedTransformer#requireNoLayerNorm}), not split as if it had none. The wrong answer may be {@link #MEAN}, the mean logit over the
 * vocabulary, so the difference is the answer's logit above the average one.
 *
 * <p>Terms, in order: the token embedding, the positional embedding, each head {@code L.H}, each layer's MLP (when the
 * model has them), the attention output biases of every layer together, and the unembedding bias.
 */
public final class LogitAttribution {
    /** A wrong answer that is the mean logit over the output vocabulary. */
    public static final int MEAN = -2;
    /** No answer at a position (its terms are NaN). */
    public static final int NONE = -1;

    private LogitAttribution() {
    }

    /** What kind of component a term is (for colouring and grouping). */
    public enum Kind { EMBED, POS, HEAD, MLP, BIAS }

    /** One term of the decomposition: its label, its kind, and (heads, MLPs) its layer and head. */
    public record Term(String label, Kind kind, int layer, int head) {
    }

    /** The terms of {@code model}, in the order {@link Decomposition#value} indexes them. */
    public static List<Term> terms(TransformerConfig cfg) {
        List<Term> terms = new ArrayList<>();
        terms.add(new Term("embed", Kind.EMBED, -1, -1));
        terms.add(new Term("pos embed", Kind.POS, -1, -1));
        for (int l = 0; l < cfg.n_layers(); l++) {
            for (int h = 0; h < cfg.n_heads(); h++) {
                terms.add(new Term("head " + l + "." + h, Kind.HEAD, l, h));
            }
        }
        for (int l = 0; !cfg.attn_only() && l < cfg.n_layers(); l++) {
            terms.add(new Term("MLP " + l, Kind.MLP, l, -1));
        }
        if (cfg.n_layers() > 0) {
            terms.add(new Term("attn biases", Kind.BIAS, -1, -1));
        }
        terms.add(new Term("b_U", Kind.BIAS, -1, -1));
        return terms;
    }

    /**
     * The decomposition at every position of one run: row {@code p} splits {@code logit(answers[p]) -
     * logit(wrongs[p])} at position p (NaN where {@code answers[p]} is {@link #NONE}).
     */
    public record Decomposition(int[] tokens, List<Term> terms, double[][] values, double[] logitDiff, int[] answers,
                                int[] wrongs, Tensor logits) {
        public int positions() {
            return tokens.length;
        }

        /** Term {@code term}'s share of position {@code pos}'s logit difference. */
        public double value(int pos, int term) {
            return values[pos][term];
        }

        /** The terms at {@code pos} added up (in double): the logit difference, to float rounding. */
        public double sum(int pos) {
            double s = 0;
            for (double v : values[pos]) {
                s += v;
            }
            return s;
        }

        /** Whether position {@code pos} has an answer (and so a decomposition). */
        public boolean has(int pos) {
            return answers[pos] >= 0;
        }

        /** The largest absolute term over every position that has an answer (0 when none). */
        public double range() {
            double r = 0;
            for (int p = 0; p < tokens.length; p++) {
                for (int t = 0; has(p) && t < terms.size(); t++) {
                    r = Math.max(r, Math.abs(values[p][t]));
                }
                r = has(p) ? Math.max(r, Math.abs(logitDiff[p])) : r;
            }
            return r;
        }
    }

    /** Runs {@code model} on {@code tokens} and decomposes the logit difference at every position. */
    public static Decomposition decompose(HookedTransformer model, int[] tokens, int[] answers, int[] wrongs) {
        ActivationCache cache = new ActivationCache();
        Tensor logits = model.forward(tokens, cache);
        return decompose(model, tokens, cache, logits, answers, wrongs);
    }

    /** The decomposition of a run already made: {@code cache} and {@code logits} of {@code model} on {@code tokens}. */
    public static Decomposition decompose(HookedTransformer model, int[] tokens, ActivationCache cache, Tensor logits,
                                          int[] answers, int[] wrongs) {
        model.requireNoLayerNorm("direct logit attribution");
        TransformerConfig cfg = model.cfg();
        List<Term> terms = terms(cfg);
        int dModel = cfg.d_model();
        int dHead = cfg.d_head();
        int heads = cfg.n_heads();
        double[][] values = new double[tokens.length][terms.size()];
        double[] diff = new double[tokens.length];
        Tensor embed = cache.get("hook_embed");         // [pos, d_model]
        Tensor posEmbed = cache.get("hook_pos_embed");  // [pos, d_model]
        for (int p = 0; p < tokens.length; p++) {
            if (answers[p] < 0) {
                java.util.Arrays.fill(values[p], Double.NaN);
                diff[p] = Double.NaN;
                continue;
            }
            double[] u = direction(model, answers[p], wrongs[p]);                       // [d_model]
            int t = 0;
            values[p][t++] = dot(embed.data(), p * dModel, u);
            values[p][t++] = dot(posEmbed.data(), p * dModel, u);
            for (int l = 0; l < cfg.n_layers(); l++) {
                Tensor z = cache.get("blocks." + l + ".attn.hook_z");                   // [pos, n_heads, d_head]
                Tensor wO = model.W_O(l);                                               // [n_heads, d_head, d_model]
                for (int h = 0; h < heads; h++) {
                    double s = 0;
                    for (int e = 0; e < dHead; e++) {                                   // z[p, h] (W_O[h] u)
                        s += z.data()[(p * heads + h) * dHead + e] * dot(wO.data(), (h * dHead + e) * dModel, u);
                    }
                    values[p][t++] = s;
                }
            }
            for (int l = 0; !cfg.attn_only() && l < cfg.n_layers(); l++) {
                values[p][t++] = dot(cache.get("blocks." + l + ".hook_mlp_out").data(), p * dModel, u);
            }
            if (cfg.n_layers() > 0) {
                double s = 0;
                for (int l = 0; l < cfg.n_layers(); l++) {
                    s += dot(model.tensor("blocks." + l + ".attn.b_O").data(), 0, u);
                }
                values[p][t++] = s;
            }
            values[p][t] = logitOf(model.b_U().data(), 0, answers[p]) - logitOf(model.b_U().data(), 0, wrongs[p]);
            int vocab = logits.dim(1);
            diff[p] = logitOf(logits.data(), p * vocab, answers[p]) - (wrongs[p] == MEAN ? mean(logits.data(), p * vocab, vocab)
                    : logits.data()[p * vocab + wrongs[p]]);
        }
        return new Decomposition(tokens.clone(), terms, values, diff, answers.clone(), wrongs.clone(), logits);
    }

    /** {@code W_U[:, answer] - W_U[:, wrong]} (or minus the mean column, for {@link #MEAN}): [d_model]. */
    static double[] direction(HookedTransformer model, int answer, int wrong) {
        Tensor wU = model.W_U(); // [d_model, d_vocab_out]
        int dModel = wU.dim(0);
        int vocab = wU.dim(1);
        double[] u = new double[dModel];
        for (int m = 0; m < dModel; m++) {
            u[m] = wU.data()[m * vocab + answer] - (wrong == MEAN ? mean(wU.data(), m * vocab, vocab)
                    : wU.data()[m * vocab + wrong]);
        }
        return u;
    }

    private static double logitOf(float[] row, int at, int token) {
        return token == MEAN ? mean(row, at, row.length - at) : row[at + token];
    }

    private static double mean(float[] data, int at, int n) {
        double s = 0;
        for (int j = 0; j < n; j++) {
            s += data[at + j];
        }
        return s / n;
    }

    private static double dot(float[] data, int at, double[] u) {
        double s = 0;
        for (int m = 0; m < u.length; m++) {
            s += data[at + m] * u[m];
        }
        return s;
    }

    /**
     * The induction answer at each position: the token that followed the most recent earlier occurrence of the
     * token there (what an induction head predicts, Olsson et al. 2022), or {@link #NONE} where the token has not
     * occurred before (or only at the end).
     */
    public static int[] inductionAnswers(int[] tokens) {
        int[] out = new int[tokens.length];
        for (int p = 0; p < tokens.length; p++) {
            out[p] = NONE;
            for (int j = p - 1; j >= 0; j--) {
                if (tokens[j] == tokens[p] && j + 1 < tokens.length) {
                    out[p] = tokens[j + 1];
                    break;
                }
            }
        }
        return out;
    }

    /**
     * The correct next token at each position: the prompt's own next token, and at the last position the
     * induction answer ({@link #inductionAnswers}; {@link #NONE} when the last token has not occurred before).
     */
    public static int[] nextTokens(int[] tokens) {
        int[] out = new int[tokens.length];
        for (int p = 0; p + 1 < tokens.length; p++) {
            out[p] = tokens[p + 1];
        }
        out[tokens.length - 1] = inductionAnswers(tokens)[tokens.length - 1];
        return out;
    }

    /**
     * The direct path's best guess after {@code token} other than {@code answer}: the largest entry of
     * {@code W_E[token] W_U + b_U} (the bigram statistics the model learnt, Elhage et al. 2021, "Zero-Layer
     * Transformers"), the answer a model that ignores the context would give.
     */
    public static int bigramGuess(HookedTransformer model, int token, int answer) {
        model.requireNoLayerNorm("the direct path's bigram guess");
        Tensor wE = model.W_E();
        Tensor wU = model.W_U();
        int dModel = wU.dim(0);
        int vocab = wU.dim(1);
        int best = -1;
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < vocab; j++) {
            if (j == answer) {
                continue;
            }
            double s = model.b_U().data()[j];
            for (int m = 0; m < dModel; m++) {
                s += wE.data()[token * dModel + m] * (double) wU.data()[m * vocab + j];
            }
            if (s > max) {
                max = s;
                best = j;
            }
        }
        return best;
    }

    /** The model's likeliest token at {@code pos} other than {@code answer}: its runner-up when it gets it right. */
    public static int runnerUp(Tensor logits, int pos, int answer) {
        int vocab = logits.dim(1);
        int best = -1;
        for (int j = 0; j < vocab; j++) {
            if (j != answer && (best < 0 || logits.get(pos, j) > logits.get(pos, best))) {
                best = j;
            }
        }
        return best;
    }
}
