package org.circuitbook.widgets.model;

import java.util.ArrayList;
import java.util.List;
import org.circuitbook.widgets.tensor.Ops;
import org.circuitbook.widgets.tensor.Tensor;

/**
 * The logit lens (nostalgebraist 2020, "interpreting GPT: the logit lens"): the residual stream part way through the
 * model read through the unembedding, {@code resid W_U + b_U}, as if the layers after it wrote nothing: what the model
 * "would say" after the embedding and after each layer. The book's transformers have no final LayerNorm, so the lens
 * needs no normalisation; a model with LayerNorm reads each stage through its {@code ln_final} first, as
 * TransformerLens's {@code accumulated_resid(apply_ln=True)} with each stage's own scale. Either way, at the last
 * stage it is exactly the model's output (the same products, in the same order: {@link HookedTransformer#unembed}).
 *
 * <p>Stages: the embedding ({@code blocks.0.hook_resid_pre}), then for each layer its attention's output added
 * ({@code blocks.L.hook_resid_mid}, only in a model with MLPs) and the layer's whole output
 * ({@code blocks.L.hook_resid_post}).
 */
public final class LogitLens {
    private final int[] tokens;
    private final int[] correct;
    private final List<String> stages = new ArrayList<>();
    private final List<Tensor> logits = new ArrayList<>();      // per stage: [pos, d_vocab_out]
    private final List<double[][]> probs = new ArrayList<>();   // per stage: [pos][d_vocab_out]
    private boolean layerNorm;

    private LogitLens(int[] tokens, int[] correct) {
        this.tokens = tokens.clone();
        this.correct = correct.clone();
    }

    /**
     * Runs {@code model} on {@code tokens} and reads every stage through the unembedding; {@code correct[p]} is the
     * token the reader counts as right at position p ({@link LogitAttribution#NONE}: none).
     */
    public static LogitLens of(HookedTransformer model, int[] tokens, int[] correct) {
        ActivationCache cache = model.runWithCache(tokens);
        LogitLens lens = new LogitLens(tokens, correct);
        TransformerConfig cfg = model.cfg();
        lens.layerNorm = cfg.hasLayerNorm();
        lens.add("embed", cfg.n_layers() == 0 ? Ops.add(cache.get("hook_embed"), cache.get("hook_pos_embed"))
                : cache.get("blocks.0.hook_resid_pre"), model);
        for (int l = 0; l < cfg.n_layers(); l++) {
            if (!cfg.attn_only()) {
                lens.add("layer " + l + " attn", cache.get("blocks." + l + ".hook_resid_mid"), model);
            }
            lens.add(cfg.attn_only() ? "after layer " + l : "layer " + l + " MLP", cache.get("blocks." + l + ".hook_resid_post"),
                    model);
        }
        return lens;
    }

    private void add(String stage, Tensor resid, HookedTransformer model) {
        Tensor out = model.unembed(resid, Hook.IDENTITY); // [pos, d_model] -> (ln_final) x [d_model, d_vocab_out]
        stages.add(stage);
        logits.add(out);
        int vocab = out.dim(1);
        double[][] p = new double[tokens.length][vocab];
        for (int i = 0; i < tokens.length; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < vocab; j++) {
                max = Math.max(max, out.get(i, j));
            }
            double sum = 0;
            for (int j = 0; j < vocab; j++) {
                p[i][j] = Math.exp(out.get(i, j) - max);
                sum += p[i][j];
            }
            for (int j = 0; j < vocab; j++) {
                p[i][j] /= sum;
            }
        }
        probs.add(p);
    }

    public int[] tokens() {
        return tokens.clone();
    }

    public int positions() {
        return tokens.length;
    }

    /** Whether each stage is read through the model's final LayerNorm ({@code ln_final}) before the unembedding. */
    public boolean throughLayerNorm() {
        return layerNorm;
    }

    /** The number of stages: the embedding and each layer's (sub)outputs. */
    public int stages() {
        return stages.size();
    }

    /** Stage {@code s}'s name: "embed", "after layer 0", "layer 0 attn", "layer 0 MLP". */
    public String stage(int s) {
        return stages.get(s);
    }

    /** The correct token at {@code pos}, or {@link LogitAttribution#NONE}. */
    public int correct(int pos) {
        return correct[pos];
    }

    /** Stage {@code s}'s logits: [pos, d_vocab_out]. */
    public Tensor logits(int s) {
        return logits.get(s);
    }

    /** The probability stage {@code s} gives {@code token} at {@code pos}. */
    public double probability(int s, int pos, int token) {
        return probs.get(s)[pos][token];
    }

    /** The {@code k} likeliest tokens at stage {@code s} and position {@code pos}, likeliest first (ties: lower id). */
    public int[] top(int s, int pos, int k) {
        double[] p = probs.get(s)[pos];
        int n = Math.min(k, p.length);
        int[] out = new int[n];
        boolean[] taken = new boolean[p.length];
        for (int i = 0; i < n; i++) {
            int best = -1;
            for (int j = 0; j < p.length; j++) {
                if (!taken[j] && (best < 0 || p[j] > p[best])) {
                    best = j;
                }
            }
            taken[best] = true;
            out[i] = best;
        }
        return out;
    }

    /** {@code token}'s rank at stage {@code s} and position {@code pos}: 1 for the likeliest (ties count against it). */
    public int rank(int s, int pos, int token) {
        double[] p = probs.get(s)[pos];
        int rank = 1;
        for (int j = 0; j < p.length; j++) {
            if (j != token && (p[j] > p[token] || (p[j] == p[token] && j < token))) {
                rank++;
            }
        }
        return rank;
    }
}
