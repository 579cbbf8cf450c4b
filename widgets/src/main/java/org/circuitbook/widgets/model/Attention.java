package org.circuitbook.widgets.model;

import static org.circuitbook.widgets.model.HookedTransformer.hooked;

import java.util.Map;
import org.circuitbook.widgets.tensor.Ops;
import org.circuitbook.widgets.tensor.Tensor;

/**
 * One layer of causal multi-head attention, as TransformerLens's {@code Attention} computes it for one
 * sequence: Vaswani et al. (2017), "Attention Is All You Need", section 3.2, in the notation of Elhage et
 * al. (2021), "A Mathematical Framework for Transformer Circuits", section "Attention Heads are
 * Independent and Additive": each head reads the residual stream, moves information between positions by
 * its pattern, and writes its result back through its own slice of W_O; the layer's output is the sum.
 *
 * <pre>
 *   q, k, v  = x W_Q[h] + b_Q[h], ...                 [pos, n_heads, d_head]
 *   scores   = q k^T / sqrt(d_head), -inf above diag   [n_heads, q_pos, k_pos]
 *   pattern  = softmax over k_pos                      [n_heads, q_pos, k_pos]
 *   z        = pattern v                               [pos, n_heads, d_head]
 *   out      = Σ_h z[h] W_O[h] + b_O                   [pos, d_model]
 * </pre>
 */
final class Attention {
    private final Tensor W_Q; // [n_heads, d_model, d_head]
    private final Tensor W_K; // [n_heads, d_model, d_head]
    private final Tensor W_V; // [n_heads, d_model, d_head]
    private final Tensor W_O; // [n_heads, d_head, d_model]
    private final Tensor b_Q; // [n_heads, d_head]
    private final Tensor b_K; // [n_heads, d_head]
    private final Tensor b_V; // [n_heads, d_head]
    private final Tensor b_O; // [d_model]

    /** Takes {@code <prefix>W_Q}, ... from weights already checked against the config. */
    Attention(Map<String, Tensor> weights, String prefix) {
        W_Q = weights.get(prefix + "W_Q");
        W_K = weights.get(prefix + "W_K");
        W_V = weights.get(prefix + "W_V");
        W_O = weights.get(prefix + "W_O");
        b_Q = weights.get(prefix + "b_Q");
        b_K = weights.get(prefix + "b_K");
        b_V = weights.get(prefix + "b_V");
        b_O = weights.get(prefix + "b_O");
    }

    /** x [pos, d_model] -> attention output [pos, d_model]; hook names start with {@code prefix}. */
    Tensor forward(Tensor x, String prefix, Hook hook) {
        return attend(project(x, W_Q, b_Q), project(x, W_K, b_K), project(x, W_V, b_V), prefix, hook);
    }

    /**
     * As {@link #forward}, but each head reads its own copy of x for its query, key and value, as TransformerLens
     * does with {@code use_split_qkv_input}: {@code <block>hook_q_input}, {@code hook_k_input} and
     * {@code hook_v_input}, each [pos, n_heads, d_model], so a hook can change what one head's query (or key, or
     * value) reads and nothing else: path patching into a receiver's Q, K or V (Wang et al. 2022, "Interpretability
     * in the Wild", section 3.1). Unhooked, the same numbers to the bit as {@link #forward}. With LayerNorm
     * ({@code ln} not null), each of the three inputs is then normalised by {@code ln} (hooks under {@code lnPrefix}),
     * q's, k's, then v's, as TransformerLens's block does: the hooks see the residual stream before the LayerNorm.
     */
    Tensor forwardSplit(Tensor x, String block, String prefix, LayerNorm ln, String lnPrefix, Hook hook) {
        int nHeads = W_Q.dim(0);
        Tensor qIn = hooked(hook, block + "hook_q_input", perHead(x, nHeads));         // [pos, n_heads, d_model]
        Tensor kIn = hooked(hook, block + "hook_k_input", perHead(x, nHeads));         // [pos, n_heads, d_model]
        Tensor vIn = hooked(hook, block + "hook_v_input", perHead(x, nHeads));         // [pos, n_heads, d_model]
        if (ln != null) {
            qIn = ln.forward(qIn, lnPrefix, hook);
            kIn = ln.forward(kIn, lnPrefix, hook);
            vIn = ln.forward(vIn, lnPrefix, hook);
        }
        return attend(projectEach(qIn, W_Q, b_Q), projectEach(kIn, W_K, b_K), projectEach(vIn, W_V, b_V), prefix, hook);
    }

