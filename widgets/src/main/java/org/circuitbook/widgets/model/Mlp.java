package org.circuitbook.widgets.model;

import static org.circuitbook.widgets.model.HookedTransformer.hooked;

import java.util.Map;
import org.circuitbook.widgets.tensor.Ops;
import org.circuitbook.widgets.tensor.Tensor;

/**
 * One MLP layer, as TransformerLens's {@code MLP}: the position-wise feed-forward network of Vaswani et
 * al. (2017), "Attention Is All You Need", section 3.3, applied to each position independently.
 *
 * <pre>
 *   pre  = x W_in + b_in       [pos, d_mlp]
 *   post = act_fn(pre)         [pos, d_mlp]
 *   out  = post W_out + b_out  [pos, d_model]
 * </pre>
 */
final class Mlp {
    private final Tensor W_in;  // [d_model, d_mlp]
    private final Tensor b_in;  // [d_mlp]
    private final Tensor W_out; // [d_mlp, d_model]
    private final Tensor b_out; // [d_model]
    private final String actFn;

    /** Takes {@code <prefix>W_in}, ... from weights already checked against the config. */
    Mlp(Map<String, Tensor> weights, String prefix, String actFn) {
        W_in = weights.get(prefix + "W_in");
        b_in = weights.get(prefix + "b_in");
        W_out = weights.get(prefix + "W_out");
        b_out = weights.get(prefix + "b_out");
        this.actFn = actFn;
    }

    /** x [pos, d_model] -> MLP output [pos, d_model]; hook names start with {@code prefix}. */
    Tensor forward(Tensor x, String prefix, Hook hook) {
        Tensor pre = hooked(hook, prefix + "hook_pre", Ops.addBias(Ops.matmul(x, W_in), b_in)); // [pos, d_mlp]
        Tensor post = hooked(hook, prefix + "hook_post", activation(pre));                      // [pos, d_mlp]
        // after a ReLU about half of post is zero: matmul's floats, bit for bit (finite weights), without those terms
        return Ops.addBias(Ops.matmulSkippingZeros(post, W_out), b_out);                        // [pos, d_model]
    }

    /** The config's act_fn, elementwise: [pos, d_mlp] -> [pos, d_mlp]. */
    private Tensor activation(Tensor pre) {
        switch (actFn) {
            case "relu":
                return Ops.relu(pre);
            case "gelu":
                return Ops.gelu(pre);
            case "gelu_new":
                return Ops.geluNew(pre);
            default:
                throw new IllegalStateException("act_fn " + actFn + " passed the config check but has no code");
        }
    }

    /**
     * The derivative of {@code actFn} at {@code x}, in double, for the hand-written backward pass ({@link MetricGradient}):
     * relu: 1 above 0, else 0 (PyTorch's convention at 0); gelu: Φ(x) + x φ(x); gelu_new: the tanh form's derivative,
     * (1 + t)/2 + x (1 - t²)/2 · sqrt(2/π) (1 + 3 · 0.044715 x²) with t = tanh(sqrt(2/π) (x + 0.044715 x³)).
     */
    static double derivative(String actFn, double x) {
        switch (actFn) {
            case "relu":
                return x > 0 ? 1 : 0;
            case "gelu":
                return 0.5 * (1 + Ops.erf(x / Math.sqrt(2))) + x * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
            case "gelu_new": {
                double c = Math.sqrt(2 / Math.PI);
                double t = Math.tanh(c * (x + 0.044715 * x * x * x));
                return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x);
            }
            default:
                throw new IllegalStateException("act_fn " + actFn + " passed the config check but has no code");
        }
    }
}
