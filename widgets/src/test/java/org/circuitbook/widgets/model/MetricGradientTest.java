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
 * Where the float forward's own rounding is larger (models with MLPs and LayerNorm), the absolute part of the tolerance
 * is that rounding (n: as measured, {@link #noise}, and at least the last bit of the largest logit, the step the metric
 * moves in) carried through the extrapolated difference: at most
 * (4 (2n / h) + 2n / 2h) / 3 = 3n / h, doubled.
 */
@DisplayName("Metric gradients (attribution patching's backward pass)")
class MetricGradientTest {
    private static final double STEP = 0.04;
    private static final int[] TOKENS = {3, 7, 1, 9, 3, 7};
    private static final String[] HOOKS = {"hook_resid_pre", "hook_attn_out", "hook_resid_post", "attn.hook_z",
            "hook_q_input", "hook_k_input", "hook_v_input"};
    /** A block's hook points with an MLP, besides {@link #HOOKS}. */
    private static final String[] MLP_HOOKS = {"hook_mlp_out", "hook_resid_mid", "mlp.hook_post", "mlp.hook_pre"};

    private static double metric(HookedTransformer model, Hook hook, String metric) {
        return ActivationPatching.metric(metric, model.forward(TOKENS, hook), 7, 1);
    }

    private static void checkAgainstFiniteDifferences(HookedTransformer model, String metric) {
        checkAgainstFiniteDifferences(model, metric, STEP);
    }

    private static void checkAgainstFiniteDifferences(HookedTransformer model, String metric, double step) {
        HookedTransformer split = model.withSplitQkvInput();
        ActivationCache run = new ActivationCache();
        Tensor logits = split.forward(TOKENS, run);
        Map<String, double[]> grad = MetricGradient.of(model, run, logits, metric, 7, 1);
        Random random = new Random(5);
        double quantum = Math.ulp(maxAbs(logits.data())); // the metric moves in steps of the logits' last bit
        java.util.List<String> hooks = new java.util.ArrayList<>(java.util.List.of(HOOKS));
        if (!model.cfg().attn_only()) {
            hooks.addAll(java.util.List.of(MLP_HOOKS));
        }
        for (int l = 0; l < model.cfg().n_layers(); l++) {
            for (String h : hooks) {
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
                double fd = derivative(split, name, d, metric, step);
                double floor = 6 * Math.max(noise(split, name, metric, random), quantum) / step; // rounding, through the differences
                assertEquals(analytic, fd, 1e-3 * Math.abs(analytic) + Math.max(1e-6, floor),
                        name + " along a random direction (" + metric + ")");
                for (int i = 0; i < size; i += Math.max(1, size / 7)) { // single elements, spread over the tensor
                    float[] one = new float[size];
                    one[i] = 1;
                    double fdi = derivative(split, name, one, metric, step);
                    assertEquals(g[i], fdi, 1e-3 * Math.abs(g[i]) + Math.max(2e-5, floor), name + "[" + i + "] (" + metric + ")");
                }
            }
        }
    }

    private static float maxAbs(float[] values) {
        float most = 0;
        for (float v : values) {
            most = Math.max(most, Math.abs(v));
        }
        return most;
    }

    /**
     * The float forward's rounding noise in the metric at hook {@code name}: the largest change that four random nudges
     * of size 1e-6 make (the true change, about |gradient| 1e-6, is far below the rounding of the float logits).
     */
    private static double noise(HookedTransformer model, String name, String metric, Random random) {
        double base = metric(model, Hook.IDENTITY, metric);
        double most = 0;
        for (int k = 0; k < 4; k++) {
            float[] d = new float[model.runWithCache(TOKENS).get(name).size()];
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) random.nextGaussian();
            }
            most = Math.max(most, Math.abs(metric(model, along(name, d, 1e-6 / Math.sqrt(d.length)), metric) - base));
        }
        return most;
    }

    /** The metric's derivative along {@code direction} at hook {@code name}: Richardson-extrapolated central differences. */
    private static double derivative(HookedTransformer model, String name, float[] direction, String metric, double step) {
        double wide = (metric(model, along(name, direction, step), metric) - metric(model, along(name, direction, -step), metric))
                / (2 * step);
        double narrow = (metric(model, along(name, direction, step / 2), metric)
                - metric(model, along(name, direction, -step / 2), metric)) / step;
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

    /** The small config with {@code normalization} (null, "LN", "LNPre") and {@code actFn} (null: attention-only). */
    private static TransformerConfig config(String normalization, String actFn) {
        return TransformerFixtures.normalized(small(actFn == null, actFn == null ? "relu" : actFn), normalization);
    }

    @Test
    @DisplayName("through MLPs (relu, gelu, gelu_new) and LayerNorm (LN, LNPre): every hook point's gradient, MLP hooks "
            + "included, matches central finite differences, for both metrics")
    void mlpsAndLayerNorm() {
        String[][] cases = {{null, "gelu_new"}, {"LN", null}, {"LN", "gelu"},
                {"LNPre", "gelu_new"}, {null, "relu"}, {"LN", "relu"}};
        long seed = 30;
        for (String[] c : cases) {
            HookedTransformer model = random(config(c[0], c[1]), seed++, 0.3);
            for (String metric : ActivationPatching.METRICS) {
                // relu is piecewise linear: a step small enough to cross no kink (a kink in reach breaks any difference)
                checkAgainstFiniteDifferences(model, metric, c[1] != null && c[1].equals("relu") ? STEP / 10 : STEP);
            }
        }
    }

    @Test
    @DisplayName("the gradient from a run without split q/k/v inputs equals the gradient from the split run")
    void splitOrNot() {
        HookedTransformer model = random(config("LN", "gelu"), 40, 0.5);
        ActivationCache plain = new ActivationCache();
        Tensor logits = model.forward(TOKENS, plain);
        ActivationCache split = new ActivationCache();
        model.withSplitQkvInput().forward(TOKENS, split);
        Map<String, double[]> a = MetricGradient.of(model, plain, logits, "logit-diff", 7, 1);
        Map<String, double[]> b = MetricGradient.of(model, split, logits, "logit-diff", 7, 1);
        assertEquals(a.keySet(), b.keySet());
        for (String name : a.keySet()) {
            for (int i = 0; i < a.get(name).length; i++) {
                assertEquals(a.get(name)[i], b.get(name)[i], 1e-6 * (1 + Math.abs(a.get(name)[i])), name + "[" + i + "]");
            }
        }
    }
}
