package org.circuitbook.generator.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.circuitbook.widgets.model.ActivationCache;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.model.MetricGradient;
import org.circuitbook.widgets.model.TransformerConfig;
import org.circuitbook.widgets.tensor.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The widgets' hand-written backward pass ({@link MetricGradient}) against SameDiff's automatic differentiation on the
 * same weights: the attention-only forward pass written as a SameDiff graph with the trainer's operations (one-hot
 * embedding, per-head projections, scaled scores plus the trainer's additive causal mask, softmax, the
 * pattern-weighted sum, W_O), and a zero variable added at each hook point, whose gradient is the metric's gradient
 * with respect to that activation. Float32 on both sides; tolerance 1e-4 of the largest gradient at that hook point.
 */
@DisplayName("Metric gradients against ND4J's autodiff")
class MetricGradientNd4jTest {
    private static final int[] TOKENS = {3, 7, 1, 9, 3, 7};
    private static final int ANSWER = 1;
    private static final int WRONG = 9;

    @Test
    @DisplayName("the logit difference's gradient at resid_pre, attn_out, resid_post, z and each head's q/k/v input")
    void matchesSameDiff() {
        TransformerConfig cfg = new TransformerConfig(2, 12, 4, 3, 0, 11, 11, 8, null, true, null, "standard");
        Random random = new Random(8);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : HookedTransformer.parameterShapes(cfg).entrySet()) {
            Tensor t = Tensor.zeros(e.getValue());
            for (int i = 0; i < t.size(); i++) {
                t.data()[i] = (float) (0.5 * random.nextGaussian());
            }
            weights.put(e.getKey(), t);
        }
        HookedTransformer model = new HookedTransformer(cfg, weights);
        ActivationCache run = new ActivationCache();
        Tensor logits = model.forward(TOKENS, run);
        Map<String, double[]> java = MetricGradient.of(model, run, logits, "logit-diff", ANSWER, WRONG);

