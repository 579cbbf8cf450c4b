package org.circuitbook.generator.training;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.model.TransformerConfig;
import org.circuitbook.widgets.tensor.Tensor;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What the transformer trainers share beyond {@link Training}: TransformerLens parameters as SameDiff variables
 * and back, and the parity verdict on logits (relative to their scale).
 */
final class Transformers {
    private Transformers() {
    }

    /**
     * Fails the build when the widgets' logits differ from ND4J's by more than {@code relativeTolerance} of the
     * logits' scale ({@code scale}: max |logit|, at least 1); returns {@code maxDiff}.
     * {@code CIRCUITBOOK_PARITY_REPORT} set in the environment prints every comparison.
     */
    static double requireParity(String fileName, double maxDiff, double scale, double relativeTolerance) {
        double tolerance = relativeTolerance * scale;
        Training.requireParity(fileName, "HookedTransformer differs from ND4J's logits", maxDiff, tolerance,
                tolerance + " = " + relativeTolerance + " x max |logit| " + scale);
        if (System.getenv("CIRCUITBOOK_PARITY_REPORT") != null) {
            System.err.println("parity " + fileName + ": max |diff| " + maxDiff + ", max |logit| " + scale);
        }
        return maxDiff;
    }

    /**
     * Every parameter of {@code cfg} ({@link HookedTransformer#parameterShapes}, in that order) as a SameDiff
     * variable under its TransformerLens name: matrices normal with standard deviation {@code std(name)},
     * drawn from {@code init} in order (TransformerLens's layout), biases zero. The attention's parameters are held
     * in the layout the graph multiplies by ({@link #graphLayout}), so no step re-lays them out.
     */
    static Map<String, SDVariable> parameters(SameDiff sd, TransformerConfig cfg, Random init, ToDoubleFunction<String> std) {
        requireNoLayerNorm(cfg);
        Map<String, SDVariable> w = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> param : HookedTransformer.parameterShapes(cfg).entrySet()) {
            String name = param.getKey();
            int[] shape = param.getValue();
            boolean bias = name.substring(name.lastIndexOf('.') + 1).startsWith("b_");
            int size = 1;
            for (int s : shape) {
                size *= s;
            }
            float[] values = new float[size];
            if (!bias) {
                double sigma = std.applyAsDouble(name);
                for (int i = 0; i < size; i++) {
                    values[i] = (float) (init.nextGaussian() * sigma);
                }
            }
            long[] longShape = java.util.Arrays.stream(shape).asLongStream().toArray();
            w.put(name, sd.var(name, graphLayout(name, Nd4j.create(values, longShape, DataType.FLOAT))));
        }
        return w;
    }

    /**
     * A parameter in the layout the graph uses, from TransformerLens's: the heads side by side, W_Q, W_K and W_V
     * [n_heads, d_model, d_head] as [d_model, n_heads * d_head] (column h * d_head + j), b_Q, b_K and b_V
     * [n_heads, d_head] as [n_heads * d_head], W_O [n_heads, d_head, d_model] as [n_heads * d_head, d_model];
     * every other parameter as it is. Each step used to do this with a permute and reshapes (and their
     * gradients: about a quarter of an attention-only step's ops); Adam and weight decay act element by element,
     * so training in this layout gives the same weights bit for bit. {@link #weights} lays them out back.
     */
    static INDArray graphLayout(String name, INDArray tl) {
        String leaf = name.substring(name.lastIndexOf('.') + 1);
        long[] s = tl.shape();
        return switch (leaf) {
            case "W_Q", "W_K", "W_V" -> tl.permute(1, 0, 2).dup('c').reshape(s[1], s[0] * s[2]);
            case "b_Q", "b_K", "b_V" -> tl.reshape(s[0] * s[1]);
            case "W_O" -> tl.reshape(s[0] * s[1], s[2]);
            default -> tl;
        };
    }

    /** The inverse of {@link #graphLayout}: a graph parameter back in TransformerLens's shape {@code shape}. */
    static INDArray transformerLensLayout(String name, INDArray graph, int[] shape) {
        String leaf = name.substring(name.lastIndexOf('.') + 1);
        return switch (leaf) {
            case "W_Q", "W_K", "W_V" -> graph.reshape(shape[1], shape[0], shape[2]).permute(1, 0, 2).dup('c');
            default -> graph.reshape(java.util.Arrays.stream(shape).asLongStream().toArray());
        };
    }

    /**
     * The embedded residual stream [batch * pos, d_model] of one-hot {@code tokens} [batch * pos, d_vocab] (n_ctx
     * positions per sequence): W_E[tokens] + W_pos, as [batch, pos * d_model] plus the flattened W_pos. One-hot
     * times W_E, not a gather (STACK-FACTS: SameDiff's gather breaks training).
     */
    static SDVariable embedded(SameDiff sd, TransformerConfig cfg, Map<String, SDVariable> w, SDVariable tokens) {
        int d = cfg.d_model();
        int t = cfg.n_ctx();
        SDVariable embed = sd.reshape(tokens.mmul(w.get("embed.W_E")), -1, (long) t * d);
        return sd.reshape(sd.nn.biasAdd(embed, sd.reshape(w.get("pos_embed.W_pos"), (long) t * d), true), -1, d);
    }

    /**
     * The transformer's forward pass as a SameDiff graph from the embedded residual stream {@code resid}
     * ([batch * pos, d_model]) to the variable "logits" ([batch * pos, d_vocab_out]): per layer the heads side by
     * side as [batch * n_heads, pos, d_head] batched matrix products, scores scaled by 1/sqrt(d_head) and masked
     * causally with TransformerLens's -100000 above the diagonal, then (unless attn_only) the MLP, W_in, act_fn,
     * W_out, each added to the residual stream, as {@link HookedTransformer} computes it.
     */
    static SDVariable logits(SameDiff sd, TransformerConfig cfg, Map<String, SDVariable> w, SDVariable resid) {
        requireNoLayerNorm(cfg);
        int h = cfg.n_heads();
        int e = cfg.d_head();
        int he = h * e;
        int t = cfg.n_ctx();
        float[] mask = new float[t * t];
        for (int q = 0; q < t; q++) {
            for (int k = q + 1; k < t; k++) {
                mask[q * t + k] = AttentionOnlyTrainer.MASK;
            }
        }
        SDVariable causal = sd.constant(Nd4j.create(mask, new long[] {(long) t * t}, DataType.FLOAT));
        for (int l = 0; l < cfg.n_layers(); l++) {
            String a = "blocks." + l + ".attn.";
            SDVariable q = heads(sd, resid, w.get(a + "W_Q"), w.get(a + "b_Q"), h, e, t);  // [batch * h, pos, e]
            SDVariable k = heads(sd, resid, w.get(a + "W_K"), w.get(a + "b_K"), h, e, t);
            SDVariable v = heads(sd, resid, w.get(a + "W_V"), w.get(a + "b_V"), h, e, t);
            SDVariable scores = sd.mmul(q, k, false, true, false).div(Math.sqrt(e));        // [batch * h, q, k]
            SDVariable masked = sd.nn.biasAdd(sd.reshape(scores, -1, (long) t * t), causal, true);
            // softmax over the last axis of [batch * h, q, k]: on ND4J's oneDNN build this is faster than the same
            // softmax over the rows of a [batch * h * q, k] matrix (the faster one on the plain build), by about
            // 3 ms of a 23 ms attn-only-2l step (README, Training)
            SDVariable pattern = sd.nn.softmax(sd.reshape(masked, -1, t, t), 2);
            SDVariable z = sd.mmul(pattern, v);                                              // [batch * h, pos, e]
            SDVariable zFlat = sd.reshape(sd.permute(sd.reshape(z, -1, h, t, e), 0, 2, 1, 3), -1, he); // [batch * pos, h * e]
            SDVariable attnOut = sd.nn.biasAdd(zFlat.mmul(w.get(a + "W_O")), w.get(a + "b_O"), true);
            resid = resid.add(attnOut);
            if (!cfg.attn_only()) {
                String m = "blocks." + l + ".mlp.";
                SDVariable pre = sd.nn.biasAdd(resid.mmul(w.get(m + "W_in")), w.get(m + "b_in"), true);
                SDVariable post = activation(sd, pre, cfg.act_fn());
                resid = resid.add(sd.nn.biasAdd(post.mmul(w.get(m + "W_out")), w.get(m + "b_out"), true));
            }
        }
        return sd.nn.biasAdd("logits", resid.mmul(w.get("unembed.W_U")), w.get("unembed.b_U"), true);
    }

    private static SDVariable activation(SameDiff sd, SDVariable pre, String actFn) {
        if ("relu".equals(actFn)) {
            return Training.relu(sd, null, pre);
        }
        throw new IllegalArgumentException("the training graph implements act_fn relu only, got " + actFn);
    }

    /**
     * One projection for all heads, [batch * pos, d] -> [batch * n_heads, pos, d_head], by {@code weight} [d, h * e]
     * and {@code bias} [h * e] ({@link #graphLayout}).
     */
    private static SDVariable heads(SameDiff sd, SDVariable resid, SDVariable weight, SDVariable bias, int h, int e,
                                    int t) {
        SDVariable projected = sd.nn.biasAdd(resid.mmul(weight), bias, true);
        return sd.reshape(sd.permute(sd.reshape(projected, -1, t, h, e), 0, 2, 1, 3), -1, t, e);
    }

    /** The graph's current weights under their TransformerLens names, in parameterShapes order. */
    static Map<String, Tensor> weights(SameDiff sd, TransformerConfig cfg) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> param : HookedTransformer.parameterShapes(cfg).entrySet()) {
            INDArray arr = transformerLensLayout(param.getKey(), sd.getVariable(param.getKey()).getArr(), param.getValue());
            out.put(param.getKey(), Training.export(arr, param.getValue()));
        }
        return out;
    }

    /** The graph has no LayerNorm (the book's models): a config with it is refused, not trained without it. */
    private static void requireNoLayerNorm(TransformerConfig cfg) {
        if (cfg.hasLayerNorm()) {
            throw new IllegalArgumentException("the ND4J transformer graph assumes no LayerNorm; the config has "
                    + "normalization_type \"" + cfg.normalization_type() + "\"");
        }
    }
}
