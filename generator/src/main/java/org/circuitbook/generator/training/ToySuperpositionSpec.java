package org.circuitbook.generator.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.circuitbook.generator.config.YamlMap;

/**
 * Settings for the toy model of superposition (Elhage et al. 2022). One model is trained per sparsity.
 *
 * <pre>
 * model:
 *   kind: toy-superposition
 *   n_features: 5          # input features (required)
 *   d_hidden: 2            # hidden dimensions (required)
 *   output: relu           # relu: x' = ReLU(W^T W x + b); linear: x' = W^T W x + b (default relu)
 * data:
 *   importance_decay: 0.9  # feature i has importance decay^i (default 1: all equal)
 *   sparsities: [0, 0.9]   # each feature is 0 with this probability, else uniform in [0, 1] (required)
 * trainer:
 *   steps: 5000            # Adam steps (default 5000)
 *   batch_size: 1024       # fresh samples per step (default 1024)
 *   learning_rate: 0.001   # Adam learning rate (default 0.001)
 *   seed: 0                # seeds the initial weights and the data (default 0)
 *   restarts: 4            # initialisations tried per sparsity; each trains a fifth of the steps, then
 *                          # only the lowest-loss one trains on, escaping local minima (default 4)
 * verify:                  # checked after training; a trained model that fails them fails the build
 *   represented_features: {0: 2, 0.9: 5}   # sparsity: how many features get |W_i| > 0.9
 *   antipodal_pairs: {0.7: 2}              # sparsity: pairs of represented features with cosine < -0.95
 *   regular_polygon: [0.9]                 # d_hidden = 2: represented features evenly spaced (within 10 degrees)
 * </pre>
 */