    /** The projections q, k, v [pos, n_heads, d_head] on to the output [pos, d_model]. */
    private Tensor attend(Tensor qRaw, Tensor kRaw, Tensor vRaw, String prefix, Hook hook) {
        Tensor q = hooked(hook, prefix + "hook_q", qRaw);                              // [pos, n_heads, d_head]
        Tensor k = hooked(hook, prefix + "hook_k", kRaw);                              // [pos, n_heads, d_head]
        Tensor v = hooked(hook, prefix + "hook_v", vRaw);                              // [pos, n_heads, d_head]
        Tensor scores = hooked(hook, prefix + "hook_attn_scores", causalScores(q, k)); // [n_heads, q_pos, k_pos]
        Tensor pattern = hooked(hook, prefix + "hook_pattern", Ops.softmax(scores));   // [n_heads, q_pos, k_pos]
        Tensor z = hooked(hook, prefix + "hook_z", mix(pattern, v));                   // [pos, n_heads, d_head]
        return output(z);                                                              // [pos, d_model]
    }

    /** x repeated for every head: [pos, d_model] -> [pos, n_heads, d_model]. */
    private static Tensor perHead(Tensor x, int nHeads) {
        int pos = x.dim(0);
        int dModel = x.dim(1);
        float[] out = new float[pos * nHeads * dModel];
        for (int p = 0; p < pos; p++) {
            for (int h = 0; h < nHeads; h++) {
                System.arraycopy(x.data(), p * dModel, out, (p * nHeads + h) * dModel, dModel);
            }
        }
        return Tensor.of(out, pos, nHeads, dModel);
    }

    /**
     * x[:, h] W[h] + b[h], each head from its own input: [pos, n_heads, d_model] x [n_heads, d_model, d_head] ->
     * [pos, n_heads, d_head]; each sum adds m = 0, 1, ... in one variable, as {@link #project} does.
     */
    private static Tensor projectEach(Tensor x, Tensor w, Tensor b) {
        int pos = x.dim(0);
        int nHeads = x.dim(1);
        int dModel = x.dim(2);
        int dHead = w.dim(2);
        float[] out = new float[pos * nHeads * dHead];
        float[] xs = x.data();
        float[] ws = w.data();
        float[] bs = b.data();
        for (int p = 0; p < pos; p++) {
            for (int h = 0; h < nHeads; h++) {
                int xAt = (p * nHeads + h) * dModel;
                for (int e = 0; e < dHead; e++) {
                    float sum = 0f;
                    for (int m = 0, wAt = h * dModel * dHead + e; m < dModel; m++, wAt += dHead) {
                        sum += xs[xAt + m] * ws[wAt];
                    }
                    out[(p * nHeads + h) * dHead + e] = sum + bs[h * dHead + e];
                }
            }
        }
        return Tensor.of(out, pos, nHeads, dHead);
    }

