package org.circuitbook.widgets.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.weights.SafeTensors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ToyModelTest {
    // W = [[1, 0, 0.6], [0, 1, 0.8]]: features 0 and 1 on the axes, feature 2 a unit vector between them
    private final ToyModel model = new ToyModel(
            Tensor.of(new float[] {1, 0, 0.6f, 0, 1, 0.8f}, 2, 3),
            Tensor.of(new float[] {0, -0.5f, 0.1f}, 3));

    @Test
    @DisplayName("forward computes ReLU(x W^T W + b) for a batch, checked by hand")
    void forwardByHand() {
        // x = [1, 0, 0]: h = (1, 0); W^T h = (1, 0, 0.6); + b = (1, -0.5, 0.7); ReLU -> (1, 0, 0.7)
        // x = [0, 0, 1]: h = (0.6, 0.8); W^T h = (0.6, 0.8, 1.0); + b = (0.6, 0.3, 1.1)
        Tensor x = Tensor.of(new float[] {1, 0, 0, 0, 0, 1}, 2, 3);
        Tensor out = model.forward(x);
        assertArrayEquals(new int[] {2, 3}, out.shape());
        float[] expected = {1, 0, 0.7f, 0.6f, 0.3f, 1.1f};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], out.data()[i], 1e-6, "element " + i);
        }
    }

    @Test
    @DisplayName("forward gives the floats of Ops' matmul, addBias and relu, bit for bit, on sparse and dense inputs")
    void forwardIsTheOpsChain() {
        java.util.Random random = new java.util.Random(9);
        for (boolean relu : new boolean[] {true, false}) {
            for (int[] size : new int[][] {{5, 2}, {20, 5}, {7, 7}}) {
                int n = size[0];
                int m = size[1];
                float[] w = new float[m * n];
                for (int i = 0; i < w.length; i++) {
                    w[i] = (float) random.nextGaussian();
                }
                float[] b = new float[n];
                for (int i = 0; i < n; i++) {
                    b[i] = (float) (0.3 * random.nextGaussian());
                }
                ToyModel toy = new ToyModel(Tensor.of(w, m, n), Tensor.of(b, n), relu);
                for (double density : new double[] {0.0, 0.1, 1.0}) {
                    float[] x = new float[33 * n];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = random.nextDouble() < density ? random.nextFloat() : (random.nextBoolean() ? 0f : -0f);
                    }
                    Tensor in = Tensor.of(x, 33, n);
                    Tensor biased = org.circuitbook.widgets.tensor.Ops.addBias(org.circuitbook.widgets.tensor.Ops.matmul(
                            org.circuitbook.widgets.tensor.Ops.matmul(in, org.circuitbook.widgets.tensor.Ops.transpose(
                                    toy.W())), toy.W()), toy.b_final());
                    Tensor expected = relu ? org.circuitbook.widgets.tensor.Ops.relu(biased) : biased;
                    Tensor got = toy.forward(in);
                    assertArrayEquals(expected.shape(), got.shape());
                    for (int i = 0; i < x.length; i++) {
                        assertEquals(Float.floatToRawIntBits(expected.data()[i]), Float.floatToRawIntBits(got.data()[i]),
                                "element " + i + " of a " + n + "x" + m + " model at density " + density + ", relu " + relu);
                    }
                }
            }
        }
        assertEquals("matmul: inner dimensions differ: [1, 4] x [3, 2]",
                assertThrows(IllegalArgumentException.class, () -> model.forward(Tensor.zeros(1, 4))).getMessage());
    }

    @Test
    @DisplayName("gram is W^T W: the overlaps between feature directions")
    void gram() {
        Tensor g = model.gram();
        assertArrayEquals(new int[] {3, 3}, g.shape());
        assertEquals(1f, g.get(0, 0), 1e-6);
        assertEquals(0f, g.get(0, 1), 1e-6);
        assertEquals(0.6f, g.get(0, 2), 1e-6);
        assertEquals(0.8f, g.get(2, 1), 1e-6);
        assertEquals(1f, g.get(2, 2), 1e-6);
    }

    @Test
    @DisplayName("feature norms are the column lengths of W")
    void norms() {
        assertArrayEquals(new float[] {1, 1, 1}, model.featureNorms().data(), 1e-6f);
        assertEquals(3, model.nFeatures());
        assertEquals(2, model.dHidden());
    }

    @Test
    @DisplayName("the model round-trips through a weights file under the names W and b_final")
    void weightsRoundTrip() {
        SafeTensors file = SafeTensors.fromBytes(new SafeTensors(model.tensors(), Map.of()).toBytes());
        assertEquals(java.util.Set.of("W", "b_final"), file.tensors().keySet());
        ToyModel loaded = ToyModel.fromWeights(file);
        assertEquals(model.W(), loaded.W());
        assertEquals(model.b_final(), loaded.b_final());
    }

    @Test
    @DisplayName("mismatched b_final is rejected with the expected shape")
    void shapesChecked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ToyModel(Tensor.zeros(2, 3), Tensor.zeros(2)));
        assertEquals("b_final must be [n_features] = [3], got Tensor[2]", e.getMessage());
    }

    @Test
    @DisplayName("feature dimensionality is 1 for an orthogonal feature, 1/2 for an antipodal pair, 0 when dropped")
    void dimensionality() {
        // feature 0 on the x axis alone; features 1 and 2 an antipodal pair on the y axis; feature 3 dropped
        ToyModel m = new ToyModel(Tensor.of(new float[] {1, 0, 0, 0, 0, 1, -1, 0}, 2, 4), Tensor.zeros(4));
        assertArrayEquals(new float[] {1f, 0.5f, 0.5f, 0f}, m.featureDimensionality().data(), 1e-6f);
    }

    @Test
    @DisplayName("the linear variant skips the ReLU, and the weights file says which one it is")
    void linearVariant() {
        ToyModel linear = new ToyModel(Tensor.of(new float[] {1, 0}, 1, 2), Tensor.of(new float[] {-1, 0}, 2), false);
        Tensor out = linear.forward(Tensor.of(new float[] {0.5f, 0}, 1, 2));
        assertArrayEquals(new float[] {-0.5f, 0}, out.data(), 1e-6f);
        SafeTensors file = SafeTensors.fromBytes(new SafeTensors(linear.tensors(), Map.of(ToyModel.OUTPUT, "linear")).toBytes());
        assertEquals(false, ToyModel.fromWeights(file).relu());
        assertEquals(true, ToyModel.fromWeights(new SafeTensors(linear.tensors(), Map.of())).relu());
    }
}
