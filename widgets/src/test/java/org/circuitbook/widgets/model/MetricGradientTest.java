package org.circuitbook.widgets.model;

import static org.circuitbook.widgets.model.TransformerFixtures.random;
import static org.circuitbook.widgets.model.TransformerFixtures.small;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import org.circuitbook.widgets.tensor.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The hand-written backward pass against central finite differences of the float forward pass. Each hook point is
 * checked along a random unit direction over all its values (a directional derivative, so every position and head
 * counts) and at single elements. Tolerance: 1e-3 relative to the derivative's size (plus 1e-6 absolute for
 * derivatives that are 0 by construction). The forward pass is float32, so a small step drowns in rounding (about 1e-7
 * of the logits, divided by the step); a central difference with Richardson extrapolation, (4 D(h/2) - D(h)) / 3, has
 * an O(h^4) error, so a step h = 0.04 keeps both the rounding (~1e-5) and the truncation well under the tolerance.
 */
@DisplayName("Metric gradients (attribution patching's backward pass)")
class MetricGradientTest {
    private static final double STEP = 0.04;
    private static final int[] TOKENS = {3, 7, 1, 9, 3, 7};
    private static final String[] HOOKS = {"hook_resid_pre", "hook_attn_out", "hook_resid_post", "attn.hook_z",
            "hook_q_input", "hook_k_input", "hook_v_input"};

    private static double metric(HookedTransformer model, Hook hook, String metric) {
        return ActivationPatching.metric(metric, model.forward(TOKENS, hook), 7, 1);
    }

    private static void checkAgainstFiniteDifferences(HookedTransformer model, String metric) {
        HookedTransformer split = model.withSplitQkvInput();
        ActivationCache run = new ActivationCache();
        Tensor logits = split.forward(TOKENS, run);
        Map<String, double[]> grad = MetricGradient.of(model, run, logits, metric, 7, 1);
        Random random = new Random(5);
        for (int l = 0; l < model.cfg().n_layers(); l++) {
            for (String h : HOOKS) {
                String name = "blocks." + l + "." + h;
                double[] g = grad.get(name);
                int size = run.get(name).size();
                assertEquals(size, g.length, name);
                float[] d = new float[size];
                double norm = 0;
                for (int i = 0; i < size; i++) {
                    d[i] = (float) random.nextGaussian();
                    norm += d[i] * d[i];
                }
                double analytic = 0;
                for (int i = 0; i < size; i++) {
                    d[i] /= (float) Math.sqrt(norm);
                    analytic += d[i] * g[i];
                }
                double fd = derivative(split, name, d, metric);
                assertEquals(analytic, fd, 1e-3 * Math.abs(analytic) + 1e-6, name + " along a random direction (" + metric + ")");
                for (int i = 0; i < size; i += Math.max(1, size / 7)) { // single elements, spread over the tensor
                    float[] one = new float[size];
                    one[i] = 1;
                    double fdi = derivative(split, name, one, metric);
                    assertEquals(g[i], fdi, 1e-3 * Math.abs(g[i]) + 2e-5, name + "[" + i + "] (" + metric + ")");
                }
            }
        }
    }

    /** The metric's derivative along {@code direction} at hook {@code name}: Richardson-extrapolated central differences. */
    private static double derivative(HookedTransformer model, String name, float[] direction, String metric) {
        double wide = (metric(model, along(name, direction, STEP), metric) - metric(model, along(name, direction, -STEP), metric))
                / (2 * STEP);
        double narrow = (metric(model, along(name, direction, STEP / 2), metric)
                - metric(model, along(name, direction, -STEP / 2), metric)) / STEP;
        return (4 * narrow - wide) / 3;
    }

    /** Adds t * direction at hook point {@code name}. */
    private static Hook along(String name, float[] direction, double t) {
        return Hook.at(name, v -> {
            Tensor out = v.copy();
            for (int i = 0; i < out.size(); i++) {
                out.data()[i] += (float) (t * direction[i]);
            }
            return out;
        });
    }

    @Test
    @DisplayName("the logit difference's gradient at every hook point matches central finite differences")
    void logitDifference() {
        checkAgainstFiniteDifferences(random(small(true, null), 21, 0.5), "logit-diff");
    }

    @Test
    @DisplayName("the probability's gradient (through softmax over the vocabulary) matches central finite differences")
    void probability() {
        checkAgainstFiniteDifferences(random(small(true, null), 22, 0.5), "probability");
    }

    @Test
    @DisplayName("after the last layer the logit difference is linear: its gradient is W_U's answer column minus the wrong one's")
    void lastLayerIsLinear() {
        HookedTransformer model = InductionHeadsTest.model();
        ActivationCache run = new ActivationCache();
        Tensor logits = model.forward(new int[] {0, 1, 2, 3, 1}, run);
        double[] g = MetricGradient.of(model, run, logits, "logit-diff", 2, 4).get("blocks.1.hook_resid_post");
        int dModel = model.cfg().d_model();
        for (int p = 0; p < 5; p++) {
            for (int m = 0; m < dModel; m++) {
                double want = p < 4 ? 0 : model.W_U().get(m, 2) - model.W_U().get(m, 4);
                assertEquals(want, g[p * dModel + m], 0.0, "position " + p + ", dimension " + m);
            }
        }
    }

    @Test
    @DisplayName("a model with MLPs is refused, naming why")
    void attentionOnly() {
        HookedTransformer withMlp = random(small(false, "relu"), 1, 0.3);
        ActivationCache run = new ActivationCache();
        Tensor logits = withMlp.forward(TOKENS, run);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MetricGradient.of(withMlp, run, logits, "logit-diff", 7, 1))
                .getMessage().contains("attention-only"));
    }
}
