package org.circuitbook.generator.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.circuitbook.widgets.data.InductionProbes;
import org.circuitbook.widgets.data.Lcg;
import org.circuitbook.widgets.data.SyntheticLanguage;
import org.circuitbook.widgets.model.ActivationPatching;
import org.circuitbook.widgets.model.Circuits;
import org.circuitbook.widgets.model.Composition;
import org.circuitbook.widgets.model.HeadScores;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.model.LogitLens;
import org.circuitbook.widgets.model.LogitAttribution;
import org.circuitbook.widgets.model.TransformerConfig;
import org.circuitbook.widgets.tensor.Ops;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.weights.Json;
import org.circuitbook.widgets.weights.SafeTensors;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Trains an attention-only transformer ({@link AttentionOnlySpec}) on the {@link SyntheticLanguage} with ND4J:
 * next-token prediction at every position of {@code n_ctx + 1}-token sequences, a fresh batch each step, Adam
 * with betas (0.9, 0.98) and optional decoupled weight decay. The SameDiff graph ({@link #graph}) holds the
 * parameters and gives the forward pass the parity check compares; each step is {@link AttentionOnlyStep}'s, the
 * same step written out in ND4J ops (and held to the graph's gradients and SameDiff's Adam by its test).
 *
 * <p>The graph holds exactly TransformerLens's parameters, initialised as TransformerLens initialises them
 * (every matrix normal with std 0.8 / sqrt(d_model), biases zero), some of them fused
 * ({@link Transformers#fusedParameters}) and published under their own names and shapes. A token and its
 * position enter one-hot times W_E stacked over W_pos (STACK-FACTS: SameDiff's gather breaks training); heads
 * are computed side by side as [batch, n_heads, pos, d_head] batched matrix products, scores scaled by
 * 1/sqrt(d_head) and masked causally with TransformerLens's -100000 above the diagonal.
 *
 * <p>Metrics, per checkpoint and at the end, are computed by the widgets' {@link HookedTransformer} on the
 * published weights, so a widget that recomputes them gets the same numbers:
 * <ul>
 *   <li>{@code loss}: mean next-token loss on {@value #EVAL_SEQUENCES} held-out sequences of the language;
 *   <li>(final file only) {@code loss_per_step}: the training batch's loss at every step;
 *   <li>on the {@value #PROBE_SEQUENCES} repeated random sequences of {@link InductionProbes} (n_ctx / 2 uniform
 *       tokens, twice): the mean loss in the first half and in the repeat, and each head's previous-token and
 *       induction scores ({@link HeadScores#onProbes}, which the attention-patterns widget runs on the same probes);
 *   <li>(final file only, with a layer) {@code induction_dla}: each head's mean direct logit attribution
 *       ({@link #inductionDla}) for the correct next token in the repeat of the probes, and
 *       {@code induction_logit_diff}, the mean of the whole difference those terms split; and the logit lens there
 *       ({@link #inductionLens}): {@code induction_lens_top1} and {@code induction_lens_probability} per stage;
 *   <li>(final file only) {@code repeated_loss_by_period}: the same loss on random tokens repeated with other
 *       periods ({@link #lossByPeriod}), which tells copying by content from looking a fixed distance back;
 *   <li>the direct path W_E W_U + b_U read as a bigram table: how often its top entry is the language's
 *       likeliest successor ({@code bigram_top1_agreement}), and its mean KL divergence from the true table;
 *   <li>for each layer-0 head, the share of tokens whose row of the full OV circuit W_E W_V W_O W_U peaks
 *       on the token itself ({@code copying_fractions}), and the same for the heads' summed circuits
 *       ({@code layer0_copying_fraction}): the copying skip-trigrams "A ... B -> A" of section
 *       "One-Layer Attention-Only Transformers".
 *   <li>(final file only) each head's OV eigenvalue copying score ({@code ov_copying_scores}, [n_layers][n_heads],
 *       {@link Composition#copyingScore}: 1 copies, -1 suppresses the attended token); and with two layers or more,
 *       between each layer-0 head and each layer-1 head, the share of query tokens whose row of the token-by-token
 *       K-composition table peaks on the diagonal ({@code k_composition_diagonal_fraction}, [sender][receiver]; the
 *       same for the Q- and V-composition tables, {@code q_composition_diagonal_fraction} and {@code
 *       v_composition_diagonal_fraction}), the Frobenius composition scores ({@code composition_scores}, {@code q},
 *       {@code k} and {@code v} matrices of the same shape) and the random baseline they compare with ({@code composition_baseline}): see {@link Composition}.
 *   <li>(final file only, two layers or more) path patching, attribution patching and ablations on the
 *       activation-patching widget's induction task ({@link #patching}), over {@code patching_prompts} prompt
 *       pairs: {@code path_patching_k},
 *       {@code attribution_correlation}, {@code ablation_head_effects};
 * </ul>
 *
 * <p>Parity: every published file (the final weights and each checkpoint), read back from its bytes and run
 * by the widgets' model on {@value #PARITY_SEQUENCES} sequences, must give ND4J's logits at that step within
 * 1e-5 times their scale.
 */
final class AttentionOnlyTrainer {
    static final String VERSION = "attention-only/11"; // 7: composition, copying scores, DLA, logit lens, patching; 8: ND4J's oneDNN build, rank-3 softmax; 9: fused Q/K/V and embedding products; 10: AttentionOnlyStep; 11: the step embeds by index, one Adam over every parameter
    static final String FINAL = org.circuitbook.widgets.weights.WeightNames.FINAL;
    static final int EVAL_SEQUENCES = 128;
    static final int PROBE_SEQUENCES = InductionProbes.COUNT;
    static final int PARITY_SEQUENCES = 8;
    static final double PARITY_RELATIVE_TOLERANCE = 1e-5;
    /** TransformerLens's IGNORE value for masked attention scores. */
    static final float MASK = -100000f;
    private static final long EVAL_SALT = 0x5eed_e7a1L;
    private static final long PERIOD_SALT = 0x5eed_7e71L;
    /** The periods of {@code repeated_loss_by_period}, besides n_ctx / 2 (the probes' own). */
    static final int[] PERIODS = {8, 10, 12};

    private AttentionOnlyTrainer() {
    }

    static String checkpointName(int step) {
        return org.circuitbook.widgets.weights.WeightNames.checkpoint(step);
    }

    /** The HookedTransformerConfig of the spec's model: attn_only, no LayerNorm, d_vocab_out = d_vocab. */
    static TransformerConfig config(AttentionOnlySpec spec) {
        int vocab = spec.language().vocab();
        return new TransformerConfig(spec.nLayers(), spec.dModel(), spec.dHead(), spec.nHeads(), 0, vocab, vocab,
                spec.nCtx(), null, true, null, "standard");
    }

    static List<TrainedModel> train(String specName, AttentionOnlySpec spec) {
        return Training.quietly(() -> trainQuietly(specName, spec));
    }

    private static List<TrainedModel> trainQuietly(String specName, AttentionOnlySpec spec) {
        TransformerConfig cfg = config(spec);
        SyntheticLanguage language = new SyntheticLanguage(spec.language());
        Probes probes = probes(spec, language);
        SameDiff sd = graph(spec, cfg);
        StepLosses stepLosses = new StepLosses("logits");
        AttentionOnlyStep trainer = new AttentionOnlyStep(sd, cfg, spec.batchSize(), spec.learningRate(),
                spec.weightDecay());
        Lcg data = new Lcg(spec.seed() * 31 + 7);
        int[][] parityInputs = java.util.Arrays.copyOf(probes.eval(), PARITY_SEQUENCES);
        INDArray[] parityFeatures = oneHot(parityInputs, cfg);
        List<Snapshot> snapshots = new ArrayList<>();
        int[] points = java.util.stream.IntStream.concat(java.util.Arrays.stream(spec.checkpointSteps()),
                java.util.stream.IntStream.of(spec.steps())).toArray();
        int done = 0;
        for (int step : points) {
            for (; done < step; done++) {
                int[][] batch = batch(language, data, spec.batchSize(), cfg);
                Progress.step(); // as Batches counts a step when SameDiff's fit takes its batch
                stepLosses.record(trainer.step(batch));
            }
            float[] ndLogits = Training.floats(sd.output(Map.of("tokens", parityFeatures[0]), "logits").get("logits"));
            snapshots.add(new Snapshot(step, Transformers.weights(sd, cfg), ndLogits));
        }
        Snapshot last = snapshots.get(snapshots.size() - 1);

        List<Map<String, Object>> rows = new ArrayList<>();
        for (Snapshot s : snapshots) {
            rows.add(row(s, cfg, probes));
        }
        Map<String, Object> metrics = new LinkedHashMap<>(rows.get(rows.size() - 1));
        HookedTransformer finalModel = new HookedTransformer(cfg, last.weights());
        double[] direct = directPathAsBigrams(finalModel, language);
        metrics.put("bigram_top1_agreement", direct[0]);
        metrics.put("bigram_kl", direct[1]);
        if (cfg.n_layers() >= 1) {
            double[] copying = copyingFractions(finalModel);
            metrics.put("copying_fractions", list(java.util.Arrays.copyOf(copying, cfg.n_heads())));
            metrics.put("layer0_copying_fraction", copying[cfg.n_heads()]);
            metrics.put("ov_copying_scores", matrix(Composition.copyingScores(finalModel)));
        }
        if (cfg.n_layers() >= 2) {
            metrics.putAll(composition(finalModel));
            metrics.putAll(patching(finalModel));
        }
        metrics.put("repeated_loss_by_period", lossByPeriod(finalModel, spec));
        if (cfg.n_layers() >= 1) {
            metrics.putAll(inductionDla(finalModel, probes.repeated()));
            metrics.putAll(inductionLens(finalModel, probes.repeated()));
        }
        metrics.put("loss_per_step", stepLosses.values());
        metrics.put("checkpoints", rows.subList(0, rows.size() - 1));

        List<TrainedModel> out = new ArrayList<>();
        byte[] finalBytes = file(specName, spec, cfg, last, metrics);
        parity(FINAL, finalBytes, parityInputs, last.ndLogits(), spec.nCtx());
        out.add(new TrainedModel(FINAL, finalBytes));
        for (int i = 0; i < snapshots.size() - 1; i++) {
            String name = checkpointName(snapshots.get(i).step());
            byte[] bytes = file(specName, spec, cfg, snapshots.get(i), rows.get(i));
            parity(name, bytes, parityInputs, snapshots.get(i).ndLogits(), spec.nCtx());
            out.add(new TrainedModel(name, bytes));
        }
        return out;
    }

    /**
     * The mean loss on random tokens repeated with each period p of {@link #PERIODS} and n_ctx / 2 (p uniform tokens
     * repeated to fill n_ctx), over the positions whose next token is a copy the model could have found (from
     * position p on), {@value #PROBE_SEQUENCES} sequences per period; keyed by the period. A model that finds the
     * earlier copy of the current token by its content does well at every period; one whose heads look a fixed
     * distance back does well only at the period that matches it.
     */
    static Map<String, Object> lossByPeriod(HookedTransformer model, AttentionOnlySpec spec) {
        int nCtx = spec.nCtx();
        int[] periods = java.util.stream.IntStream.concat(java.util.Arrays.stream(PERIODS), java.util.stream.IntStream.of(nCtx / 2))
                .filter(p -> p >= 2 && p < nCtx).distinct().sorted().toArray();
        Map<String, Object> out = new LinkedHashMap<>();
        Lcg random = new Lcg(spec.language().seed() ^ PERIOD_SALT);
        int vocab = spec.language().vocab();
        for (int p : periods) {
            double sum = 0;
            int count = 0;
            for (int i = 0; i < PROBE_SEQUENCES; i++) {
                int[] seq = new int[nCtx];
                for (int t = 0; t < nCtx; t++) {
                    seq[t] = t < p ? random.nextInt(vocab) : seq[t - p];
                }
                double[] losses = HeadScores.tokenLosses(model.forward(seq), seq);
                for (int t = p; t < losses.length; t++) {
                    sum += losses[t];
                    count++;
                }
            }
            out.put(Integer.toString(p), sum / count);
        }
        return out;
    }

    /**
     * Direct logit attribution on the repeat of the induction probes ({@link LogitAttribution}): at every position of
     * the second half whose next token repeats the first half (position n_ctx / 2 to n_ctx - 2), the logit of the
     * correct next token minus the mean logit over the vocabulary, split into what each component wrote there, averaged
     * over positions and probes. {@code induction_dla} is the heads' terms, [n_layers][n_heads] (which heads write the
     * copied token straight into the logits); {@code induction_logit_diff} the mean difference itself (all terms: the
     * embeddings', the biases' and the heads'). The mean over the vocabulary, not a single wrong token, is the baseline,
     * so no choice of a rival answer shapes the numbers.
     */
    static Map<String, Object> inductionDla(HookedTransformer model, int[][] repeated) {
        TransformerConfig cfg = model.cfg();
        List<LogitAttribution.Term> terms = LogitAttribution.terms(cfg);
        double[][] sums = new double[cfg.n_layers()][cfg.n_heads()];
        double total = 0;
        int count = 0;
        for (int[] seq : repeated) {
            int half = seq.length / 2;
            int[] answers = new int[seq.length];
            int[] wrongs = new int[seq.length];
            for (int p = 0; p < seq.length; p++) {
                answers[p] = p >= half && p + 1 < seq.length ? seq[p + 1] : LogitAttribution.NONE;
                wrongs[p] = LogitAttribution.MEAN;
            }
            LogitAttribution.Decomposition d = LogitAttribution.decompose(model, seq, answers, wrongs);
            for (int p = half; p + 1 < seq.length; p++) {
                for (int t = 0; t < terms.size(); t++) {
                    LogitAttribution.Term term = terms.get(t);
                    if (term.kind() == LogitAttribution.Kind.HEAD) {
                        sums[term.layer()][term.head()] += d.value(p, t);
                    }
                }
                total += d.logitDiff()[p];
                count++;
            }
        }
        for (double[] row : sums) {
            for (int h = 0; h < row.length; h++) {
                row[h] /= count;
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("induction_dla", matrix(sums));
        out.put("induction_logit_diff", total / count);
        return out;
    }

    /**
     * The logit lens on the repeat of the induction probes ({@link LogitLens}): at the same positions as
     * {@link #inductionDla}, the residual stream after the embedding and after each layer read through the unembedding.
     * {@code induction_lens_top1} is, per stage (0: the embedding, 1 + l: after layer l), the share of positions
     * whose likeliest token is the correct next one; {@code induction_lens_probability} the correct token's mean
     * probability there.
     */
    static Map<String, Object> inductionLens(HookedTransformer model, int[][] repeated) {
        int stages = model.cfg().n_layers() + 1;
        double[] top1 = new double[stages];
        double[] probability = new double[stages];
        int count = 0;
        for (int[] seq : repeated) {
            int half = seq.length / 2;
            int[] correct = new int[seq.length];
            for (int p = 0; p < seq.length; p++) {
                correct[p] = p >= half && p + 1 < seq.length ? seq[p + 1] : LogitAttribution.NONE;
            }
            LogitLens lens = LogitLens.of(model, seq, correct);
            for (int p = half; p + 1 < seq.length; p++) {
                for (int s = 0; s < stages; s++) {
                    top1[s] += lens.rank(s, p, correct[p]) == 1 ? 1 : 0;
                    probability[s] += lens.probability(s, p, correct[p]);
                }
                count++;
            }
        }
        for (int s = 0; s < stages; s++) {
            top1[s] /= count;
            probability[s] /= count;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("induction_lens_top1", list(top1));
        out.put("induction_lens_probability", list(probability));
        return out;
    }

    /** The fixed sequences metrics are measured on: held-out language, and repeated random tokens. */
    record Probes(int[][] eval, int[][] repeated) {
    }

    static Probes probes(AttentionOnlySpec spec, SyntheticLanguage language) {
        Lcg evalRandom = new Lcg(spec.language().seed() ^ EVAL_SALT);
        int[][] eval = new int[EVAL_SEQUENCES][];
        for (int i = 0; i < eval.length; i++) {
            eval[i] = language.sample(evalRandom, spec.nCtx() + 1);
        }
        return new Probes(eval, InductionProbes.sequences(spec.language().seed(), language.vocab(), spec.nCtx()));
    }

    /** The weights at one step, and ND4J's logits for the parity sequences at that step. */
    private record Snapshot(int step, Map<String, Tensor> weights, float[] ndLogits) {
    }

    /**
     * The graph's inputs [n * n_ctx, {@link Transformers#inputWidth}] (tokens 0..n_ctx-1 and their positions,
     * {@link Transformers#encode}) and one-hot labels [n * n_ctx, vocab] (tokens 1..n_ctx) of each sequence.
     */
    static INDArray[] oneHot(int[][] sequences, TransformerConfig cfg) {
        int vocab = cfg.d_vocab();
        int nCtx = cfg.n_ctx();
        int rows = sequences.length * nCtx;
        float[] x = new float[rows * Transformers.inputWidth(cfg)];
        float[] y = new float[rows * vocab];
        for (int s = 0; s < sequences.length; s++) {
            for (int t = 0; t < nCtx; t++) {
                int row = s * nCtx + t;
                Transformers.encode(x, row, sequences[s][t], t, cfg);
                y[row * vocab + sequences[s][t + 1]] = 1f;
            }
        }
        return new INDArray[] {Training.array(x, new long[] {rows, Transformers.inputWidth(cfg)}),
                Training.array(y, new long[] {rows, vocab})};
    }

    /** A fresh training batch: {@code size} sequences of the language, n_ctx + 1 tokens each. */
    static int[][] batch(SyntheticLanguage language, Lcg random, int size, TransformerConfig cfg) {
        int[][] sequences = new int[size][];
        for (int i = 0; i < size; i++) {
            sequences[i] = language.sample(random, cfg.n_ctx() + 1);
        }
        return sequences;
    }

    /**
     * The model as a SameDiff graph: its parameters ({@link Transformers#fusedParameters}, initialised from the
     * spec's seed) and its forward pass from "tokens" to "logits". {@link AttentionOnlyStep} trains the parameters
     * in place; the graph's forward pass is what the parity check compares with the widgets' model.
     */
    static SameDiff graph(AttentionOnlySpec spec, TransformerConfig cfg) {
        SameDiff sd = SameDiff.create();
        SDVariable tokens = sd.placeHolder("tokens", DataType.FLOAT, -1, Transformers.inputWidth(cfg));
        Random init = new Random(spec.seed());
        double std = 0.8 / Math.sqrt(cfg.d_model()); // TransformerLens's default initializer_range
        Map<String, SDVariable> w = Transformers.fusedParameters(sd, cfg, init, name -> std);
        Transformers.logits(sd, cfg, w, Transformers.embedded(sd, cfg, w, tokens));
        return sd;
    }

    /** The metrics of one snapshot, measured by the widgets' model on the probes. */
    private static Map<String, Object> row(Snapshot s, TransformerConfig cfg, Probes probes) {
        HookedTransformer model = new HookedTransformer(cfg, s.weights());
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("step", s.step());
        double loss = 0;
        int count = 0;
        for (int[] seq : probes.eval()) {
            for (double l : HeadScores.tokenLosses(model.forward(java.util.Arrays.copyOf(seq, cfg.n_ctx())), seq)) {
                loss += l;
                count++;
            }
        }
        r.put("loss", loss / count);
        HeadScores.OnProbes scores = HeadScores.onProbes(model, probes.repeated());
        r.put("repeated_first_half_loss", scores.firstHalfLoss());
        r.put("repeated_second_half_loss", scores.repeatLoss());
        r.put("previous_token_scores", matrix(scores.previous()));
        r.put("induction_scores", matrix(scores.induction()));
        return r;
    }

    private static List<Object> matrix(double[][] values) {
        List<Object> rows = new ArrayList<>();
        for (double[] row : values) {
            rows.add(list(row));
        }
        return rows;
    }

    private static List<Object> list(double[] values) {
        List<Object> out = new ArrayList<>();
        for (double v : values) {
            out.add(v);
        }
        return out;
    }

    /**
     * The direct path W_E W_U + b_U read as a bigram table: [0] the share of tokens whose top entry is the
     * language's likeliest successor, [1] the mean KL(true || softmax(row)) in nats.
     */
    static double[] directPathAsBigrams(HookedTransformer model, SyntheticLanguage language) {
        Tensor table = Ops.addBias(Circuits.directPath(model), model.b_U()); // [vocab, vocab]
        double[][] truth = language.bigram();
        int vocab = truth.length;
        int agree = 0;
        double kl = 0;
        for (int a = 0; a < vocab; a++) {
            int best = 0;
            double max = Double.NEGATIVE_INFINITY;
            for (int b = 0; b < vocab; b++) {
                if (table.get(a, b) > max) {
                    max = table.get(a, b);
                    best = b;
                }
            }
            agree += best == language.likeliestNext(a) ? 1 : 0;
            double sum = 0;
            for (int b = 0; b < vocab; b++) {
                sum += Math.exp(table.get(a, b) - max);
            }
            double logZ = Math.log(sum) + max;
            for (int b = 0; b < vocab; b++) {
                kl += truth[a][b] * (Math.log(truth[a][b]) - (table.get(a, b) - logZ));
            }
        }
        return new double[] {(double) agree / vocab, kl / vocab};
    }

    /**
     * For each layer-0 head, then for the heads' summed circuits: the share of tokens whose row of the full
     * OV circuit W_E W_V W_O W_U peaks on the token itself. Heads tend to split the vocabulary between them
     * (each copies its own subset), so the sum is the layer's verdict: [n_heads + 1].
     */
    static double[] copyingFractions(HookedTransformer model) {
        int heads = model.cfg().n_heads();
        double[] out = new double[heads + 1];
        Tensor sum = null;
        for (int h = 0; h < heads; h++) {
            Tensor ov = Circuits.fullOV(model, 0, h); // [vocab, vocab]
            out[h] = Composition.diagonalFraction(ov);
            sum = sum == null ? ov : Ops.add(sum, ov);
        }
        out[heads] = Composition.diagonalFraction(sum);
        return out;
    }


    /**
     * The composition metrics of a model with two layers or more, between layer 0 and layer 1: {@code
     * k_composition_diagonal_fraction}, {@code composition_scores} ({@code q}, {@code k}, {@code v}) and {@code
     * composition_baseline}.
     */
    static Map<String, Object> composition(HookedTransformer model) {
        int heads = model.cfg().n_heads();
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> scores = new LinkedHashMap<>();
        for (String kind : List.of("k", "q", "v")) {
            double[][] diagonal = new double[heads][heads];
            for (int a = 0; a < heads; a++) {
                for (int b = 0; b < heads; b++) {
                    diagonal[a][b] = Composition.diagonalFraction(Composition.table(model, kind, a, b));
                }
            }
            out.put(kind + "_composition_diagonal_fraction", matrix(diagonal));
        }
        for (String kind : List.of("q", "k", "v")) {
            scores.put(kind, matrix(Composition.scores(model, kind)));
        }
        out.put("composition_scores", scores);
        out.put("composition_baseline", Composition.baseline(model.cfg().d_model(), model.cfg().d_head()));
        return out;
    }

    /** Prompt pairs behind {@link #patching}'s averages, and their seed. */
    static final int PATCHING_PROMPTS = 16;
    static final long PATCHING_SEED = 2023;

    /**
     * Patching on the induction task of the activation-patching widget ({@link ActivationPatching#inductionPrompts}:
     * a repeat of min(10, n_ctx / 2) distinct tokens, cut at a seeded place, its answer swapped in the first half),
     * over {@value #PATCHING_PROMPTS} seeded prompt pairs, the logit difference as the metric:
     * <ul>
     *   <li>{@code path_patching_k}, [sender][receiver]: the share of the gap that path patching each layer-0 head into
     *       each layer-1 head's key input alone restores, on the prompts whose corruption is the token before the answer
     *       ({@link ActivationPatching#kComposition}, a ratio of sums);
     *   <li>{@code attribution_correlation}, by view ({@code resid}, {@code attn}, {@code heads}): the mean over the
     *       prompts of the Pearson correlation between attribution patching's estimates and the real patches;
     *   <li>{@code ablation_head_effects}, by ablation ({@code zero}, {@code mean}, {@code resample}), [layer][head]: the
     *       mean share of the clean run's logit difference, over the clean-corrupted gap, that ablating the head loses.
     * </ul>
     */
    static Map<String, Object> patching(HookedTransformer model) {
        TransformerConfig cfg = model.cfg();
        int heads = cfg.n_heads();
        double[][] path = new double[heads][];
        for (int sender = 0; sender < heads; sender++) {
            path[sender] = ActivationPatching.kComposition(model, sender, PATCHING_PROMPTS, PATCHING_SEED);
        }
        List<String> views = List.of("resid", "attn", "heads");
        List<String> ablations = List.of("zero", "mean", "resample");
        double[] correlation = new double[views.size()];
        double[][][] ablated = new double[ablations.size()][cfg.n_layers()][heads];
        Lcg random = new Lcg(PATCHING_SEED);
        int half = Math.min(10, cfg.n_ctx() / 2);
        for (int i = 0; i < PATCHING_PROMPTS; i++) {
            ActivationPatching.Prompts prompts = ActivationPatching.inductionPrompts(random, cfg.d_vocab(), half,
                    1 + random.nextInt(half - 2));
            for (int v = 0; v < views.size(); v++) {
                correlation[v] += ActivationPatching.run(model, prompts, views.get(v), "logit-diff", "denoise",
                        "attribution").correlation() / PATCHING_PROMPTS;
            }
            for (int a = 0; a < ablations.size(); a++) {
                ActivationPatching.Experiment e = ActivationPatching.run(model, prompts, "heads", "logit-diff", "denoise",
                        ablations.get(a) + "-ablation");
                for (int l = 0; l < cfg.n_layers(); l++) {
                    for (int h = 0; h < heads; h++) {
                        ablated[a][l][h] += e.recovered(l, h) / PATCHING_PROMPTS;
                    }
                }
            }
        }
        Map<String, Object> byView = new LinkedHashMap<>();
        for (int v = 0; v < views.size(); v++) {
            byView.put(views.get(v), correlation[v]);
        }
        Map<String, Object> byAblation = new LinkedHashMap<>();
        for (int a = 0; a < ablations.size(); a++) {
            byAblation.put(ablations.get(a), matrix(ablated[a]));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("patching_prompts", (long) PATCHING_PROMPTS);
        out.put("path_patching_k", matrix(path));
        out.put("attribution_correlation", byView);
        out.put("ablation_head_effects", byAblation);
        return out;
    }

    private static byte[] file(String specName, AttentionOnlySpec spec, TransformerConfig cfg, Snapshot s,
                               Map<String, Object> metrics) {
        Map<String, String> meta = Training.header(AttentionOnlySpec.KIND, specName);
        meta.put("spec", spec.canonical());
        meta.put("trainer", VERSION);
        meta.put("seed", Long.toString(spec.seed()));
        meta.put("step", Integer.toString(s.step()));
        meta.put(HookedTransformer.CONFIG_KEY, cfg.toJson());
        meta.put("language", languageJson(spec.language()));
        meta.put("metrics", Training.metrics(metrics));
        return new SafeTensors(new HookedTransformer(cfg, s.weights()).tensors(), meta).toBytes();
    }

    /** The language's settings (enough to regenerate it) and its token names. */
    static String languageJson(SyntheticLanguage.Settings l) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("vocab", l.vocab());
        map.put("successors", l.successors());
        map.put("noise", l.noise());
        map.put("repeat_probability", l.repeatProbability());
        map.put("segment_min", l.segmentMin());
        map.put("segment_max", l.segmentMax());
        map.put("seed", l.seed());
        List<Object> names = new ArrayList<>();
        for (int i = 0; i < l.vocab(); i++) {
            names.add(SyntheticLanguage.tokenName(i));
        }
        map.put("token_names", names);
        return Json.write(map);
    }

    /** The published weights, run by the widgets' HookedTransformer, against ND4J's logits. */
    static double parity(String fileName, byte[] bytes, int[][] sequences, float[] expected, int nCtx) {
        HookedTransformer model = HookedTransformer.fromWeights(SafeTensors.fromBytes(bytes));
        int vocab = model.cfg().d_vocab_out();
        double maxDiff = 0;
        double scale = 1;
        for (int s = 0; s < sequences.length; s++) {
            Tensor logits = model.forward(java.util.Arrays.copyOf(sequences[s], nCtx));
            for (int t = 0; t < nCtx; t++) {
                for (int c = 0; c < vocab; c++) {
                    float want = expected[(s * nCtx + t) * vocab + c];
                    maxDiff = Math.max(maxDiff, Math.abs(logits.get(t, c) - want));
                    scale = Math.max(scale, Math.abs(want));
                }
            }
        }
        return Transformers.requireParity(fileName, maxDiff, scale, PARITY_RELATIVE_TOLERANCE);
    }

    static List<String> verify(AttentionOnlySpec spec, List<TrainedModel> models) {
        List<String> failures = new ArrayList<>();
        Map<?, ?> metrics = Training.metricsOf(models, FINAL);
        if (metrics == null || spec.expectations() == 0) {
            return failures;
        }
        atLeast(failures, spec.bigramTop1AgreementAtLeast(), number(metrics, "bigram_top1_agreement"),
                "the direct path W_E W_U + b_U picks the likeliest successor for a share");
        if (spec.nLayers() >= 1) {
            atLeast(failures, spec.copyingFractionAtLeast(), number(metrics, "layer0_copying_fraction"),
                    "the layer-0 heads' summed full OV circuit maps to itself a share of tokens");
        }
        if (spec.nLayers() >= 2) {
            List<?> previous = (List<?>) metrics.get("previous_token_scores");
            atLeast(failures, spec.previousTokenScoreAtLeast(), max((List<?>) previous.get(0)),
                    "the best previous-token score in layer 0 is");
            List<?> induction = (List<?>) metrics.get("induction_scores");
            double best = 0;
            for (int l = 1; l < induction.size(); l++) {
                best = Math.max(best, max((List<?>) induction.get(l)));
            }
            atLeast(failures, spec.inductionScoreAtLeast(), best, "the best induction score after layer 0 is");
        }
        if (spec.copySuppressionHead() != null) {
            int[] lh = spec.copySuppressionHeadIndex();
            List<?> scores = (List<?>) metrics.get("ov_copying_scores");
            double score = scores == null ? Double.NaN : ((Number) ((List<?>) scores.get(lh[0])).get(lh[1])).doubleValue();
            if (scores == null) {
                failures.add(FINAL + ": its metrics hold no ov_copying_scores (an older trainer's file): retrain it");
            } else if (!(score < 0)) {
                failures.add(FINAL + ": head " + spec.copySuppressionHead() + "'s OV copying score is "
                        + String.format(Locale.ROOT, "%.3f", score) + ", not negative: it does not suppress the token it "
                        + "attends to");
            }
        }
        double first = number(metrics, "repeated_first_half_loss");
        double second = number(metrics, "repeated_second_half_loss");
        if (!Double.isNaN(spec.repeatedLossRatioAtMost()) && !(second / first <= spec.repeatedLossRatioAtMost())) {
            failures.add(FINAL + ": on repeated random tokens the loss in the repeat ("
                    + String.format(Locale.ROOT, "%.3f", second) + ") is " + String.format(Locale.ROOT, "%.3f", second / first)
                    + " of the first half's (" + String.format(Locale.ROOT, "%.3f", first) + "), above the expected "
                    + spec.repeatedLossRatioAtMost());
        }
        return failures;
    }

    private static void atLeast(List<String> failures, double expected, double actual, String what) {
        if (!Double.isNaN(expected) && !(actual >= expected)) {
            failures.add(FINAL + ": " + what + " " + String.format(Locale.ROOT, "%.3f", actual)
                    + ", below the expected " + expected);
        }
    }

    private static double number(Map<?, ?> map, String key) {
        return ((Number) map.get(key)).doubleValue();
    }

    private static double max(List<?> values) {
        double best = Double.NEGATIVE_INFINITY;
        for (Object v : values) {
            best = Math.max(best, ((Number) v).doubleValue());
        }
        return best;
    }
}
