package org.circuitbook.generator.training;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.circuitbook.generator.config.YamlMap;
import org.circuitbook.widgets.data.SparseFeatures;

/**
 * Sparse autoencoders on toy activations (Sharkey et al. 2022; Bricken et al. 2023): {@code n_features}
 * sparse ground-truth features in superposition in {@code d_in} dimensions, and one SAE per dictionary
 * size and L1 coefficient.
 *
 * <pre>
 * model:
 *   kind: sae-toy
 *   d_sae: [32, 64, 128]          # dictionary sizes (required)
 *   l1_coefficients: [0.01, 0.1]  # sparsity penalty weights (required)
 * data:
 *   n_features: 64                # ground-truth features (required)
 *   d_in: 16                      # activation dimensions (required)
 *   feature_probability: 0.03     # each feature is active with this probability, coefficient U[0, 1] (default 0.03)
 * trainer:
 *   steps: 3000                   # Adam steps per SAE (default 3000)
 *   batch_size: 1024              # (default 1024)
 *   learning_rate: 0.001          # (default 0.001)
 *   seed: 0                       # seeds the features, the data and the initial weights (default 0)
 * verify:                         # checked on every build
 *   - {d_sae: 64, l1_coefficient: 0.01, mmcs_at_least: 0.9, dead_fraction_at_most: 0.2,
 *      reconstruction_error_at_most: 0.25}   # |x - x_hat|^2 / |x|^2 over a fresh batch
 * </pre>
 */
