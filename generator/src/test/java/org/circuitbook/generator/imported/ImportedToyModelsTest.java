package org.circuitbook.generator.imported;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.circuitbook.generator.FixtureSite;
import org.circuitbook.widgets.model.ToyModel;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.weights.Json;
import org.circuitbook.widgets.weights.SafeTensors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code imported} kind's {@code toy-superposition} format: toy models of superposition trained elsewhere, several
 * instances in one file as the paper's notebook trains them (W [n_instances, n_features, n_hidden], b_final
 * [n_instances, n_features], the config in the metadata), each published as one sparsity of the superposition widget.
 * The reference outputs here are computed as the notebook computes them (h = x W[i]; ReLU(h W[i]^T + b)), in double,
 * independently of {@link ToyModel}.
 */
@DisplayName("Importing toy models of superposition trained elsewhere")
class ImportedToyModelsTest {
    private static final int INSTANCES = 3;
    private static final int FEATURES = 5;
    private static final int HIDDEN = 2;

    /** Seeded W [3, 5, 2] and b_final [3, 5]. */
    static Map<String, Tensor> tensors(long seed) {
        Random r = new Random(seed);
        float[] w = new float[INSTANCES * FEATURES * HIDDEN];
        float[] b = new float[INSTANCES * FEATURES];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) (0.1 * r.nextGaussian());
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("W", Tensor.of(w, INSTANCES, FEATURES, HIDDEN));
        out.put("b_final", Tensor.of(b, INSTANCES, FEATURES));
        return out;
    }

    static Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("n_features", FEATURES);
        c.put("n_hidden", HIDDEN);
        c.put("n_instances", INSTANCES);
        c.put("feature_probability", List.of(0.3, 0.1, 0.01));
        List<Object> importance = new ArrayList<>();
        for (int f = 0; f < FEATURES; f++) {
            importance.add(Math.pow(0.9, f));
        }
        c.put("importance", importance);
        return c;
    }

    /** Four inputs, and each instance's outputs as the notebook computes them. */
    static String reference(Map<String, Tensor> t) {
        double[][] x = {{1, 0, 0, 0, 0}, {0, 0.5, 0, 0, 0.2}, {0.3, 0.3, 0.3, 0.3, 0.3}, {0, 0, 0, 0.9, 0}};
        float[] w = t.get("W").data();
        float[] b = t.get("b_final").data();
        List<Object> outputs = new ArrayList<>();
        for (int i = 0; i < INSTANCES; i++) {
            List<Object> rows = new ArrayList<>();
            for (double[] row : x) {
                double[] h = new double[HIDDEN];
                for (int d = 0; d < HIDDEN; d++) {
                    for (int f = 0; f < FEATURES; f++) {
                        h[d] += row[f] * w[(i * FEATURES + f) * HIDDEN + d];
                    }
                }
                List<Object> out = new ArrayList<>();
                for (int f = 0; f < FEATURES; f++) {
                    double v = b[i * FEATURES + f];
                    for (int d = 0; d < HIDDEN; d++) {
                        v += h[d] * w[(i * FEATURES + f) * HIDDEN + d];
                    }
                    out.add(Math.max(0, v));
                }
                rows.add(out);
            }
            outputs.add(rows);
        }
        List<Object> inputs = new ArrayList<>();
        for (double[] row : x) {
            List<Object> r = new ArrayList<>();
            for (double v : row) {
                r.add(v);
            }
            inputs.add(r);
        }
        return Json.write(Map.of("inputs", inputs, "outputs", outputs));
    }

    static byte[] file(Map<String, Tensor> tensors, Map<String, Object> config, String reference) {
        Map<String, String> meta = new LinkedHashMap<>();
        if (config != null) {
            meta.put("config", Json.write(config));
        }
        if (reference != null) {
            meta.put("reference", reference);
        }
        return new SafeTensors(tensors, meta).toBytes();
    }

    /** A site importing {@code bytes} as content/weights/toys.safetensors under the spec "toys", with {@code chapter}. */
    static FixtureSite site(Path root, byte[] bytes, String chapter) throws IOException {
        FixtureSite site = FixtureSite.write(root, """
                -- content/site.yaml --
                title: Imported toys
                -- content/chapters/01-a.md --
                ---
                title: A
                ---
                %s
                -- content/models/toys.yaml --
                model:
                  kind: imported
                  file: weights/toys.safetensors
                  sha256: %s
                  format: toy-superposition
                """.formatted(chapter, ImportedModelTest.sha256(bytes)));
        Files.createDirectories(root.resolve("content/weights"));
        Files.write(root.resolve("content/weights/toys.safetensors"), bytes);
        return site;
    }

    @Test
    @DisplayName("each instance is published as one sparsity (W transposed to [n_hidden, n_features]), with the trained "
            + "kind's metrics and the reference outputs checked, and the superposition widget draws it")
    void imports(@TempDir Path root) throws Exception {
        Map<String, Tensor> t = tensors(3);
        byte[] bytes = file(t, config(), reference(t));
        FixtureSite site = site(root, bytes, """
                :::{widget} superposition
                :model: toys
                :sparsity: 0.9
                Toy models trained elsewhere.
                :::
                """);
        site.build();
        assertTrue(site.log.stream().anyMatch(l -> l.matches("  train toys \\[missing] 3 models, .* \\(trained, parity "
                + "checked; 1 expectation holds\\)")), String.join("\n", site.log));
        double[] sparsities = {0.7, 0.9, 0.99};
        for (int i = 0; i < INSTANCES; i++) {
            SafeTensors published = SafeTensors.fromBytes(Files.readAllBytes(
                    site.weights("toys", "sparsity-" + sparsities[i] + ".safetensors")));
            ToyModel model = ToyModel.fromWeights(published);
            assertEquals(FEATURES, model.nFeatures());
            assertEquals(HIDDEN, model.dHidden());
            for (int f = 0; f < FEATURES; f++) {
                for (int d = 0; d < HIDDEN; d++) {
                    assertEquals(t.get("W").data()[(i * FEATURES + f) * HIDDEN + d], model.W().get(d, f), 0.0,
                            "instance " + i + " W[" + f + ", " + d + "], transposed bit for bit");
                }
            }
            assertEquals(String.valueOf(sparsities[i]), published.metadata().get("sparsity"));
            assertEquals("relu", published.metadata().get("output"));
            Map<?, ?> spec = (Map<?, ?>) Json.parse(published.metadata().get("spec"));
            assertEquals(0.9, ((Number) spec.get("importance_decay")).doubleValue(), 1e-12);
            assertEquals("toy-superposition", spec.get("format"));
            Map<?, ?> metrics = (Map<?, ?>) Json.parse(published.metadata().get("metrics"));
            List<?> norms = (List<?>) metrics.get("feature_norms");
            for (int f = 0; f < FEATURES; f++) {
                double n = 0;
                for (int d = 0; d < HIDDEN; d++) {
                    n += Math.pow(t.get("W").data()[(i * FEATURES + f) * HIDDEN + d], 2);
                }
                assertEquals(Math.sqrt(n), ((Number) norms.get(f)).doubleValue(), 1e-5, "feature norm " + f);
            }
            assertTrue(((Number) metrics.get("reference_relative_diff")).doubleValue() < 1e-6, metrics.toString());
            assertEquals(4L, metrics.get("reference_rows"));
        }
        String html = site.read("a.html");
        assertTrue(html.contains("data-widget=\"superposition\""), "the figure");
        assertTrue(html.contains("widget-wide-drawing"), "the static drawing");
        site.build();
        assertTrue(site.log.stream().anyMatch(l -> l.startsWith("  train toys [fresh]")), "cached by the file's hash");
    }

    @Test
    @DisplayName("a bad toy file, a sparsity the file lacks, or a widget of the other format, is a precise error; nothing "
            + "is written")
    void badFiles(@TempDir Path root) throws Exception {
        String file = "content/weights/toys.safetensors";
        Map<String, Tensor> transposed = new LinkedHashMap<>(tensors(3));
        transposed.put("W", Tensor.of(new float[INSTANCES * FEATURES * HIDDEN], INSTANCES, HIDDEN, FEATURES));
        transposed.put("b_U", Tensor.of(new float[1], 1));
        byte[] bytes = file(transposed, config(), null);
        String from = "from its config: n_instances 3, n_features 5, n_hidden 2";
        assertEquals(List.of(
                        file + ": load: tensor W has shape [3, 2, 5], expected [3, 5, 2] (" + from + ")",
                        file + ": load: unexpected tensor b_U (not a parameter of this model, " + from + "; the toy model "
                                + "has only W [n_instances, n_features, n_hidden] and b_final [n_instances, n_features])"),
                site(root.resolve("a"), bytes, "Text.").buildErrors());

        Map<String, Object> same = config();
        same.put("feature_probability", List.of(0.1, 0.1, 0.01));
        bytes = file(tensors(3), same, null);
        assertEquals(List.of(file + ": load: two instances have sparsity 0.9 (the widget shows one model per sparsity: "
                        + "give each instance its own feature_probability)"),
                site(root.resolve("b"), bytes, "Text.").buildErrors());

        bytes = file(tensors(3), null, null);
        assertEquals(List.of(file + ": load: no config in the file's metadata (metadata={\"config\": json.dumps({"
                        + "\"n_features\": ..., \"n_hidden\": ..., \"n_instances\": ..., \"feature_probability\": [...]})})"),
                site(root.resolve("c"), bytes, "Text.").buildErrors());

        Map<String, Tensor> t = tensors(3);
        String reference = reference(t);
        t.get("b_final").data()[2] += 0.5f; // the model no longer gives its reference outputs
        bytes = file(t, config(), reference);
        List<String> errors = site(root.resolve("d"), bytes, "Text.").buildErrors();
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("content/models/toys.yaml: train: ") && errors.get(0).contains(
                "sparsity-0.7.safetensors: the Java forward pass differs from the file's reference outputs by"), errors.get(0));

        bytes = file(tensors(3), config(), null);
        assertEquals(List.of("content/chapters/01-a.md:6:1: check: model toys was not trained at sparsity 0.5 "
                        + "(trained: 0.7, 0.9, 0.99)"),
                site(root.resolve("e"), bytes, ":::{widget} superposition\n:model: toys\n:sparsity: 0.5\n:::").buildErrors());
        assertEquals(List.of("content/chapters/01-a.md:5:1: check: model toys is an imported toy-superposition file: "
                        + "attention-patterns runs imported models of format transformer-lens (use a model whose spec says "
                        + "format: transformer-lens)"),
                site(root.resolve("f"), bytes, ":::{widget} attention-patterns\n:model: toys\n:::").buildErrors());
        for (String dir : List.of("a", "b", "c", "d", "e", "f")) {
            assertFalse(Files.exists(root.resolve(dir).resolve("site")), dir + ": no site written");
        }
    }
}
