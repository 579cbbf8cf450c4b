package org.circuitbook.generator.imported;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.circuitbook.generator.FixtureSite;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.weights.Json;
import org.circuitbook.widgets.weights.SafeTensors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code imported} kind's {@code sae} format: an SAE trained elsewhere (SAELens's standard architecture, its
 * {@code sae_weights.safetensors} with its {@code cfg.json} in the metadata) is checked, compared with its reference
 * latents (computed here in double, as SAELens's encoder does: ReLU((x - b_dec) W_enc + b_enc)), and published with its
 * SAELens folder beside it.
 */
@DisplayName("Importing an SAE trained elsewhere")
class ImportedSaesTest {
    private static final int D_IN = 4;
    private static final int D_SAE = 6;

    static Map<String, Tensor> tensors(long seed) {
        Random r = new Random(seed);
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("W_enc", random(r, D_IN, D_SAE));
        out.put("b_enc", random(r, D_SAE));
        out.put("W_dec", random(r, D_SAE, D_IN));
        out.put("b_dec", random(r, D_IN));
        return out;
    }

    private static Tensor random(Random r, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = (float) (0.5 * r.nextGaussian());
        }
        return t;
    }

    static Map<String, Object> config(int dIn, int dSae) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("sae_lens_version", "6.18.0");
        meta.put("hook_name", "blocks.0.hook_resid_post");
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("d_in", dIn);
        c.put("d_sae", dSae);
        c.put("dtype", "float32");
        c.put("apply_b_dec_to_input", true);
        c.put("normalize_activations", "none");
        c.put("metadata", meta);
        c.put("architecture", "standard");
        return c;
    }

    /** Three inputs and their latents, in double. */
    static String reference(Map<String, Tensor> t) {
        double[][] x = {{1, 0, 0, 0}, {0.5, -0.2, 0.3, 1}, {0, 0, 2, -1}};
        List<Object> inputs = new ArrayList<>();
        List<Object> latents = new ArrayList<>();
        for (double[] row : x) {
            List<Object> in = new ArrayList<>();
            List<Object> f = new ArrayList<>();
            for (double v : row) {
                in.add(v);
            }
            for (int j = 0; j < D_SAE; j++) {
                double s = t.get("b_enc").data()[j];
                for (int i = 0; i < D_IN; i++) {
                    s += (row[i] - t.get("b_dec").data()[i]) * t.get("W_enc").data()[i * D_SAE + j];
                }
                f.add(Math.max(0, s));
            }
            inputs.add(in);
            latents.add(f);
        }
        return Json.write(Map.of("inputs", inputs, "latents", latents));
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

    static FixtureSite site(Path root, byte[] bytes) throws IOException {
        FixtureSite site = FixtureSite.write(root, """
                -- content/site.yaml --
                title: Imported SAE
                -- content/chapters/01-a.md --
                ---
                title: A
                ---
                An SAE trained elsewhere.
                -- content/models/saes.yaml --
                model: {kind: imported, file: weights/sae.safetensors, format: sae, sha256: %s}
                """.formatted(ImportedModelTest.sha256(bytes)));
        Files.createDirectories(root.resolve("content/weights"));
        Files.write(root.resolve("content/weights/sae.safetensors"), bytes);
        return site;
    }

    @Test
    @DisplayName("an SAE with SAELens's config and reference latents is published bit for bit, its latents checked, and "
            + "in SAELens's layout beside it with the hook it reads")
    void imports(@TempDir Path root) throws Exception {
        Map<String, Tensor> t = tensors(5);
        FixtureSite site = site(root, file(t, config(D_IN, D_SAE), reference(t)));
        site.build();
        assertTrue(site.log.stream().anyMatch(l -> l.matches("  train saes \\[missing] 1 models, .* \\(trained, parity "
                + "checked; 1 expectation holds\\)")), String.join("\n", site.log));
        SafeTensors published = SafeTensors.fromBytes(Files.readAllBytes(site.weights("saes", "sae.safetensors")));
        for (String name : t.keySet()) {
            assertTrue(java.util.Arrays.equals(t.get(name).data(), published.tensor(name).data()), name + " bit for bit");
        }
        Map<?, ?> metrics = (Map<?, ?>) Json.parse(published.metadata().get("metrics"));
        assertTrue(((Number) metrics.get("reference_relative_diff")).doubleValue() < 1e-6, metrics.toString());
        assertEquals("blocks.0.hook_resid_post", published.metadata().get("hook_name"));
        Path models = site.site().resolve("models/saes");
        Path cfg;
        try (Stream<Path> files = Files.walk(models)) {
            cfg = files.filter(p -> p.getFileName().toString().equals("cfg.json")).findFirst().orElseThrow();
        }
        Map<?, ?> saelens = (Map<?, ?>) Json.parse(Files.readString(cfg, StandardCharsets.UTF_8));
        assertEquals(4L, saelens.get("d_in"));
        assertEquals(6L, saelens.get("d_sae"));
        assertEquals("blocks.0.hook_resid_post", ((Map<?, ?>) saelens.get("metadata")).get("hook_name"));
        SafeTensors weights = SafeTensors.fromBytes(Files.readAllBytes(cfg.resolveSibling("sae_weights.safetensors")));
        assertEquals(new java.util.TreeSet<>(t.keySet()), new java.util.TreeSet<>(weights.tensors().keySet()));
    }

    @Test
    @DisplayName("SAELens's sae_weights.safetensors as it saves it (no metadata) imports, its shape read from W_enc")
    void bareWeights(@TempDir Path root) throws Exception {
        FixtureSite site = site(root, file(tensors(6), null, null));
        site.build();
        assertTrue(site.log.stream().anyMatch(l -> l.startsWith("  train saes [missing] 1 models")), String.join("\n", site.log));
        SafeTensors published = SafeTensors.fromBytes(Files.readAllBytes(site.weights("saes", "sae.safetensors")));
        assertEquals("unknown", published.metadata().get("hook_name"));
    }

    @Test
    @DisplayName("a misshapen SAE, a config that disagrees with it, or another architecture is a precise error; nothing "
            + "is written")
    void badFiles(@TempDir Path root) throws Exception {
        String file = "content/weights/sae.safetensors";
        Map<String, Tensor> transposed = tensors(5);
        transposed.put("W_dec", Tensor.zeros(D_IN, D_SAE));
        String from = " (from its config: d_in 4, d_sae 6)";
        assertEquals(List.of(file + ": load: tensor W_dec has shape [4, 6], expected [6, 4]" + from),
                site(root.resolve("a"), file(transposed, config(D_IN, D_SAE), null)).buildErrors());
        assertEquals(List.of(file + ": load: W_enc is [4, 6], but the config says d_in 8, d_sae 6 (W_enc is [d_in, d_sae])"),
                site(root.resolve("b"), file(tensors(5), config(8, D_SAE), null)).buildErrors());
        Map<String, Object> gated = config(D_IN, D_SAE);
        gated.put("architecture", "gated");
        assertEquals(List.of(file + ": load: config field architecture is \"gated\", not \"standard\" (the SAE the widgets "
                        + "run: ReLU((x - b_dec) W_enc + b_enc), no run-time normalisation)"),
                site(root.resolve("c"), file(tensors(5), gated, null)).buildErrors());
        Map<String, Tensor> t = tensors(5);
        String reference = reference(t);
        t.get("b_enc").data()[0] += 1f;
        List<String> errors = site(root.resolve("d"), file(t, config(D_IN, D_SAE), reference)).buildErrors();
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("sae.safetensors: the Java forward pass differs from the file's reference latents by"),
                errors.get(0));
        for (String dir : List.of("a", "b", "c", "d")) {
            assertFalse(Files.exists(root.resolve(dir).resolve("site")), dir + ": no site written");
        }
    }
}
