package org.circuitbook.generator.imported;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.circuitbook.generator.FixtureSite;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.model.TransformerConfig;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.weights.Json;
import org.circuitbook.widgets.weights.SafeTensors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code imported} kind: a TransformerLens file in the content tree is checked (hash, header, every tensor's name,
 * dtype and shape against its config, the reference logits) and published like a trained model; a bad file is a
 * {@code path: load: ...} error and the site is not written.
 */
@DisplayName("Importing a model trained elsewhere")
class ImportedModelTest {
    static String sha256(byte[] bytes) {
        return TransformerLensFile.sha256(bytes);
    }

    /** A one-chapter site importing {@code bytes} as content/weights/tl.safetensors under the spec "tl". */
    static FixtureSite site(Path root, byte[] bytes, String sha) throws IOException {
        FixtureSite site = FixtureSite.write(root, """
                -- content/site.yaml --
                title: Imported
                -- content/chapters/01-a.md --
                ---
                title: A
                ---
                A model trained elsewhere.
                -- content/models/tl.yaml --
                model:
                  kind: imported
                  file: weights/tl.safetensors
                  sha256: %s
                  format: transformer-lens
                """.formatted(sha));
        Files.createDirectories(root.resolve("content/weights"));
        Files.write(root.resolve("content/weights/tl.safetensors"), bytes);
        return site;
    }

    @Test
    @DisplayName("a TransformerLens file (LayerNorm, gelu, buffers, vocab, reference logits) is published like a trained model")
    void imports(@TempDir Path root) throws Exception {
        byte[] bytes = TransformerLensFile.standard();
        FixtureSite site = site(root, bytes, sha256(bytes));
        site.build();
        assertTrue(site.log.stream().anyMatch(l -> l.matches("  train tl \\[missing] 1 models, .* \\(trained, parity checked; 1 expectation holds\\)")),
                String.join("\n", site.log));
        SafeTensors published = SafeTensors.fromBytes(Files.readAllBytes(site.weights("tl", "final.safetensors")));
        HookedTransformer model = HookedTransformer.fromWeights(published);
        assertEquals(TransformerLensFile.CFG, model.cfg());
        assertEquals(TransformerConfig.fromJson(published.metadata().get("config")), model.cfg(), "the config in this project's form");
        assertFalse(published.tensors().containsKey("blocks.0.attn.mask"), "buffers are not published");
        Map<String, Tensor> expected = TransformerLensFile.parameters(7);
        assertEquals(expected.keySet(), published.tensors().keySet());
        for (String name : expected.keySet()) {
            assertTrue(java.util.Arrays.equals(expected.get(name).data(), published.tensor(name).data()), name + " bit for bit");
        }
        Map<?, ?> metrics = (Map<?, ?>) Json.parse(published.metadata().get("metrics"));
        long params = expected.values().stream().mapToLong(t -> t.data().length).sum();
        assertEquals(params, ((Number) metrics.get("n_params")).longValue());
        assertEquals(2L, metrics.get("reference_sequences"));
        assertEquals(0.0, ((Number) metrics.get("reference_relative_diff")).doubleValue(), 1e-6);
        assertEquals(published.metadata().get("vocab"), Json.write(List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j")));
        site.build();
        assertTrue(site.log.stream().anyMatch(l -> l.startsWith("  train tl [fresh]")), "cached by the file's hash");
    }

    @Test
    @DisplayName("the reference logits are checked: a file whose model does not give them fails verify")
    void referenceChecked(@TempDir Path root) throws Exception {
        Map<String, Tensor> other = TransformerLensFile.parameters(7);
        float[] bU = other.get("unembed.b_U").data().clone();
        bU[3] += 0.5f;
        other.put("unembed.b_U", Tensor.of(bU, bU.length));
        SafeTensors standard = SafeTensors.fromBytes(TransformerLensFile.standard());
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("reference", standard.metadata().get("reference"));
        byte[] bytes = TransformerLensFile.write(other, TransformerLensFile.config(), extra);
        List<String> errors = site(root, bytes, sha256(bytes)).buildErrors();
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("content/models/tl.yaml: train: ") && errors.get(0).contains(
                "final.safetensors: the Java forward pass differs from the file's reference logits by"), errors.get(0));
        assertFalse(Files.exists(root.resolve("site")), "no site written");
    }

    @Test
    @DisplayName("a bad file is a path: load: error naming the tensor and what was expected; nothing is written")
    void badFiles(@TempDir Path root) throws Exception {
        byte[] good = TransformerLensFile.standard();
        String file = "content/weights/tl.safetensors";

        assertEquals(List.of("content/models/tl.yaml:4:3: load: the file " + file + " has SHA-256 " + sha256(good)
                        + ", not " + "0".repeat(64) + " (if the file was replaced on purpose, write its new hash here)"),
                site(root.resolve("a"), good, "0".repeat(64)).buildErrors());

        Map<String, Tensor> wrong = TransformerLensFile.parameters(7);
        wrong.put("blocks.0.attn.W_Q", Tensor.of(new float[4 * 8 * 4], 4, 8, 4));
        wrong.remove("blocks.1.ln2.b");
        wrong.put("blocks.0.attn.extra", Tensor.of(new float[2], 2));
        byte[] bytes = TransformerLensFile.write(wrong, TransformerLensFile.config(), Map.of());
        String from = " (from its config: n_layers 2, d_model 16, n_heads 4, d_head 4, d_mlp 32, d_vocab 10, d_vocab_out 10,"
                + " n_ctx 6, normalization_type LN)";
        assertEquals(List.of(
                        file + ": load: tensor blocks.0.attn.W_Q has shape [4, 8, 4], expected [4, 16, 4]" + from,
                        file + ": load: missing tensor blocks.1.ln2.b, shape [16]" + from,
                        file + ": load: unexpected tensor blocks.0.attn.extra (not a parameter of this model, from its"
                                + " config: n_layers 2, d_model 16, n_heads 4, d_head 4, d_mlp 32, d_vocab 10, d_vocab_out 10,"
                                + " n_ctx 6, normalization_type LN; TransformerLens's attn.mask and attn.IGNORE buffers are"
                                + " the only extras allowed)"),
                site(root.resolve("b"), bytes, sha256(bytes)).buildErrors());

        Map<String, Object> rotary = TransformerLensFile.config();
        rotary.put("positional_embedding_type", "rotary");
        bytes = TransformerLensFile.write(TransformerLensFile.parameters(7), rotary, Map.of());
        List<String> errors = site(root.resolve("c"), bytes, sha256(bytes)).buildErrors();
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith(file + ": load: transformer config: positional_embedding_type \"rotary\" is not supported"),
                errors.get(0));

        Map<String, Tensor> noConfig = TransformerLensFile.parameters(7);
        bytes = new SafeTensors(noConfig, Map.of()).toBytes();
        assertEquals(List.of(file + ": load: no config in the file's metadata (save_file(model.state_dict(), path, "
                        + "metadata={\"config\": json.dumps(model.cfg.to_dict(), default=str)}))"),
                site(root.resolve("d"), bytes, sha256(bytes)).buildErrors());

        FixtureSite missing = site(root.resolve("e"), good, sha256(good));
        Files.delete(missing.root.resolve(file));
        assertEquals(List.of("content/models/tl.yaml:3:3: load: no file " + file + " (the weights file, relative to content/)"),
                missing.buildErrors());
        FixtureSite linked = site(root.resolve("f"), good, sha256(good));
        Path outside = Files.createDirectories(root.resolve("outside"));
        Files.write(outside.resolve("tl.safetensors"), good);
        Files.delete(linked.root.resolve(file));
        Files.delete(linked.root.resolve("content/weights"));
        Files.createSymbolicLink(linked.root.resolve("content/weights"), outside);
        assertEquals(List.of("content/models/tl.yaml:3:3: load: " + file + " leads outside content/ (through a linked"
                + " directory) (keep the weights file inside content/)"), linked.buildErrors());
        for (String dir : List.of("a", "b", "c", "d", "e", "f")) {
            assertFalse(Files.exists(root.resolve(dir).resolve("site")), dir + ": no site written");
        }
    }

