package org.circuitbook.generator.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.circuitbook.generator.diagnostics.Problems;
import org.circuitbook.widgets.model.FactLookup;
import org.circuitbook.widgets.model.FactTable;
import org.circuitbook.widgets.weights.SafeTensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The fact-lookup toy trained by ND4J at a small budget memorises its facts; the metrics are consistent. */
@DisplayName("Fact lookup: training, tracing and ROME metrics")
class FactLookupTrainerTest {
    static ModelSpec parsed;
    static FactLookupSpec spec;
    static List<TrainedModel> trained;
    static Map<?, ?> metrics;

    @BeforeAll
    static void train() {
        Problems problems = new Problems("load");
        parsed = ModelSpec.parse("facts", "facts.yaml", """
                model: {kind: fact-lookup, n_layers: 3, d_model: 24, d_mlp: 64}
                data: {entities: 16, relations: 2, attributes: 8}
                trainer: {steps: 600, learning_rate: 0.005}
                verify: {recall_at_least: 0.99}
                """, problems);
        problems.throwIfAny();
        spec = (FactLookupSpec) parsed.settings();
        trained = spec.train(parsed);
        metrics = Training.metricsOf(trained, Training.finalName());
    }

    static double number(String key) {
        return ((Number) metrics.get(key)).doubleValue();
    }

    @Test
    @DisplayName("recalls every trained fact and its verify holds; parity with ND4J held")
    void recall() {
        assertEquals(1.0, number("recall"), 1e-12);
        assertEquals(List.of(), spec.verify(trained));
        assertTrue(number("parity_max_abs_diff") <= FactLookupTrainer.PARITY_TOLERANCE);
    }

    @Test
    @DisplayName("the published metrics are reproduced from the weights, and the tracing peak is the grid's argmax")
    void metricsReproduce() {
        SafeTensors st = SafeTensors.fromBytes(trained.get(0).bytes());
        FactLookup model = new FactLookup(st.tensors(), spec.nLayers());
        FactTable table = new FactTable(spec.entities(), spec.relations(), spec.attributes(), spec.dModel(), spec.seed());
        Map<String, Object> again = FactTable.metrics(model, table);
        for (String key : List.of("recall", "tracing.clean_prob", "tracing.corrupted_prob", "tracing.peak_layer",
                "tracing.peak_position", "rome.layer", "rome.efficacy", "rome.same_entity_other_relations",
                "rome.unrelated_unchanged")) {
            assertEquals(((Number) again.get(key)).doubleValue(), number(key), 1e-9, key);
        }
        List<?> grid = (List<?>) metrics.get("tracing.mlp");
        assertEquals(spec.nLayers(), grid.size());
        double best = -1;
        int bl = -1, bp = -1;
        for (int l = 0; l < grid.size(); l++) {
            List<?> row = (List<?>) grid.get(l);
            assertEquals(FactTable.N_CTX, row.size());
            for (int p = 0; p < row.size(); p++) {
                double v = ((Number) row.get(p)).doubleValue();
                assertTrue(v >= 0 && v <= 1);
                if (v > best) {
                    best = v;
                    bl = l;
                    bp = p;
                }
            }
        }
        assertEquals(bl, (int) number("tracing.peak_layer"));
        assertEquals(bp, (int) number("tracing.peak_position"));
        assertTrue(number("tracing.corrupted_prob") < number("tracing.clean_prob"));
        assertTrue(number("rome.efficacy") >= 0.9, "efficacy " + number("rome.efficacy"));
    }

    /** Trains the book's spec (content/models/facts.yaml) and prints its metrics and cold time: -Dfacts.full=true. */
    @Test
    void fullSpec() throws Exception {
        if (!Boolean.getBoolean("facts.full")) {
            return;
        }
        Problems problems = new Problems("load");
        ModelSpec full = ModelSpec.parse("facts", "content/models/facts.yaml",
                Files.readString(Path.of("../content/models/facts.yaml")), problems);
        problems.throwIfAny();
        long start = System.nanoTime();
        List<TrainedModel> models = full.settings().train(full);
        System.out.println("FACTS cold train ms " + (System.nanoTime() - start) / 1_000_000);
        System.out.println("FACTS metrics " + SafeTensors.fromBytes(models.get(0).bytes()).metadata().get("metrics"));
        System.out.println("FACTS verify " + full.settings().verify(models));
    }
}