public record ToySuperpositionSpec(int nFeatures, int dHidden, boolean relu, double importanceDecay,
                                   List<Double> sparsities, int steps, int batchSize, double learningRate, long seed,
                                   int restarts, Map<Double, Integer> representedFeatures,
                                   Map<Double, Integer> antipodalPairs, List<Double> regularPolygon) implements KindSpec {
    public static final String KIND = "toy-superposition";

    static ToySuperpositionSpec from(YamlMap model, YamlMap data, YamlMap trainer, YamlMap verify) {
        model.checkKeys(Set.of("kind", "n_features", "d_hidden", "output"), "the model section");
        data.checkKeys(Set.of("importance_decay", "sparsities"), "the data section");
        trainer.checkKeys(Set.of("steps", "batch_size", "learning_rate", "seed", "restarts"), "the trainer section");
        verify.checkKeys(Set.of("represented_features", "antipodal_pairs", "regular_polygon"), "the verify section");

        int n = positive(model, "n_features", null);
        int d = positive(model, "d_hidden", null);
        String output = model.string("output", "relu");
        if (!output.equals("relu") && !output.equals("linear")) {
            model.error("output", "output must be relu or linear, got \"" + output + "\"", null);
        }
        double decay = data.number("importance_decay", 1.0);
        if (decay <= 0 || decay > 1) {
            data.error("importance_decay", "importance_decay must be in (0, 1], got " + decay, null);
        }
        List<Double> sparsities = data.numbers("sparsities");
        if (sparsities == null || sparsities.isEmpty()) {
            if (!data.has("sparsities")) {
                data.error("sparsities", "missing required key \"sparsities\" in the data section",
                        "list the sparsities to train, like 'sparsities: [0, 0.7, 0.9]'");
            }
            sparsities = List.of();
        }
        for (double s : sparsities) {
            if (!(s >= 0 && s < 1)) {
                data.error("sparsities", "every sparsity must be in [0, 1), got " + s, null);
            }
        }
        if (sparsities.size() != sparsities.stream().distinct().count()) {
            data.error("sparsities", "sparsities are listed twice", "list each sparsity once");
        }
        int steps = positive(trainer, "steps", 5000);
        int batch = positive(trainer, "batch_size", 1024);
        double lr = trainer.number("learning_rate", 1e-3);
        if (lr <= 0) {
            trainer.error("learning_rate", "learning_rate must be positive, got " + lr, null);
        }
        long seed = trainer.integer("seed", 0);
        int restarts = positive(trainer, "restarts", 4);
        Map<Double, Integer> represented = counts(verify, "represented_features", sparsities, n);
        Map<Double, Integer> antipodal = counts(verify, "antipodal_pairs", sparsities, n / 2);
        List<Double> polygon = verify.numbers("regular_polygon");
        polygon = polygon == null ? List.of() : polygon;
        for (double s : polygon) {
            if (!sparsities.contains(s)) {
                verify.error("regular_polygon", "regular_polygon names sparsity " + s + ", which is not trained", null);
            }
        }
        if (!polygon.isEmpty() && d != 2) {
            verify.error("regular_polygon", "regular_polygon needs d_hidden = 2, got " + d, null);
        }
        return new ToySuperpositionSpec(n, d, !output.equals("linear"), decay, List.copyOf(sparsities), steps, batch, lr,
                seed, restarts, represented, antipodal, List.copyOf(polygon));
    }

    /** A {sparsity: count} map under {@code key}, each sparsity trained and each count in [0, max]. */
    private static Map<Double, Integer> counts(YamlMap verify, String key, List<Double> sparsities, int max) {
        Map<Double, Integer> out = new LinkedHashMap<>();
        YamlMap map = verify.map(key);
        for (String k : map.keys()) {
            double s;
            try {
                s = Double.parseDouble(k);
            } catch (NumberFormatException e) {
                map.error(k, key + " keys are sparsities, got \"" + k + "\"", null);
                continue;
            }
            if (!sparsities.contains(s)) {
                map.error(k, key + " names sparsity " + k + ", which is not trained", "trained: " + sparsities);
            }
            int count = map.integer(k, -1);
            if (count < 0 || count > max) {
                map.error(k, key + " at sparsity " + k + " must be between 0 and " + max, null);
            }
            out.put(s, count);
        }
        return out;
    }

    /** A positive integer; {@code fallback} null means the key is required. Each problem is reported once. */
    private static int positive(YamlMap yaml, String key, Integer fallback) {
        if (!yaml.has(key)) {
            if (fallback == null) {
                yaml.error(key, "missing required key \"" + key + "\"", null);
                return 0;
            }
            return fallback;
        }
        int value = yaml.integer(key, Integer.MIN_VALUE);
        if (value != Integer.MIN_VALUE && value <= 0) {
            yaml.error(key, key + " must be a positive whole number, got " + value, null);
        }
        return value;
    }

    /** The importance of feature {@code i}: decay^i. */
    public float importance(int i) {
        return (float) Math.pow(importanceDecay, i);
    }

    @Override
    public String canonical() {
        return "n_features=" + nFeatures + "\nd_hidden=" + dHidden + "\noutput=" + (relu ? "relu" : "linear")
                + "\nimportance_decay=" + importanceDecay + "\nsparsities=" + sparsities + "\nsteps=" + steps
                + "\nbatch_size=" + batchSize + "\nlearning_rate=" + learningRate + "\nseed=" + seed
                + "\nrestarts=" + restarts + "\n"; // verify is not here: it checks the weights, it does not make them
    }

    @Override
    public String trainerVersion() {
        return ToySuperpositionTrainer.VERSION;
    }

    @Override
    public List<String> fileNames() {
        List<String> names = new ArrayList<>();
        for (double s : sparsities) {
            names.add(ToySuperpositionTrainer.fileName(s));
        }
        return names;
    }

    @Override
    public List<TrainedModel> train(ModelSpec spec) {
        return ToySuperpositionTrainer.train(spec);
    }

    @Override
    public int expectations() {
        return representedFeatures.size() + antipodalPairs.size() + regularPolygon.size();
    }

    @Override
    public List<String> verify(List<TrainedModel> models) {
        return ToySuperpositionVerifier.verify(this, models);
    }

    @Override
    public double cost() {
        double perStep = 3.0 * batchSize * 2 * nFeatures * dHidden;
        return sparsities.size() * steps * perStep * (0.8 + 0.2 * restarts);
    }
}