    @Test
    @DisplayName("the widgets that read a transformer through its weights refuse an imported model with LayerNorm, saying "
            + "why; the transformer widgets refuse another format")
    void weightWidgetsRefuseLayerNorm(@TempDir Path root) throws Exception {
        byte[] bytes = TransformerLensFile.standard();
        FixtureSite site = site(root, bytes, sha256(bytes));
        Files.writeString(root.resolve("content/chapters/01-a.md"), """
                ---
                title: A
                ---
                :::{widget} circuits
                :model: tl
                :::

                :::{widget} composition
                :model: tl
                :::

                :::{widget} logit-attribution
                :model: tl
                :::

                :::{widget} superposition
                :model: tl
                :::
                """);
        assertEquals(List.of(
                "content/chapters/01-a.md:5:1: check: model tl has MLPs: circuits reads the weights of an attention-only "
                        + "model (use an attention-only model (attn_only: true))",
                "content/chapters/01-a.md:9:1: check: model tl has MLPs: composition reads the weights of an "
                        + "attention-only model (use an attention-only model (attn_only: true))",
                "content/chapters/01-a.md:13:1: check: model tl has LayerNorm (LN): its logits are not a sum of what each "
                        + "component wrote, so logit-attribution cannot split them exactly (use a model with "
                        + "normalization_type None)",
                "content/chapters/01-a.md:17:1: check: model tl is an imported transformer-lens file: superposition runs "
                        + "imported models of format toy-superposition (use a model whose spec says format: "
                        + "toy-superposition)"),
                site.buildErrors());
        assertFalse(Files.exists(root.resolve("site")), "no site written");
    }
}