    /** x W[h] + b[h] for every head: [pos, d_model] x [n_heads, d_model, d_head] -> [pos, n_heads, d_head]. */
    private static Tensor project(Tensor x, Tensor w, Tensor b) {
        int pos = x.dim(0);
        int dModel = x.dim(1);
        int nHeads = w.dim(0);
        int dHead = w.dim(2);
        float[] out = new float[pos * nHeads * dHead];
        float[] xs = x.data();
        float[] ws = w.data();
        float[] bs = b.data();
        // the same products summed in the same order as x.get(p, m) * w.get(h, m, e), on the raw arrays; eight
        // (then four, then one) outputs e at a time, each in its own variable, so x[p, m] is read once for them
        // and w's row is read in order: every sum is still one variable adding m = 0, 1, ... in turn, so the
        // numbers are the same to the bit, in Java's float arithmetic and in TeaVM's
        for (int p = 0; p < pos; p++) {
            int xAt = p * dModel;
            for (int h = 0; h < nHeads; h++) {
                int wHead = h * dModel * dHead;
                int at = (p * nHeads + h) * dHead;
                int bAt = h * dHead;
                int e = 0;
                for (; e + 8 <= dHead; e += 8) {
                    float s0 = 0f;
                    float s1 = 0f;
                    float s2 = 0f;
                    float s3 = 0f;
                    float s4 = 0f;
                    float s5 = 0f;
                    float s6 = 0f;
                    float s7 = 0f;
                    for (int m = 0, wAt = wHead + e; m < dModel; m++, wAt += dHead) {
                        float xm = xs[xAt + m];
                        s0 += xm * ws[wAt];
                        s1 += xm * ws[wAt + 1];
                        s2 += xm * ws[wAt + 2];
                        s3 += xm * ws[wAt + 3];
                        s4 += xm * ws[wAt + 4];
                        s5 += xm * ws[wAt + 5];
                        s6 += xm * ws[wAt + 6];
                        s7 += xm * ws[wAt + 7];
                    }
                    out[at + e] = s0 + bs[bAt + e];
                    out[at + e + 1] = s1 + bs[bAt + e + 1];
                    out[at + e + 2] = s2 + bs[bAt + e + 2];
                    out[at + e + 3] = s3 + bs[bAt + e + 3];
                    out[at + e + 4] = s4 + bs[bAt + e + 4];
                    out[at + e + 5] = s5 + bs[bAt + e + 5];
                    out[at + e + 6] = s6 + bs[bAt + e + 6];
                    out[at + e + 7] = s7 + bs[bAt + e + 7];
                }
                for (; e + 4 <= dHead; e += 4) {
                    float s0 = 0f;
                    float s1 = 0f;
                    float s2 = 0f;
                    float s3 = 0f;
                    for (int m = 0, wAt = wHead + e; m < dModel; m++, wAt += dHead) {
                        float xm = xs[xAt + m];
                        s0 += xm * ws[wAt];
                        s1 += xm * ws[wAt + 1];
                        s2 += xm * ws[wAt + 2];
                        s3 += xm * ws[wAt + 3];
                    }
                    out[at + e] = s0 + bs[bAt + e];
                    out[at + e + 1] = s1 + bs[bAt + e + 1];
                    out[at + e + 2] = s2 + bs[bAt + e + 2];
                    out[at + e + 3] = s3 + bs[bAt + e + 3];
                }
                for (; e < dHead; e++) {
                    float sum = 0f;
                    for (int m = 0, wAt = wHead + e; m < dModel; m++, wAt += dHead) {
                        sum += xs[xAt + m] * ws[wAt];
                    }
                    out[at + e] = sum + bs[bAt + e];
                }
            }
        }
        return Tensor.of(out, pos, nHeads, dHead);
    }

