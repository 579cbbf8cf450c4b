package org.circuitbook.widgets.model;

import java.util.Map;
import org.circuitbook.widgets.tensor.Tensor;

/**
 * An independent forward pass for checking {@link HookedTransformer}: double precision, one head and one
 * query position at a time, keys recomputed for every query, softmax over the visible keys only (no
 * -infinity mask), and the exact GELU's erf integrated numerically; LayerNorm ("LN", "LNPre") from its definition,
 * (x - mean) / sqrt(biased variance + eps) (* w + b). Slow and obviously right.
 */
final class ReferenceTransformer {
    private final TransformerConfig c;
    private final Map<String, Tensor> w;

    ReferenceTransformer(HookedTransformer model) {
        this.c = model.cfg();
        this.w = model.tensors();
    }

    /** logits[position][output token]. */
    double[][] logits(int[] tokens) {
        int n = tokens.length;
        double[][] x = new double[n][c.d_model()];
        for (int t = 0; t < n; t++) {
            for (int d = 0; d < c.d_model(); d++) {
                x[t][d] = at("embed.W_E", tokens[t], d) + at("pos_embed.W_pos", t, d);
            }
        }
        for (int l = 0; l < c.n_layers(); l++) {
            String a = "blocks." + l + ".attn.";
            double[][] read = norm(x, "blocks." + l + ".ln1."); // what the heads read
            double[][] attnOut = new double[n][c.d_model()];
            for (int i = 0; i < n; i++) {
                for (int d = 0; d < c.d_model(); d++) {
                    attnOut[i][d] = at(a + "b_O", d);
                }
                for (int h = 0; h < c.n_heads(); h++) {
                    double[] q = head(read[i], a + "W_Q", a + "b_Q", h);
                    double[] weights = new double[i + 1];
                    double total = 0;
                    for (int j = 0; j <= i; j++) {
                        double[] k = head(read[j], a + "W_K", a + "b_K", h);
                        double dot = 0;
                        for (int e = 0; e < c.d_head(); e++) {
                            dot += q[e] * k[e];
                        }
                        weights[j] = Math.exp(dot / Math.sqrt(c.d_head()));
                        total += weights[j];
                    }
                    double[] z = new double[c.d_head()];
                    for (int j = 0; j <= i; j++) {
                        double[] v = head(read[j], a + "W_V", a + "b_V", h);
                        for (int e = 0; e < c.d_head(); e++) {
                            z[e] += weights[j] / total * v[e];
                        }
                    }
                    for (int d = 0; d < c.d_model(); d++) {
                        for (int e = 0; e < c.d_head(); e++) {
                            attnOut[i][d] += z[e] * at(a + "W_O", h, e, d);
                        }
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                for (int d = 0; d < c.d_model(); d++) {
                    x[i][d] += attnOut[i][d];
                }
            }
            if (!c.attn_only()) {
                String m = "blocks." + l + ".mlp.";
                double[][] mlpIn = norm(x, "blocks." + l + ".ln2.");
                for (int i = 0; i < n; i++) {
                    double[] out = new double[c.d_model()];
                    for (int d = 0; d < c.d_model(); d++) {
                        out[d] = at(m + "b_out", d);
                    }
                    for (int u = 0; u < c.d_mlp(); u++) {
                        double pre = at(m + "b_in", u);
                        for (int d = 0; d < c.d_model(); d++) {
                            pre += mlpIn[i][d] * at(m + "W_in", d, u);
                        }
                        double post = activation(pre);
                        for (int d = 0; d < c.d_model(); d++) {
                            out[d] += post * at(m + "W_out", u, d);
                        }
                    }
                    for (int d = 0; d < c.d_model(); d++) {
                        x[i][d] += out[d];
                    }
                }
            }
        }
        x = norm(x, "ln_final.");
        double[][] logits = new double[n][c.d_vocab_out()];
        for (int i = 0; i < n; i++) {
            for (int v = 0; v < c.d_vocab_out(); v++) {
                logits[i][v] = at("unembed.b_U", v);
                for (int d = 0; d < c.d_model(); d++) {
                    logits[i][v] += x[i][d] * at("unembed.W_U", d, v);
                }
            }
        }
        return logits;
    }

    /** Each row LayerNormed (weights under {@code prefix} for "LN"), or the rows themselves without LayerNorm. */
    private double[][] norm(double[][] x, String prefix) {
        if (!"LN".equals(c.normalization_type()) && !"LNPre".equals(c.normalization_type())) {
            return x;
        }
        double[][] out = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            int n = x[i].length;
            double mean = 0;
            for (double v : x[i]) {
                mean += v / n;
            }
            double variance = 0;
            for (double v : x[i]) {
                variance += (v - mean) * (v - mean) / n;
            }
            out[i] = new double[n];
            for (int d = 0; d < n; d++) {
                out[i][d] = (x[i][d] - mean) / Math.sqrt(variance + c.eps());
                if ("LN".equals(c.normalization_type())) {
                    out[i][d] = out[i][d] * at(prefix + "w", d) + at(prefix + "b", d);
                }
            }
        }
        return out;
    }

    /** One head's query, key or value for one position's residual vector. */
    private double[] head(double[] resid, String weight, String bias, int h) {
        double[] out = new double[c.d_head()];
        for (int e = 0; e < c.d_head(); e++) {
            out[e] = at(bias, h, e);
            for (int d = 0; d < c.d_model(); d++) {
                out[e] += resid[d] * at(weight, h, d, e);
            }
        }
        return out;
    }

    private double activation(double x) {
        switch (c.act_fn()) {
            case "relu":
                return Math.max(x, 0);
            case "gelu_new":
                return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * Math.pow(x, 3))));
            case "gelu":
                return 0.5 * x * (1 + erfBySimpson(x / Math.sqrt(2)));
            default:
                throw new IllegalArgumentException(c.act_fn());
        }
    }

    /** erf(x) = 2/sqrt(π) ∫_0^x e^(-t²) dt by Simpson's rule on 2000 intervals. */
    private static double erfBySimpson(double x) {
        int n = 2000;
        double h = x / n;
        double sum = 1 + Math.exp(-x * x);
        for (int i = 1; i < n; i++) {
            double t = i * h;
            sum += (i % 2 == 1 ? 4 : 2) * Math.exp(-t * t);
        }
        return 2 / Math.sqrt(Math.PI) * sum * h / 3;
    }

    /** The weight {@code name} at a row-major index, as a double. */
    private double at(String name, int... index) {
        Tensor t = w.get(name);
        int flat = 0;
        for (int axis = 0; axis < index.length; axis++) {
            flat = flat * t.dim(axis) + index[axis];
        }
        return t.data()[flat];
    }
}
