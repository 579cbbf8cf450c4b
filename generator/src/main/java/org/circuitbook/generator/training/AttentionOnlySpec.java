package org.circuitbook.generator.training;

import java.util.List;
import java.util.Set;
import org.circuitbook.generator.config.YamlMap;
import org.circuitbook.widgets.data.SyntheticLanguage;

/**
 * An attention-only transformer (no MLPs, no LayerNorm) trained on next-token prediction over the
 * {@link SyntheticLanguage}: the zero-, one- and two-layer models of Elhage et al. (2021), "A Mathematical
 * Framework for Transformer Circuits". A zero-layer model can only learn the bigram table (readable from
 * W_E W_U); a one-layer model adds skip-trigrams through its heads' OV and QK circuits; a two-layer model can
 * compose a previous-token head with an induction head (Olsson et al. 2022, "In-context Learning and
 * Induction Heads"), which the copied segments of the language reward.
 *
 * <pre>
 * model:
 *   kind: attention-only
 *   n_layers: 2                   # 0, 1 or 2 (required; up to 4 allowed)
 *   d_model: 64                   # residual stream width (default 64)
 *   n_heads: 4                    # heads per layer (default 4)
 *   d_head: 16                    # width of each head (default 16)
 *   n_ctx: 32                     # sequence length (default 32)
 * data:                           # the synthetic language (the same settings give the same language)
 *   vocab: 48                     # tokens (default 48)
 *   successors: 4                 # preferred next tokens of each token, probabilities 1/2, 1/4, ... (default 4)
 *   noise: 0.05                   # share of each bigram row spread over all tokens (default 0.05)
 *   repeat_probability: 0.5       # chance a sequence repeats one of its segments later (default 0.5)
 *   segment_min: 4                # shortest repeated segment (default 4)
 *   segment_max: 16               # longest repeated segment, at most n_ctx / 2 used (default 16)
 *   seed: 0                       # draws the language (default 0)
 * trainer:
 *   steps: 1500                   # Adam steps, a fresh batch of sequences each (default 1500)
 *   batch_size: 64                # sequences per step (default 64)
 *   learning_rate: 0.001          # (default 0.001)
 *   weight_decay: 0.0             # decoupled, as PyTorch's AdamW; betas (0.9, 0.98) (default 0)
 *   checkpoints: 30               # evenly spaced snapshots from step 0, each published (default 0)
 *   seed: 0                       # seeds the initial weights and the batches (default 0)
 * verify:                         # checked on every build, from the published metrics
 *   bigram_top1_agreement_at_least: 0.9   # W_E W_U + b_U picks each token's likeliest successor
 *   copying_fraction_at_least: 0.9        # (n_layers >= 1) layer 0's summed full OV circuits map tokens to themselves
 *   previous_token_score_at_least: 0.5    # (n_layers >= 2) a layer-0 head attends to the previous token
 *   induction_score_at_least: 0.5         # (n_layers >= 2) a later head attends to the token after the earlier copy
 *   repeated_loss_ratio_at_most: 0.5      # second-half / first-half loss on repeated random tokens
 * </pre>
 */
