package org.circuitbook.generator.training;

import java.util.List;
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

    static ModularAdditionSpec from(YamlMap model, YamlMap data, YamlMap trainer, YamlMap verify) {
        model.checkKeys(Set.of("kind", "p", "d_model", "n_heads", "d_head", "d_mlp"), "the model section");
        data.checkKeys(Set.of("train_fraction", "seed"), "the data section");
        trainer.checkKeys(Set.of("steps", "learning_rate", "weight_decay", "checkpoints", "seed"), "the trainer section");
        verify.checkKeys(Set.of("test_accuracy_at_least", "key_frequencies_norm_fraction_at_least"), "the verify section");
        int p = 0;
        if (!model.has("p")) {
            model.error("p", "missing required key \"p\"", "the modulus, e.g. p: 59");
        } else {
            p = model.integer("p", 0);
            if (p < 3) {
                model.error("p", "p must be at least 3, got " + p, "the paper uses p = 113; p = 59 trains in about two minutes");
            }
        }
        int dModel = SpecValues.positive(model, "d_model", 128);
        int nHeads = SpecValues.positive(model, "n_heads", 4);
        int dHead = SpecValues.positive(model, "d_head", 32);
        int dMlp = SpecValues.positive(model, "d_mlp", 512);
        double fraction = data.number("train_fraction", 0.3);
        if (!(fraction > 0 && fraction < 1)) {
            data.error("train_fraction", "train_fraction must be in (0, 1), got " + fraction, null);
        } else if (p >= 3 && (trainSize(p, fraction) < 1 || trainSize(p, fraction) >= p * p)) {
            data.error("train_fraction", "train_fraction " + fraction + " leaves the train or the test split of the "
                    + p * p + " pairs empty", null);
        }
        int steps = SpecValues.positive(trainer, "steps", 3000);
        double lr = trainer.number("learning_rate", 3e-3);
        if (!(lr > 0)) {
            trainer.error("learning_rate", "learning_rate must be positive, got " + lr, null);
        }
        double wd = trainer.number("weight_decay", 1.0);
        if (!(wd >= 0)) {
            trainer.error("weight_decay", "weight_decay cannot be negative, got " + wd, null);
        }
        int checkpoints = SpecValues.positive(trainer, "checkpoints", 40);
        if (checkpoints > steps) {
            trainer.error("checkpoints", "checkpoints (" + checkpoints + ") cannot exceed steps (" + steps + ")",
                    "checkpoints are taken at distinct steps, from step 0");
        }
        double accuracy = SpecValues.fractionOrNaN(verify, "test_accuracy_at_least");
        double keyShare = SpecValues.fractionOrNaN(verify, "key_frequencies_norm_fraction_at_least");
        return new ModularAdditionSpec(p, dModel, nHeads, dHead, dMlp, fraction, data.integer("seed", 0), steps, lr, wd,
                checkpoints, trainer.integer("seed", 0), accuracy, keyShare);
    }

    /** How many of the p^2 pairs are trained on. */
    static int trainSize(int p, double fraction) {
        return (int) Math.floor(fraction * p * p);
    }

    /** The steps at which checkpoints are taken: {@code floor(steps * i / checkpoints)} for i in [0, checkpoints). */
    public int[] checkpointSteps() {
        return KindSpec.evenlySpaced(steps, checkpoints);
    }

    @Override
    public String canonical() {
        return "p=" + p + "\nd_model=" + dModel + "\nn_heads=" + nHeads + "\nd_head=" + dHead + "\nd_mlp=" + dMlp
                + "\ntrain_fraction=" + trainFraction + "\ndata_seed=" + dataSeed + "\nsteps=" + steps
                + "\nlearning_rate=" + learningRate + "\nweight_decay=" + weightDecay + "\ncheckpoints=" + checkpoints
                + "\nseed=" + seed + "\n";
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

    @Override
    public double cost() {
        double rows = trainSize(p, trainFraction);
        double perRow = 3 * (p + 1) * dModel + 4.0 * 3 * dModel * nHeads * dHead + 2.0 * dModel * dMlp + dModel * p;
        return 3.0 * steps * rows * perRow;
    }
}
