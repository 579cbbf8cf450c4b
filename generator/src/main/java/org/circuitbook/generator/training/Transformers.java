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
import org.nd4j.linalg.indexing.NDArrayIndex;

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
        Map<String, SDVariable> w = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> param : drawn(cfg, init, std).entrySet()) {
            w.put(param.getKey(), sd.var(param.getKey(), param.getValue()));
        }
        return w;
    }

    /**
     * The parameters of {@link #parameters}, drawn the same way from {@code init}, held as {@link #logits} and
     * {@link #embedded} multiply by them: W_E and W_pos stacked as {@value #W_E_POS} [d_vocab + n_ctx, d_model]
     * (so one product embeds a token and its position), and per layer W_Q, W_K and W_V side by side as
     * {@code blocks.{l}.attn.W_QKV} [d_model, 3 * n_heads * d_head] with b_Q, b_K and b_V as
     * {@code blocks.{l}.attn.b_QKV} (so one product makes every head's queries, keys and values); every other
     * parameter under its TransformerLens name. Fewer, larger products and no per-step slicing: an
     * attn-only-2l step runs about 76 ops instead of 156 (README, Training). {@link #weights} reads either layout.
     */
    static Map<String, SDVariable> fusedParameters(SameDiff sd, TransformerConfig cfg, Random init,
                                                   ToDoubleFunction<String> std) {
        Map<String, INDArray> drawn = drawn(cfg, init, std);
        Map<String, SDVariable> w = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> param : drawn.entrySet()) {
            String name = param.getKey();
            String prefix = name.substring(0, name.lastIndexOf('.') + 1);
            switch (name.substring(prefix.length())) {
                case "W_E" -> w.put(W_E_POS, sd.var(W_E_POS, Nd4j.vstack(drawn.get(name), drawn.get("pos_embed.W_pos"))));
                case "W_Q", "b_Q" -> {
                    String fused = prefix + name.charAt(prefix.length()) + "_QKV";
                    INDArray[] parts = {drawn.get(name), drawn.get(prefix + name.charAt(prefix.length()) + "_K"),
                            drawn.get(prefix + name.charAt(prefix.length()) + "_V")};
                    w.put(fused, sd.var(fused, parts[0].rank() == 2 ? Nd4j.hstack(parts) : Nd4j.concat(0, parts)));
                }
                case "W_pos", "W_K", "W_V", "b_K", "b_V" -> { }
                default -> w.put(name, sd.var(name, param.getValue()));
            }
        }
        return w;
    }

    /** The stacked embedding of {@link #fusedParameters}: W_E's rows, then W_pos's. */
    static final String W_E_POS = "embed.W_E_pos";

    /** Every parameter, drawn in parameterShapes order, in {@link #graphLayout}. */
    private static Map<String, INDArray> drawn(TransformerConfig cfg, Random init, ToDoubleFunction<String> std) {
        requireNoLayerNorm(cfg);
        Map<String, INDArray> drawn = new LinkedHashMap<>();
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
            drawn.put(name, graphLayout(name, Nd4j.create(values, longShape, DataType.FLOAT)));
        }
        return drawn;
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
     * The embedded residual stream [batch * pos, d_model], W_E[token] + W_pos[pos], from {@code tokens}
     * [batch * pos, {@link #inputWidth}] ({@link #encode}) times {@value #W_E_POS} ({@link #fusedParameters}): each
     * row holds two ones, so the product adds the two rows exactly as TransformerLens does. One-hot times W_E, not
     * a gather (STACK-FACTS: SameDiff's gather breaks training).
     */
    static SDVariable embedded(SameDiff sd, TransformerConfig cfg, Map<String, SDVariable> w, SDVariable tokens) {
        return tokens.mmul(w.get(W_E_POS));
    }

    /** The width of {@link #embedded}'s input rows: a one-hot token, then a one-hot position. */
    static int inputWidth(TransformerConfig cfg) {
        return cfg.d_vocab() + cfg.n_ctx();
    }

    /** Writes row {@code row} of {@link #embedded}'s input: token {@code token} at position {@code position}. */
    static void encode(float[] input, int row, int token, int position, TransformerConfig cfg) {
        int width = inputWidth(cfg);
        input[row * width + token] = 1f;
        input[row * width + cfg.d_vocab() + position] = 1f;
    }

    /**
     * The transformer's forward pass as a SameDiff graph from the embedded residual stream {@code resid}
     * ([batch * pos, d_model]) to the variable "logits" ([batch * pos, d_vocab_out]), on
     * {@link #fusedParameters}: per layer one product for every head's queries, keys and values, the heads as
     * [batch, n_heads, pos, d_head] batched matrix products, scores scaled by 1/sqrt(d_head) and masked causally
     * with TransformerLens's -100000 above the diagonal, then (unless attn_only) the MLP, W_in, act_fn, W_out, each
     * added to the residual stream, as {@link HookedTransformer} computes it.
     */
    static SDVariable logits(SameDiff sd, TransformerConfig cfg, Map<String, SDVariable> w, SDVariable resid) {
        requireNoLayerNorm(cfg);
        int h = cfg.n_heads();
        int e = cfg.d_head();
        int he = h * e;
        int t = cfg.n_ctx();
        SDVariable causal = sd.constant(causalMask(t));
        SDVariable fullMask = null;
        for (int l = 0; l < cfg.n_layers(); l++) {
            String a = "blocks." + l + ".attn.";
            SDVariable qkv = sd.nn.biasAdd(resid.mmul(w.get(a + "W_QKV")), w.get(a + "b_QKV"), true); // [batch * pos, 3he]
            SDVariable[] heads = sd.unstack(sd.permute(sd.reshape(qkv, -1, t, 3, h, e), 2, 0, 3, 1, 4), 0, 3);
            SDVariable q = heads[0];                                                          // [batch, h, pos, e]
            SDVariable k = heads[1];
            SDVariable v = heads[2];
            SDVariable scores = sd.mmul(q, k, false, true, false).div(Math.sqrt(e));        // [batch, h, q, k]
            if (fullMask == null) {
                // the mask at the scores' full shape, made outside the gradient's path: adding it costs no
                // reduction in the backward pass, as adding a broadcast [q, k] mask (or biasAdd) does
                fullMask = sd.fill(sd.shape(scores), DataType.FLOAT, 0).add(causal);
            }
            // softmax over the last axis: on ND4J's oneDNN build this is faster than the same softmax over the rows
            // of a [batch * h * q, k] matrix (the faster one on the plain build), by about 3 ms of a 23 ms
            // attn-only-2l step (README, Training)
            SDVariable pattern = sd.nn.softmax(scores.add(fullMask), 3);
            SDVariable z = sd.mmul(pattern, v);                                              // [batch, h, pos, e]
            SDVariable zFlat = sd.reshape(sd.permute(z, 0, 2, 1, 3), -1, he);                // [batch * pos, h * e]
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

    /** The causal mask [pos, pos] added to attention scores: TransformerLens's -100000 above the diagonal, 0 elsewhere. */
    static INDArray causalMask(int t) {
        float[] mask = new float[t * t];
        for (int q = 0; q < t; q++) {
            for (int k = q + 1; k < t; k++) {
                mask[q * t + k] = AttentionOnlyTrainer.MASK;
            }
        }
        return Nd4j.create(mask, new long[] {t, t}, DataType.FLOAT);
    }

    private static SDVariable activation(SameDiff sd, SDVariable pre, String actFn) {
        if ("relu".equals(actFn)) {
            return Training.relu(sd, null, pre);
        }
        throw new IllegalArgumentException("the training graph implements act_fn relu only, got " + actFn);
    }

    /**
     * The graph's current weights under their TransformerLens names, in parameterShapes order, from either
     * {@link #parameters}'s or {@link #fusedParameters}'s layout.
     */
    static Map<String, Tensor> weights(SameDiff sd, TransformerConfig cfg) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> param : HookedTransformer.parameterShapes(cfg).entrySet()) {
            INDArray arr = transformerLensLayout(param.getKey(), graphArray(sd, cfg, param.getKey()), param.getValue());
            out.put(param.getKey(), Training.export(arr, param.getValue()));
        }
        return out;
    }

    /** Parameter {@code name} in {@link #graphLayout}, cut from its fused variable where the graph has one. */
    private static INDArray graphArray(SameDiff sd, TransformerConfig cfg, String name) {
        if (sd.hasVariable(name)) {
            return sd.getVariable(name).getArr();
        }
        String prefix = name.substring(0, name.lastIndexOf('.') + 1);
        String leaf = name.substring(prefix.length());
        if (leaf.equals("W_E") || leaf.equals("W_pos")) {
            INDArray stacked = sd.getVariable(W_E_POS).getArr();
            long vocab = cfg.d_vocab();
            return (leaf.equals("W_E") ? stacked.get(NDArrayIndex.interval(0, vocab), NDArrayIndex.all())
                    : stacked.get(NDArrayIndex.interval(vocab, stacked.rows()), NDArrayIndex.all())).dup('c');
        }
        INDArray fused = sd.getVariable(prefix + leaf.charAt(0) + "_QKV").getArr();  // W_QKV or b_QKV
        long width = fused.size(fused.rank() - 1) / 3;
        long from = "QKV".indexOf(leaf.charAt(2)) * width;
        return (fused.rank() == 2 ? fused.get(NDArrayIndex.all(), NDArrayIndex.interval(from, from + width))
                : fused.get(NDArrayIndex.interval(from, from + width))).dup('c');
    }

    /** The graph has no LayerNorm (the book's models): a config with it is refused, not trained without it. */
    private static void requireNoLayerNorm(TransformerConfig cfg) {
        if (cfg.hasLayerNorm()) {
            throw new IllegalArgumentException("the ND4J transformer graph assumes no LayerNorm; the config has "
                    + "normalization_type \"" + cfg.normalization_type() + "\"");
        }
    }
}
