package org.circuitbook.generator.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.model.ToyModel;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.weights.SafeTensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * The toy model trained by ND4J reproduces Elhage et al. (2022), figure 3, at a test-sized budget: dense
 * features get two orthogonal directions for the two most important features; sparse features are
 * all represented, as a regular pentagon.
 */
@DisplayName("The toy model of superposition")
class ToySuperpositionTrainerTest {
    static List<ToyModel> trained = new ArrayList<>();

    @BeforeAll
    static void train() {
        // dense features settle slowly (features 1 and 2 compete); sparse ones need restarts to find the pentagon
        for (ModelSpec spec : List.of(spec(5000, 256, "[0]", 4), spec(2000, 1024, "[0.9]", 16))) {
            for (TrainedModel m : ToySuperpositionTrainer.train(spec)) {
                trained.add(ToyModel.fromWeights(SafeTensors.fromBytes(m.bytes())));
            }
        }
    }

    static ModelSpec spec(int steps, int batch, String sparsities, int restarts) {
        var problems = new org.circuitbook.generator.diagnostics.Problems("load");
        ModelSpec spec = ModelSpec.parse("toy", "toy.yaml", """
                model: {kind: toy-superposition, n_features: 5, d_hidden: 2}
                data: {importance_decay: 0.9, sparsities: %s}
                trainer: {steps: %d, batch_size: %d, restarts: %d}
                """.formatted(sparsities, steps, batch, restarts), problems);
        problems.throwIfAny();
        return spec;
    }

    @Test
    @DisplayName("with dense features (S = 0) represents only the two most important, orthogonally")
    void denseKeepsTwo() {
        ToyModel dense = trained.get(0);
        Tensor norms = dense.featureNorms();
        assertTrue(norms.get(0) > 0.9 && norms.get(1) > 0.9, "features 0 and 1 represented: " + norms(dense));
        for (int i = 2; i < 5; i++) {
            assertTrue(norms.get(i) < 0.2, "feature " + i + " dropped: " + norms(dense));
        }
        assertEquals(0, dense.gram().get(0, 1), 0.1, "the two directions are orthogonal");
    }

