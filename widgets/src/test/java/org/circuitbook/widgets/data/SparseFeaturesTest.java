package org.circuitbook.widgets.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.circuitbook.widgets.tensor.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("SparseFeatures")
class SparseFeaturesTest {
    @Test
    @DisplayName("reads the settings from the ground truth's spec values (JSON), and draws the coefficients java.util.Random would")
    void data() {
        SparseFeatures.Settings s = SparseFeatures.Settings.fromJson("{\"d_sae\":[32,64,128],\"l1_coefficients\":[0.03,0.3,1],"
                + "\"n_features\":64,\"d_in\":16,\"feature_probability\":0.03,\"steps\":2000,\"batch_size\":1024,"
                + "\"learning_rate\":0.003,\"seed\":2}");
        assertEquals("the ground truth's spec has no number seed", assertThrows(IllegalArgumentException.class,
                () -> SparseFeatures.Settings.fromJson("{\"d_sae\":[32],\"l1_coefficients\":[1],\"n_features\":4,"
                        + "\"d_in\":2,\"feature_probability\":0.1}")).getMessage());
        assertEquals(new SparseFeatures.Settings(List.of(32, 64, 128), List.of(0.03, 0.3, 1.0), 64, 16, 0.03, 2), s);
        assertEquals(5, s.index(64, 1.0));
        assertEquals(-1, s.index(48, 1.0));
        assertEquals(2005, s.saeSeed(5));
        assertEquals(2005 ^ 0x5EED, s.evaluationSeed(5));
        assertEquals("no SAE -1 in d_sae [32, 64, 128] x l1 [0.03, 0.3, 1.0]",
                assertThrows(IllegalArgumentException.class, () -> s.evaluationSeed(-1)).getMessage());
        assertEquals(List.of(SparseFeatures.EVALUATION_BATCH, 64), List.of(s.evaluationCoefficients(5).shape()[0],
                s.evaluationCoefficients(5).shape()[1]));

        Tensor c = SparseFeatures.coefficients(new Lcg(7), 100, 10, 0.2);
        Random jdk = new Random(7);
        int active = 0;
        for (float v : c.data()) {
            float u = jdk.nextFloat();
            float w = jdk.nextFloat();
            assertEquals(w < 0.2 ? u : 0f, v);
            active += v > 0 ? 1 : 0;
        }
        assertTrue(active > 150 && active < 250, active + " of 1000 active at p = 0.2");
    }

    @Test
    @DisplayName("makes the inputs matmul makes, bit for bit, skipping the zero coefficients")
    void inputs() {
        Random random = new Random(11);
        for (double p : new double[] {0.0, 0.03, 0.5, 1.0}) {
            Tensor c = SparseFeatures.coefficients(new Lcg(3), 257, 64, p);
            c.data()[1] = -0f; // a negative zero skipped as well
            float[] f = new float[64 * 16];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) random.nextGaussian();
            }
            Tensor features = Tensor.of(f, 64, 16);
            Tensor expected = org.circuitbook.widgets.tensor.Ops.matmul(c, features);
            Tensor got = SparseFeatures.inputs(c, features);
            assertEquals(List.of(257, 16), List.of(got.shape()[0], got.shape()[1]));
            for (int i = 0; i < expected.data().length; i++) {
                assertEquals(Float.floatToRawIntBits(expected.data()[i]), Float.floatToRawIntBits(got.data()[i]),
                        "input element " + i + " at p = " + p);
            }
        }
        Tensor bad = Tensor.of(new float[6], 2, 3);
        assertEquals(assertThrows(IllegalArgumentException.class,
                () -> org.circuitbook.widgets.tensor.Ops.matmul(bad, bad)).getMessage(),
                assertThrows(IllegalArgumentException.class, () -> SparseFeatures.inputs(bad, bad)).getMessage());
    }
}
