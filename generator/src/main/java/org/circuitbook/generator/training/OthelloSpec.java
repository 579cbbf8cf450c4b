package org.circuitbook.generator.training;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.circuitbook.generator.config.YamlMap;
import org.circuitbook.widgets.data.Othello;

/**
 * An Othello world model (Li et al. 2023, "Emergent World Representations"; Nanda et al. 2023, "Emergent Linear
 * Representations in World Models of Self-Supervised Sequence Models"), small: a transformer with MLPs (ReLU, no
 * LayerNorm) reads random legal games of {@link Othello} on an n x n board, one token per move, and at every
 * position predicts the set of legal next moves. Linear probes then read the board from its residual stream.
 *
 * <pre>
 * model:
 *   kind: othello
 *   board: 4                      # board side, even (default 4): n * n - 4 tokens, n_ctx the same
 *   n_layers: 2                   # (default 2)
 *   d_model: 64                   # (default 64)
 *   n_heads: 4                    # (default 4)
 *   d_head: 16                    # (default 16)
 *   d_mlp: 256                    # (default 256)
 * data:
 *   train_games: 4000             # seeded random legal games to train on (default 4000)
 *   test_games: 500               # held-out games every metric is measured on (default 500)
 *   seed: 0                       # draws the games (default 0)
 * trainer:
 *   steps: 400                    # Adam steps, a batch of training games each (default 400)
 *   batch_size: 256               # (default 256)
 *   learning_rate: 0.003          # (default 0.003)
 *   weight_decay: 0.0             # decoupled, as PyTorch's AdamW (default 0)
 *   intervention_stage: 1         # the stage the intervention metrics edit (default 1)
 *   seed: 0                       # initial weights and batches (default 0)
 *   sae_latents: 256              # latents of the SAE trained on each stage's stream, for steering (default 256)
 *   sae_l1: 0.3                   # its L1 coefficient, on the stream scaled to mean squared norm d_model (default 0.3)
 *   sae_steps: 2000               # its Adam steps, batch_size rows each (default 2000)
 * verify:
 *   legal_move_accuracy_at_least: 0.9        # the top move is legal, on test positions
 *   probe_accuracy_at_least: {relative: 0.75} # best stage's probe accuracy, per labelling
 *   intervention_error_ratio_at_most: 0.95   # errors after / before the probe edit
 * </pre>
 */
