package org.circuitbook.generator.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.circuitbook.generator.diagnostics.BuildException;
import org.circuitbook.generator.diagnostics.Problems;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.weights.SafeTensors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** An SAE file made into SAELens's folder: the exact cfg.json, the tensors, and what is refused. */
@DisplayName("SAELens folders")
class SaeLensFolderTest {
    static final ModelSpec SPEC = spec();

    static ModelSpec spec() {
        Problems problems = new Problems("load");
        ModelSpec s = ModelSpec.parse("saes", "content/models/saes.yaml",
                "model: {kind: sae-toy, d_sae: [3], l1_coefficients: [1]}\ndata: {n_features: 4, d_in: 2}\n", problems);
        problems.throwIfAny();
        return s;
    }

    static Map<String, Tensor> sae(int dIn) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        float[] enc = new float[dIn * 3];
        for (int i = 0; i < enc.length; i++) {
            enc[i] = 0.1f * i - 0.25f;
        }
        t.put("W_enc", Tensor.of(enc, dIn, 3));
        t.put("b_enc", Tensor.of(new float[] {0.5f, -1f, Float.MIN_VALUE}, 3));
        t.put("W_dec", Tensor.of(new float[dIn * 3], 3, dIn));
        t.put("b_dec", Tensor.zeros(dIn));
        return t;
    }

    static TrainedSet.PublishedFile file(Map<String, Tensor> tensors) {
        return TrainedSet.PublishedFile.of("models/saes/", new TrainedModel("sae-d3-l1-1.safetensors",
                new SafeTensors(tensors, Map.of("metrics", "{}")).toBytes()));
    }

    @Test
    @DisplayName("the toy spec declares its SAE files, d_in and hook; the othello spec one per stage, reading final.safetensors")
    void declared() {
        assertEquals(List.of(new SaeFile("sae-d3-l1-1.safetensors", 2, "toy_features", null)), SPEC.settings().saes());
        Problems problems = new Problems("load");
        ModelSpec oth = ModelSpec.parse("oth", "oth.yaml", "model: {kind: othello, n_layers: 2, d_model: 16}\n", problems);
        problems.throwIfAny();
        assertEquals(List.of(new SaeFile("sae-resid-0.safetensors", 16, "blocks.0.hook_resid_pre", "final.safetensors"),
                new SaeFile("sae-resid-1.safetensors", 16, "blocks.0.hook_resid_post", "final.safetensors"),
                new SaeFile("sae-resid-2.safetensors", 16, "blocks.1.hook_resid_post", "final.safetensors")),
                oth.settings().saes());
        assertTrue(oth.settings().fileNames().containsAll(oth.settings().saes().stream().map(SaeFile::fileName).toList()));
    }

    @Test
    @DisplayName("cfg.json, exactly; sae_weights.safetensors holds the four tensors bit for bit and no metadata")
    void folder() {
        TrainedSet.PublishedFile source = file(sae(2));
        List<TrainedSet.PublishedFile> out = SaeLensFolder.publish(SPEC, SPEC.settings().saes().get(0), source, null);
        String stem = source.url().substring("models/saes/".length(), source.url().length() - ".safetensors".length());
        assertEquals(List.of("models/saes/saelens/" + stem + "/cfg.json", "models/saes/saelens/" + stem + "/sae_weights.safetensors"),
                out.stream().map(TrainedSet.PublishedFile::url).toList());
        assertEquals(List.of("saelens/sae-d3-l1-1/cfg.json", "saelens/sae-d3-l1-1/sae_weights.safetensors"),
                out.stream().map(TrainedSet.PublishedFile::fileName).toList());
        assertEquals("{\"d_in\":2,\"d_sae\":3,\"dtype\":\"float32\",\"device\":\"cpu\",\"apply_b_dec_to_input\":true,"
                + "\"normalize_activations\":\"none\",\"reshape_activations\":\"none\",\"metadata\":{\"sae_lens_version\":"
                + "\"6.18.0\",\"sae_lens_training_version\":null,\"model_name\":null,\"hook_name\":\"toy_features\","
                + "\"hook_head_index\":null,\"prepend_bos\":null,\"context_size\":null,\"dataset_path\":null,"
                + "\"circuitbook_spec\":\"saes\",\"circuitbook_file\":\"" + stem + ".safetensors\",\"circuitbook_sha256\":\""
                + source.sha256Hex() + "\",\"circuitbook_model_file\":null},\"architecture\":\"standard\"}\n",
                new String(out.get(0).bytes(), StandardCharsets.UTF_8));
        SafeTensors weights = SafeTensors.fromBytes(out.get(1).bytes());
        assertTrue(weights.metadata().isEmpty());
        assertEquals(List.of("W_dec", "W_enc", "b_dec", "b_enc"), List.copyOf(weights.tensors().keySet()));
        for (Map.Entry<String, Tensor> e : sae(2).entrySet()) {
            assertArrayEquals(e.getValue().shape(), weights.tensor(e.getKey()).shape());
            assertArrayEquals(e.getValue().data(), weights.tensor(e.getKey()).data(), 0f); // MIN_VALUE survives too
        }
        // the published file minus its metadata: the same tensors, so the same bytes as SAFETENSORS writes them bare
        assertArrayEquals(new SafeTensors(sae(2), Map.of()).toBytes(), out.get(1).bytes());
    }

    @Test
    @DisplayName("a model's SAE names the spec as model_name and the model's published file")
    void readsAModel() {
        TrainedSet.PublishedFile model = TrainedSet.PublishedFile.of("models/saes/",
                new TrainedModel("final.safetensors", new byte[] {1, 2, 3}));
        String cfg = new String(SaeLensFolder.publish(SPEC, new SaeFile("sae-d3-l1-1.safetensors", 2,
                "blocks.0.hook_resid_post", "final.safetensors"), file(sae(2)), model).get(0).bytes(), StandardCharsets.UTF_8);
        assertTrue(cfg.contains("\"model_name\":\"saes\",\"hook_name\":\"blocks.0.hook_resid_post\""), cfg);
        assertTrue(cfg.contains("\"circuitbook_model_file\":\"" + model.url().substring("models/saes/".length()) + "\""), cfg);
    }

    @Test
    @DisplayName("a file that is not the SAE declared fails the build at the spec: a tensor too many, another d_in, a transposed W_dec")
    void refused() {
        Map<String, Tensor> extra = sae(2);
        extra.put("scaling_factor", Tensor.of(new float[] {1, 1, 1}, 3));
        BuildException e = assertThrows(BuildException.class,
                () -> SaeLensFolder.publish(SPEC, SPEC.settings().saes().get(0), file(extra), null));
        assertEquals("content/models/saes.yaml: render: cannot publish sae-d3-l1-1.safetensors in SAELens's layout: it has"
                + " tensors [W_dec, W_enc, b_dec, b_enc, scaling_factor], not exactly SAELens's [W_dec, W_enc, b_dec, b_enc]"
                + " (SAELens loads its state_dict strictly) (the kind's saes() names the files that are SAEs)",
                e.diagnostics().get(0).toString());
        e = assertThrows(BuildException.class,
                () -> SaeLensFolder.publish(SPEC, SPEC.settings().saes().get(0), file(sae(5)), null));
        assertEquals("content/models/saes.yaml: render: cannot publish sae-d3-l1-1.safetensors in SAELens's layout: it has"
                + " d_in 5 but its kind declares 2 (the kind's saes() names the files that are SAEs)",
                e.diagnostics().get(0).toString());
        Map<String, Tensor> transposed = sae(2);
        transposed.put("W_dec", Tensor.zeros(2, 3));
        e = assertThrows(BuildException.class,
                () -> SaeLensFolder.publish(SPEC, SPEC.settings().saes().get(0), file(transposed), null));
        assertTrue(e.diagnostics().get(0).toString().contains("in SAELens's layout: it is misshapen: W_dec must be"
                + " [d_sae, d_in] = [3, 2]"), e.diagnostics().toString());
    }
}
