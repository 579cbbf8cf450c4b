package org.circuitbook.generator.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.circuitbook.generator.diagnostics.Problems;
import org.circuitbook.widgets.data.SparseFeatures;
import org.circuitbook.widgets.model.SparseAutoencoder;
import org.circuitbook.widgets.weights.Json;
import org.circuitbook.widgets.weights.SafeTensors;
import org.circuitbook.widgets.widget.SaeExplorerView;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Sparse autoencoders trained by ND4J recover sparse ground-truth features from superposition
 * (Sharkey et al. 2022), at a test-sized budget, and weak sparsity pressure does measurably worse.
 */
@DisplayName("Sparse autoencoders on toy data")
class SaeToyTrainerTest {
    static SaeToySpec spec;
    static List<TrainedModel> trained;

    @BeforeAll
    static void train() {
        Problems problems = new Problems("load");
        ModelSpec parsed = ModelSpec.parse("sae", "sae.yaml", """
                model: {kind: sae-toy, d_sae: [32], l1_coefficients: [0.01, 0.3]}
                data: {n_features: 16, d_in: 8, feature_probability: 0.06}
                trainer: {steps: 1500, batch_size: 512, learning_rate: 0.003}
                verify:
                  - {d_sae: 32, l1_coefficient: 0.3, mmcs_at_least: 0.9}
                """, problems);
        problems.throwIfAny();
        spec = (SaeToySpec) parsed.settings();
        trained = spec.train(parsed);
    }

    private static Map<?, ?> metrics(String file) {
        TrainedModel m = trained.stream().filter(t -> t.fileName().equals(file)).findFirst().orElseThrow();
        return (Map<?, ?>) Json.parse(SafeTensors.fromBytes(m.bytes()).metadata().get("metrics"));
    }

    @Test
    @DisplayName("publishes the ground truth and one SAE per (d_sae, l1), under SAELens' names")
    void files() {
        assertEquals(List.of("ground-truth.safetensors", "sae-d32-l1-0.01.safetensors", "sae-d32-l1-0.3.safetensors"),
                trained.stream().map(TrainedModel::fileName).toList());
        SafeTensors truth = SafeTensors.fromBytes(trained.get(0).bytes());
        assertEquals(List.of(16, 8), List.of(truth.tensor("features").shape()[0], truth.tensor("features").shape()[1]));
        SparseAutoencoder sae = SparseAutoencoder.fromWeights(SafeTensors.fromBytes(trained.get(2).bytes()));
        assertEquals(8, sae.dIn());
        assertEquals(32, sae.dSae());
    }

    @Test
    @DisplayName("with enough sparsity pressure recovers the true features (MMCS > 0.9), and its verify holds")
    void recoversFeatures() {
        double mmcs = ((Number) metrics("sae-d32-l1-0.3.safetensors").get("mmcs")).doubleValue();
        assertTrue(mmcs > 0.9, "MMCS " + mmcs);
        assertEquals(List.of(), spec.verify(trained));
    }

    @Test
    @DisplayName("with weak sparsity pressure uses more latents per input and matches the features worse")
    void weakPenalty() {
        Map<?, ?> weak = metrics("sae-d32-l1-0.01.safetensors");
        Map<?, ?> strong = metrics("sae-d32-l1-0.3.safetensors");
        assertTrue(((Number) weak.get("l0")).doubleValue() > ((Number) strong.get("l0")).doubleValue(), weak + " vs " + strong);
        assertTrue(((Number) weak.get("mmcs")).doubleValue() < ((Number) strong.get("mmcs")).doubleValue(), weak + " vs " + strong);
    }

    @Test
    @DisplayName("the sae-explorer widget regenerates each SAE's evaluation batch from the ground truth's spec: its metrics are the build's, exactly")
    void widgetReproducesTheMetrics() {
        SafeTensors truth = SafeTensors.fromBytes(trained.get(0).bytes());
        SparseFeatures.Settings settings = SparseFeatures.Settings.fromJson(truth.metadata().get("spec"));
        assertEquals(spec.settings(), settings);
        List<SaeExplorerView.SaeFile> files = SaeExplorerView.saeFiles(
                String.join(" ", trained.stream().map(t -> "models/sae/" + t.fileName()).toList()));
        assertEquals(2, files.size());
        for (SaeExplorerView.SaeFile file : files) {
            TrainedModel model = trained.stream().filter(t -> file.url().endsWith("/" + t.fileName())).findFirst().orElseThrow();
            SaeExplorerView.Run run = SaeExplorerView.run(SparseAutoencoder.fromWeights(SafeTensors.fromBytes(model.bytes())),
                    file.l1(), truth.tensor("features"), settings.evaluationCoefficients(settings.index(file.dSae(), file.l1Value())));
            Map<?, ?> m = metrics(model.fileName());
            assertEquals(((Number) m.get("mmcs")).doubleValue(), run.mmcs(), file.url());
            assertEquals(((Number) m.get("normalised_reconstruction_error")).doubleValue(),
                    run.evaluation().normalisedReconstructionError(), file.url());
            assertEquals(((Number) m.get("l0")).doubleValue(), run.evaluation().l0(), file.url());
            assertEquals(((Number) m.get("dead_fraction")).doubleValue(), run.evaluation().deadFraction(), file.url());
        }
    }

    @Test
    @DisplayName("a verify expectation the SAE misses is reported with its numbers")
    void verifyFailure() {
        SaeToySpec strict = new SaeToySpec(spec.dSae(), spec.l1Coefficients(), spec.nFeatures(), spec.dIn(),
                spec.featureProbability(), spec.steps(), spec.batchSize(), spec.learningRate(), spec.seed(),
                List.of(new SaeToySpec.Expectation(32, 0.01, 0.999, Double.NaN)));
        List<String> failures = strict.verify(trained);
        assertEquals(1, failures.size());
        assertTrue(failures.get(0).startsWith("sae-d32-l1-0.01.safetensors: MMCS 0."), failures.get(0));
        assertTrue(failures.get(0).endsWith(" is below the expected 0.999"), failures.get(0));
    }
}
