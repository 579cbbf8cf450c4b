package org.circuitbook.widgets.widget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Grokking view")
class GrokkingViewTest {
    @Test
    @DisplayName("the spectrum of a vector over Z_p keeps its norm (Parseval) and finds a planted frequency")
    void spectrum() {
        int p = 59;
        double[] v = new double[p];
        double norm2 = 0;
        for (int x = 0; x < p; x++) {
            v[x] = 3 * Math.cos(2 * Math.PI * 17 * x / p + 0.4) + 0.5 * Math.sin(2 * Math.PI * 5 * x / p) + 0.2;
            norm2 += v[x] * v[x];
        }
        double[] s = GrokkingView.spectrum(v);
        double sum = 0;
        for (double n : s) {
            sum += n * n;
        }
        assertEquals(norm2, sum, 1e-9 * norm2);
        assertEquals("17, 5", GrokkingView.topFrequencies(v, 2));
    }

    @Test
    @DisplayName("phases: memorisation ends when train accuracy first reaches 0.99, cleanup starts when test accuracy reaches 0.5")
    void phases() {
        List<Map<?, ?>> rows = List.of(
                Map.of("step", 0, "train_accuracy", 0.0, "test_accuracy", 0.0),
                Map.of("step", 100, "train_accuracy", 0.995, "test_accuracy", 0.1),
                Map.of("step", 200, "train_accuracy", 1.0, "test_accuracy", 0.3),
                Map.of("step", 300, "train_accuracy", 1.0, "test_accuracy", 0.6),
                Map.of("step", 400, "train_accuracy", 1.0, "test_accuracy", 1.0));
        GrokkingView.Run run = new GrokkingView.Run(59, rows, new double[0], new int[0]);
        assertEquals(100, run.step(run.memorised()));
        assertEquals(300, run.step(run.generalising()));
    }

    @Test
    @DisplayName("a click on the loss chart picks the checkpoint nearest its step; the chart is the plot, its band and axis")
    void checkpointAt() {
        List<Map<?, ?>> rows = List.of(Map.of("step", 0), Map.of("step", 100), Map.of("step", 200), Map.of("step", 400));
        GrokkingView.Run run = new GrokkingView.Run(59, rows, new double[0], new int[0]);
        double left = 48;
        double width = GrokkingView.WIDTH - 48 - 16;
        assertEquals(1, GrokkingView.checkpointAt(run, false, left + width * 140 / 400));
        assertEquals(2, GrokkingView.checkpointAt(run, false, left + width * 260 / 400));
        assertEquals(0, GrokkingView.checkpointAt(run, false, 0));
        assertEquals(3, GrokkingView.checkpointAt(run, false, GrokkingView.WIDTH));
        assertEquals(3, GrokkingView.checkpointAt(run, true, 262));
        assertTrue(GrokkingView.onCurves(false, 300, 140));
        assertFalse(GrokkingView.onCurves(false, 300, 530), "the logits are no scrubber");
        assertFalse(GrokkingView.onCurves(true, 150, 400));
    }

    @Test
    @DisplayName("the train split is recomputed from the spec in the file's header, and only when its size is the recorded one")
    void split() {
        String metrics = "{\"step\": 60, \"train_size\": 60, \"checkpoints\": [{\"step\": 0}]}";
        Map<String, String> header = Map.of("metrics", metrics, "spec", "p=11\ntrain_fraction=0.5\ndata_seed=0\nsteps=60\n");
        GrokkingView.Run run = GrokkingView.fromFile(header, 11);
        assertEquals("(1, 1) is a training pair", run.pairKind(1, 1));
        assertEquals("(1, 8) is a held-out test pair", run.pairKind(1, 8));
        assertEquals(null, run.pairKind(11, 0));
        assertEquals(null, GrokkingView.fromFile(Map.of("metrics", metrics.replace("60,", "61,"),
                "spec", header.get("spec")), 11).pairKind(1, 1), "a split that is not the trainer's is not shown");
        assertEquals(null, GrokkingView.fromFile(Map.of("metrics", metrics), 11).pairKind(1, 1));
    }

    @Test
    @DisplayName("the text alternative reads out the step's losses, W_E's spectrum against the key frequencies, and for "
            + "a + b the prediction and the strongest frequencies of the logits (the logit panel's title)")
    void describe() {
        int p = 11;
        Map<String, Object> step0 = new java.util.LinkedHashMap<>(Map.of("step", 0, "train_accuracy", 0.1,
                "test_accuracy", 0.05, "test_loss", 2.4, "train_loss", 2.39871, "restricted_loss", 2.4,
                "excluded_loss", 2.41));
        step0.put("fourier_norms", List.of(0.5, 1.0, 1.1, 1.2, 0.9, 1.05));
        Map<String, Object> last = new java.util.LinkedHashMap<>(Map.of("step", 100, "train_accuracy", 1.0,
                "test_accuracy", 1.0, "test_loss", 0.001, "train_loss", 6.4334e-5, "restricted_loss", 0.0099961,
                "excluded_loss", 9.8195));
        last.put("fourier_norms", List.of(0.5, 0.1, 3.0, 0.2, 2.0, 0.3));
        boolean[] train = new boolean[p * p];
        train[1 * p + 2] = true;
        GrokkingView.Run run = new GrokkingView.Run(p, List.of(step0, last), new double[0], new int[] {2, 4}, train);
        double[] logits = new double[p];
        for (int c = 0; c < p; c++) {
            logits[c] = 3 * Math.cos(2 * Math.PI * 4 * (c - 3) / p) + Math.cos(2 * Math.PI * 2 * (c - 3) / p)
                    + 0.2 * Math.cos(2 * Math.PI * 5 * c / p);
        }
        assertEquals("Training run of the modular-addition transformer (p = 11), at step 100 of 100: train accuracy "
                + "1.000, test accuracy 1.000, test loss 0.001, train loss 0.0000643, restricted loss 0.0100, excluded "
                + "loss 9.82. Memorisation ends at step 100 and cleanup starts at step 100. W_E's Fourier spectrum: the "
                + "key frequencies 2 and 4 have norms from 2.00 to 3.00, the other 3 from 0.10 to 0.30; the key "
                + "frequencies hold 97% of its squared norm (constant included). For 1 + 2 the model predicts 3 "
                + "(answer 3); the strongest frequencies of its logits are 4, 2, 5. (1, 2) is a training pair: the "
                + "model was trained on it.", GrokkingView.describe(run, 1, 1, 2, logits));
        String early = GrokkingView.describe(run, 0, 1, 3, null);
        assertTrue(early.contains("train loss 2.40, restricted loss 2.40, excluded loss 2.41."), early);
        assertTrue(early.contains("the key frequencies 2 and 4 have norms from 0.90 to 1.10, the other 3 from 1.00 to "
                + "1.20; the key frequencies hold 35% of its squared norm"), early);
        assertFalse(early.contains("predicts"), "no prediction before the checkpoint's weights are in");
        assertTrue(early.endsWith(" (1, 3) is a held-out test pair: the model never trained on it."), early);
        assertFalse(GrokkingView.describe(new GrokkingView.Run(p, List.of(Map.of("step", 0, "train_accuracy", 0.1,
                "test_accuracy", 0.05, "test_loss", 2.4)), new double[0], new int[0]), 0, 1, 3, null).contains("spectrum"),
                "a run without a spectrum or key frequencies says nothing of them");
    }
}
