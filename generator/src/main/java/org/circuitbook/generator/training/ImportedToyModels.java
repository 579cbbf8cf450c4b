package org.circuitbook.generator.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.model.ToyModel;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.weights.Json;
import org.circuitbook.widgets.weights.SafeTensors;

/**
 * The {@code toy-superposition} format of the {@code imported} kind ({@link ImportedSpec}): toy models of superposition
 * trained elsewhere, as the paper's notebook trains them, several instances at once (Elhage et al. 2022, "Toy Models of
 * Superposition", its Colab's {@code Model}): one safetensors file with
 *
 * <pre>
 *   W        [n_instances, n_features, n_hidden]   h = x W[i];  x' = ReLU(h W[i]^T + b_final[i])  (or linear)
 *   b_final  [n_instances, n_features]
 *   __metadata__["config"]: {"n_features": F, "n_hidden": H, "n_instances": I,
 *                            "feature_probability": [I numbers in (0, 1]] (or one for every instance),
 *                            "importance": [F positive numbers] (optional, default all 1),
 *                            "activation": "relu" | "linear" (optional, default "relu")}
 *   __metadata__["reference"] (optional): {"inputs": [[F numbers], ...], "outputs": [I lists of one row of F per input]}
 * </pre>
 *
 * Each instance is published as the {@code toy-superposition} kind publishes one sparsity (1 - its feature
 * probability): {@code sparsity-S.safetensors}, W transposed to this project's [n_hidden, n_features], with the
 * metrics the chapters quote of a trained one ({@code feature_norms}, {@code feature_dimensionality}), so the
 * {@code superposition} widget shows them with its sparsity slider.
 */
final class ImportedToyModels {
    /** The format's name: the toy-superposition kind's, whose models it publishes. */
    static final String FORMAT = ToySuperpositionSpec.KIND;

    private ImportedToyModels() {
    }

    /** The config of a toy-superposition file, checked against its tensors. */
    record Config(int nFeatures, int nHidden, int nInstances, double[] probability, double[] importance, boolean relu) {
        /** The published file of instance {@code i}. */
        String fileName(int i) {
            return ToySuperpositionTrainer.fileName(sparsity(i));
        }

        /** 1 - the instance's feature probability, to 12 decimals (1 - 0.7 is 0.3, not 0.30000000000000004). */
        double sparsity(int i) {
            return Math.round((1 - probability[i]) * 1e12) / 1e12;
        }

        /** The ratio of consecutive importances where they fall geometrically from 1 (the book's specs' form), else null. */
        Double importanceDecay() {
            if (importance.length < 2 || Math.abs(importance[0] - 1) > 1e-9) {
                return null;
            }
            double r = importance[1];
            for (int f = 1; f < importance.length; f++) {
                if (Math.abs(importance[f] - Math.pow(r, f)) > 1e-6 * Math.max(1, Math.abs(importance[f]))) {
                    return null;
                }
            }
            return r;
        }
    }