    /**
     * q·k / sqrt(d_head) where the key is not after the query, -infinity where it is (TransformerLens's
     * {@code IGNORE}, so softmax gives it exactly 0): [pos, n_heads, d_head] x2 -> [n_heads, q_pos, k_pos].
     */
    private static Tensor causalScores(Tensor q, Tensor k) {
        int pos = q.dim(0);
        int nHeads = q.dim(1);
        int dHead = q.dim(2);
        float scale = (float) Math.sqrt(dHead); // TransformerLens's attn_scale: it divides by it
        float[] out = new float[nHeads * pos * pos];
        float[] qs = q.data();
        float[] ks = k.data();
        int row = nHeads * dHead; // q's and k's stride from one position to the next
        // four keys j at a time, each dot product in its own variable adding e = 0, 1, ... in turn (as in project)
        for (int h = 0; h < nHeads; h++) {
            for (int i = 0; i < pos; i++) {
                int qAt = i * row + h * dHead;
                int outAt = (h * pos + i) * pos;
                int j = 0;
                for (; j + 3 <= i; j += 4) {
                    float d0 = 0f;
                    float d1 = 0f;
                    float d2 = 0f;
                    float d3 = 0f;
                    int kAt = j * row + h * dHead;
                    for (int e = 0; e < dHead; e++) {
                        float qe = qs[qAt + e];
                        d0 += qe * ks[kAt + e];
                        d1 += qe * ks[kAt + row + e];
                        d2 += qe * ks[kAt + 2 * row + e];
                        d3 += qe * ks[kAt + 3 * row + e];
                    }
                    out[outAt + j] = d0 / scale;
                    out[outAt + j + 1] = d1 / scale;
                    out[outAt + j + 2] = d2 / scale;
                    out[outAt + j + 3] = d3 / scale;
                }
                for (; j <= i; j++) {
                    float dot = 0f;
                    int kAt = j * row + h * dHead;
                    for (int e = 0; e < dHead; e++) {
                        dot += qs[qAt + e] * ks[kAt + e];
                    }
                    out[outAt + j] = dot / scale;
                }
                for (; j < pos; j++) {
                    out[outAt + j] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        return Tensor.of(out, nHeads, pos, pos);
    }

    /**
     * Each query position's pattern-weighted sum of values, over all keys (a patched pattern may put
     * weight anywhere): [n_heads, q_pos, k_pos] x [pos, n_heads, d_head] -> [pos, n_heads, d_head].
     */
    private static Tensor mix(Tensor pattern, Tensor v) {
        int pos = v.dim(0);
        int nHeads = v.dim(1);
        int dHead = v.dim(2);
        float[] out = new float[pos * nHeads * dHead];
        float[] ps = pattern.data();
        float[] vs = v.data();
        int row = nHeads * dHead; // v's stride from one position to the next
        // four outputs e at a time, each summed over j = 0, 1, ... in its own variable (as in project)
        for (int i = 0; i < pos; i++) {
            for (int h = 0; h < nHeads; h++) {
                int pAt = (h * pos + i) * pos;
                int at = (i * nHeads + h) * dHead;
                int e = 0;
                for (; e + 4 <= dHead; e += 4) {
                    float s0 = 0f;
                    float s1 = 0f;
                    float s2 = 0f;
                    float s3 = 0f;
                    for (int j = 0, vAt = h * dHead + e; j < pos; j++, vAt += row) {
                        float pj = ps[pAt + j];
                        s0 += pj * vs[vAt];
                        s1 += pj * vs[vAt + 1];
                        s2 += pj * vs[vAt + 2];
                        s3 += pj * vs[vAt + 3];
                    }
                    out[at + e] = s0;
                    out[at + e + 1] = s1;
                    out[at + e + 2] = s2;
                    out[at + e + 3] = s3;
                }
                for (; e < dHead; e++) {
                    float sum = 0f;
                    for (int j = 0, vAt = h * dHead + e; j < pos; j++, vAt += row) {
                        sum += ps[pAt + j] * vs[vAt];
                    }
                    out[at + e] = sum;
                }
            }
        }
        return Tensor.of(out, pos, nHeads, dHead);
    }

    /** Σ_h z[:, h] W_O[h] + b_O: [pos, n_heads, d_head] x [n_heads, d_head, d_model] -> [pos, d_model]. */
    Tensor output(Tensor z) {
        int pos = z.dim(0);
        int nHeads = z.dim(1);
        int dHead = z.dim(2);
        int dModel = W_O.dim(2);
        float[] out = new float[pos * dModel];
        float[] zs = z.data();
        float[] ws = W_O.data();
        float[] bs = b_O.data();
        int inner = nHeads * dHead; // (h, e) in order is k = h * d_head + e: z[p, k] and W_O's row k
        // eight (then four, then one) outputs m at a time, each summed over k = 0, 1, ... in its own variable
        // (as in project)
        for (int p = 0; p < pos; p++) {
            int zAt = p * inner;
            int at = p * dModel;
            int m = 0;
            for (; m + 8 <= dModel; m += 8) {
                float s0 = 0f;
                float s1 = 0f;
                float s2 = 0f;
                float s3 = 0f;
                float s4 = 0f;
                float s5 = 0f;
                float s6 = 0f;
                float s7 = 0f;
                for (int k = 0, w = m; k < inner; k++, w += dModel) {
                    float zk = zs[zAt + k];
                    s0 += zk * ws[w];
                    s1 += zk * ws[w + 1];
                    s2 += zk * ws[w + 2];
                    s3 += zk * ws[w + 3];
                    s4 += zk * ws[w + 4];
                    s5 += zk * ws[w + 5];
                    s6 += zk * ws[w + 6];
                    s7 += zk * ws[w + 7];
                }
                out[at + m] = s0 + bs[m];
                out[at + m + 1] = s1 + bs[m + 1];
                out[at + m + 2] = s2 + bs[m + 2];
                out[at + m + 3] = s3 + bs[m + 3];
                out[at + m + 4] = s4 + bs[m + 4];
                out[at + m + 5] = s5 + bs[m + 5];
                out[at + m + 6] = s6 + bs[m + 6];
                out[at + m + 7] = s7 + bs[m + 7];
            }
            for (; m + 4 <= dModel; m += 4) {
                float s0 = 0f;
                float s1 = 0f;
                float s2 = 0f;
                float s3 = 0f;
                for (int k = 0, w = m; k < inner; k++, w += dModel) {
                    float zk = zs[zAt + k];
                    s0 += zk * ws[w];
                    s1 += zk * ws[w + 1];
                    s2 += zk * ws[w + 2];
                    s3 += zk * ws[w + 3];
                }
                out[at + m] = s0 + bs[m];
                out[at + m + 1] = s1 + bs[m + 1];
                out[at + m + 2] = s2 + bs[m + 2];
                out[at + m + 3] = s3 + bs[m + 3];
            }
            for (; m < dModel; m++) {
                float sum = 0f;
                for (int k = 0, w = m; k < inner; k++, w += dModel) {
                    sum += zs[zAt + k] * ws[w];
                }
                out[at + m] = sum + bs[m];
            }
        }
        return Tensor.of(out, pos, dModel);
    }
}
