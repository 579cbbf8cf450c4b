package org.circuitbook.generator.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/** The batches SameDiff's fit reads: fresh ones are freed after their step, a repeated one never. */
@DisplayName("Batches")
class BatchesTest {
    @Test
    @DisplayName("frees a fresh batch when the next is asked for, and keeps the current one")
    void freesFreshBatches() {
        List<INDArray> made = new ArrayList<>();
        Batches batches = Batches.generated(3, () -> {
            INDArray x = Nd4j.rand(DataType.FLOAT, 4, 2);
            INDArray y = Nd4j.rand(DataType.FLOAT, 4, 1);
            made.add(x);
            made.add(y);
            return new org.nd4j.linalg.dataset.MultiDataSet(x, y);
        });
        batches.next();
        batches.next();
        assertTrue(made.get(0).wasClosed() && made.get(1).wasClosed(), "the first batch, after the second was asked for");
        assertFalse(made.get(2).wasClosed() || made.get(3).wasClosed(), "the current batch");
    }

    @Test
    @DisplayName("frees an autoencoding batch (the same array as input and label) once, and never a repeated batch")
    void autoencodingAndRepeating() {
        List<INDArray> made = new ArrayList<>();
        Batches auto = Batches.autoencoding(3, () -> {
            INDArray x = Nd4j.rand(DataType.FLOAT, 4, 2);
            made.add(x);
            return x;
        });
        MultiDataSet first = auto.next();
        assertEquals(first.getFeatures(0), first.getLabels(0));
        auto.next();
        assertTrue(made.get(0).wasClosed());

        INDArray full = Nd4j.rand(DataType.FLOAT, 4, 2);
        Batches repeating = Batches.repeating(3, new org.nd4j.linalg.dataset.MultiDataSet(full, full));
        repeating.next();
        repeating.next();
        repeating.next();
        assertFalse(full.wasClosed());
    }

    @Test
    @DisplayName("trains a SameDiff graph to the same weights as batches left to the garbage collector")
    void sameTraining() {
        float[] freed = train(true);
        float[] kept = train(false);
        assertEquals(3, freed.length);
        assertTrue(Math.abs(kept[0] - 0.1f) > 0.01f, "the model trained: w[0] " + kept[0]);
        for (int i = 0; i < kept.length; i++) {
            assertEquals(Float.floatToIntBits(kept[i]), Float.floatToIntBits(freed[i]), "weight " + i);
        }
    }

    /** A linear model trained 20 SGD steps on fresh batches from a seeded generator; its weights after. */
    private static float[] train(boolean free) {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 3);
        SDVariable y = sd.placeHolder("y", DataType.FLOAT, -1, 1);
        SDVariable w = sd.var("w", Nd4j.create(new float[] {0.1f, -0.2f, 0.3f}, new long[] {3, 1}, DataType.FLOAT));
        SDVariable err = x.mmul(w).sub(y);
        sd.setLossVariables(err.mul(err).mean());
        sd.setTrainingConfig(new TrainingConfig.Builder().updater(new Sgd(0.1))
                .dataSetFeatureMapping("x").dataSetLabelMapping("y").build());
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        java.util.function.Supplier<MultiDataSet> make = () -> {
            float[] xs = new float[8 * 3];
            float[] ys = new float[8];
            for (int i = 0; i < 8; i++) {
                for (int j = 0; j < 3; j++) {
                    xs[i * 3 + j] = (float) random.nextDouble();
                }
                ys[i] = xs[i * 3] - xs[i * 3 + 2];
            }
            return new org.nd4j.linalg.dataset.MultiDataSet(Training.array(xs, 8, 3), Training.array(ys, 8, 1));
        };
        Training.quietly(() -> {
            if (free) {
                sd.fit(Batches.generated(20, make), 1);
            } else {
                for (int step = 0; step < 20; step++) {
                    sd.fit(Batches.repeating(1, make.get()), 1);
                }
            }
            return null;
        });
        return sd.getVariable("w").getArr().dup().data().asFloat();
    }
}