public record AttentionOnlySpec(int nLayers, int dModel, int nHeads, int dHead, int nCtx,
                                SyntheticLanguage.Settings language, int steps, int batchSize, double learningRate,
                                double weightDecay, int checkpoints, long seed, double bigramTop1AgreementAtLeast,
                                double copyingFractionAtLeast, double previousTokenScoreAtLeast,
                                double inductionScoreAtLeast, double repeatedLossRatioAtMost) implements KindSpec {
    public static final String KIND = "attention-only";
    static final int MAX_LAYERS = 4;

    static AttentionOnlySpec from(YamlMap model, YamlMap data, YamlMap trainer, YamlMap verify) {
        model.checkKeys(Set.of("kind", "n_layers", "d_model", "n_heads", "d_head", "n_ctx"), "the model section");
        data.checkKeys(Set.of("vocab", "successors", "noise", "repeat_probability", "segment_min", "segment_max",
                "seed"), "the data section");
        trainer.checkKeys(Set.of("steps", "batch_size", "learning_rate", "weight_decay", "checkpoints", "seed"),
                "the trainer section");
        verify.checkKeys(Set.of("bigram_top1_agreement_at_least", "copying_fraction_at_least",
                "previous_token_score_at_least", "induction_score_at_least", "repeated_loss_ratio_at_most"),
                "the verify section");
        int layers = 0;
        if (!model.has("n_layers")) {
            model.error("n_layers", "missing required key \"n_layers\"",
                    "0 (a bigram model), 1 (skip-trigrams) or 2 (induction heads)");
        } else {
            layers = model.integer("n_layers", 0);
            if (layers < 0 || layers > MAX_LAYERS) {
                model.error("n_layers", "n_layers must be in [0, " + MAX_LAYERS + "], got " + layers, null);
            }
        }
        int dModel = SpecValues.positive(model, "d_model", 64);
        int nHeads = SpecValues.positive(model, "n_heads", 4);
        int dHead = SpecValues.positive(model, "d_head", 16);
        int nCtx = SpecValues.positive(model, "n_ctx", 32);
        if (nCtx < 4) {
            model.error("n_ctx", "n_ctx must be at least 4, got " + nCtx, "the induction probe repeats n_ctx / 2 tokens");
        }
        int vocab = SpecValues.positive(data, "vocab", 48);
        if (vocab < 2) {
            data.error("vocab", "vocab must be at least 2, got " + vocab, null);
        }
        int successors = SpecValues.positive(data, "successors", 4);
        if (vocab >= 2 && successors >= vocab) {
            data.error("successors", "successors must be below vocab (" + vocab + "), got " + successors, null);
        }
        double noise = unit(data, "noise", 0.05);
        double repeat = unit(data, "repeat_probability", 0.5);
        int segmentMin = SpecValues.positive(data, "segment_min", 4);
        int segmentMax = SpecValues.positive(data, "segment_max", 16);
        if (segmentMax < segmentMin) {
            data.error("segment_max", "segment_max (" + segmentMax + ") is below segment_min (" + segmentMin + ")", null);
        } else if (repeat > 0 && segmentMin > nCtx / 2) {
            data.error("segment_min", "segment_min (" + segmentMin + ") leaves no room for a repeat in n_ctx = " + nCtx,
                    "a segment and its copy must both fit: at most n_ctx / 2 = " + nCtx / 2);
        }
        SyntheticLanguage.Settings language = null;
        if (vocab >= 2 && successors < vocab && noise >= 0 && repeat >= 0 && segmentMax >= segmentMin) {
            language = new SyntheticLanguage.Settings(vocab, successors, noise, repeat, segmentMin, segmentMax,
                    data.integer("seed", 0));
        }
        int steps = SpecValues.positive(trainer, "steps", 1500);
        int batch = SpecValues.positive(trainer, "batch_size", 64);
        double lr = trainer.number("learning_rate", 1e-3);
        if (!(lr > 0)) {
            trainer.error("learning_rate", "learning_rate must be positive, got " + lr, null);
        }
        double wd = trainer.number("weight_decay", 0.0);
        if (!(wd >= 0)) {
            trainer.error("weight_decay", "weight_decay cannot be negative, got " + wd, null);
        }
        int checkpoints = trainer.integer("checkpoints", 0);
        if (checkpoints < 0 || checkpoints > steps) {
            trainer.error("checkpoints", "checkpoints must be in [0, steps = " + steps + "], got " + checkpoints,
                    "checkpoints are taken at distinct steps, from step 0");
        }
        double agreement = SpecValues.fractionOrNaN(verify, "bigram_top1_agreement_at_least");
        double copying = SpecValues.fractionOrNaN(verify, "copying_fraction_at_least");
        double previous = SpecValues.fractionOrNaN(verify, "previous_token_score_at_least");
        double induction = SpecValues.fractionOrNaN(verify, "induction_score_at_least");
        double ratio = verify.number("repeated_loss_ratio_at_most", Double.NaN);
        if (verify.has("repeated_loss_ratio_at_most") && !(ratio > 0)) {
            verify.error("repeated_loss_ratio_at_most", "repeated_loss_ratio_at_most must be positive, got " + ratio, null);
        }
        needsLayers(verify, "copying_fraction_at_least", layers, 1);
        needsLayers(verify, "previous_token_score_at_least", layers, 2);
        needsLayers(verify, "induction_score_at_least", layers, 2);
        return new AttentionOnlySpec(layers, dModel, nHeads, dHead, nCtx, language, steps, batch, lr, wd, checkpoints,
                trainer.integer("seed", 0), agreement, copying, previous, induction, ratio);
    }

    private static void needsLayers(YamlMap verify, String key, int layers, int least) {
        if (verify.has(key) && layers < least) {
            verify.error(key, key + " needs n_layers >= " + least + ", the model has " + layers, null);
        }
    }

    private static double unit(YamlMap yaml, String key, double fallback) {
        double v = yaml.number(key, fallback);
        if (!(v >= 0 && v <= 1)) {
            yaml.error(key, key + " must be in [0, 1], got " + v, null);
            return -1;
        }
        return v;
    }

    /** The steps at which checkpoints are taken: {@code floor(steps * i / checkpoints)} for i in [0, checkpoints). */
    public int[] checkpointSteps() {
        return KindSpec.evenlySpaced(steps, checkpoints);
    }

    @Override
    public String canonical() {
        return "n_layers=" + nLayers + "\nd_model=" + dModel + "\nn_heads=" + nHeads + "\nd_head=" + dHead
                + "\nn_ctx=" + nCtx + "\nvocab=" + language.vocab() + "\nsuccessors=" + language.successors()
                + "\nnoise=" + language.noise() + "\nrepeat_probability=" + language.repeatProbability()
                + "\nsegment_min=" + language.segmentMin() + "\nsegment_max=" + language.segmentMax()
                + "\ndata_seed=" + language.seed() + "\nsteps=" + steps + "\nbatch_size=" + batchSize
                + "\nlearning_rate=" + learningRate + "\nweight_decay=" + weightDecay + "\ncheckpoints=" + checkpoints
                + "\nseed=" + seed + "\n";
    }

    @Override
    public String trainerVersion() {
        return AttentionOnlyTrainer.VERSION;
    }

    /** The final model first, then one file per checkpoint in step order. */
    @Override
    public List<String> fileNames() {
        return SpecValues.finalAndCheckpoints(checkpointSteps());
    }

    @Override
    public List<TrainedModel> train(ModelSpec spec) {
        return AttentionOnlyTrainer.train(spec.name(), this);
    }

    @Override
    public List<String> verify(List<TrainedModel> models) {
        return AttentionOnlyTrainer.verify(this, models);
    }

    @Override
    public int expectations() {
        int n = 0;
        for (double v : new double[] {bigramTop1AgreementAtLeast, copyingFractionAtLeast, previousTokenScoreAtLeast,
                inductionScoreAtLeast, repeatedLossRatioAtMost}) {
            n += Double.isNaN(v) ? 0 : 1;
        }
        return n;
    }

    @Override
    public double cost() {
        double perToken = 2.0 * language.vocab() * dModel
                + nLayers * (4.0 * dModel * nHeads * dHead + 2.0 * nCtx * nHeads * dHead);
        return 3.0 * steps * batchSize * nCtx * perToken;
    }
}
