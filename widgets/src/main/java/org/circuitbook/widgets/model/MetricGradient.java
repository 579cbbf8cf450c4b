package org.circuitbook.widgets.model;

import java.util.LinkedHashMap;
import java.util.Map;
import org.circuitbook.widgets.tensor.Tensor;

/**
 * Reverse-mode gradients of a patching metric with respect to the activations of one run of a
 * {@link HookedTransformer} (attention-only or with MLPs; with or without LayerNorm): what attribution patching multiplies with the difference between two runs' activations
 * (Nanda 2023, "Attribution Patching: Activation Patching At Industrial Scale"; Syed et al. 2023, "Attribution
 * Patching Outperforms Automated Circuit Discovery"). One backward pass from the metric at the last position through
 * the unembedding, every MLP (the two projections and the activation function's derivative), every LayerNorm and every
 * attention layer (the output projection, the pattern-weighted sum, softmax over the causal mask, the scaled dot
 * product, the query, key and value projections), written out by hand in double precision on the run's float
 * activations:
 *
 * <pre>
 *   d logits[last]       = e_answer - e_wrong  (logit-diff)  or  p_a (e_answer - p)  (probability)
 *   d resid_post[L-1]    = LN_final'(d logits W_U^T)                          [pos, d_model] (last row only)
 *   per layer, last first, with g = d resid_post[l]:
 *     with MLPs: d mlp_out = g;  d mlp.hook_post = g W_out^T;  d mlp.hook_pre = d post * act_fn'(pre)
 *                d resid_mid = g + LN2'(d pre W_in^T);  g = d resid_mid
 *     d attn_out         = g                                                  [pos, d_model]
 *     d z[p, h]          = W_O[h] d attn_out[p]                               [pos, n_heads, d_head]
 *     d pattern[h, i, j] = d z[i, h] . v[j, h];  d v[j, h] = Σ_i pattern[h, i, j] d z[i, h]
 *     d scores[h, i, j]  = pattern[h, i, j] (d pattern[h, i, j] - Σ_j' pattern[h, i, j'] d pattern[h, i, j'])
 *     d q[i, h] = Σ_j d scores[h, i, j] k[j, h] / sqrt(d_head);  d k[j, h] = Σ_i d scores[h, i, j] q[i, h] / sqrt(d_head)
 *     d q_input[p, h]    = LN1'(W_Q[h] d q[p, h])  (and k, v alike)           [pos, n_heads, d_model]
 *     d resid_pre[l]     = g + Σ_h (d q_input + d k_input + d v_input)[p, h]  [pos, d_model]
 * </pre>
 * LN' is LayerNorm's backward pass at the run's own statistics ({@code hook_scale}, {@code hook_normalized}): with
 * dn = d out * w (LNPre: d out), d x = (dn - mean(dn) - normed * mean(dn * normed)) / scale, row by row; without
 * LayerNorm it is the identity. Masked scores have pattern 0 and so no gradient, as softmax's -infinity gives them.
 */
public final class MetricGradient {
    private MetricGradient() {
    }