    /** The file's config; an {@link IllegalArgumentException} saying what is wrong, "message (hint)". */
    static Config config(SafeTensors file) {
        String json = file.metadata().get("config");
        if (json == null) {
            throw new IllegalArgumentException("no config in the file's metadata (metadata={\"config\": json.dumps({"
                    + "\"n_features\": ..., \"n_hidden\": ..., \"n_instances\": ..., \"feature_probability\": [...]})})");
        }
        Object parsed;
        try {
            parsed = Json.parse(json);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the config metadata is not JSON: " + e.getMessage() + " (a JSON object)");
        }
        if (!(parsed instanceof Map<?, ?> cfg)) {
            throw new IllegalArgumentException("the config metadata is not a JSON object (n_features, n_hidden, "
                    + "n_instances, feature_probability, importance, activation)");
        }
        for (Object key : cfg.keySet()) {
            if (!List.of("n_features", "n_hidden", "n_instances", "feature_probability", "importance", "activation")
                    .contains(key)) {
                throw new IllegalArgumentException("unknown config field " + key + " (known: n_features, n_hidden, "
                        + "n_instances, feature_probability, importance, activation)");
            }
        }
        int f = positive(cfg, "n_features");
        int h = positive(cfg, "n_hidden");
        int n = positive(cfg, "n_instances");
        double[] p = numbers(cfg.get("feature_probability"), n, "feature_probability", "one per instance, in (0, 1]");
        for (double v : p) {
            if (!(v > 0 && v <= 1)) {
                throw new IllegalArgumentException("feature_probability " + v + " is not in (0, 1] (the chance a "
                        + "feature is active: 1 - sparsity)");
            }
        }
        double[] importance = cfg.get("importance") == null ? ones(f)
                : numbers(cfg.get("importance"), f, "importance", "one per feature, positive");
        for (double v : importance) {
            if (!(v > 0)) {
                throw new IllegalArgumentException("importance " + v + " is not positive (one weight per feature in the "
                        + "loss)");
            }
        }
        Object activation = cfg.get("activation");
        if (activation != null && !activation.equals("relu") && !activation.equals("linear")) {
            throw new IllegalArgumentException("activation \"" + activation + "\" is not relu or linear (x' = ReLU(W^T W x "
                    + "+ b), or without the ReLU)");
        }
        Config config = new Config(f, h, n, p, importance, !"linear".equals(activation));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = config.fileName(i);
            if (names.contains(name)) {
                throw new IllegalArgumentException("two instances have sparsity " + ToySuperpositionTrainer.label(
                        config.sparsity(i)) + " (the widget shows one model per sparsity: give each instance its own "
                        + "feature_probability)");
            }
            names.add(name);
        }
        return config;
    }

    private static int positive(Map<?, ?> cfg, String key) {
        if (!(cfg.get(key) instanceof Long v) || v < 1 || v > 100_000) {
            throw new IllegalArgumentException("config field " + key + " is missing or not a positive integer: "
                    + cfg.get(key) + " (the toy model's " + key + ")");
        }
        return (int) (long) v;
    }

    private static double[] ones(int n) {
        double[] out = new double[n];
        java.util.Arrays.fill(out, 1);
        return out;
    }

    /** {@code value}: a list of {@code n} numbers, or one number for all. */
    private static double[] numbers(Object value, int n, String key, String what) {
        if (value instanceof Number number) {
            double[] out = new double[n];
            java.util.Arrays.fill(out, number.doubleValue());
            return out;
        }
        if (!(value instanceof List<?> list) || list.size() != n || !list.stream().allMatch(v -> v instanceof Number)) {
            throw new IllegalArgumentException("config field " + key + " must be a list of " + n + " numbers (" + what + ")");
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = ((Number) list.get(i)).doubleValue();
        }
        return out;
    }

    /** Every problem of a toy-superposition file, each "message (hint)"; empty when it can be imported. */
    static List<String> problems(SafeTensors file, Map<?, ?> header) {
        List<String> out = new ArrayList<>();
        Config c;
        try {
            c = config(file);
        } catch (IllegalArgumentException e) {
            out.add(e.getMessage());
            return out;
        }
        String from = "from its config: n_instances " + c.nInstances() + ", n_features " + c.nFeatures() + ", n_hidden "
                + c.nHidden();
        Map<String, int[]> expected = new LinkedHashMap<>();
        expected.put(ToyModel.W, new int[] {c.nInstances(), c.nFeatures(), c.nHidden()});
        expected.put(ToyModel.B_FINAL, new int[] {c.nInstances(), c.nFeatures()});
        ImportedSpec.checkTensors(header, expected, from, out, name -> false,
                "the toy model has only W [n_instances, n_features, n_hidden] and b_final [n_instances, n_features]");
        if (out.isEmpty() && file.metadata().get("reference") != null && reference(file.metadata().get("reference"), c) == null) {
            out.add("the reference metadata must be JSON {\"inputs\": [[" + c.nFeatures() + " numbers], ...], \"outputs\": "
                    + "[" + c.nInstances() + " lists of one row of " + c.nFeatures() + " per input]}");
        }
        return out;
    }

    /** The reference inputs [rows, n_features] and each instance's outputs; null when the JSON is not of that form. */
    static Object[] reference(String json, Config c) {
        if (!(ImportedSpec.parse(json) instanceof Map<?, ?> map) || !(map.get("inputs") instanceof List<?> inputs) || inputs.isEmpty()
                || !(map.get("outputs") instanceof List<?> outputs) || outputs.size() != c.nInstances()) {
            return null;
        }
        float[] x = ImportedSpec.rows(inputs, c.nFeatures());
        if (x == null) {
            return null;
        }
        float[][] y = new float[c.nInstances()][];
        for (int i = 0; i < c.nInstances(); i++) {
            if (!(outputs.get(i) instanceof List<?> rows) || rows.size() != inputs.size()
                    || (y[i] = ImportedSpec.rows(rows, c.nFeatures())) == null) {
                return null;
            }
        }
        return new Object[] {Tensor.of(x, inputs.size(), c.nFeatures()), y};
    }

    /** The published file names, one per instance. */
    static List<String> fileNames(SafeTensors file) {
        Config c = config(file);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < c.nInstances(); i++) {
            out.add(c.fileName(i));
        }
        return out;
    }

    /** Instance {@code i} as this project's toy model: W transposed to [n_hidden, n_features]. */
    static ToyModel instance(SafeTensors file, Config c, int i) {
        float[] w = file.tensor(ToyModel.W).data();
        float[] b = file.tensor(ToyModel.B_FINAL).data();
        int f = c.nFeatures();
        int h = c.nHidden();
        float[] wt = new float[h * f];
        for (int feature = 0; feature < f; feature++) {
            for (int d = 0; d < h; d++) {
                wt[d * f + feature] = w[(i * f + feature) * h + d];
            }
        }
        float[] bi = new float[f];
        System.arraycopy(b, i * f, bi, 0, f);
        return new ToyModel(Tensor.of(wt, h, f), Tensor.of(bi, f), c.relu());
    }

    /** Every instance as a published file, with its metrics (and the reference comparison where the file has one). */
    static List<TrainedModel> publish(SafeTensors file, String specName, Map<String, Object> values, String version) {
        Config c = config(file);
        Object[] reference = file.metadata().get("reference") == null ? null : reference(file.metadata().get("reference"), c);
        List<Object> sparsities = new ArrayList<>();
        for (int i = 0; i < c.nInstances(); i++) {
            sparsities.add(c.sparsity(i));
        }
        Map<String, Object> spec = new LinkedHashMap<>(values);
        spec.put("n_features", c.nFeatures());
        spec.put("d_hidden", c.nHidden());
        spec.put("output", c.relu() ? "relu" : "linear");
        if (c.importanceDecay() != null) {
            spec.put("importance_decay", c.importanceDecay());
        }
        spec.put("sparsities", sparsities);
        List<TrainedModel> out = new ArrayList<>();
        for (int i = 0; i < c.nInstances(); i++) {
            ToyModel model = instance(file, c, i);
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("n_params", (long) c.nFeatures() * c.nHidden() + c.nFeatures());
            metrics.put("feature_norms", list(model.featureNorms()));
            metrics.put("feature_dimensionality", list(model.featureDimensionality()));
            if (reference != null) {
                metrics.put("reference_rows", ((Tensor) reference[0]).dim(0));
                ImportedSpec.referenceDiff(metrics, List.of(model.forward((Tensor) reference[0]).data()),
                        List.of(((float[][]) reference[1])[i]));
            }
            Map<String, String> meta = Training.header(ImportedSpec.KIND, specName);
            meta.put("spec", Json.write(spec));
            meta.put("sparsity", ToySuperpositionTrainer.label(c.sparsity(i)));
            meta.put(ToyModel.OUTPUT, c.relu() ? "relu" : "linear");
            meta.put("trainer", version);
            meta.put("metrics", Training.metrics(metrics));
            out.add(new TrainedModel(c.fileName(i), new SafeTensors(model.tensors(), meta).toBytes()));
        }
        return out;
    }

    private static List<Object> list(Tensor t) {
        List<Object> out = new ArrayList<>();
        for (float f : t.data()) {
            out.add((double) f);
        }
        return out;
    }
}