public record SaeToySpec(List<Integer> dSae, List<Double> l1Coefficients, int nFeatures, int dIn,
                         double featureProbability, int steps, int batchSize, double learningRate, long seed,
                         List<Expectation> checks) implements KindSpec {
    public static final String KIND = "sae-toy";

    /** What one trained SAE must achieve; NaN means "not checked". */
    public record Expectation(int dSae, double l1, double mmcsAtLeast, double deadFractionAtMost,
                              double reconstructionErrorAtMost) {
        public Expectation(int dSae, double l1, double mmcsAtLeast, double deadFractionAtMost) {
            this(dSae, l1, mmcsAtLeast, deadFractionAtMost, Double.NaN);
        }
    }

    static SaeToySpec from(YamlMap model, YamlMap data, YamlMap trainer, YamlMap verifySection, List<Object> verify) {
        model.checkKeys(Set.of("kind", "d_sae", "l1_coefficients"), "the model section");
        data.checkKeys(Set.of("n_features", "d_in", "feature_probability"), "the data section");
        trainer.checkKeys(Set.of("steps", "batch_size", "learning_rate", "seed"), "the trainer section");
        List<Integer> sizes = new ArrayList<>();
        List<Double> rawSizes = model.numbers("d_sae");
        if (rawSizes == null || rawSizes.isEmpty()) {
            model.error("d_sae", "missing required list \"d_sae\" of dictionary sizes", "e.g. d_sae: [32, 64, 128]");
        } else {
            for (double v : rawSizes) {
                if (v != Math.rint(v) || v < 1) {
                    model.error("d_sae", "dictionary sizes are positive whole numbers, got " + v, null);
                }
                sizes.add((int) v);
            }
        }
        List<Double> l1 = model.numbers("l1_coefficients");
        if (l1 == null || l1.isEmpty()) {
            model.error("l1_coefficients", "missing required list \"l1_coefficients\"", "e.g. l1_coefficients: [0.01, 0.1]");
            l1 = List.of();
        }
        for (double v : l1) {
            if (v < 0) {
                model.error("l1_coefficients", "L1 coefficients cannot be negative, got " + v, null);
            }
        }
        int n = data.integer("n_features", 0);
        int d = data.integer("d_in", 0);
        if (n <= 0) {
            data.error("n_features", "n_features must be a positive whole number", null);
        }
        if (d <= 0) {
            data.error("d_in", "d_in must be a positive whole number", null);
        }
        double p = data.number("feature_probability", 0.03);
        if (!(p > 0 && p <= 1)) {
            data.error("feature_probability", "feature_probability must be in (0, 1], got " + p, null);
        }
        List<Expectation> expectations = new ArrayList<>();
        if (verify != null) {
            for (Object item : verify) {
                if (!(item instanceof YamlMap e)) {
                    verifySection.error("verify", "each verify entry is a mapping like {d_sae: 64, l1_coefficient: 0.01, mmcs_at_least: 0.9}", null);
                    continue;
                }
                e.checkKeys(Set.of("d_sae", "l1_coefficient", "mmcs_at_least", "dead_fraction_at_most",
                        "reconstruction_error_at_most"), "a verify entry");
                int size = e.integer("d_sae", -1);
                double coefficient = e.number("l1_coefficient", Double.NaN);
                if (!sizes.contains(size) || !l1.contains(coefficient)) {
                    e.error("d_sae", "verify names an SAE that is not trained (d_sae " + size + ", l1 " + coefficient + ")",
                            "trained: d_sae " + sizes + " x l1 " + l1);
                }
                expectations.add(new Expectation(size, coefficient, e.number("mmcs_at_least", Double.NaN),
                        e.number("dead_fraction_at_most", Double.NaN), e.number("reconstruction_error_at_most", Double.NaN)));
            }
        }
        return new SaeToySpec(List.copyOf(sizes), List.copyOf(l1), n, d, p, SpecValues.positive(trainer, "steps", 3000),
                SpecValues.positive(trainer, "batch_size", 1024), trainer.number("learning_rate", 1e-3), trainer.integer("seed", 0),
                List.copyOf(expectations));
    }

    @Override
    public String canonical() {
        return "d_sae=" + dSae + "\nl1_coefficients=" + l1Coefficients + "\nn_features=" + nFeatures + "\nd_in=" + dIn
                + "\nfeature_probability=" + featureProbability + "\nsteps=" + steps + "\nbatch_size=" + batchSize
                + "\nlearning_rate=" + learningRate + "\nseed=" + seed + "\n";
    }

    /** An L1 coefficient as file names and labels write it: 1.0 is "1", 0.30 is "0.3". */
    public static String label(double l1) {
        return BigDecimal.valueOf(l1).stripTrailingZeros().toPlainString();
    }

    /** The data settings and seeds, as the widgets read them back from the ground truth's canonical spec. */
    public SparseFeatures.Settings settings() {
        return new SparseFeatures.Settings(dSae, l1Coefficients, nFeatures, dIn, featureProbability, seed);
    }

    @Override
    public String trainerVersion() {
        return SaeToyTrainer.VERSION;
    }

    /** The ground truth first, then one file per (d_sae, l1) in spec order. */
    @Override
    public List<String> fileNames() {
        List<String> names = new ArrayList<>(List.of(SaeToyTrainer.GROUND_TRUTH));
        for (int size : dSae) {
            for (double l1 : l1Coefficients) {
                names.add(SaeToyTrainer.fileName(size, l1));
            }
        }
        return names;
    }

    @Override
    public List<TrainedModel> train(ModelSpec spec) {
        return SaeToyTrainer.train(spec.name(), this);
    }

    @Override
    public List<String> verify(List<TrainedModel> models) {
        return SaeToyTrainer.verify(this, models);
    }

    @Override
    public int expectations() {
        return checks.stream().mapToInt(e -> (Double.isNaN(e.mmcsAtLeast()) ? 0 : 1) + (Double.isNaN(e.deadFractionAtMost()) ? 0 : 1)
                + (Double.isNaN(e.reconstructionErrorAtMost()) ? 0 : 1)).sum();
    }

    @Override
    public double cost() {
        return 3.0 * dSae.stream().mapToDouble(d -> (double) steps * batchSize * 2 * dIn * d).sum() * l1Coefficients.size();
    }
}