    /**
     * The metric's gradient at every hook point the backward pass reaches, by TransformerLens hook name, each
     * flattened in that activation's own row-major layout: {@code blocks.L.hook_resid_pre}, {@code hook_resid_post},
     * {@code hook_attn_out} [pos, d_model]; {@code blocks.L.attn.hook_z} [pos, n_heads, d_head];
     * {@code blocks.L.hook_q_input}, {@code hook_k_input}, {@code hook_v_input} [pos, n_heads, d_model] (as
     * {@link HookedTransformer#withSplitQkvInput} passes them, before ln1); with MLPs also {@code blocks.L.hook_mlp_out},
     * {@code hook_resid_mid} [pos, d_model] and {@code blocks.L.mlp.hook_pre}, {@code hook_post} [pos, d_mlp].
     * {@code run} is the cache of the run the gradient is taken on (split or not), and {@code logits} its logits.
     */
    public static Map<String, double[]> of(HookedTransformer model, ActivationCache run, Tensor logits, String metric,
                                           int answer, int wrong) {
        TransformerConfig cfg = model.cfg();
        int pos = logits.dim(0);
        int dModel = cfg.d_model();
        int heads = cfg.n_heads();
        int dHead = cfg.d_head();
        int vocab = logits.dim(1);
        double[] dLogits = logitGradient(metric, logits, answer, wrong);
        double[] g = new double[pos * dModel];
        float[] wU = model.W_U().data(); // [d_model, d_vocab_out]
        for (int m = 0; m < dModel; m++) {
            double s = 0;
            for (int j = 0; j < vocab; j++) {
                s += wU[m * vocab + j] * dLogits[j];
            }
            g[(pos - 1) * dModel + m] = s;
        }
        g = layerNormBack(model, run, "ln_final.", g, pos, dModel);
        Map<String, double[]> out = new LinkedHashMap<>();
        double scale = Math.sqrt(dHead);
        for (int l = cfg.n_layers() - 1; l >= 0; l--) {
            String block = "blocks." + l + ".";
            out.put(block + "hook_resid_post", g.clone());
            if (!cfg.attn_only()) {
                out.put(block + "hook_mlp_out", g.clone());
                double[] dIn = mlpBack(model, run, l, g, pos, out);
                dIn = layerNormBack(model, run, block + "ln2.", dIn, pos, dModel);
                g = g.clone(); // the array is also the next layer's hook_resid_pre
                for (int i = 0; i < g.length; i++) {
                    g[i] += dIn[i];
                }
                out.put(block + "hook_resid_mid", g.clone());
            }
            out.put(block + "hook_attn_out", g.clone());
            float[] wO = model.W_O(l).data();      // [n_heads, d_head, d_model]
            float[] q = run.get(block + "attn.hook_q").data();           // [pos, n_heads, d_head]
            float[] k = run.get(block + "attn.hook_k").data();
            float[] v = run.get(block + "attn.hook_v").data();
            float[] pattern = run.get(block + "attn.hook_pattern").data(); // [n_heads, q_pos, k_pos]
            double[] dz = new double[pos * heads * dHead];
            for (int p = 0; p < pos; p++) {
                for (int h = 0; h < heads; h++) {
                    for (int e = 0; e < dHead; e++) {
                        double s = 0;
                        int w = (h * dHead + e) * dModel;
                        for (int m = 0; m < dModel; m++) {
                            s += wO[w + m] * g[p * dModel + m];
                        }
                        dz[(p * heads + h) * dHead + e] = s;
                    }
                }
            }
            out.put(block + "attn.hook_z", dz);
            double[] dq = new double[pos * heads * dHead];
            double[] dk = new double[pos * heads * dHead];
            double[] dv = new double[pos * heads * dHead];
            double[] dPattern = new double[pos];
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < pos; i++) {
                    int zAt = (i * heads + h) * dHead;
                    double weighted = 0; // Σ_j pattern[h, i, j] d pattern[h, i, j]
                    for (int j = 0; j <= i; j++) {
                        int vAt = (j * heads + h) * dHead;
                        double a = pattern[(h * pos + i) * pos + j];
                        double s = 0;
                        for (int e = 0; e < dHead; e++) {
                            s += dz[zAt + e] * v[vAt + e];
                            dv[vAt + e] += a * dz[zAt + e];
                        }
                        dPattern[j] = s;
                        weighted += a * s;
                    }
                    for (int j = 0; j <= i; j++) {
                        int kAt = (j * heads + h) * dHead;
                        double dScore = pattern[(h * pos + i) * pos + j] * (dPattern[j] - weighted) / scale;
                        for (int e = 0; e < dHead; e++) {
                            dq[zAt + e] += dScore * k[kAt + e];
                            dk[kAt + e] += dScore * q[zAt + e];
                        }
                    }
                }
            }
            double[] next = g.clone(); // d resid_pre: the residual path, plus what each head's inputs send back
            String[] inputs = {"hook_q_input", "hook_k_input", "hook_v_input"};
            double[][] dProj = {dq, dk, dv};
            Tensor[] weights = {model.W_Q(l), model.W_K(l), model.W_V(l)};
            for (int x = 0; x < 3; x++) {
                float[] w = weights[x].data(); // [n_heads, d_model, d_head]
                double[] dIn = new double[pos * heads * dModel];
                for (int p = 0; p < pos; p++) {
                    for (int h = 0; h < heads; h++) {
                        int dAt = (p * heads + h) * dHead;
                        for (int m = 0; m < dModel; m++) {
                            double s = 0;
                            int wAt = (h * dModel + m) * dHead;
                            for (int e = 0; e < dHead; e++) {
                                s += w[wAt + e] * dProj[x][dAt + e];
                            }
                            dIn[(p * heads + h) * dModel + m] = s;
                        }
                    }
                }
                dIn = layerNormBack(model, run, block + "ln1.", dIn, pos * heads, dModel); // per head: each its own row
                for (int p = 0; p < pos; p++) {
                    for (int h = 0; h < heads; h++) {
                        for (int m = 0; m < dModel; m++) {
                            next[p * dModel + m] += dIn[(p * heads + h) * dModel + m];
                        }
                    }
                }
                out.put(block + inputs[x], dIn);
            }
            out.put(block + "hook_resid_pre", next);
            g = next;
        }
        return out;
    }

    /**
     * The gradient through MLP {@code l}: from d mlp_out {@code g} [pos, d_model] to d of the MLP's input (ln2's output)
     * [pos, d_model]; puts d {@code mlp.hook_post} and d {@code mlp.hook_pre} [pos, d_mlp] in {@code out}.
     */
    private static double[] mlpBack(HookedTransformer model, ActivationCache run, int l, double[] g, int pos,
                                    Map<String, double[]> out) {
        TransformerConfig cfg = model.cfg();
        String prefix = "blocks." + l + ".mlp.";
        int dModel = cfg.d_model();
        int dMlp = cfg.d_mlp();
        float[] wIn = model.tensor(prefix + "W_in").data();   // [d_model, d_mlp]
        float[] wOut = model.tensor(prefix + "W_out").data(); // [d_mlp, d_model]
        float[] pre = run.get(prefix + "hook_pre").data();    // [pos, d_mlp]
        double[] dPost = new double[pos * dMlp];
        double[] dPre = new double[pos * dMlp];
        for (int p = 0; p < pos; p++) {
            for (int j = 0; j < dMlp; j++) {
                double s = 0;
                for (int m = 0; m < dModel; m++) {
                    s += wOut[j * dModel + m] * g[p * dModel + m];
                }
                dPost[p * dMlp + j] = s;
                dPre[p * dMlp + j] = s * Mlp.derivative(cfg.act_fn(), pre[p * dMlp + j]);
            }
        }
        out.put(prefix + "hook_post", dPost);
        out.put(prefix + "hook_pre", dPre);
        double[] dIn = new double[pos * dModel];
        for (int p = 0; p < pos; p++) {
            for (int j = 0; j < dMlp; j++) {
                double d = dPre[p * dMlp + j];
                if (d == 0) {
                    continue;
                }
                for (int m = 0; m < dModel; m++) {
                    dIn[p * dModel + m] += d * wIn[m * dMlp + j];
                }
            }
        }
        return dIn;
    }

    /**
     * LayerNorm {@code prefix}'s backward pass ({@code blocks.0.ln1.}, {@code ln_final.}): {@code dOut}, {@code rows}
     * rows of {@code width}, the gradient at its output, to the gradient at its input, at the statistics {@code run}
     * recorded ({@code hook_scale}, {@code hook_normalized}); {@code dOut} itself without LayerNorm. A row r of
     * {@code dOut} reads the run's statistics row r, or row r / (rows / recorded rows) where the run recorded fewer (one
     * row per position, read by every head's copy of it: in a run without split q/k/v inputs each head reads the same
     * normalised input).
     */
    private static double[] layerNormBack(HookedTransformer model, ActivationCache run, String prefix, double[] dOut,
                                          int rows, int width) {
        TransformerConfig cfg = model.cfg();
        if (!cfg.hasLayerNorm()) {
            return dOut;
        }
        float[] scale = run.get(prefix + "hook_scale").data();
        float[] normed = run.get(prefix + "hook_normalized").data();
        float[] w = cfg.hasLayerNormWeights() ? model.tensor(prefix + "w").data() : null;
        int per = rows / scale.length; // 1, or n_heads rows of dOut to one recorded row
        double[] dx = new double[dOut.length];
        double[] dn = new double[width];
        for (int r = 0; r < rows; r++) {
            int stat = r / per;
            double mean = 0;
            double dot = 0;
            for (int i = 0; i < width; i++) {
                dn[i] = dOut[r * width + i] * (w == null ? 1 : w[i]);
                mean += dn[i];
                dot += dn[i] * normed[stat * width + i];
            }
            mean /= width;
            dot /= width;
            for (int i = 0; i < width; i++) {
                dx[r * width + i] = (dn[i] - mean - normed[stat * width + i] * dot) / scale[stat];
            }
        }
        return dx;
    }

    /** The metric's gradient with respect to the logits at the last position: [d_vocab_out]. */
    static double[] logitGradient(String metric, Tensor logits, int answer, int wrong) {
        int vocab = logits.dim(1);
        double[] d = new double[vocab];
        if (metric.equals("logit-diff")) {
            d[answer] = 1;
            d[wrong] = -1;
            return d;
        }
        ActivationPatching.metric(metric, logits, answer, wrong); // checks the name
        double[] p = ActivationPatching.probabilities(logits);
        double pa = p[answer];
        for (int j = 0; j < vocab; j++) {
            d[j] = -pa * p[j];
        }
        d[answer] += pa;
        return d;
    }
}
