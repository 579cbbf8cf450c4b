package org.circuitbook.widgets.model;

import static org.circuitbook.widgets.model.HookedTransformer.hooked;

import java.util.Map;
import org.circuitbook.widgets.tensor.Tensor;

/**
 * Layer normalisation (Ba, Kiros and Hinton 2016, "Layer Normalization"), as TransformerLens's {@code LayerNorm}
 * (normalization_type "LN") and {@code LayerNormPre} ("LNPre", no weights) compute it, over the last axis of
 * [..., length] (each position's residual vector; with split q/k/v inputs, each head's copy of it):
 *
 * <pre>
 *   x      = x - mean(x)                       [..., length]
 *   scale  = sqrt(mean(x^2) + eps)             [..., 1]       hook_scale
 *   normed = x / scale                         [..., length]  hook_normalized
 *   out    = normed * w + b  (LN; LNPre: normed)
 * </pre>
 * The variance is the biased one (divided by length), as {@code torch}'s {@code mean}. Each mean is summed in
 * double and rounded once to float; everything else is float32, in the order above, so a hook at
 * {@code hook_scale} changes the division as it does in TransformerLens.
 */
final class LayerNorm {
    private final Tensor w; // [length]; null for LNPre
    private final Tensor b; // [length]; null for LNPre
    private final float eps;

    /** {@code <prefix>w} and {@code <prefix>b} from weights checked against the config, or none for LNPre. */
    LayerNorm(Map<String, Tensor> weights, String prefix, TransformerConfig cfg) {
        this.w = cfg.hasLayerNormWeights() ? weights.get(prefix + "w") : null;
        this.b = cfg.hasLayerNormWeights() ? weights.get(prefix + "b") : null;
        this.eps = (float) cfg.eps(); // TransformerLens adds the Python float to a float32 tensor: a float32 add
    }

    /** x [..., length] -> [..., length]; hook names start with {@code prefix} ({@code blocks.0.ln1.}). */
    Tensor forward(Tensor x, String prefix, Hook hook) {
        int[] shape = x.shape();
        int length = shape[shape.length - 1];
        int rows = x.size() / length;
        float[] xs = x.data();
        float[] centred = new float[xs.length];
        float[] scales = new float[rows];
        for (int r = 0; r < rows; r++) {
            int at = r * length;
            double sum = 0;
            for (int i = 0; i < length; i++) {
                sum += xs[at + i];
            }
            float mean = (float) (sum / length);
            double squares = 0;
            for (int i = 0; i < length; i++) {
                float c = xs[at + i] - mean;
                centred[at + i] = c;
                squares += (double) c * c;
            }
            scales[r] = (float) Math.sqrt((float) (squares / length) + eps);
        }
        int[] scaleShape = shape.clone();
        scaleShape[scaleShape.length - 1] = 1;
        float[] scale = hooked(hook, prefix + "hook_scale", Tensor.of(scales, scaleShape)).data(); // [..., 1]
        float[] normed = new float[xs.length];
        for (int r = 0; r < rows; r++) {
            for (int i = r * length; i < (r + 1) * length; i++) {
                normed[i] = centred[i] / scale[r];
            }
        }
        Tensor normalized = hooked(hook, prefix + "hook_normalized", Tensor.of(normed, shape));    // [..., length]
        if (w == null) {
            return normalized;
        }
        float[] ns = normalized.data();
        float[] ws = w.data();
        float[] bs = b.data();
        float[] out = new float[ns.length];
        for (int i = 0; i < ns.length; i++) {
            out[i] = ns[i] * ws[i % length] + bs[i % length];
        }
        return Tensor.of(out, shape);
    }
}
