package org.circuitbook.generator.training;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.circuitbook.generator.diagnostics.BuildException;
import org.circuitbook.generator.diagnostics.Diagnostic;
import org.circuitbook.widgets.model.SparseAutoencoder;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.weights.Json;
import org.circuitbook.widgets.weights.SafeTensors;

/**
 * A published SAE ({@link SaeFile}) in SAELens's on-disk layout, as {@code SAE.save_model} writes it and
 * {@code SAE.load_from_disk(folder)} reads it (SAELens {@value #SAE_LENS_VERSION}, {@code sae_lens/saes/sae.py}):
 * a folder {@code models/NAME/saelens/STEM.HASH/} (STEM.HASH the published weights file's name less
 * {@code .safetensors}: the folder is as immutable as the file it is made from) holding
 * <ul>
 *   <li>{@value #WEIGHTS}: exactly the four tensors of the standard architecture's {@code state_dict},
 *       {@code W_enc} [d_in, d_sae], {@code b_enc} [d_sae], {@code W_dec} [d_sae, d_in], {@code b_dec} [d_in], F32,
 *       bit for bit the published file's, and no {@code __metadata__} (SAELens's {@code save_file} writes none; its
 *       {@code load_state_dict} is strict, so a fifth tensor would not load);</li>
 *   <li>{@value #CFG}: {@code StandardSAEConfig.to_dict()}'s fields in its order: {@code d_in, d_sae, dtype
 *       ("float32"), device ("cpu"), apply_b_dec_to_input (true: the latents read x - b_dec),
 *       normalize_activations ("none": any scaling is folded into the weights), reshape_activations ("none"),
 *       metadata, architecture ("standard")}; {@code metadata} holds SAELens's {@code sae_lens_version} (6.x, so
 *       the loader takes the current format, not the pre-6.0 one), {@code sae_lens_training_version} (null: SAELens
 *       did not train it), {@code model_name, hook_name, hook_head_index, prepend_bos, context_size, dataset_path}
 *       (null where they do not apply; {@code model_name} is the spec's name when a model of the spec produced the
 *       activations), and, under their own names, the spec, the published file it was made from with that file's
 *       SHA-256, and the published file of the model it reads or null ({@code circuitbook_spec, circuitbook_file,
 *       circuitbook_sha256, circuitbook_model_file}).</li>
 * </ul>
 */
public final class SaeLensFolder {
    /** The SAELens release whose layout and config fields this follows. */
    public static final String SAE_LENS_VERSION = "6.18.0";
    public static final String CFG = "cfg.json";
    public static final String WEIGHTS = "sae_weights.safetensors";
    /** Where the folders go, under {@code models/NAME/}. */
    public static final String FOLDER = "saelens/";

    private SaeLensFolder() {
    }

    /**
     * The folder's two files, {@value #CFG} then {@value #WEIGHTS}, for the published file {@code source}; a
     * {@link BuildException} at the spec when the file is not the SAE the kind declared.
     */
    static List<TrainedSet.PublishedFile> publish(ModelSpec spec, SaeFile sae, TrainedSet.PublishedFile source,
                                                  TrainedSet.PublishedFile model) {
        String url = source.url();
        String published = url.substring(url.lastIndexOf('/') + 1);
        String folder = url.substring(0, url.lastIndexOf('/') + 1) + FOLDER
                + published.substring(0, published.length() - ".safetensors".length()) + "/";
        String stem = sae.fileName().substring(0, sae.fileName().length() - ".safetensors".length());
        Map<String, Tensor> tensors = tensors(spec, sae, source.bytes());
        Tensor wEnc = tensors.get(SparseAutoencoder.W_ENC);
        String modelUrl = model == null ? null : model.url().substring(model.url().lastIndexOf('/') + 1);
        byte[] cfg = (Json.write(cfg(spec.name(), sae, wEnc.dim(1), published, source.sha256Hex(), modelUrl)) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] weights = new SafeTensors(tensors, Map.of()).toBytes();
        List<TrainedSet.PublishedFile> out = new ArrayList<>();
        out.add(TrainedSet.PublishedFile.at(folder + CFG, FOLDER + stem + "/" + CFG, cfg));
        out.add(TrainedSet.PublishedFile.at(folder + WEIGHTS, FOLDER + stem + "/" + WEIGHTS, weights));
        return out;
    }

    /** The SAE's four tensors, checked against the standard architecture and the declared d_in. */
    private static Map<String, Tensor> tensors(ModelSpec spec, SaeFile sae, byte[] bytes) {
        SafeTensors file = SafeTensors.fromBytes(bytes);
        Map<String, Tensor> tensors = file.tensors();
        Set<String> expected = Set.of(SparseAutoencoder.W_ENC, SparseAutoencoder.B_ENC, SparseAutoencoder.W_DEC,
                SparseAutoencoder.B_DEC);
        String problem = null;
        if (!tensors.keySet().equals(expected)) {
            problem = "has tensors " + tensors.keySet() + ", not exactly SAELens's " + new java.util.TreeSet<>(expected)
                    + " (SAELens loads its state_dict strictly)";
        } else {
            try {
                if (file.tensor(SparseAutoencoder.W_ENC).rank() != 2) {
                    throw new IllegalArgumentException("W_enc must be [d_in, d_sae], got " + file.tensor(SparseAutoencoder.W_ENC));
                }
                SparseAutoencoder s = SparseAutoencoder.fromWeights(file); // checks the other shapes against W_enc
                if (s.dIn() != sae.dIn()) {
                    problem = "has d_in " + s.dIn() + " but its kind declares " + sae.dIn();
                }
            } catch (IllegalArgumentException e) {
                problem = "is misshapen: " + e.getMessage();
            }
        }
        if (problem != null) {
            throw new BuildException(Diagnostic.file(spec.path(), "render", "cannot publish " + sae.fileName()
                    + " in SAELens's layout: it " + problem, "the kind's saes() names the files that are SAEs"));
        }
        return new LinkedHashMap<>(tensors);
    }

    /** {@value #CFG}'s fields, in {@code StandardSAEConfig.to_dict()}'s order. */
    static Map<String, Object> cfg(String specName, SaeFile sae, int dSae, String publishedName, String sha256,
                                   String modelUrl) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("sae_lens_version", SAE_LENS_VERSION);
        metadata.put("sae_lens_training_version", null);
        metadata.put("model_name", sae.modelFile() == null ? null : specName);
        metadata.put("hook_name", sae.hookName());
        metadata.put("hook_head_index", null);
        metadata.put("prepend_bos", null);
        metadata.put("context_size", null);
        metadata.put("dataset_path", null);
        metadata.put("circuitbook_spec", specName);
        metadata.put("circuitbook_file", publishedName);
        metadata.put("circuitbook_sha256", sha256);
        metadata.put("circuitbook_model_file", modelUrl);
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("d_in", (long) sae.dIn());
        cfg.put("d_sae", (long) dSae);
        cfg.put("dtype", "float32");
        cfg.put("device", "cpu");
        cfg.put("apply_b_dec_to_input", true);
        cfg.put("normalize_activations", "none");
        cfg.put("reshape_activations", "none");
        cfg.put("metadata", metadata);
        cfg.put("architecture", "standard");
        return cfg;
    }
}