        int t = TOKENS.length;
        int d = cfg.d_model();
        int h = cfg.n_heads();
        int e = cfg.d_head();
        SameDiff sd = SameDiff.create();
        List<String> deltas = new ArrayList<>();
        float[] oneHot = new float[t * cfg.d_vocab()];
        for (int p = 0; p < t; p++) {
            oneHot[p * cfg.d_vocab() + TOKENS[p]] = 1;
        }
        float[] pos = new float[t * d];
        System.arraycopy(weights.get("pos_embed.W_pos").data(), 0, pos, 0, t * d);
        SDVariable resid = sd.constant(Nd4j.create(oneHot, new long[] {t, cfg.d_vocab()}, DataType.FLOAT))
                .mmul(constant(sd, weights.get("embed.W_E"))).add(sd.constant(Nd4j.create(pos, new long[] {t, d}, DataType.FLOAT)));
        float[] mask = new float[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                mask[i * t + j] = AttentionOnlyTrainer.MASK;
            }
        }
        SDVariable causal = sd.constant(Nd4j.create(mask, new long[] {t, t}, DataType.FLOAT));
        for (int l = 0; l < cfg.n_layers(); l++) {
            String a = "blocks." + l + ".attn.";
            resid = resid.add(delta(sd, deltas, "blocks." + l + ".hook_resid_pre", t, d));
            SDVariable attnOut = constant(sd, weights.get(a + "b_O"));
            for (int head = 0; head < h; head++) {
                SDVariable q = project(sd, deltas, resid, weights, l, "Q", head, t, d, e);
                SDVariable k = project(sd, deltas, resid, weights, l, "K", head, t, d, e);
                SDVariable v = project(sd, deltas, resid, weights, l, "V", head, t, d, e);
                SDVariable pattern = sd.nn.softmax(q.mmul(sd.transpose(k)).div(Math.sqrt(e)).add(causal), 1); // [t, t]
                SDVariable z = pattern.mmul(v).add(delta(sd, deltas, a + "hook_z." + head, t, e));         // [t, e]
                attnOut = attnOut.add(z.mmul(constant(sd, slice(weights.get(a + "W_O"), head))));          // [t, d]
            }
            attnOut = attnOut.add(delta(sd, deltas, "blocks." + l + ".hook_attn_out", t, d));
            resid = resid.add(attnOut);
        }
        resid = resid.add(delta(sd, deltas, "blocks." + (cfg.n_layers() - 1) + ".hook_resid_post", t, d));
        SDVariable out = resid.mmul(constant(sd, weights.get("unembed.W_U"))).add(constant(sd, weights.get("unembed.b_U")));
        float[] pick = new float[t * cfg.d_vocab_out()];
        pick[(t - 1) * cfg.d_vocab_out() + ANSWER] = 1;
        pick[(t - 1) * cfg.d_vocab_out() + WRONG] = -1;
        SDVariable metric = out.mul(sd.constant(Nd4j.create(pick, new long[] {t, cfg.d_vocab_out()}, DataType.FLOAT))).sum();
        sd.setLossVariables(metric);
        Map<String, INDArray> grads = Training.quietly(() -> sd.calculateGradients(Map.of(), deltas));

        for (String name : deltas) {
            float[] nd = grads.get(name).castTo(DataType.FLOAT).dup('c').data().asFloat();
            double[] g = javaGradient(java, name, t, h, d, e);
            double scale = 0;
            for (double x : g) {
                scale = Math.max(scale, Math.abs(x));
            }
            for (int i = 0; i < nd.length; i++) {
                assertEquals(g[i], nd[i], 1e-4 * scale + 1e-7, name + "[" + i + "]");
            }
        }
        assertEquals(2 * 2 + 2 * 3 * 4 + 1, deltas.size(), "resid_pre, attn_out per layer; z, q, k, v per head; resid_post");
    }

    /** The Java gradient of delta {@code name}, in the delta's layout ([t, d], or one head's [t, e] / [t, d]). */
    private static double[] javaGradient(Map<String, double[]> java, String name, int t, int h, int d, int e) {
        int dot = name.lastIndexOf('.');
        if (!Character.isDigit(name.charAt(dot + 1))) {
            return java.get(name);
        }
        int head = Integer.parseInt(name.substring(dot + 1));
        String hook = name.substring(0, dot); // per head: hook_z [pos, h, e] or hook_X_input [pos, h, d]
        int width = hook.endsWith("hook_z") ? e : d;
        double[] all = java.get(hook);
        double[] out = new double[t * width];
        for (int p = 0; p < t; p++) {
            System.arraycopy(all, (p * h + head) * width, out, p * width, width);
        }
        return out;
    }

    /** One head's projection x W[head] + b[head], through its own input delta {@code blocks.L.hook_X_input.head}. */
    private static SDVariable project(SameDiff sd, List<String> deltas, SDVariable resid, Map<String, Tensor> weights,
                                      int layer, String which, int head, int t, int d, int e) {
        String a = "blocks." + layer + ".attn.";
        SDVariable in = resid.add(delta(sd, deltas, "blocks." + layer + ".hook_" + which.toLowerCase() + "_input." + head, t, d));
        float[] bias = new float[e];
        System.arraycopy(weights.get(a + "b_" + which).data(), head * e, bias, 0, e);
        return in.mmul(constant(sd, slice(weights.get(a + "W_" + which), head)))
                .add(sd.constant(Nd4j.create(bias, new long[] {1, e}, DataType.FLOAT)));
    }

    /** A zero variable added at a hook point: its gradient is the metric's gradient there. */
    private static SDVariable delta(SameDiff sd, List<String> deltas, String name, int rows, int cols) {
        deltas.add(name);
        return sd.var(name, Nd4j.zeros(DataType.FLOAT, rows, cols));
    }

    private static SDVariable constant(SameDiff sd, Tensor t) {
        long[] shape = java.util.Arrays.stream(t.shape()).asLongStream().toArray();
        if (shape.length == 1) {
            shape = new long[] {1, shape[0]};
        }
        return sd.constant(Nd4j.create(t.data().clone(), shape, DataType.FLOAT));
    }

    /** Head {@code head}'s matrix of a [n_heads, a, b] weight: [a, b]. */
    private static Tensor slice(Tensor w, int head) {
        int a = w.dim(1);
        int b = w.dim(2);
        float[] out = new float[a * b];
        System.arraycopy(w.data(), head * a * b, out, 0, a * b);
        return Tensor.of(out, a, b);
    }
}
