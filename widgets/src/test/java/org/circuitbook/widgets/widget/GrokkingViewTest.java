package org.circuitbook.widgets.widget;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
