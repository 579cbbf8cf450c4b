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
 * </pre>
 */
public record ToySuperpositionSpec(int nFeatures, int dHidden, double importanceDecay, List<Double> sparsities,
                                   int steps, int batchSize, double learningRate, long seed) {
    public static final String KIND = "toy-superposition";

    static ToySuperpositionSpec from(YamlMap model, YamlMap data, YamlMap trainer) {
        model.checkKeys(Set.of("kind", "n_features", "d_hidden"), "the model section");
        data.checkKeys(Set.of("importance_decay", "sparsities"), "the data section");
        trainer.checkKeys(Set.of("steps", "batch_size", "learning_rate", "seed"), "the trainer section");

        int n = positive(model, "n_features", model.integer("n_features", 0), true);
        int d = positive(model, "d_hidden", model.integer("d_hidden", 0), true);
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
        int steps = positive(trainer, "steps", trainer.integer("steps", 5000), false);
        int batch = positive(trainer, "batch_size", trainer.integer("batch_size", 1024), false);
        double lr = trainer.number("learning_rate", 1e-3);
        if (lr <= 0) {
            trainer.error("learning_rate", "learning_rate must be positive, got " + lr, null);
        }
        long seed = trainer.integer("seed", 0);
        return new ToySuperpositionSpec(n, d, decay, List.copyOf(sparsities), steps, batch, lr, seed);
    }

    private static int positive(YamlMap yaml, String key, int value, boolean required) {
        if (required && !yaml.has(key)) {
            yaml.error(key, "missing required key \"" + key + "\"", null);
        } else if (value <= 0) {
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
                + "\nlearning_rate=" + learningRate + "\nseed=" + seed + "\n";
    }
}
