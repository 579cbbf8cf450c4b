package org.circuitbook.generator.training;

import java.math.BigDecimal;
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
 *   restarts: 4            # initialisations tried per sparsity, all trained at once in one graph; the
 *                          # one with the lowest final loss is published (local minima; default 4)
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
    /** This kind, as {@link ModelKinds#ALL} lists it. */
    public static final ModelKind TYPE = ModelKind.of(KIND, s -> from(s.model(), s.data(), s.trainer(), s.verify()));

    static ToySuperpositionSpec from(YamlMap model, YamlMap data, YamlMap trainer, YamlMap verify) {
        model.checkKeys(Set.of("kind", "n_features", "d_hidden", "output"), "the model section");
        data.checkKeys(Set.of("importance_decay", "sparsities"), "the data section");
        trainer.checkKeys(Set.of("steps", "batch_size", "learning_rate", "seed", "restarts"), "the trainer section");
        verify.checkKeys(Set.of("represented_features", "antipodal_pairs", "regular_polygon"), "the verify section");

        Integer n = SpecValues.required(model, "n_features", 1, SpecValues.MAX_FEATURES, "e.g. n_features: 5");
        Integer d = SpecValues.required(model, "d_hidden", 1, SpecValues.MAX_WIDTH, "e.g. d_hidden: 2");
        String output = model.string("output", "relu");
        if (output != null && !output.equals("relu") && !output.equals("linear")) {
            model.error("output", "output must be relu or linear, got \"" + output + "\"",
                    "relu: x' = ReLU(W^T W x + b); linear: x' = W^T W x + b");
            output = null;
        }
        Double decay = SpecValues.real(data, "importance_decay", 1.0, SpecValues.Range.POSITIVE_FRACTION);
        List<Double> sparsities = sparsities(data);
        Integer steps = SpecValues.whole(trainer, "steps", 5000, 1, SpecValues.MAX_STEPS);
        Integer batch = SpecValues.whole(trainer, "batch_size", 1024, 1, SpecValues.MAX_BATCH);
        Double lr = SpecValues.real(trainer, "learning_rate", 1e-3, SpecValues.Range.LEARNING_RATE);
        Integer seed = SpecValues.seed(trainer, "seed");
        Integer restarts = SpecValues.whole(trainer, "restarts", 4, 1, SpecValues.MAX_RESTARTS);
        List<Double> trained = sparsities == null ? List.of() : sparsities;
        Map<Double, Integer> represented = counts(verify, "represented_features", trained, n, "n_features");
        Map<Double, Integer> antipodal = counts(verify, "antipodal_pairs", trained, n == null ? null : n / 2,
                "n_features / 2");
        List<Double> polygon = verify.numbers("regular_polygon");
        polygon = polygon == null ? List.of() : polygon;
        for (double s : polygon) {
            if (!Double.isNaN(s) && sparsities != null && !sparsities.contains(s)) {
                verify.error("regular_polygon", "regular_polygon names sparsity " + s + ", which is not trained",
                        "trained: " + sparsities);
            }
        }
        if (!polygon.isEmpty() && d != null && d != 2) {
            verify.error("regular_polygon", "regular_polygon needs d_hidden = 2, got " + d,
                    "only two hidden dimensions draw the features as a polygon");
        }
        if (n == null || d == null || output == null || decay == null || sparsities == null || steps == null
                || batch == null || lr == null || seed == null || restarts == null || represented == null
                || antipodal == null) {
            return null; // each problem is recorded; ModelSpec.parse gives no spec
        }
        return new ToySuperpositionSpec(n, d, !output.equals("linear"), decay, List.copyOf(sparsities), steps, batch, lr,
                seed, restarts, represented, antipodal, List.copyOf(polygon));
    }

    /** The required, non-empty list of distinct sparsities in [0, 1); null (recorded) when it is not. */
    private static List<Double> sparsities(YamlMap data) {
        if (!data.has("sparsities")) {
            data.error("sparsities", "missing required key \"sparsities\" in the data section",
                    "list the sparsities to train, like 'sparsities: [0, 0.7, 0.9]'");
            return null;
        }
        List<Double> sparsities = data.numbers("sparsities");
        if (sparsities == null || sparsities.contains(Double.NaN)) {
            return null; // recorded by numbers()
        }
        if (sparsities.isEmpty()) {
            data.error("sparsities", "sparsities lists no sparsity",
                    "list the sparsities to train, like 'sparsities: [0, 0.7, 0.9]'");
            return null;
        }
        if (sparsities.size() > SpecValues.MAX_MODELS) {
            data.error("sparsities", "sparsities lists " + sparsities.size() + " sparsities, more than the limit of "
                    + SpecValues.MAX_MODELS, "each sparsity trains and publishes a model of its own");
            return null;
        }
        boolean valid = true;
        for (double s : sparsities) {
            if (!(s >= 0 && s < 1)) {
                data.error("sparsities", "every sparsity must be in [0, 1), got " + s, null);
                valid = false;
            }
        }
        if (sparsities.size() != sparsities.stream().distinct().count()) {
            data.error("sparsities", "sparsities are listed twice", "list each sparsity once");
            valid = false;
        }
        return valid ? sparsities : null;
    }

    /**
     * A {sparsity: count} map under {@code key}, each sparsity trained and each count a whole number in
     * [0, max]; null (recorded) when any entry is not.
     */
    private static Map<Double, Integer> counts(YamlMap verify, String key, List<Double> sparsities, Integer max,
                                               String maxName) {
        Map<Double, Integer> out = new LinkedHashMap<>();
        YamlMap map = verify.map(key);
        boolean valid = true;
        for (String k : map.keys()) {
            double s;
            try {
                s = Double.parseDouble(k);
            } catch (NumberFormatException e) {
                map.error(k, key + " keys are sparsities, got \"" + k + "\"", "e.g. " + key + ": {0.9: 2}");
                valid = false;
                continue;
            }
            if (out.containsKey(s)) {
                map.error(k, key + " names sparsity " + k + " twice", "name each sparsity once");
                valid = false;
            } else if (!sparsities.isEmpty() && !sparsities.contains(s)) {
                map.error(k, key + " names sparsity " + k + ", which is not trained", "trained: " + sparsities);
                valid = false;
            }
            BigDecimal count = map.exactNumber(k, "a whole number");
            if (count == null) {
                valid = false;
                continue;
            }
            if (max != null && (count.signum() < 0 || count.compareTo(BigDecimal.valueOf(max)) > 0
                    || count.stripTrailingZeros().scale() > 0)) {
                map.error(k, key + " at sparsity " + k + " must be a whole number between 0 and " + max + " ("
                        + maxName + "), got " + SpecValues.shown(count), null);
                valid = false;
                continue;
            }
            out.put(s, max == null ? 0 : count.intValue());
        }
        return valid ? out : null;
    }

    /** The importance of feature {@code i}: decay^i. */
    public float importance(int i) {
        return (float) Math.pow(importanceDecay, i);
    }

    /** Verify is not here: it checks the weights, it does not make them. */
    @Override
    public Map<String, Object> values() {
        return KindSpec.ordered("n_features", nFeatures, "d_hidden", dHidden, "output", relu ? "relu" : "linear",
                "importance_decay", importanceDecay, "sparsities", sparsities, "steps", steps, "batch_size", batchSize,
                "learning_rate", learningRate, "seed", seed, "restarts", restarts);
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

    /**
     * One graph holds every instance (sparsities x restarts), each with its parameters, optimizer state and a
     * batch's input, hidden, output and target (with gradients and temporaries), beside the instances'
     * evaluation batches; the heap holds a step's batch as it is drawn.
     */
    @Override
    public Footprint footprint() {
        double instances = (double) sparsities.size() * restarts;
        double params = (double) nFeatures * dHidden + nFeatures;
        double perInstance = 4 * params + 3.0 * batchSize * (4.0 * nFeatures + dHidden)
                + 3.0 * ToySuperpositionTrainer.EVAL_BATCH * (nFeatures + dHidden);
        double heap = instances * (batchSize * (double) nFeatures + 2 * params)
                + sparsities.size() * (double) ToySuperpositionTrainer.EVAL_BATCH * nFeatures;
        return new Footprint(Footprint.FLOAT * heap, Footprint.FLOAT * instances * perInstance,
                "make batch_size, n_features, restarts or the number of sparsities smaller");
    }

    /** Every instance (sparsity x restart) steps together, in one graph. */
    @Override
    public long totalSteps() {
        return steps;
    }

    /** Per step, about a fixed cost for the graph's ops plus the instances' arithmetic (one graph, batched). */
    @Override
    public double cost() {
        double perStep = 3.0 * batchSize * 2 * nFeatures * dHidden;
        return steps * (2e5 + perStep * sparsities.size() * restarts);
    }
}
