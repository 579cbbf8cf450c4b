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
}
