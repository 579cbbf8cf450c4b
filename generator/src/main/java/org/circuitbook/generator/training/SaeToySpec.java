package org.circuitbook.generator.training;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    /** This kind, as {@link ModelKinds#ALL} lists it. */
    public static final ModelKind TYPE = ModelKind.of(KIND, s -> from(s.model(), s.data(), s.trainer(), s.root(), s.verifyItems()));
    /** What the SAEs read, as SAELens's {@code metadata.hook_name} says it ({@link #saes()}). */
    public static final String HOOK = "toy_features";

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
        List<Integer> sizes = dictionarySizes(model);
        List<Double> l1 = coefficients(model);
        if (sizes != null && l1 != null && sizes.size() * l1.size() > SpecValues.MAX_MODELS) {
            model.error("d_sae", "d_sae x l1_coefficients makes " + sizes.size() * l1.size()
                    + " SAEs, more than the limit of " + SpecValues.MAX_MODELS,
                    "each (d_sae, l1) pair trains and publishes an SAE of its own");
            sizes = null;
        }
        Integer n = SpecValues.required(data, "n_features", 1, SpecValues.MAX_FEATURES, "e.g. n_features: 64");
        Integer d = SpecValues.required(data, "d_in", 1, SpecValues.MAX_WIDTH, "e.g. d_in: 16");
        Double p = SpecValues.real(data, "feature_probability", 0.03, SpecValues.Range.POSITIVE_FRACTION);
        Integer steps = SpecValues.whole(trainer, "steps", 3000, 1, SpecValues.MAX_STEPS);
        Integer batch = SpecValues.whole(trainer, "batch_size", 1024, 1, SpecValues.MAX_BATCH);
        Double lr = SpecValues.real(trainer, "learning_rate", 1e-3, SpecValues.Range.LEARNING_RATE);
        Integer seed = SpecValues.seed(trainer, "seed");
        List<Expectation> expectations = expectations(verifySection, verify, sizes, l1);
        if (sizes == null || l1 == null || n == null || d == null || p == null || steps == null || batch == null
                || lr == null || seed == null || expectations == null) {
            return null; // each problem is recorded; ModelSpec.parse gives no spec
        }
        return new SaeToySpec(List.copyOf(sizes), List.copyOf(l1), n, d, p, steps, batch, lr, seed,
                List.copyOf(expectations));
    }

    /** The required list of distinct dictionary sizes; null (recorded) when it is not one. */
    private static List<Integer> dictionarySizes(YamlMap model) {
        List<Double> raw = required(model, "d_sae", "a list of dictionary sizes, e.g. d_sae: [32, 64, 128]");
        if (raw == null) {
            return null;
        }
        List<Integer> sizes = new ArrayList<>();
        for (double v : raw) {
            if (v != Math.rint(v) || v < 1 || v > SpecValues.MAX_FEATURES) {
                model.error("d_sae", "dictionary sizes are whole numbers from 1 to " + SpecValues.MAX_FEATURES + ", got "
                        + SpecValues.number(v), null);
                return null;
            }
            sizes.add((int) v);
        }
        if (sizes.size() != sizes.stream().distinct().count()) {
            model.error("d_sae", "d_sae lists a dictionary size twice", "list each size once");
            return null;
        }
        return sizes;
    }

    /** The required list of distinct, non-negative L1 coefficients; null (recorded) when it is not one. */
    private static List<Double> coefficients(YamlMap model) {
        List<Double> l1 = required(model, "l1_coefficients", "a list of L1 coefficients, e.g. l1_coefficients: [0.01, 0.1]");
        if (l1 == null) {
            return null;
        }
        for (double v : l1) {
            if (v < 0) {
                model.error("l1_coefficients", "L1 coefficients cannot be negative, got " + SpecValues.number(v), null);
                return null;
            }
        }
        if (l1.size() != l1.stream().distinct().count()) {
            model.error("l1_coefficients", "l1_coefficients lists a coefficient twice", "list each coefficient once");
            return null;
        }
        return l1;
    }

    /** A required, non-empty list of numbers; null (recorded) when absent, empty or malformed. */
    private static List<Double> required(YamlMap model, String key, String hint) {
        if (!model.has(key)) {
            model.error(key, "missing required key \"" + key + "\"", hint);
            return null;
        }
        List<Double> values = model.numbers(key);
        if (values == null || values.contains(Double.NaN)) {
            return null; // recorded by numbers()
        }
        if (values.isEmpty()) {
            model.error(key, key + " is an empty list", hint);
            return null;
        }
        return values;
    }

    /** The verify entries, each naming a trained SAE and what it must achieve; null (recorded) when any does not. */
    private static List<Expectation> expectations(YamlMap section, List<Object> verify, List<Integer> sizes,
                                                  List<Double> l1) {
        List<Expectation> out = new ArrayList<>();
        if (verify == null) {
            return section.has("verify") ? null : out;
        }
        boolean valid = true;
        for (Object item : verify) {
            if (!(item instanceof YamlMap e)) {
                section.error("verify", "each verify entry is a mapping like {d_sae: 64, l1_coefficient: 0.01, mmcs_at_least: 0.9}", null);
                valid = false;
                continue;
            }
            e.checkKeys(Set.of("d_sae", "l1_coefficient", "mmcs_at_least", "dead_fraction_at_most",
                    "reconstruction_error_at_most"), "a verify entry");
            Integer size = SpecValues.required(e, "d_sae", 1, SpecValues.MAX_FEATURES, "the dictionary size of a trained SAE");
            Double coefficient = e.has("l1_coefficient")
                    ? SpecValues.real(e, "l1_coefficient", 0, SpecValues.Range.NON_NEGATIVE) : null;
            if (!e.has("l1_coefficient")) {
                e.error("l1_coefficient", "missing required key \"l1_coefficient\"", "the L1 coefficient of a trained SAE");
            }
            Double mmcs = SpecValues.expectation(e, "mmcs_at_least", SpecValues.Range.UNIT);
            Double dead = SpecValues.expectation(e, "dead_fraction_at_most", SpecValues.Range.UNIT);
            Double error = SpecValues.expectation(e, "reconstruction_error_at_most", SpecValues.Range.POSITIVE);
            if (size == null || coefficient == null || mmcs == null || dead == null || error == null) {
                valid = false;
                continue;
            }
            if (sizes != null && l1 != null && (!sizes.contains(size) || !l1.contains(coefficient))) {
                e.error("d_sae", "verify names an SAE that is not trained (d_sae " + size + ", l1 "
                        + SpecValues.number(coefficient) + ")", "trained: d_sae " + sizes + " x l1 " + l1);
                valid = false;
            } else if (Double.isNaN(mmcs) && Double.isNaN(dead) && Double.isNaN(error)) {
                e.error("d_sae", "this verify entry expects nothing of the SAE",
                        "add mmcs_at_least, dead_fraction_at_most or reconstruction_error_at_most");
                valid = false;
            }
            out.add(new Expectation(size, coefficient, mmcs, dead, error));
        }
        return valid ? out : null;
    }

    @Override
    public Map<String, Object> values() {
        return KindSpec.ordered("d_sae", dSae, "l1_coefficients", l1Coefficients, "n_features", nFeatures,
                "d_in", dIn, "feature_probability", featureProbability, "steps", steps, "batch_size", batchSize,
                "learning_rate", learningRate, "seed", seed);
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

    /**
     * Every file but the ground truth is an SAE. Its input is no model's activation but the toy data itself (sparse
     * features in superposition, {@link SparseFeatures}): SAELens's hook name says so ({@value #HOOK}), and there is
     * no model name.
     */
    @Override
    public List<SaeFile> saes() {
        List<SaeFile> out = new ArrayList<>();
        for (int size : dSae) {
            for (double l1 : l1Coefficients) {
                out.add(new SaeFile(SaeToyTrainer.fileName(size, l1), dIn, HOOK, null));
            }
        }
        return out;
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

    /**
     * The SAEs train one after another; the largest holds its parameters, optimizer state and a batch's input,
     * latents and reconstruction (with gradients and temporaries), and an evaluation batch. The heap holds a
     * batch's coefficients [batch, n_features] and inputs, the evaluation batch with its latents, and every
     * file's weights twice until all are written.
     */
    @Override
    public Footprint footprint() {
        double largest = dSae.stream().mapToDouble(Integer::doubleValue).max().orElse(0);
        double params = 2.0 * dIn * largest + largest + dIn;
        double batch = (double) batchSize * (3.0 * dIn + 3 * largest);
        double evaluation = SparseFeatures.EVALUATION_BATCH * (2.0 * dIn + 2 * largest);
        double files = dSae.stream().mapToDouble(d -> 2.0 * dIn * d + d + dIn).sum() * l1Coefficients.size()
                + (double) nFeatures * dIn;
        double heap = 2.0 * batchSize * (nFeatures + dIn)
                + SparseFeatures.EVALUATION_BATCH * ((double) nFeatures + dIn + largest) + 2 * files;
        return new Footprint(Footprint.FLOAT * heap, Footprint.FLOAT * (4 * params + 3 * batch + evaluation),
                "make batch_size, d_sae or n_features smaller");
    }

    @Override
    public long totalSteps() {
        return (long) dSae.size() * l1Coefficients.size() * steps;
    }

    @Override
    public double cost() {
        return 3.0 * dSae.stream().mapToDouble(d -> (double) steps * batchSize * 2 * dIn * d).sum() * l1Coefficients.size();
    }
}
