package org.circuitbook.generator.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.circuitbook.generator.diagnostics.BuildException;
import org.circuitbook.generator.diagnostics.Diagnostic;
import org.circuitbook.generator.diagnostics.Problems;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.model.LogitAttribution;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.weights.Json;
import org.circuitbook.widgets.weights.SafeTensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The modular-addition transformer (Nanda et al. 2023) at a test-sized budget: p = 23, a narrower model and a
 * 60% train split, so it generalises within a few hundred steps (at p = 23 a 30% split is only 158 pairs,
 * and the model memorises them for well over 1,500 steps before test accuracy moves).
 */
@DisplayName("Modular addition")
class ModularAdditionTrainerTest {
    static final int P = 23;
    static ModularAdditionSpec spec;
    static List<TrainedModel> trained;
    static Map<?, ?> metrics;

    @BeforeAll
    static void train() {
        ModelSpec parsed = parse("""
                model: {kind: modular-addition, p: 23, d_model: 64, n_heads: 4, d_head: 16, d_mlp: 256}
                data: {train_fraction: 0.6, seed: 0}
                trainer: {steps: 500, learning_rate: 0.01, weight_decay: 2.0, checkpoints: 4}
                verify: {test_accuracy_at_least: 0.9}
                """);
        spec = (ModularAdditionSpec) parsed.settings();
        trained = spec.train(parsed);
        metrics = metrics(trained.get(0));
    }

    @Test
    @DisplayName("on the trained weights, direct logit attribution at \"=\" adds up to the logit difference, and the MLP carries it")
    void directLogitAttribution() {
        HookedTransformer model = HookedTransformer.fromWeights(SafeTensors.fromBytes(trained.get(0).bytes()));
        double mlp = 0;
        double total = 0;
        for (int a = 0; a < P; a++) {
            for (int b = 0; b < P; b += 5) {
                int[] tokens = {a, b, P};
                int c = (a + b) % P;
                int[] none = {LogitAttribution.NONE, LogitAttribution.NONE};
                for (int wrong : new int[] {LogitAttribution.MEAN, (c + 1) % P}) {
                    LogitAttribution.Decomposition d = LogitAttribution.decompose(model, tokens,
                            new int[] {none[0], none[1], c}, new int[] {0, 0, wrong});
                    double scale = Math.abs(d.logitDiff()[2]);
                    for (double v : d.values()[2]) {
                        scale = Math.max(scale, Math.abs(v));
                    }
                    assertEquals(d.logitDiff()[2], d.sum(2), 1e-4 * scale, a + " + " + b);
                    if (wrong == LogitAttribution.MEAN) {
                        mlp += d.value(2, d.terms().size() - 3); // MLP 0, before the attention biases and b_U
                        total += d.logitDiff()[2];
                    }
                }
            }
        }
        assertTrue(mlp > 0.5 * total && total > 0, "the MLP writes most of the answer's lead: " + mlp + " of " + total);
    }

    static ModelSpec parse(String yaml) {
        Problems problems = new Problems("load");
        ModelSpec parsed = ModelSpec.parse("add", "add.yaml", yaml, problems);
        problems.throwIfAny();
        return parsed;
    }

    static Map<?, ?> metrics(TrainedModel model) {
        return (Map<?, ?>) Json.parse(SafeTensors.fromBytes(model.bytes()).metadata().get("metrics"));
    }

    static double number(Map<?, ?> map, String key) {
        return ((Number) map.get(key)).doubleValue();
    }

    @Test
    @DisplayName("publishes the final model first, then one checkpoint per evenly spaced step from step 0")
    void files() {
        assertEquals(List.of("final.safetensors", "checkpoint-0.safetensors", "checkpoint-125.safetensors",
                        "checkpoint-250.safetensors", "checkpoint-375.safetensors"),
                trained.stream().map(TrainedModel::fileName).toList());
        assertEquals(spec.fileNames(), trained.stream().map(TrainedModel::fileName).toList());
        assertEquals("500", SafeTensors.fromBytes(trained.get(0).bytes()).metadata().get("step"));
        List<?> perStep = (List<?>) metrics.get("train_loss_per_step");
        assertEquals(500, perStep.size());
        assertEquals(number(((List<?>) metrics.get("checkpoints")).get(0) instanceof Map<?, ?> m ? m : Map.of(), "train_loss"),
                ((Number) perStep.get(0)).doubleValue(), 1e-4, "step 1's loss is the loss at the step-0 checkpoint");
        for (int i = 1; i < trained.size(); i++) {
            SafeTensors checkpoint = SafeTensors.fromBytes(trained.get(i).bytes());
            int step = Integer.parseInt(checkpoint.metadata().get("step"));
            assertEquals("checkpoint-" + step + ".safetensors", trained.get(i).fileName());
            assertEquals(step, number(metrics(trained.get(i)), "step"));
        }
    }