    @Test
    @DisplayName("with sparse features (S = 0.9) represents all five as a pentagon, 72 degrees apart")
    void sparsePentagon() {
        ToyModel sparse = trained.get(1);
        Tensor norms = sparse.featureNorms();
        for (int i = 0; i < 5; i++) {
            assertTrue(norms.get(i) > 0.9, "feature " + i + " represented: " + norms(sparse));
        }
        List<Double> angles = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            angles.add(Math.toDegrees(Math.atan2(sparse.W().get(1, i), sparse.W().get(0, i))));
        }
        Collections.sort(angles);
        for (int i = 0; i < 5; i++) {
            double gap = i < 4 ? angles.get(i + 1) - angles.get(i) : angles.get(0) + 360 - angles.get(4);
            assertEquals(72, gap, 8, "angles " + angles);
        }
    }

    @Test
    @DisplayName("the parity check passes on the real weights and catches a 1e-3 change to W")
    void parity() {
        ToySuperpositionSpec toy = spec(10, 16, "[0.5]", 1).toy();
        SameDiff sd = ToySuperpositionTrainer.graph(toy, 3, 4, 5);     // three instances: check the middle one
        ToyModel model = ToySuperpositionTrainer.weightsOf(sd, 1, 5, 2, true);
        ToyModel first = ToySuperpositionTrainer.weightsOf(sd, 0, 5, 2, true);
        assertTrue(model.W().get(0, 0) != first.W().get(0, 0), "instances are initialised from their own seeds");
        float diff = ToySuperpositionTrainer.checkParity(sd, 1, 3, new SafeTensors(model.tensors(), Map.of()), 5, 0.5, 3);
        assertTrue(diff <= ToySuperpositionTrainer.PARITY_TOLERANCE, "diff " + diff);
        assertThrows(TrainingFailure.class, () -> ToySuperpositionTrainer.checkParity(sd, 0, 3,
                new SafeTensors(model.tensors(), Map.of()), 5, 0.5, 3), "another instance's weights fail");

        float[] w = model.W().data().clone();
        w[0] += 1e-3f;
        Map<String, Tensor> tampered = new LinkedHashMap<>(model.tensors());
        tampered.put(ToyModel.W, Tensor.of(w, 2, 5));
        var failure = assertThrows(TrainingFailure.class,
                () -> ToySuperpositionTrainer.checkParity(sd, 1, 3, new SafeTensors(tampered, Map.of()), 5, 0.5, 3));
        assertTrue(failure.getMessage().startsWith("parity check failed for sparsity 0.5: the widgets' forward pass"
                + " differs from ND4J's by "), failure.getMessage());
    }

    @Test
    @DisplayName("an instance of the batched graph trains as it would alone (the loss sums the instances' own losses)")
    void instancesTrainIndependently() {
        ToySuperpositionSpec toy = spec(10, 64, "[0.9]", 1).toy();
        SameDiff both = ToySuperpositionTrainer.graph(toy, 11, 12);
        SameDiff alone = ToySuperpositionTrainer.graph(toy, 12);
        java.util.SplittableRandom[] pair = {new java.util.SplittableRandom(1), new java.util.SplittableRandom(2)};
        java.util.SplittableRandom[] single = {new java.util.SplittableRandom(2)};
        double[] s2 = {0.9, 0.9};
        double[] s1 = {0.9};
        Training.quietly(() -> {
            both.fit(Batches.autoencoding(50, () -> ToySuperpositionTrainer.batches(pair, s2, 64, 5)), 1);
            alone.fit(Batches.autoencoding(50, () -> ToySuperpositionTrainer.batches(single, s1, 64, 5)), 1);
            return null;
        });
        ToyModel fromBoth = ToySuperpositionTrainer.weightsOf(both, 1, 5, 2, true);
        ToyModel fromAlone = ToySuperpositionTrainer.weightsOf(alone, 0, 5, 2, true);
        ToyModel untrained = ToySuperpositionTrainer.weightsOf(ToySuperpositionTrainer.graph(toy, 12), 0, 5, 2, true);
        float moved = org.circuitbook.widgets.tensor.Ops.maxAbsDiff(fromAlone.W(), untrained.W());
        assertTrue(moved > 1e-2, "50 Adam steps move W: " + moved);
        // float sums in another order: the same run to rounding, far below how far training moved the weights
        assertTrue(org.circuitbook.widgets.tensor.Ops.maxAbsDiff(fromBoth.W(), fromAlone.W()) < 1e-5,
                "W " + norms(fromBoth) + " vs " + norms(fromAlone));
        assertTrue(org.circuitbook.widgets.tensor.Ops.maxAbsDiff(fromBoth.b_final(), fromAlone.b_final()) < 1e-5);
    }

    @Test
    @DisplayName("a batch is drawn as the plain rule says: 0 when the low 24 bits / 2^24 < sparsity, else the top 24 bits"
            + " / 2^24, bit for bit, at the boundary too")
    void batchesFollowTheRule() {
        // 0.3 has no exact binary form; 7 / 2^24 and 0x800000 / 2^24 meet a coin exactly (kept: c / 2^24 is not < it)
        for (double sparsity : new double[] {0, 0.3, 0.5, 0.7, 0.97, 7 * 0x1.0p-24, 0x800000 * 0x1.0p-24,
                1 - 0x1.0p-24, 1}) {
            float[] drawn = ToySuperpositionTrainer.batch(new java.util.SplittableRandom(5), 4096, 20, sparsity)
                    .data().asFloat();
            java.util.SplittableRandom plain = new java.util.SplittableRandom(5);
            int zeros = 0;
            for (int i = 0; i < drawn.length; i++) {
                long bits = plain.nextLong();
                float coin = (bits & 0xFFFFFF) * 0x1.0p-24f;
                float expected = coin < sparsity ? 0f : (bits >>> 40) * 0x1.0p-24f;
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(drawn[i]),
                        "sparsity " + sparsity + ", input " + i);
                zeros += drawn[i] == 0f ? 1 : 0;
            }
            assertEquals(sparsity, zeros / (double) drawn.length, 0.02, "the share of zeros at sparsity " + sparsity);
        }
        // random coins almost never land on a boundary: these draws are made to, and to either side of it
        long top = 0x9ABCDEL << 40;          // the value's bits: 0x9ABCDE / 2^24
        float value = 0x9ABCDE * 0x1.0p-24f;
        for (long c : new long[] {6, 7, 8, 0x7FFFFF, 0x800000, 0x800001, 0, 0xFFFFFF, 5033164, 5033165}) { // 0.3 * 2^24 = 5033164.8
            for (double sparsity : new double[] {7 * 0x1.0p-24, 0x800000 * 0x1.0p-24, 0, 1, 0.3}) {
                float expected = c * 0x1.0p-24f < sparsity ? 0f : value;
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(
                        ToySuperpositionTrainer.input(top | 0x5A000000L | c, ToySuperpositionTrainer.threshold(sparsity))),
                        "coin " + c + " at sparsity " + sparsity);
            }
        }
    }

    private static String norms(ToyModel m) {
        return java.util.Arrays.toString(m.featureNorms().data());
    }
}
