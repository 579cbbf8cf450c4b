package org.circuitbook.widgets.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import org.circuitbook.widgets.data.Lcg;
import org.circuitbook.widgets.data.Othello;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.widget.BoardWidgets;
import org.circuitbook.widgets.widget.OthelloBoardModel;
import org.circuitbook.widgets.widget.SteeringView;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** OthelloBoardModel on a random 2-layer othello transformer with random probes and directions. */
@DisplayName("OthelloBoardModel")
class OthelloBoardModelTest {
    static OthelloBoardModel model() {
        TransformerConfig cfg = new TransformerConfig(2, 8, 4, 2, 16, 12, 12, 12, "relu", false, null, "standard");
        HookedTransformer t = TransformerFixtures.random(cfg, 7, 0.3);
        Map<String, Tensor> tensors = new HashMap<>();
        Lcg rng = new Lcg(3);
        for (int s = 0; s <= 2; s++) {
            for (String lab : new String[] {"relative", "colour"}) {
                tensors.put(OthelloModel.probeName(lab, s, "W"), random(rng, 8, 48));
                tensors.put(OthelloModel.probeName(lab, s, "b"), random(rng, 48));
            }
            tensors.put(OthelloModel.steerName(s), random(rng, 16, 8));
            tensors.put(OthelloModel.saeName(s), random(rng, 16, 8));
        }
        return new OthelloBoardModel(new OthelloModel(t, new Othello(4), tensors));
    }

    static Tensor random(Lcg rng, int... shape) {
        int size = 1;
        for (int d : shape) {
            size *= d;
        }
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) (rng.nextDouble() - 0.5);
        }
        return Tensor.of(v, shape);
    }

    @Test
    @DisplayName("move probabilities: the last position's softmax over tokens, on their squares, centre squares 0")
    void moves() {
        OthelloBoardModel m = model();
        Othello rules = new Othello(4);
        int[] tokens = {rules.tokenOf(1), rules.tokenOf(0)};
        double[] p = m.moves(tokens);
        float[][] logits = m.model().legalLogits(tokens);
        double[] soft = SteeringView.softmax(logits[1]);
        double sum = 0;
        for (int t = 0; t < 12; t++) {
            assertEquals(soft[t], p[rules.squareOf(t)], 1e-12);
            sum += p[rules.squareOf(t)];
        }
        assertEquals(1.0, sum, 1e-9);
        for (int sq : new int[] {5, 6, 9, 10}) {
            assertEquals(0.0, p[sq]);
        }
        assertEquals(2, m.layers());
        assertArrayEquals(m.model().probeReadout(tokens, "colour", 1)[1], m.readout(tokens, "colour", 1));
        assertArrayEquals(p, m.steer(tokens, 1, m.direction("probe", 1, 0), 0f), 1e-9);
    }

    @Test
    @DisplayName("the probe direction is the relative probe's mine column minus its theirs column")
    void direction() {
        OthelloBoardModel m = model();
        float[] d = m.direction("probe", 2, 3);
        float[] mine = m.model().direction("relative.mine", 2, 3);
        float[] theirs = m.model().direction("relative.theirs", 2, 3);
        for (int i = 0; i < d.length; i++) {
            assertEquals(mine[i] - theirs[i], d[i], 1e-7);
        }
        assertArrayEquals(m.model().direction("mine_minus_theirs", 2, 3), m.direction("mine_minus_theirs", 2, 3));
        assertArrayEquals(m.model().direction("sae", 2, 3), m.direction("sae", 2, 3));
        assertArrayEquals(rowOf(m.model().probeTensor(OthelloModel.saeName(2)), 3), m.direction("sae", 2, 3));
    }

    @Test
    @DisplayName("kept results equal fresh ones across positions, stages, labellings, edits and steering; copies returned")
    void keptResults() {
        OthelloBoardModel kept = model();
        Othello rules = new Othello(4);
        int[][] games = {{rules.tokenOf(1), rules.tokenOf(0)}, {rules.tokenOf(1)}, {rules.tokenOf(1), rules.tokenOf(0)}};
        for (int[] tokens : games) {
            for (int round = 0; round < 2; round++) { // the second round is served from what was kept
                OthelloBoardModel fresh = model();
                assertArrayEquals(fresh.moves(tokens), kept.moves(tokens));
                float[][] logits = fresh.model().legalLogits(tokens);
                assertArrayEquals(fresh.onSquares(logits[logits.length - 1]), kept.moves(tokens));
                for (int stage = 0; stage <= 2; stage++) {
                    for (String lab : new String[] {"relative", "colour"}) {
                        int[][] all = fresh.model().probeReadout(tokens, lab, stage);
                        assertArrayEquals(all[all.length - 1], kept.readout(tokens, lab, stage));
                    }
                    assertArrayEquals(fresh.edit(tokens, stage, 3, 1), kept.edit(tokens, stage, 3, 1));
                    assertArrayEquals(fresh.edit(tokens, stage, 3, 2), kept.edit(tokens, stage, 3, 2));
                    for (float alpha : new float[] {-2f, 4f}) {
                        for (String name : BoardWidgets.DIRECTIONS) {
                            assertArrayEquals(fresh.steer(tokens, stage, fresh.direction(name, stage, 2), alpha),
                                    kept.steer(tokens, stage, kept.direction(name, stage, 2), alpha));
                        }
                    }
                }
            }
        }
        int[] tokens = games[0];
        double[] p = kept.moves(tokens);
        p[0] = 42;
        kept.readout(tokens, "relative", 1)[0] = 42;
        assertEquals(model().moves(tokens)[0], kept.moves(tokens)[0]);
        assertEquals(model().readout(tokens, "relative", 1)[0], kept.readout(tokens, "relative", 1)[0]);
    }

    private static float[] rowOf(Tensor t, int row) {
        float[] out = new float[t.dim(1)];
        for (int m = 0; m < out.length; m++) {
            out[m] = t.get(row, m);
        }
        return out;
    }
}
