package org.circuitbook.generator.training;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.circuitbook.generator.config.YamlMap;

/**
 * Modular addition (Nanda et al. 2023, "Progress measures for grokking via mechanistic interpretability"): a
 * one-layer transformer (ReLU MLP, no LayerNorm) reads {@code a b =} and predicts {@code (a + b) mod p} at the
 * last position. Tokens {@code a, b} are in [0, p) and {@code =} is token p, so d_vocab = p + 1,
 * d_vocab_out = p and n_ctx = 3. Trained full-batch with AdamW on a fixed fraction of the p^2 pairs, it
 * memorises first and generalises ("groks") much later; the embedding becomes sparse in the Fourier basis.
 *
 * <pre>
 * model:
 *   kind: modular-addition
 *   p: 59                         # the modulus (required, at least 3)
 *   d_model: 128                  # residual stream width (default 128)
 *   n_heads: 4                    # attention heads (default 4)
 *   d_head: 32                    # width of each head (default 32)
 *   d_mlp: 512                    # MLP hidden width (default 512)
 * data:
 *   train_fraction: 0.3           # share of the p^2 pairs trained on; the rest is the test split (default 0.3)
 *   seed: 0                       # shuffles the pairs before the split (default 0)
 * trainer:
 *   steps: 3000                   # full-batch AdamW steps (default 3000)
 *   learning_rate: 0.003          # (default 0.003; the paper's 0.001 groks ~5x later)
 *   weight_decay: 1.0             # decoupled, as PyTorch's AdamW; betas (0.9, 0.98) (default 1.0)
 *   checkpoints: 40               # evenly spaced snapshots from step 0, each published (default 40)
 *   seed: 0                       # seeds the initial weights (default 0)
 * verify:                         # checked on every build, from the published metrics
 *   test_accuracy_at_least: 0.99
 *   key_frequencies_norm_fraction_at_least: 0.8   # share of W_E's squared Fourier norm in its top 5 frequencies
 * </pre>
 */
