package org.circuitbook.generator.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The shared graph pieces of {@link Training}. */
@DisplayName("Training (shared graph pieces)")
class TrainingTest {
    /** The output and the input's gradient of {@code relu(x) . c} summed, by {@code sd.nn.relu} or {@link Training#relu}. */
    private static float[][] reluAndGradient(boolean shared) {
        SameDiff sd = SameDiff.create();
        Nd4j.getRandom().setSeed(1);
        INDArray values = Nd4j.randn(DataType.FLOAT, 64, 48);
        values.putScalar(0, 0f);   // both zeros: ReLU's gradient at 0 is 0
        values.putScalar(1, -0f);
        SDVariable x = sd.var("x", values);
        SDVariable c = sd.constant("c", Nd4j.randn(DataType.FLOAT, 64, 48));
        SDVariable y = shared ? Training.relu(sd, "y", x) : sd.nn.relu("y", x, 0);
        sd.setLossVariables(y.mul(c).sum());
        float[] gradient = Training.quietly(() -> sd.calculateGradients(Map.of(), List.of("x"))).get("x").data().asFloat();
        float[] out = sd.output(Map.of(), "y").get("y").data().asFloat();
        return new float[][] {out, gradient};
    }

    @Test
    @DisplayName("ND4J runs on its oneDNN build (the POM's nd4j.native.classifier), not the plain build beside it")
    void oneDnnBackend() {
        Nd4j.create(1); // loads the backend
        // under -Pcuda (README, Models) ND4J picks its CUDA backend when a GPU is there: nothing to check here then
        org.junit.jupiter.api.Assumptions.assumeTrue(Nd4j.getBackend().getClass().getSimpleName().equals("CpuBackend"),
                "ND4J runs on " + Nd4j.getBackend().getClass().getSimpleName());
        String loaded = org.bytedeco.javacpp.Loader.getLoadedLibraries().get("nd4jcpu");
        org.junit.jupiter.api.Assertions.assertNotNull(loaded, "libnd4jcpu not loaded: "
                + org.bytedeco.javacpp.Loader.getLoadedLibraries());
        // the POM excludes the plain build (linux-x86_64) that nd4j-native's own POM brings; were it back beside the
        // oneDNN one, JavaCPP would still load the oneDNN build first: this fails when the plain one is what loaded
        org.junit.jupiter.api.Assertions.assertTrue(loaded.contains("/linux-x86_64-onednn/"), "loaded " + loaded);
    }

    @Test
    @DisplayName("array(values, shape) is Nd4j.create(values, shape, FLOAT) bit for bit, and refuses a wrong count")
    void array() {
        float[] values = new float[3 * 4 * 5];
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        values[1] = -0f;
        values[2] = Float.NaN;
        values[3] = Float.MIN_VALUE;
        INDArray made = Training.array(values, 3, 4, 5);
        INDArray expected = Nd4j.create(values, new long[] {3, 4, 5}, DataType.FLOAT);
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected.shape(), made.shape());
        assertEquals('c', made.ordering());
        float[] got = made.data().asFloat();
        float[] want = expected.data().asFloat();
        for (int i = 0; i < values.length; i++) {
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), "value " + i);
        }
        assertEquals(values[7 * 5 + 2], made.getFloat(1, 3, 2), 0f); // row-major: [1, 3, 2] is value (1 * 4 + 3) * 5 + 2
        IllegalArgumentException wrong = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Training.array(values, 3, 4));
        assertEquals("60 values for shape [3, 4]", wrong.getMessage());
    }

    @Test
    @DisplayName("relu(x) = x * step(x) has ND4J ReLU's values (a negative input gives -0) and its gradient bit for bit")
    void relu() {
        float[][] nd4j = reluAndGradient(false);
        float[][] shared = reluAndGradient(true);
        int negative = 0;
        for (int i = 0; i < nd4j[0].length; i++) {
            assertEquals(nd4j[0][i], shared[0][i], 0f, "relu at " + i);   // == : -0 equals +0
            assertEquals(Float.floatToIntBits(nd4j[1][i]), Float.floatToIntBits(shared[1][i]), "gradient at " + i);
            if (nd4j[0][i] == 0f) {
                negative++;
            }
        }
        // the test means something only if both sides of the kink occur
        assertEquals(true, negative > 1000 && negative < 2000, negative + " of 3072 inputs at or below 0");
    }

    /**
     * The output {@code y} of x W + b and the gradients of W, b and x for {@code (y . c)} summed, with the bias added by
     * {@code sd.nn.biasAdd} or by {@link Training#plusRowBias} (ones from the input's row sums, as the modular-addition
     * graph makes them).
     */
    private static Map<String, INDArray> rowBias(boolean shared) {
        SameDiff sd = SameDiff.create();
        Nd4j.getRandom().setSeed(2);
        SDVariable x = sd.var("x", Nd4j.randn(DataType.FLOAT, 300, 40));
        SDVariable w = sd.var("W", Nd4j.randn(DataType.FLOAT, 40, 96));
        SDVariable b = sd.var("b", Nd4j.randn(DataType.FLOAT, 96));
        SDVariable c = sd.constant("c", Nd4j.randn(DataType.FLOAT, 300, 96));
        SDVariable product = x.mmul(w);
        SDVariable y = shared ? Training.plusRowBias(sd, product, b, sd.onesLike(x.sum(true, 1)))
                : sd.nn.biasAdd(product, b, true);
        sd.setLossVariables(y.mul(c).sum());
        Map<String, INDArray> out = new java.util.HashMap<>(
                Training.quietly(() -> sd.calculateGradients(Map.of(), List.of("x", "W", "b"))));
        out.put("y", sd.output(Map.of(), y.name()).get(y.name()));
        return out;
    }

    @Test
    @DisplayName("plusRowBias adds the bias as biasAdd does, bit for bit, and gives its gradients (the bias's summed by a product)")
    void plusRowBias() {
        Map<String, INDArray> nd4j = rowBias(false);
        Map<String, INDArray> shared = rowBias(true);
        assertEquals(nd4j.get("y"), shared.get("y"), "x W + b");   // INDArray equality: every element the same
        assertEquals(nd4j.get("x"), shared.get("x"), "gradient of x");
        assertEquals(nd4j.get("W"), shared.get("W"), "gradient of W");
        // the bias's gradient: 300 products summed in another order, so equal within float rounding of the sum
        float[] expected = nd4j.get("b").data().asFloat();
        float[] actual = shared.get("b").data().asFloat();
        assertEquals(96, actual.length);
        for (int j = 0; j < expected.length; j++) {
            assertEquals(expected[j], actual[j], 1e-4f * Math.max(1f, Math.abs(expected[j])), "gradient of b[" + j + "]");
        }
        // the test means something only if the gradient is not trivially zero
        assertEquals(true, nd4j.get("b").norm2Number().doubleValue() > 10, "|gradient of b| " + nd4j.get("b").norm2Number());
    }
}
