package org.circuitbook.generator.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.model.SparseAutoencoder;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.weights.Json;
import org.circuitbook.widgets.weights.SafeTensors;

/**
 * The {@code sae} format of the {@code imported} kind ({@link ImportedSpec}): a sparse autoencoder trained elsewhere,
 * SAELens's standard architecture, as its {@code sae_weights.safetensors} holds it: {@code W_enc} [d_in, d_sae],
 * {@code b_enc} [d_sae], {@code W_dec} [d_sae, d_in], {@code b_dec} [d_in] (latents ReLU((x - b_dec) W_enc + b_enc),
 * reconstruction latents W_dec + b_dec). {@code __metadata__["config"]} may hold SAELens's {@code cfg.json} (its
 * {@code d_in} and {@code d_sae} are checked against the tensors; {@code architecture} must be {@code standard},
 * {@code apply_b_dec_to_input} true and {@code normalize_activations} {@code none}, as the Java SAE computes; its
 * {@code metadata.hook_name} says what it reads); without it the shapes come from {@code W_enc}.
 * {@code __metadata__["reference"]} may hold {@code {"inputs": [[d_in numbers], ...], "latents": [[d_sae numbers],
 * ...]}}, compared with the Java encoder. Published as {@value #FILE}, with SAELens's folder beside it
 * ({@link SaeLensFolder}), as the trained kinds publish their SAEs.
 */
final class ImportedSaes {
    /** The published file. */
    static final String FILE = "sae.safetensors";

    private ImportedSaes() {
    }

    /** What the published SAE reads: its d_in and hook name (SAELens's metadata.hook_name, or "unknown"). */
    static SaeFile declared(SafeTensors file) {
        Map<?, ?> cfg = config(file);
        String hook = "unknown";
        if (cfg != null && cfg.get("metadata") instanceof Map<?, ?> meta && meta.get("hook_name") instanceof String h) {
            hook = h;
        } else if (cfg != null && cfg.get("hook_name") instanceof String h) { // SAELens before 6.0
            hook = h;
        }
        return new SaeFile(FILE, file.tensor(SparseAutoencoder.W_ENC).dim(0), hook, null);
    }

    private static Map<?, ?> config(SafeTensors file) {
        String json = file.metadata().get("config");
        if (json == null) {
            return null;
        }
        Object parsed = Json.parse(json);
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("the config metadata is not a JSON object (SAELens's cfg.json)");
        }
        return map;
    }

    /** Every problem of an SAE file, each "message (hint)"; empty when it can be imported. */
    static List<String> problems(SafeTensors file, Map<?, ?> header) {
        List<String> out = new ArrayList<>();
        Map<?, ?> wEnc = (Map<?, ?>) header.get(SparseAutoencoder.W_ENC);
        if (wEnc == null || ((List<?>) wEnc.get("shape")).size() != 2) {
            out.add("missing tensor W_enc, or it is not [d_in, d_sae] (SAELens's standard SAE: W_enc, b_enc, W_dec, b_dec)");
            return out;
        }
        List<?> shape = (List<?>) wEnc.get("shape");
        int dIn = (int) (long) (Long) shape.get(0);
        int dSae = (int) (long) (Long) shape.get(1);
        String from = "from W_enc: d_in " + dIn + ", d_sae " + dSae;
        Map<?, ?> cfg;
        try {
            cfg = config(file);
        } catch (RuntimeException e) {
            out.add(e.getMessage().startsWith("the config") ? e.getMessage()
                    : "the config metadata is not JSON: " + e.getMessage() + " (SAELens's cfg.json)");
            return out;
        }
        if (cfg != null) {
            from = "from its config: d_in " + cfg.get("d_in") + ", d_sae " + cfg.get("d_sae");
            if (!(cfg.get("d_in") instanceof Long in && in == dIn) || !(cfg.get("d_sae") instanceof Long sae && sae == dSae)) {
                out.add("W_enc is [" + dIn + ", " + dSae + "], but the config says d_in " + cfg.get("d_in") + ", d_sae "
                        + cfg.get("d_sae") + " (W_enc is [d_in, d_sae])");
                return out;
            }
            for (Object[] rule : new Object[][] {{"architecture", "standard"}, {"apply_b_dec_to_input", true},
                    {"normalize_activations", "none"}}) {
                Object v = cfg.get(rule[0]);
                if (v != null && !v.equals(rule[1])) {
                    out.add("config field " + rule[0] + " is " + Json.write(v) + ", not " + Json.write(rule[1])
                            + " (the SAE the widgets run: ReLU((x - b_dec) W_enc + b_enc), no run-time normalisation)");
                }
            }
        }
        Map<String, int[]> expected = new LinkedHashMap<>();
        expected.put(SparseAutoencoder.W_ENC, new int[] {dIn, dSae});
        expected.put(SparseAutoencoder.B_ENC, new int[] {dSae});
        expected.put(SparseAutoencoder.W_DEC, new int[] {dSae, dIn});
        expected.put(SparseAutoencoder.B_DEC, new int[] {dIn});
        ImportedSpec.checkTensors(header, expected, from, out, name -> false,
                "SAELens's standard SAE has only W_enc, b_enc, W_dec and b_dec");
        if (out.isEmpty() && file.metadata().get("reference") != null && reference(file.metadata().get("reference"), dIn, dSae) == null) {
            out.add("the reference metadata must be JSON {\"inputs\": [[" + dIn + " numbers], ...], \"latents\": [["
                    + dSae + " numbers], ...]}, one row of latents per input");
        }
        return out;
    }

    /** The reference inputs [rows, d_in] and latents [rows, d_sae]; null when the JSON is not of that form. */
    static Tensor[] reference(String json, int dIn, int dSae) {
        if (!(ImportedSpec.parse(json) instanceof Map<?, ?> map) || !(map.get("inputs") instanceof List<?> inputs) || inputs.isEmpty()
                || !(map.get("latents") instanceof List<?> latents) || latents.size() != inputs.size()) {
            return null;
        }
        float[] x = ImportedSpec.rows(inputs, dIn);
        float[] f = ImportedSpec.rows(latents, dSae);
        return x == null || f == null ? null
                : new Tensor[] {Tensor.of(x, inputs.size(), dIn), Tensor.of(f, inputs.size(), dSae)};
    }

    /** The SAE in float32 as {@value #FILE}, with its shape, what it reads and the reference comparison in its metrics. */
    static List<TrainedModel> publish(SafeTensors file, String specName, Map<String, Object> values, String version) {
        SparseAutoencoder sae = SparseAutoencoder.fromWeights(file);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("n_params", (long) sae.dIn() * sae.dSae() * 2 + sae.dIn() + sae.dSae());
        metrics.put("d_in", sae.dIn());
        metrics.put("d_sae", sae.dSae());
        String reference = file.metadata().get("reference");
        if (reference != null) {
            Tensor[] r = reference(reference, sae.dIn(), sae.dSae());
            metrics.put("reference_rows", r[0].dim(0));
            ImportedSpec.referenceDiff(metrics, List.of(sae.encode(r[0]).data()), List.of(r[1].data()));
        }
        Map<String, String> meta = Training.header(ImportedSpec.KIND, specName);
        meta.put("spec", Json.write(values));
        meta.put("hook_name", declared(file).hookName());
        meta.put("trainer", version);
        meta.put("metrics", Training.metrics(metrics));
        return List.of(new TrainedModel(FILE, new SafeTensors(sae.tensors(), meta).toBytes()));
    }
}
