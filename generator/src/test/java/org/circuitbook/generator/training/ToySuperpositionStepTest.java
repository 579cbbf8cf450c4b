package org.circuitbook.generator.training;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.circuitbook.widgets.model.ToyModel;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/** The hand-written toy-model step against SameDiff's: the same gradients, the same Adam. */
@DisplayName("ToySuperpositionStep (the toy models' training step, without SameDiff's fit)")
class ToySuperpositionStepTest {
    private static final int BATCH = 16;
    private static final long[] SEEDS = {3, 4, 5};
    private static final double[] SPARSITY = {0, 0.5, 0.9};

    private static ToySuperpositionSpec toy(String output) {
        var problems = new org.circuitbook.generator.diagnostics.Problems("load");
        ModelSpec spec = ModelSpec.parse("toy", "toy.yaml", """
                model: {kind: toy-superposition, n_features: 6, d_hidden: 2, output: %s}
                data: {importance_decay: 0.8, sparsities: [0, 0.5, 0.9]}
                trainer: {steps: 10, batch_size: %d, learning_rate: 0.01}
                """.formatted(output, BATCH), problems);
        problems.throwIfAny();
        return spec.toy();
    }

    /** The graph, with b_final nudged away from zero so that its terms count. */
    private static SameDiff graph(ToySuperpositionSpec toy) {
        SameDiff sd = ToySuperpositionTrainer.graph(toy, SEEDS);
        INDArray b = sd.getVariable(ToyModel.B_FINAL).getArr();
        SplittableRandom r = new SplittableRandom(7);
        for (long i = 0; i < b.length(); i++) {
            b.putScalar(i, r.nextDouble(-0.3, 0.3));
        }
        return sd;
    }

    private static INDArray batch(long seed, int n) {
        SplittableRandom[] streams = new SplittableRandom[SEEDS.length];
        for (int k = 0; k < streams.length; k++) {
            streams[k] = new SplittableRandom(seed + k);
        }
        return ToySuperpositionTrainer.batches(streams, SPARSITY, BATCH, n);
    }

    private static double maxAbs(INDArray a) {
        return a.amaxNumber().doubleValue();
    }

    @ParameterizedTest(name = "{0} output")
    @ValueSource(strings = {"relu", "linear"})
    @DisplayName("its gradients are SameDiff's calculateGradients of the trainer's graph")
    void gradients(String output) {
        ToySuperpositionSpec toy = toy(output);
        SameDiff sd = graph(toy);
        INDArray x = batch(11, toy.nFeatures());
        Map<String, INDArray> expected = sd.calculateGradients(Map.of("input", x, "label", x), ToyModel.W,
                ToyModel.B_FINAL);
        ToySuperpositionStep step = new ToySuperpositionStep(sd, toy, BATCH);
        step.input().assign(x);
        List<INDArray> actual = step.gradients();
        List<String> names = List.of(ToyModel.W, ToyModel.B_FINAL);
        for (int i = 0; i < names.size(); i++) {
            INDArray e = expected.get(names.get(i));
            double diff = maxAbs(e.sub(actual.get(i)));
            double scale = Math.max(1e-3, maxAbs(e));
            assertTrue(diff <= 1e-5 * scale, output + ", " + names.get(i) + ": max |diff| " + diff
                    + " against max |gradient| " + scale);
        }
    }

    @ParameterizedTest(name = "{0} output")
    @ValueSource(strings = {"relu", "linear"})
    @DisplayName("five steps give SameDiff fit's weights (Adam)")
    void steps(String output) {
        ToySuperpositionSpec toy = toy(output);
        SameDiff reference = graph(toy);
        SameDiff trained = graph(toy);
        ToySuperpositionStep step = new ToySuperpositionStep(trained, toy, BATCH);
        for (int s = 0; s < 5; s++) {
            INDArray x = batch(20 + s, toy.nFeatures());
            step.input().assign(x);
            step.step();
            reference.fit(new MultiDataSet(x.dup(), x.dup()));
        }
        for (String name : List.of(ToyModel.W, ToyModel.B_FINAL)) {
            INDArray e = reference.getVariable(name).getArr();
            INDArray a = trained.getVariable(name).getArr();
            double diff = maxAbs(Nd4j.math().abs(e.sub(a)));
            assertTrue(diff <= 1e-4, output + ", " + name + ": max |diff| " + diff + " after 5 steps");
        }
    }
}
