package org.circuitbook.generator.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.circuitbook.widgets.model.TransformerConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/** The hand-written training step against SameDiff's: the same gradients, the same Adam and weight decay. */
@DisplayName("AttentionOnlyStep (the attention-only trainer's step, without SameDiff's fit)")
class AttentionOnlyStepTest {
    private static final int SEQUENCES = 3;

    private static TransformerConfig config(int layers) {
        return new TransformerConfig(layers, 8, 2, 3, 0, 7, 7, 5, null, true, null, "standard");
    }

    /** The trainer's graph on cfg (the parameters drawn from seed 1, then nudged so biases are not zero). */
    private static SameDiff graph(TransformerConfig cfg, double weightDecay) {
        SameDiff sd = SameDiff.create();
        SDVariable tokens = sd.placeHolder("tokens", DataType.FLOAT, -1, Transformers.inputWidth(cfg));
        SDVariable label = sd.placeHolder("label", DataType.FLOAT, -1, cfg.d_vocab());
        Map<String, SDVariable> w = Transformers.fusedParameters(sd, cfg, new Random(1), name -> 0.5);
        Random nudge = new Random(2);
        for (SDVariable v : w.values()) {
            INDArray a = v.getArr();
            for (long i = 0; i < a.length(); i++) {
                a.putScalar(i, a.getDouble(i) + 0.3 * nudge.nextGaussian());
            }
        }
        SDVariable logits = Transformers.logits(sd, cfg, w, Transformers.embedded(sd, cfg, w, tokens));
        sd.setLossVariables(sd.loss.softmaxCrossEntropy("loss", label, logits, null));
        sd.setTrainingConfig(new TrainingConfig.Builder().updater(new Adam(0.01, 0.9, 0.98, 1e-8))
                .weightDecay(weightDecay, true).dataSetFeatureMapping("tokens").dataSetLabelMapping("label").build());
        return sd;
    }

    /** Random sequences of n_ctx + 1 tokens: the step's batch (the graph's is their one-hot encoding). */
    private static int[][] batch(TransformerConfig cfg, long seed) {
        Random r = new Random(seed);
        int[][] sequences = new int[SEQUENCES][cfg.n_ctx() + 1];
        for (int[] s : sequences) {
            for (int i = 0; i < s.length; i++) {
                s[i] = r.nextInt(cfg.d_vocab());
            }
        }
        return sequences;
    }

    private static List<String> names(TransformerConfig cfg) {
        List<String> names = new java.util.ArrayList<>(List.of(Transformers.W_E_POS));
        for (int l = 0; l < cfg.n_layers(); l++) {
            String a = "blocks." + l + ".attn.";
            names.addAll(List.of(a + "W_QKV", a + "b_QKV", a + "W_O", a + "b_O"));
        }
        names.addAll(List.of("unembed.W_U", "unembed.b_U"));
        return names;
    }

    private static double maxAbs(INDArray a) {
        return a.amaxNumber().doubleValue();
    }

    @Test
    @DisplayName("its gradients are SameDiff's calculateGradients of the trainer's graph, with 0, 1 and 2 layers")
    void gradients() {
        for (int layers = 0; layers <= 2; layers++) {
            TransformerConfig cfg = config(layers);
            SameDiff sd = graph(cfg, 0);
            int[][] sequences = batch(cfg, 5);
            INDArray[] xy = AttentionOnlyTrainer.oneHot(sequences, cfg);
            List<String> names = names(cfg);
            Map<String, INDArray> expected = sd.calculateGradients(Map.of("tokens", xy[0], "label", xy[1]),
                    names.toArray(String[]::new));
            List<INDArray> actual = new AttentionOnlyStep(sd, cfg, SEQUENCES, 0.01, 0).gradients(sequences);
            for (int i = 0; i < names.size(); i++) {
                INDArray e = expected.get(names.get(i));
                double diff = maxAbs(e.sub(actual.get(i).reshape(e.shape())));
                double scale = Math.max(1e-3, maxAbs(e));
                assertTrue(diff <= 1e-5 * scale, layers + " layers, " + names.get(i) + ": max |diff| " + diff
                        + " against max |gradient| " + scale);
            }
        }
    }