public record OthelloSpec(int board, int nLayers, int dModel, int nHeads, int dHead, int dMlp, int trainGames,
                          int testGames, long dataSeed, int steps, int batchSize, double learningRate, double weightDecay,
                          int interventionStage, long seed, int saeLatents, double saeL1, int saeSteps,
                          double legalMoveAccuracyAtLeast,
                          double probeColourAtLeast, double probeRelativeAtLeast, double interventionErrorRatioAtMost)
        implements KindSpec {
    public static final String KIND = "othello";
    /** This kind, as {@link ModelKinds#ALL} lists it. */
    public static final ModelKind TYPE = ModelKind.of(KIND, s -> from(s.model(), s.data(), s.trainer(), s.verify()));

    static OthelloSpec from(YamlMap model, YamlMap data, YamlMap trainer, YamlMap verify) {
        model.checkKeys(Set.of("kind", "board", "n_layers", "d_model", "n_heads", "d_head", "d_mlp"), "the model section");
        data.checkKeys(Set.of("train_games", "test_games", "seed"), "the data section");
        trainer.checkKeys(Set.of("steps", "batch_size", "learning_rate", "weight_decay", "intervention_stage", "seed",
                "sae_latents", "sae_l1", "sae_steps"), "the trainer section");
        verify.checkKeys(Set.of("legal_move_accuracy_at_least", "probe_accuracy_at_least",
                "intervention_error_ratio_at_most"), "the verify section");
        Integer board = SpecValues.whole(model, "board", 4, 4, 8);
        if (board != null && board % 2 != 0) {
            model.error("board", "board must be even, got " + board, "4, 6 or 8");
            board = null;
        }
        Integer layers = SpecValues.whole(model, "n_layers", 2, 1, AttentionOnlySpec.MAX_LAYERS);
        Integer dModel = SpecValues.whole(model, "d_model", 64, 1, SpecValues.MAX_WIDTH);
        Integer nHeads = SpecValues.whole(model, "n_heads", 4, 1, SpecValues.MAX_HEADS);
        Integer dHead = SpecValues.whole(model, "d_head", 16, 1, SpecValues.MAX_D_HEAD);
        Integer dMlp = SpecValues.whole(model, "d_mlp", 256, 1, 4 * SpecValues.MAX_WIDTH);
        Integer trainGames = SpecValues.whole(data, "train_games", 4000, 1, 100_000);
        Integer testGames = SpecValues.whole(data, "test_games", 500, 1, 100_000);
        Integer dataSeed = SpecValues.seed(data, "seed");
        Integer steps = SpecValues.whole(trainer, "steps", 400, 1, SpecValues.MAX_STEPS);
        Integer batch = SpecValues.whole(trainer, "batch_size", 256, 1, SpecValues.MAX_BATCH);
        Double lr = SpecValues.real(trainer, "learning_rate", 3e-3, SpecValues.Range.LEARNING_RATE);
        Double wd = SpecValues.weightDecay(trainer, 0.0, lr);
        Integer stage = SpecValues.whole(trainer, "intervention_stage", 1, 0, AttentionOnlySpec.MAX_LAYERS);
        if (stage != null && layers != null && stage > layers) {
            trainer.error("intervention_stage", "intervention_stage " + stage + " is past the last stage " + layers,
                    "stages 0 (embeddings) to n_layers");
            stage = null;
        }
        Integer seed = SpecValues.seed(trainer, "seed");
        Integer saeLatents = SpecValues.whole(trainer, "sae_latents", 256, 1, 4 * SpecValues.MAX_WIDTH);
        Double saeL1 = SpecValues.real(trainer, "sae_l1", 0.3, SpecValues.Range.NON_NEGATIVE);
        Integer saeSteps = SpecValues.whole(trainer, "sae_steps", 2000, 1, SpecValues.MAX_STEPS);
        double legal = orNaN(SpecValues.expectation(verify, "legal_move_accuracy_at_least", SpecValues.Range.UNIT));
        double colour = Double.NaN;
        double relative = Double.NaN;
        if (verify.has("probe_accuracy_at_least")) {
            YamlMap probes = verify.map("probe_accuracy_at_least");
            probes.checkKeys(Set.of("colour", "relative"), "probe_accuracy_at_least");
            colour = orNaN(SpecValues.expectation(probes, "colour", SpecValues.Range.UNIT));
            relative = orNaN(SpecValues.expectation(probes, "relative", SpecValues.Range.UNIT));
        }
        double ratio = orNaN(SpecValues.expectation(verify, "intervention_error_ratio_at_most", SpecValues.Range.POSITIVE));
        if (board == null || layers == null || dModel == null || nHeads == null || dHead == null || dMlp == null
                || trainGames == null || testGames == null || dataSeed == null || steps == null || batch == null
                || lr == null || wd == null || stage == null || seed == null || saeLatents == null || saeL1 == null
                || saeSteps == null) {
            return null;
        }
        return new OthelloSpec(board, layers, dModel, nHeads, dHead, dMlp, trainGames, testGames, dataSeed, steps, batch,
                lr, wd, stage, seed, saeLatents, saeL1, saeSteps, legal, colour, relative, ratio);
    }

    private static double orNaN(Double v) {
        return v == null ? Double.NaN : v;
    }

    /** The tokens, and the context: the longest game. */
    int vocab() {
        return board * board - 4;
    }

    @Override
    public Map<String, Object> values() {
        return KindSpec.ordered("board", board, "n_layers", nLayers, "d_model", dModel, "n_heads", nHeads,
                "d_head", dHead, "d_mlp", dMlp, "train_games", trainGames, "test_games", testGames,
                "data_seed", dataSeed, "steps", steps, "batch_size", batchSize, "learning_rate", learningRate,
                "weight_decay", weightDecay, "intervention_stage", interventionStage, "seed", seed,
                "sae_latents", saeLatents, "sae_l1", saeL1, "sae_steps", saeSteps);
    }

    @Override
    public String trainerVersion() {
        return OthelloTrainer.VERSION;
    }

    /** The model, then the SAE on each stage's stream ({@link OthelloTrainer#saeFileName}). */
    @Override
    public List<String> fileNames() {
        List<String> names = new java.util.ArrayList<>(List.of(OthelloTrainer.FINAL));
        for (int s = 0; s <= nLayers; s++) {
            names.add(OthelloTrainer.saeFileName(s));
        }
        return names;
    }

    /** Each stage's SAE reads the final model's residual stream at that stage's hook ({@code blocks.0.hook_resid_pre}, ...). */
    @Override
    public List<SaeFile> saes() {
        List<SaeFile> out = new java.util.ArrayList<>();
        for (int s = 0; s <= nLayers; s++) {
            out.add(new SaeFile(OthelloTrainer.saeFileName(s), dModel,
                    org.circuitbook.widgets.model.OthelloModel.stageHook(s), OthelloTrainer.FINAL));
        }
        return out;
    }

    @Override
    public List<TrainedModel> train(ModelSpec spec) {
        return OthelloTrainer.train(spec.name(), this);
    }

    @Override
    public List<String> verify(List<TrainedModel> models) {
        return OthelloTrainer.verify(this, models);
    }

    @Override
    public int expectations() {
        int n = 0;
        for (double v : new double[] {legalMoveAccuracyAtLeast, probeColourAtLeast, probeRelativeAtLeast,
                interventionErrorRatioAtMost}) {
            n += Double.isNaN(v) ? 0 : 1;
        }
        return n;
    }

    /** The transformer's steps, then an SAE's at every stage (the embedding and each layer's output). */
    @Override
    public long totalSteps() {
        return steps + (long) (nLayers + 1) * saeSteps;
    }

    @Override
    public double cost() {
        double t = vocab();
        double perToken = 2.0 * t * dModel + nLayers * (4.0 * dModel * nHeads * dHead + 2.0 * t * nHeads * dHead
                + 2.0 * dModel * dMlp);
        return 3.0 * steps * batchSize * t * perToken;
    }

    @Override
    public Footprint footprint() {
        double v = vocab();
        double tokens = (double) batchSize * v;
        double he = (double) nHeads * dHead;
        double params = 2 * v * dModel + v * dModel + v + nLayers * (4 * he * dModel + 3 * he + dModel
                + 2.0 * dModel * dMlp + dMlp);
        double activations = 5 * tokens * v + 3 * tokens * dModel
                + nLayers * (8 * tokens * he + 3.0 * batchSize * nHeads * v * v + 2 * tokens * dModel + 3 * tokens * dMlp);
        double games = (double) (trainGames + testGames) * v;
        double heap = Footprint.FLOAT * (4 * tokens * v + 2 * params + games * (nLayers + 1) * dModel * 2)
                + 8.0 * 2 * (dModel + 1) * (dModel + 1 + 3 * board * board);
        return new Footprint(heap, Footprint.FLOAT * (4 * params + 3 * activations),
                "make batch_size, train_games, d_model or d_mlp smaller");
    }
}
