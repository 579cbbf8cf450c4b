package org.circuitbook.generator.training;

import java.util.List;
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
 * </pre>
 */
public record ToySuperpositionSpec(int nFeatures, int dHidden, double importanceDecay, List<Double> sparsities,
                                   int steps, int batchSize, double learningRate, long seed, int restarts) {
    public static final String KIND = "toy-superposition";

    static ToySuperpositionSpec from(YamlMap model, YamlMap data, YamlMap trainer) {
        model.checkKeys(Set.of("kind", "n_features", "d_hidden"), "the model section");
        data.checkKeys(Set.of("importance_decay", "sparsities"), "the data section");
        trainer.checkKeys(Set.of("steps", "batch_size", "learning_rate", "seed", "restarts"), "the trainer section");

        int n = positive(model, "n_features", null);
        int d = positive(model, "d_hidden", null);
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
        return new ToySuperpositionSpec(n, d, decay, List.copyOf(sparsities), steps, batch, lr, seed, restarts);
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

    String canonical() {
        return "n_features=" + nFeatures + "\nd_hidden=" + dHidden + "\nimportance_decay=" + importanceDecay
                + "\nsparsities=" + sparsities + "\nsteps=" + steps + "\nbatch_size=" + batchSize
                + "\nlearning_rate=" + learningRate + "\nseed=" + seed + "\nrestarts=" + restarts + "\n";
    }
}