public record ModularAdditionSpec(int p, int dModel, int nHeads, int dHead, int dMlp, double trainFraction,
                                  long dataSeed, int steps, double learningRate, double weightDecay,
                                  int checkpoints, long seed, double testAccuracyAtLeast,
                                  double keyFrequenciesNormFractionAtLeast) implements KindSpec {
    public static final String KIND = "modular-addition";
    /** This kind, as {@link ModelKinds#ALL} lists it. */
    public static final ModelKind TYPE = ModelKind.of(KIND, s -> from(s.model(), s.data(), s.trainer(), s.verify()));

    static ModularAdditionSpec from(YamlMap model, YamlMap data, YamlMap trainer, YamlMap verify) {
        model.checkKeys(Set.of("kind", "p", "d_model", "n_heads", "d_head", "d_mlp"), "the model section");
        data.checkKeys(Set.of("train_fraction", "seed"), "the data section");
        trainer.checkKeys(Set.of("steps", "learning_rate", "weight_decay", "checkpoints", "seed"), "the trainer section");
        verify.checkKeys(Set.of("test_accuracy_at_least", "key_frequencies_norm_fraction_at_least"), "the verify section");
        Integer p = SpecValues.required(model, "p", Integer.MIN_VALUE, SpecValues.MAX_MODULUS, "the modulus, e.g. p: 59");
        if (p != null && p < 3) {
            model.error("p", "p must be at least 3, got " + p, "the paper uses p = 113; p = 59 trains in about two minutes");
            p = null;
        }
        Integer dModel = SpecValues.whole(model, "d_model", 128, 1, SpecValues.MAX_WIDTH);
        Integer nHeads = SpecValues.whole(model, "n_heads", 4, 1, SpecValues.MAX_HEADS);
        Integer dHead = SpecValues.whole(model, "d_head", 32, 1, SpecValues.MAX_D_HEAD);
        Integer dMlp = SpecValues.whole(model, "d_mlp", 512, 1, SpecValues.MAX_D_MLP);
        Double fraction = SpecValues.real(data, "train_fraction", 0.3, SpecValues.Range.OPEN_UNIT);
        if (fraction != null && p != null && (trainSize(p, fraction) < 1 || trainSize(p, fraction) >= p * p)) {
            data.error("train_fraction", "train_fraction " + SpecValues.number(fraction) + " leaves the "
                    + (trainSize(p, fraction) < 1 ? "train" : "test") + " split of the " + p * p + " pairs empty",
                    "train on between 1 and " + (p * p - 1) + " pairs");
            fraction = null;
        }
        Integer dataSeed = SpecValues.seed(data, "seed");
        Integer steps = SpecValues.whole(trainer, "steps", 3000, 1, SpecValues.MAX_STEPS);
        Double lr = SpecValues.real(trainer, "learning_rate", 3e-3, SpecValues.Range.LEARNING_RATE);
        Double wd = SpecValues.weightDecay(trainer, 1.0, lr);
        Integer checkpoints = SpecValues.checkpoints(trainer, 40, 1, steps);
        Integer seed = SpecValues.seed(trainer, "seed");
        Double accuracy = SpecValues.expectation(verify, "test_accuracy_at_least", SpecValues.Range.UNIT);
        Double keyShare = SpecValues.expectation(verify, "key_frequencies_norm_fraction_at_least", SpecValues.Range.UNIT);
        if (p == null || dModel == null || nHeads == null || dHead == null || dMlp == null || fraction == null
                || dataSeed == null || steps == null || lr == null || wd == null || checkpoints == null || seed == null
                || accuracy == null || keyShare == null) {
            return null; // each problem is recorded; ModelSpec.parse gives no spec
        }
        return new ModularAdditionSpec(p, dModel, nHeads, dHead, dMlp, fraction, dataSeed, steps, lr, wd, checkpoints,
                seed, accuracy, keyShare);
    }

    /** How many of the p^2 pairs are trained on. */
    static int trainSize(int p, double fraction) {
        return org.circuitbook.widgets.data.ModularPairs.trainSize(p, fraction);
    }

    /** The steps at which checkpoints are taken: {@code floor(steps * i / checkpoints)} for i in [0, checkpoints). */
    public int[] checkpointSteps() {
        return KindSpec.evenlySpaced(steps, checkpoints);
    }

    @Override
    public Map<String, Object> values() {
        return KindSpec.ordered("p", p, "d_model", dModel, "n_heads", nHeads, "d_head", dHead, "d_mlp", dMlp,
                "train_fraction", trainFraction, "data_seed", dataSeed, "steps", steps, "learning_rate", learningRate,
                "weight_decay", weightDecay, "checkpoints", checkpoints, "seed", seed);
    }

    @Override
    public String trainerVersion() {
        return ModularAdditionTrainer.VERSION;
    }

    /** The final model first, then one file per checkpoint in step order. */
    @Override
    public List<String> fileNames() {
        return SpecValues.finalAndCheckpoints(checkpointSteps());
    }

    @Override
    public List<TrainedModel> train(ModelSpec spec) {
        return ModularAdditionTrainer.train(spec.name(), this);
    }

    @Override
    public List<String> verify(List<TrainedModel> models) {
        return ModularAdditionTrainer.verify(this, models);
    }

    @Override
    public int expectations() {
        return (Double.isNaN(testAccuracyAtLeast) ? 0 : 1) + (Double.isNaN(keyFrequenciesNormFractionAtLeast) ? 0 : 1);
    }

    /**
     * Training is full-batch: each step holds every train pair's one-hot inputs and activations (with
     * gradients and temporaries), and each snapshot runs all p^2 pairs forward. The heap holds the one-hot
     * inputs of all pairs as Java arrays, and for each file its weights twice and its logits on all p^2
     * pairs (the metrics are read from them): for large p the largest term, p^3 per file.
     */
    @Override
    public Footprint footprint() {
        double vocab = p + 1.0;
        double pairs = (double) p * p;
        double he = (double) nHeads * dHead;
        double params = vocab * dModel + 3.0 * dModel + 4 * he * dModel + 3 * he + dModel + 2.0 * dModel * dMlp
                + dMlp + dModel + (double) dModel * p + p;
        double perRow = 3 * vocab + 4.0 * p + 13.0 * dModel + 18 * he + 27.0 * nHeads + 3.0 * dMlp;
        double files = checkpoints + 1.0;
        double nativeFloats = 4 * params + 3 * trainSize(p, trainFraction) * perRow + pairs * (3 * vocab + perRow);
        double heapFloats = 3 * pairs * vocab + files * (pairs * p + 2 * params);
        return new Footprint(Footprint.FLOAT * heapFloats, Footprint.FLOAT * nativeFloats,
                "make p, d_mlp or d_model smaller, or take fewer checkpoints");
    }

    @Override
    public long totalSteps() {
        return steps;
    }

    @Override
    public double cost() {
        double rows = trainSize(p, trainFraction);
        double perRow = 3 * (p + 1) * dModel + 4.0 * 3 * dModel * nHeads * dHead + 2.0 * dModel * dMlp + dModel * p;
        return 3.0 * steps * rows * perRow;
    }
}