    @Test
    @DisplayName("checkpoints hold their own weights, never the final ones, and load as HookedTransformers")
    void checkpointsAreTheirOwn() {
        Tensor finalEmbed = SafeTensors.fromBytes(trained.get(0).bytes()).tensor("embed.W_E");
        for (int i = 1; i < trained.size(); i++) {
            HookedTransformer model = HookedTransformer.fromWeights(SafeTensors.fromBytes(trained.get(i).bytes()));
            assertEquals(P + 1, model.cfg().d_vocab());
            assertTrue(!Arrays.equals(finalEmbed.data(), model.W_E().data()), trained.get(i).fileName());
        }
        double chance = number(metrics(trained.get(1)), "test_accuracy");
        assertTrue(chance < 0.2, "step 0 is near chance (1/23): " + chance);
    }

    @Test
    @DisplayName("generalises to the held-out pairs (test accuracy >= 0.9), and its verify holds")
    void generalises() {
        double accuracy = number(metrics, "test_accuracy");
        assertTrue(accuracy >= 0.9, "test accuracy " + accuracy + " in " + metrics);
        assertEquals(1.0, number(metrics, "train_accuracy"));
        assertEquals(List.of(), spec.verify(trained));
        assertEquals(1, spec.expectations());
    }

    @Test
    @DisplayName("the published weights load into HookedTransformer, whose test accuracy and loss are the trainer's")
    void loadsIntoHookedTransformer() {
        HookedTransformer model = HookedTransformer.fromWeights(SafeTensors.fromBytes(trained.get(0).bytes()));
        assertEquals(HookedTransformer.parameterShapes(model.cfg()).keySet(), model.tensors().keySet());
        assertEquals(List.of(P + 1, P, 3, "relu"), List.of(model.cfg().d_vocab(), model.cfg().d_vocab_out(),
                model.cfg().n_ctx(), model.cfg().act_fn()));
        float[] logits = new float[P * P * P];
        for (int pair = 0; pair < P * P; pair++) {
            Tensor out = model.forward(ModularAdditionTrainer.tokens(pair, P));
            for (int c = 0; c < P; c++) {
                logits[pair * P + c] = out.get(2, c);
            }
        }
        ModularAdditionTrainer.Split split = ModularAdditionTrainer.split(spec);
        double[] test = ModularAdditionTrainer.lossAndAccuracy(logits, split.test(), P);
        assertEquals(number(metrics, "test_accuracy"), test[1]);
        assertEquals(number(metrics, "test_loss"), test[0], 1e-4);
        assertEquals(P * P, split.train().length + split.test().length);
        assertEquals(Math.floor(0.6 * P * P), split.train().length);
    }

    @Test
    @DisplayName("the parity check passes on ND4J's own logits and fails the build on a mismatch")
    void parity() {
        HookedTransformer model = HookedTransformer.fromWeights(SafeTensors.fromBytes(trained.get(0).bytes()));
        float[] logits = new float[P * P * P];
        for (int pair = 0; pair < P * P; pair++) {
            Tensor out = model.forward(ModularAdditionTrainer.tokens(pair, P));
            for (int c = 0; c < P; c++) {
                logits[pair * P + c] = out.get(2, c);
            }
        }
        assertEquals(0.0, ModularAdditionTrainer.parity(trained.get(0).bytes(), logits, P));
        logits[5] += 0.01f;
        var failure = assertThrows(TrainingFailure.class,
                () -> ModularAdditionTrainer.parity(trained.get(0).bytes(), logits, P));
        String prefix = "parity check failed for final.safetensors: the widgets' HookedTransformer differs from"
                + " ND4J's logits by ";
        assertTrue(failure.getMessage().startsWith(prefix), failure.getMessage());
        // the number, not its printed digits: SIMD code paths differ between CPUs in the last bits
        String rest = failure.getMessage().substring(prefix.length());
        double by = Double.parseDouble(rest.substring(0, rest.indexOf(' ')));
        assertEquals(0.01, by, 1e-4, failure.getMessage());
    }

