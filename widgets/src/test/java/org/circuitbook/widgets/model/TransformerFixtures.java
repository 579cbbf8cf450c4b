package org.circuitbook.widgets.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.circuitbook.widgets.tensor.Tensor;

/** Models the transformer tests share, named after what they are for. */
final class TransformerFixtures {
    private TransformerFixtures() {
    }

    /** The small config of the brief: 2 layers, d_model 8, 2 heads of 4, d_mlp 16, vocab 11, n_ctx 6. */
    static TransformerConfig small(boolean attnOnly, String actFn) {
        return new TransformerConfig(2, 8, 4, 2, 16, 11, 11, 6, actFn, attnOnly, null, "standard");
    }

    /** {@code cfg} with {@code normalization} ("LN", "LNPre" or null) and TransformerLens's default eps. */
    static TransformerConfig normalized(TransformerConfig cfg, String normalization) {
        return new TransformerConfig(cfg.n_layers(), cfg.d_model(), cfg.d_head(), cfg.n_heads(), cfg.d_mlp(), cfg.d_vocab(),
                cfg.d_vocab_out(), cfg.n_ctx(), cfg.act_fn(), cfg.attn_only(), normalization, cfg.positional_embedding_type(),
                TransformerConfig.DEFAULT_EPS);
    }

    /**
     * Every parameter drawn from a seeded normal with standard deviation {@code scale}; 0.3 is large enough
     * that attention patterns are far from uniform (up to about 0.94) and the MLP's activation bends.
     */
    static HookedTransformer random(TransformerConfig cfg, long seed, double scale) {
        Random random = new Random(seed);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : HookedTransformer.parameterShapes(cfg).entrySet()) {
            Tensor t = Tensor.zeros(e.getValue());
            for (int i = 0; i < t.size(); i++) {
                t.data()[i] = (float) (scale * random.nextGaussian());
            }
            weights.put(e.getKey(), t);
        }
        return new HookedTransformer(cfg, weights);
    }

    /** All the parameters of {@code cfg} as zeros, to be filled in by hand. */
    static Map<String, Tensor> zeros(TransformerConfig cfg) {
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : HookedTransformer.parameterShapes(cfg).entrySet()) {
            weights.put(e.getKey(), Tensor.zeros(e.getValue()));
        }
        return weights;
    }

    /** Sets {@code t[i, j, k]} of a rank-3 tensor. */
    static void set(Tensor t, int i, int j, int k, float value) {
        t.data()[(i * t.dim(1) + j) * t.dim(2) + k] = value;
    }
}
