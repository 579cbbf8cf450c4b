package org.circuitbook.generator.training;

import java.util.List;
import java.util.Map;
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
 *   copy_suppression_head: "1.0"          # (n_layers >= 1) this head's OV copying score is negative: it lowers the
 *                                         # logit of the token it attends to (Elhage et al. 2021, "Summarizing OV/QK")
 * </pre>
 */
public record AttentionOnlySpec(int nLayers, int dModel, int nHeads, int dHead, int nCtx,
                                SyntheticLanguage.Settings language, int steps, int batchSize, double learningRate,
                                double weightDecay, int checkpoints, long seed, double bigramTop1AgreementAtLeast,
                                double copyingFractionAtLeast, double previousTokenScoreAtLeast,
                                double inductionScoreAtLeast, double repeatedLossRatioAtMost,
                                String copySuppressionHead) implements KindSpec {
    public static final String KIND = "attention-only";
    /** This kind, as {@link ModelKinds#ALL} lists it. */
    public static final ModelKind TYPE = ModelKind.of(KIND, s -> from(s.model(), s.data(), s.trainer(), s.verify()));
    static final int MAX_LAYERS = 4;

    static AttentionOnlySpec from(YamlMap model, YamlMap data, YamlMap trainer, YamlMap verify) {
        model.checkKeys(Set.of("kind", "n_layers", "d_model", "n_heads", "d_head", "n_ctx"), "the model section");
        data.checkKeys(Set.of("vocab", "successors", "noise", "repeat_probability", "segment_min", "segment_max",
                "seed"), "the data section");
        trainer.checkKeys(Set.of("steps", "batch_size", "learning_rate", "weight_decay", "checkpoints", "seed"),
                "the trainer section");
        verify.checkKeys(Set.of("bigram_top1_agreement_at_least", "copying_fraction_at_least",
                "previous_token_score_at_least", "induction_score_at_least", "repeated_loss_ratio_at_most",
                "copy_suppression_head"),
                "the verify section");
        Integer layers = SpecValues.required(model, "n_layers", 0, MAX_LAYERS,
                "0 (a bigram model), 1 (skip-trigrams) or 2 (induction heads)");
        Integer dModel = SpecValues.whole(model, "d_model", 64, 1, SpecValues.MAX_WIDTH);
        Integer nHeads = SpecValues.whole(model, "n_heads", 4, 1, SpecValues.MAX_HEADS);
        Integer dHead = SpecValues.whole(model, "d_head", 16, 1, SpecValues.MAX_D_HEAD);
        Integer nCtx = SpecValues.whole(model, "n_ctx", 32, 4, SpecValues.MAX_N_CTX);
        Integer vocab = SpecValues.whole(data, "vocab", 48, 2, SpecValues.MAX_VOCAB);
        Integer successors = SpecValues.whole(data, "successors", 4, 1, SpecValues.MAX_VOCAB);
        if (vocab != null && successors != null && successors >= vocab) {
            data.error("successors", "successors must be below vocab (" + vocab + "), got " + successors,
                    "each token prefers successors of the other tokens: at most vocab - 1 = " + (vocab - 1));
            successors = null;
        }
        Double noise = SpecValues.real(data, "noise", 0.05, SpecValues.Range.UNIT);
        Double repeat = SpecValues.real(data, "repeat_probability", 0.5, SpecValues.Range.UNIT);
        Integer segmentMin = SpecValues.whole(data, "segment_min", 4, 1, SpecValues.MAX_N_CTX);
        Integer segmentMax = SpecValues.whole(data, "segment_max", 16, 1, SpecValues.MAX_N_CTX);
        if (segmentMin != null && segmentMax != null && segmentMax < segmentMin) {
            data.error("segment_max", "segment_max (" + segmentMax + ") is below segment_min (" + segmentMin + ")",
                    "segments are between segment_min and segment_max tokens long");
            segmentMax = null;
        } else if (segmentMin != null && repeat != null && nCtx != null && repeat > 0 && segmentMin > nCtx / 2) {
            data.error("segment_min", "segment_min (" + segmentMin + ") leaves no room for a repeat in n_ctx = " + nCtx,
                    "a segment and its copy must both fit: at most n_ctx / 2 = " + nCtx / 2);
            segmentMin = null;
        }
        Integer dataSeed = SpecValues.seed(data, "seed");
        Integer steps = SpecValues.whole(trainer, "steps", 1500, 1, SpecValues.MAX_STEPS);
        Integer batch = SpecValues.whole(trainer, "batch_size", 64, 1, SpecValues.MAX_BATCH);
        Double lr = SpecValues.real(trainer, "learning_rate", 1e-3, SpecValues.Range.LEARNING_RATE);
        Double wd = SpecValues.weightDecay(trainer, 0.0, lr);
        Integer checkpoints = SpecValues.checkpoints(trainer, 0, 0, steps);
        Integer seed = SpecValues.seed(trainer, "seed");
        double agreement = orNaN(SpecValues.expectation(verify, "bigram_top1_agreement_at_least", SpecValues.Range.UNIT));
        double copying = orNaN(SpecValues.expectation(verify, "copying_fraction_at_least", SpecValues.Range.UNIT));
        double previous = orNaN(SpecValues.expectation(verify, "previous_token_score_at_least", SpecValues.Range.UNIT));
        double induction = orNaN(SpecValues.expectation(verify, "induction_score_at_least", SpecValues.Range.UNIT));
        double ratio = orNaN(SpecValues.expectation(verify, "repeated_loss_ratio_at_most", SpecValues.Range.POSITIVE));
        if (layers != null) {
            needsLayers(verify, "copying_fraction_at_least", layers, 1);
            needsLayers(verify, "previous_token_score_at_least", layers, 2);
            needsLayers(verify, "induction_score_at_least", layers, 2);
        }
        String suppression = head(verify, "copy_suppression_head", layers, nHeads);
        if (layers == null || dModel == null || nHeads == null || dHead == null || nCtx == null || vocab == null
                || successors == null || noise == null || repeat == null || segmentMin == null || segmentMax == null
                || dataSeed == null || steps == null || batch == null || lr == null || wd == null
                || checkpoints == null || seed == null) {
            return null; // each problem is recorded; ModelSpec.parse gives no spec
        }
        SyntheticLanguage.Settings language = new SyntheticLanguage.Settings(vocab, successors, noise, repeat,
                segmentMin, segmentMax, dataSeed);
        return new AttentionOnlySpec(layers, dModel, nHeads, dHead, nCtx, language, steps, batch, lr, wd, checkpoints,
                seed, agreement, copying, previous, induction, ratio, suppression);
    }

    /**
     * A head named "LAYER.HEAD" under {@code key} (null when absent or wrong, the problem recorded), checked against the
     * model's layers and heads when those are known.
     */
    private static String head(YamlMap verify, String key, Integer layers, Integer heads) {
        if (!verify.has(key)) {
            return null;
        }
        String value = verify.string(key, "");
        int dot = value.indexOf('.');
        int l = -1;
        int h = -1;
        try {
            l = dot > 0 ? Integer.parseInt(value.substring(0, dot)) : -1;
            h = dot > 0 ? Integer.parseInt(value.substring(dot + 1)) : -1;
        } catch (NumberFormatException e) {
            // reported below
        }
        if (l < 0 || h < 0) {
            verify.error(key, key + " must name a head as LAYER.HEAD, got \"" + value + "\"", "e.g. \"1.0\": head 0 of layer 1");
            return null;
        }
        if (layers != null && heads != null && (l >= layers || h >= heads)) {
            verify.error(key, "the model has no head " + value, layers == 0 ? "a zero-layer model has no heads"
                    : "layers 0 to " + (layers - 1) + ", heads 0 to " + (heads - 1));
            return null;
        }
        return l + "." + h;
    }

    /** {@link #copySuppressionHead} as {layer, head}. */
    int[] copySuppressionHeadIndex() {
        int dot = copySuppressionHead.indexOf('.');
        return new int[] {Integer.parseInt(copySuppressionHead.substring(0, dot)),
                Integer.parseInt(copySuppressionHead.substring(dot + 1))};
    }

    private static double orNaN(Double v) {
        return v == null ? Double.NaN : v;
    }

    private static void needsLayers(YamlMap verify, String key, int layers, int least) {
        if (verify.has(key) && layers < least) {
            verify.error(key, key + " needs n_layers >= " + least + ", the model has " + layers, null);
        }
    }

    /** The steps at which checkpoints are taken: {@code floor(steps * i / checkpoints)} for i in [0, checkpoints). */
    public int[] checkpointSteps() {
        return KindSpec.evenlySpaced(steps, checkpoints);
    }

    @Override
    public Map<String, Object> values() {
        return KindSpec.ordered("n_layers", nLayers, "d_model", dModel, "n_heads", nHeads, "d_head", dHead,
                "n_ctx", nCtx, "vocab", language.vocab(), "successors", language.successors(), "noise", language.noise(),
                "repeat_probability", language.repeatProbability(), "segment_min", language.segmentMin(),
                "segment_max", language.segmentMax(), "data_seed", language.seed(), "steps", steps,
                "batch_size", batchSize, "learning_rate", learningRate, "weight_decay", weightDecay,
                "checkpoints", checkpoints, "seed", seed);
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
        return n + (copySuppressionHead == null ? 0 : 1);
    }

    /**
     * A step holds one-hot tokens and labels and the logits ([batch * n_ctx, vocab] each, with softmax and
     * gradient), the residual stream, and per layer the heads' q, k, v, z and the [batch * n_heads, n_ctx,
     * n_ctx] scores, mask and pattern. The heap holds a batch as Java arrays while the next is built, each
     * file's weights twice (snapshot and bytes), the [vocab, vocab] circuits the probes read and the language's
     * two [vocab, vocab] tables of doubles.
     */
    @Override
    public Footprint footprint() {
        double v = language.vocab();
        double tokens = (double) batchSize * nCtx;
        double he = (double) nHeads * dHead;
        double params = 2 * v * dModel + (double) nCtx * dModel + v + nLayers * (4 * he * dModel + 3 * he + dModel);
        double activations = 5 * tokens * v + 3 * tokens * dModel
                + nLayers * (8 * tokens * he + 3.0 * batchSize * nHeads * nCtx * nCtx + 2 * tokens * dModel);
        double files = checkpoints + 1.0;
        double heap = Footprint.FLOAT * (4 * tokens * v + 2 * files * params + 3 * v * v) + 2 * 8 * v * v;
        return new Footprint(heap, Footprint.FLOAT * (4 * params + 3 * activations),
                "make batch_size, n_ctx, vocab or d_model smaller" + (checkpoints > 0 ? ", or take fewer checkpoints" : ""));
    }

    @Override
    public long totalSteps() {
        return steps;
    }

    @Override
    public double cost() {
        double perToken = 2.0 * language.vocab() * dModel
                + nLayers * (4.0 * dModel * nHeads * dHead + 2.0 * nCtx * nHeads * dHead);
        return 3.0 * steps * batchSize * nCtx * perToken;
    }
}