    @Test
    @DisplayName("records per checkpoint the Fourier norms of W_E, whose squares sum to |W_E[:p]|^2")
    void fourier() {
        List<?> norms = (List<?>) metrics.get("fourier_norms");
        assertEquals(P / 2 + 1, norms.size());
        Tensor wE = SafeTensors.fromBytes(trained.get(0).bytes()).tensor("embed.W_E");
        double energy = 0;
        for (int i = 0; i < P * wE.dim(1); i++) {
            energy += wE.data()[i] * wE.data()[i];
        }
        double squares = norms.stream().mapToDouble(n -> ((Number) n).doubleValue() * ((Number) n).doubleValue()).sum();
        assertEquals(energy, squares, 1e-6 * energy);
        assertEquals(5, ((List<?>) metrics.get("key_frequencies")).size());
        double share = number(metrics, "key_frequencies_norm_fraction");
        assertTrue(share > 0 && share <= 1, "share " + share);
        for (Object row : (List<?>) metrics.get("checkpoints")) {
            Map<?, ?> r = (Map<?, ?>) row;
            for (String key : List.of("train_loss", "train_accuracy", "test_loss", "test_accuracy", "excluded_loss",
                    "restricted_loss", "fourier_norms")) {
                assertTrue(r.containsKey(key), key + " in " + r);
            }
        }
        // the generalising solution lives in the key frequencies: removing them hurts, keeping only them does not
        assertTrue(number(metrics, "excluded_loss") > number(metrics, "train_loss") + 1, metrics.toString());
    }

    @Test
    @DisplayName("a verify expectation the model misses is reported with its numbers")
    void verifyFailure() {
        ModularAdditionSpec strict = parseSpec("""
                model: {kind: modular-addition, p: 23, d_model: 64, n_heads: 4, d_head: 16, d_mlp: 256}
                data: {train_fraction: 0.6, seed: 0}
                trainer: {steps: 500, learning_rate: 0.01, weight_decay: 2.0, checkpoints: 4}
                verify: {test_accuracy_at_least: 1.0, key_frequencies_norm_fraction_at_least: 1.0}
                """);
        List<String> failures = strict.verify(trained);
        assertEquals(2, failures.size(), failures.toString());
        if (number(metrics, "test_accuracy") < 1) {
            assertTrue(failures.get(0).matches("final\\.safetensors: test accuracy 0\\.\\d{4} is below the expected 1\\.0"),
                    failures.get(0));
        }
        assertTrue(failures.get(failures.size() - 1).matches("final\\.safetensors: the top 5 frequencies hold 0\\.\\d{3} "
                + "of W_E's squared Fourier norm, below the expected 1\\.0"), failures.toString());
    }

    static ModularAdditionSpec parseSpec(String yaml) {
        return (ModularAdditionSpec) parse(yaml).settings();
    }

    static List<String> errors(String yaml) {
        Problems problems = new Problems("load");
        ModelSpec.parse("add", "add.yaml", yaml, problems);
        var e = assertThrows(BuildException.class, problems::throwIfAny);
        return e.diagnostics().stream().map(Diagnostic::toString).toList();
    }

    @Test
    @DisplayName("reports an unknown key, p below 3 and a missing p with their places and hints")
    void specErrors() {
        assertEquals(List.of(
                "add.yaml:5:3: load: unknown key \"stpes\" in the trainer section (known keys: checkpoints, learning_rate, seed, steps, weight_decay)",
                "add.yaml:2:3: load: p must be at least 3, got 2 (the paper uses p = 113; p = 59 trains in about two minutes)"),
                errors("""
                        model:
                          p: 2
                          kind: modular-addition
                        trainer:
                          stpes: 10
                        """));
        assertEquals(List.of("add.yaml:1:1: load: missing required key \"p\" (the modulus, e.g. p: 59)"),
                errors("model: {kind: modular-addition}\n"));
    }

    @Test
    @DisplayName("defaults to the paper's model and the STACK-FACTS schedule")
    void defaults() {
        ModularAdditionSpec d = parseSpec("model: {kind: modular-addition, p: 59}\n");
        assertEquals(List.of(128, 4, 32, 512, 3000, 40), List.of(d.dModel(), d.nHeads(), d.dHead(), d.dMlp(), d.steps(),
                d.checkpoints()));
        assertEquals(List.of(0.3, 0.003, 1.0), List.of(d.trainFraction(), d.learningRate(), d.weightDecay()));
        assertEquals(0, d.expectations());
        assertNotEquals(d.canonical(), parseSpec("model: {kind: modular-addition, p: 61}\n").canonical());
    }
}