    @Test
    @DisplayName("five steps give SameDiff fit's weights (Adam and decoupled weight decay); the step's logits are the graph's, its loss their cross-entropy")
    void steps() {
        TransformerConfig cfg = config(2);
        SameDiff reference = graph(cfg, 0.1);
        SameDiff trained = graph(cfg, 0.1);
        AttentionOnlyStep step = new AttentionOnlyStep(trained, cfg, SEQUENCES, 0.01, 0.1);
        for (int s = 0; s < 5; s++) {
            int[][] sequences = batch(cfg, 10 + s);
            INDArray[] xy = AttentionOnlyTrainer.oneHot(sequences, cfg);
            INDArray graphLogits = trained.output(Map.of("tokens", xy[0]), "logits").get("logits");
            double loss = step.step(sequences);
            INDArray logits = step.logits();
            assertTrue(maxAbs(graphLogits.sub(logits)) <= 1e-5 * Math.max(1, maxAbs(graphLogits)), "logits at step " + s);
            double expectedLoss = StepLosses.crossEntropy(graphLogits, xy[1]);
            assertTrue(Math.abs(loss - expectedLoss) <= 1e-5 * expectedLoss, "loss at step " + s + ": " + loss
                    + " against " + expectedLoss);
            reference.fit(new MultiDataSet(xy[0].dup(), xy[1].dup()));
        }
        int he = cfg.n_heads() * cfg.d_head();
        for (String name : names(cfg)) {
            INDArray e = reference.getVariable(name).getArr();
            INDArray a = trained.getVariable(name).getArr();
            INDArray diff = Nd4j.math().abs(e.sub(a));
            if (name.endsWith("b_QKV")) {
                // b_K's gradient is zero but for rounding (softmax ignores a constant added to every key's score),
                // and Adam scales rounding noise up to steps of lr: its entries may differ by up to 5 steps of lr
                double bK = maxAbs(diff.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(he, 2 * he)));
                assertTrue(bK <= 5 * 0.01 * 1.01, name + " (b_K): " + bK);
                diff.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(he, 2 * he)).assign(0);
            }
            assertTrue(maxAbs(diff) <= 1e-4, name + ": max |diff| " + maxAbs(diff) + " after 5 steps");
        }
    }

    @Test
    @DisplayName("it refuses a token outside the vocabulary, which an index embedding would read from another row")
    void tokenOutsideTheVocabulary() {
        TransformerConfig cfg = config(1);
        AttentionOnlyStep step = new AttentionOnlyStep(graph(cfg, 0), cfg, SEQUENCES, 0.01, 0);
        int[][] sequences = batch(cfg, 3);
        sequences[1][2] = cfg.d_vocab();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> step.step(sequences));
        assertEquals("token 7 outside the vocabulary 0..6", e.getMessage());
    }

    @Test
    @DisplayName("its loss stays exact where the softmax at a target underflows to zero")
    void underflow() {
        TransformerConfig cfg = config(1);
        SameDiff sd = graph(cfg, 0);
        sd.getVariable("unembed.b_U").getArr().putScalar(0, 1000);    // every other class's probability is 0f
        int[][] sequences = batch(cfg, 4);
        sequences[0][1] = 1;                                           // at least one target is not class 0
        INDArray[] xy = AttentionOnlyTrainer.oneHot(sequences, cfg);
        double expected = StepLosses.crossEntropy(sd.output(Map.of("tokens", xy[0]), "logits").get("logits"), xy[1]);
        double loss = new AttentionOnlyStep(sd, cfg, SEQUENCES, 0.01, 0).step(sequences);
        assertTrue(expected > 100, "the test's premise: a loss of about 1000 at some rows, " + expected);
        assertEquals(expected, loss, 1e-5 * expected);
    }
}
