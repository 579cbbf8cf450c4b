package org.circuitbook.widgets.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Live training of the toy model of superposition: the hand-written gradients, and what training finds. */
@DisplayName("Toy model training in the page")
class ToyTrainingTest {
    private static int represented(ToyModel model) {
        int count = 0;
        for (float norm : model.featureNorms().data()) {
            count += norm > 0.5 ? 1 : 0;
        }
        return count;
    }

    @Test
    @DisplayName("the gradients match central finite differences of the loss, for W and b, with ReLU and linear output")
    void gradients() {
        for (boolean relu : new boolean[] {true, false}) {
            ToyTraining t = new ToyTraining(5, 2, relu, 0.5, 0.9, 16, 1e-3, 7);
            for (int i = 0; i < 20; i++) {
                t.step(); // away from the initial point, with some b nonzero
            }
            double[] x = t.sample();
            t.lossAndGradients(x, 16);
            double[] gW = t.gradientW().clone();
            double[] gB = t.gradientB().clone();
            double h = 1e-6;
            for (double[][] pg : new double[][][] {{t.weights(), gW}, {t.bias(), gB}}) {
                double[] p = pg[0];
                for (int i = 0; i < p.length; i++) {
                    double keep = p[i];
                    p[i] = keep + h;
                    double up = t.lossAndGradients(x, 16);
                    p[i] = keep - h;
                    double down = t.lossAndGradients(x, 16);
                    p[i] = keep;
                    assertEquals((up - down) / (2 * h), pg[1][i], 1e-7, "relu " + relu + ", parameter " + i);
                }
            }
        }
    }

    @Test
    @DisplayName("dense features: the two most important get the two dimensions and the rest are dropped (Elhage et al. 2022)")
    void dense() {
        ToyTraining t = new ToyTraining(5, 2, true, 0, 0.9, 256, 0.01, 1);
        double first = t.step();
        for (int i = 0; i < 2000; i++) {
            t.step();
        }
        ToyModel m = t.model();
        assertTrue(t.loss() < first / 2, first + " -> " + t.loss());
        assertEquals(2, represented(m));
        assertTrue(m.featureNorms().get(0) > 0.9 && m.featureNorms().get(1) > 0.9);
    }

    @Test
    @DisplayName("sparse features (S = 0.9): superposition, 4 or 5 features in 2 dimensions; the pentagon from some starts")
    void sparse() {
        int pentagons = 0;
        for (long seed = 0; seed < 4; seed++) {
            ToyTraining t = new ToyTraining(5, 2, true, 0.9, 0.9, 256, 0.01, seed);
            for (int i = 0; i < 1500; i++) {
                t.step();
            }
            int n = represented(t.model());
            assertTrue(n >= 4, "seed " + seed + ": " + n + " features represented");
            pentagons += n == 5 ? 1 : 0;
        }
        // as for the build's trainer, the pentagon is a narrow basin: measured, seed 2 of 0-3 finds it
        assertEquals(1, pentagons);
    }

    @Test
    @DisplayName("a changed sparsity trains on from the current weights; features dropped when dense stay dead")
    void continued() {
        ToyTraining t = new ToyTraining(5, 2, true, 0, 0.9, 256, 0.01, 1);
        for (int i = 0; i < 1500; i++) {
            t.step();
        }
        t.setSparsity(0.9);
        for (int i = 0; i < 1500; i++) {
            t.step();
        }
        assertEquals(0.9, t.sparsity());
        assertEquals(3000, t.steps());
        // a dropped feature's column W_i = 0 is a stationary point: with independent features and b_i at its
        // optimum, the expected gradient on it is zero, so it stays dropped. Why the widget restarts instead
        assertEquals(2, represented(t.model()));
    }

    @Test
    @DisplayName("refuses a sparsity outside [0, 1) and an importance decay outside (0, 1]")
    void errors() {
        assertEquals("sparsity must be in [0, 1), got 1.0", assertThrows(IllegalArgumentException.class,
                () -> new ToyTraining(5, 2, true, 1.0, 0.9, 16, 1e-3, 0)).getMessage());
        assertEquals("importance decay must be in (0, 1], got 0.0", assertThrows(IllegalArgumentException.class,
                () -> new ToyTraining(5, 2, true, 0.5, 0, 16, 1e-3, 0)).getMessage());
    }
}
