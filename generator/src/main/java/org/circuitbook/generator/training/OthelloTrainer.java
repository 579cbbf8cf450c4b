package org.circuitbook.generator.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.circuitbook.widgets.data.Lcg;
import org.circuitbook.widgets.data.Othello;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.model.OthelloModel;
import org.circuitbook.widgets.model.SparseAutoencoder;
import org.circuitbook.widgets.model.TransformerConfig;
import org.circuitbook.widgets.tensor.Ops;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.weights.SafeTensors;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Trains the Othello world model ({@link OthelloSpec}) with ND4J SameDiff on {@link Othello#randomGames}: at every
 * position t of a game (the board after move t) the target is the uniform distribution over the legal next moves,
 * and the loss is the cross-entropy against it (positions after the game's end, and the padding of shorter games,
 * have no target). The graph is {@link Transformers#logits}, the one the attention-only kind trains, with MLPs.
 *
 * <p>Then, on the published weights run by the widgets' {@link HookedTransformer}: least-squares probes
 * ({@link OthelloModel#fitProbe}) on the training games' residual stream at every stage under the {@code colour} and
 * {@code relative} labellings, mean-difference steering directions (mean stream where a square is mine minus where
 * it is theirs), and the metrics on the test games:
 * <ul>
 *   <li>{@code legal_move_accuracy} (the top move is legal), {@code legal_move_mass} (probability on legal moves),
 *       {@code test_loss} and its optimum {@code test_loss_optimum} (the target's entropy), over positions with a
 *       legal move;
 *   <li>{@code probe_accuracy.L}, {@code probe_accuracy_occupied.L} (non-empty squares only) per stage, and
 *       {@code probe_accuracy_baseline.L} (each square's majority class in the training games);
 *   <li>{@code intervention.*} (Li et al. 2023's measure): on {@value #INTERVENTIONS} fixed test positions, one
 *       occupied square's mine/theirs flipped by {@link OthelloModel#edit} at {@code intervention_stage}. The
 *       predicted legal set is the top-k moves, k the size of the set it is compared with; errors are the size of
 *       the symmetric difference, averaged. {@code errors_before}/{@code errors_after}: without/with the edit,
 *       against the edited board's legal set; {@code errors_original_before/after}: against the original board's;
 *       {@code error_ratio} = after / before. {@code steering.*}: the same with the mean-difference direction
 *       (alpha {@value #STEER_ALPHA}, sign towards the new class) instead of the probe edit; {@code sae_steering.*}
 *       with the SAE direction ({@link #saeDirections}) instead;
 *   <li>{@code sae} (a list, one entry per stage): the SAE's {@code normalised_reconstruction_error} and {@code l0}
 *       on the test games' rows, its {@code dead_fraction} on the training rows, and per square the {@code latent}
 *       chosen and its {@code cosine} to the mean difference.
 * </ul>
 *
 * <p>Parity: the published file, read back and run by HookedTransformer on {@value #PARITY_GAMES} test games, must
 * give ND4J's logits within 1e-5 times their scale.
 */
final class OthelloTrainer {
    static final String VERSION = "othello/5"; // 2: SAE directions and metrics; 3: the SAEs published; 4: oneDNN, rank-3 softmax; 5: fused Q/K/V and embedding products
    static final String FINAL = org.circuitbook.widgets.weights.WeightNames.FINAL;
    static final int PARITY_GAMES = 8;
    static final int INTERVENTIONS = 200;
    static final float STEER_ALPHA = 1f;
    static final List<String> LABELLINGS = List.of("colour", "relative");
    /** The test games' seed salt, shared with the page's fresh probe (one constant, widgets side). */
    private static final long TEST_SALT = org.circuitbook.widgets.widget.ProbeTraining.TEST_SALT;
    private static final long INTERVENTION_SALT = 0x1d7e_77edL;

    private OthelloTrainer() {
    }

    static TransformerConfig config(OthelloSpec spec) {
        int v = spec.vocab();
        return new TransformerConfig(spec.nLayers(), spec.dModel(), spec.dHead(), spec.nHeads(), spec.dMlp(), v, v, v,
                "relu", false, null, "standard");
    }

    static List<TrainedModel> train(String specName, OthelloSpec spec) {
        return Training.quietly(() -> trainQuietly(specName, spec));
    }

    /** The training and test games. */
    static int[][][] games(OthelloSpec spec) {
        Othello o = new Othello(spec.board());
        return new int[][][] {o.randomGames(spec.trainGames(), spec.dataSeed()),
                o.randomGames(spec.testGames(), spec.dataSeed() ^ TEST_SALT)};
    }

    private static List<TrainedModel> trainQuietly(String specName, OthelloSpec spec) {
        TransformerConfig cfg = config(spec);
        Othello othello = new Othello(spec.board());
        int[][][] games = games(spec);
        int[][] train = games[0];
        int[][] test = games[1];
        SameDiff sd = graph(spec, cfg);
        StepLosses stepLosses = new StepLosses("logits");
        sd.setListeners(stepLosses);
        Lcg data = new Lcg(spec.seed() * 31 + 11);
        int[][] parityGames = java.util.Arrays.copyOf(test, Math.min(PARITY_GAMES, test.length));
        sd.fit(Batches.generated(spec.steps(), () -> {
            int[][] batch = new int[spec.batchSize()][];
            for (int i = 0; i < batch.length; i++) {
                batch[i] = train[data.nextInt(train.length)];
            }
            INDArray[] xy = encode(othello, batch, cfg);
            return new org.nd4j.linalg.dataset.MultiDataSet(xy[0], xy[1]);
        }), 1);
        INDArray parityX = encode(othello, parityGames, cfg)[0];
        float[] ndLogits = Training.floats(sd.output(Map.of("tokens", parityX), "logits").get("logits"));
        Map<String, Tensor> weights = Transformers.weights(sd, cfg);
        HookedTransformer model = new HookedTransformer(cfg, weights);

        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.putAll(legalMetrics(othello, model, test));
        Map<String, Tensor> probes = probes(othello, model, train);
        List<Object> saeMetrics = new ArrayList<>();
        List<SparseAutoencoder> saes = new ArrayList<>();
        probes.putAll(saeDirections(spec, othello, model, train, test, probes, saeMetrics, saes));
        OthelloModel world = new OthelloModel(model, othello, probes);
        metrics.putAll(probeMetrics(othello, world, train, test));
        metrics.put("sae", saeMetrics);
        metrics.putAll(interventions(othello, world, test, spec.interventionStage()));
        metrics.put("loss_per_step", stepLosses.values());

        Map<String, String> meta = Training.header(OthelloSpec.KIND, specName);
        meta.put("spec", spec.canonical());
        meta.put("trainer", VERSION);
        meta.put("seed", Long.toString(spec.seed()));
        meta.put("step", Integer.toString(spec.steps()));
        meta.put(HookedTransformer.CONFIG_KEY, cfg.toJson());
        meta.put("metrics", Training.metrics(metrics));
        Map<String, Tensor> tensors = new LinkedHashMap<>(model.tensors());
        tensors.putAll(probes);
        byte[] bytes = new SafeTensors(tensors, meta).toBytes();
        parity(bytes, cfg, parityGames, ndLogits);
        List<TrainedModel> out = new ArrayList<>(List.of(new TrainedModel(FINAL, bytes)));
        for (int s = 0; s < saes.size(); s++) {
            Map<String, String> saeMeta = Training.header(OthelloSpec.KIND, specName);
            saeMeta.put("trainer", VERSION);
            saeMeta.put("seed", Long.toString(spec.seed()));
            saeMeta.put("hook_name", OthelloModel.stageHook(s));
            saeMeta.put("d_in", Integer.toString(saes.get(s).dIn()));
            saeMeta.put("d_sae", Integer.toString(saes.get(s).dSae()));
            saeMeta.put("l1_coefficient", SaeToySpec.label(spec.saeL1()));
            saeMeta.put("metrics", Training.metrics(castMap(saeMetrics.get(s))));
            out.add(new TrainedModel(saeFileName(s), new SafeTensors(saes.get(s).tensors(), saeMeta).toBytes()));
        }
        return out;
    }

    /** The SAE on the stream at {@code stage}, as published: {@code sae-resid-S.safetensors}. */
    static String saeFileName(int stage) {
        return "sae-resid-" + stage + ".safetensors";
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }

    static double parity(byte[] bytes, TransformerConfig cfg, int[][] games, float[] expected) {
        HookedTransformer model = OthelloModel.load(SafeTensors.fromBytes(bytes)).transformer();
        int v = cfg.d_vocab_out();
        int t = cfg.n_ctx();
        double maxDiff = 0;
        double scale = 1;
        for (int g = 0; g < games.length; g++) {
            Tensor logits = model.forward(padded(games[g], t));
            for (int p = 0; p < t; p++) {
                for (int c = 0; c < v; c++) {
                    float want = expected[(g * t + p) * v + c];
                    maxDiff = Math.max(maxDiff, Math.abs(logits.get(p, c) - want));
                    scale = Math.max(scale, Math.abs(want));
                }
            }
        }
        return Transformers.requireParity(FINAL, maxDiff, scale, 1e-5);
    }

    /** A game padded with token 0 to n_ctx (what follows the game's end is never read: attention is causal). */
    static int[] padded(int[] game, int nCtx) {
        return java.util.Arrays.copyOf(game, nCtx);
    }

    /**
     * The graph's inputs [games * n_ctx, {@link Transformers#inputWidth}] (each move and its position,
     * {@link Transformers#encode}) and targets [games * n_ctx, vocab] (uniform over legal next moves; zero rows: no
     * target).
     */
    static INDArray[] encode(Othello othello, int[][] games, TransformerConfig cfg) {
        int v = othello.vocab();
        int nCtx = cfg.n_ctx();
        float[] x = new float[games.length * nCtx * Transformers.inputWidth(cfg)];
        float[] y = new float[games.length * nCtx * v];
        for (int g = 0; g < games.length; g++) {
            int[] tokens = padded(games[g], nCtx);
            Othello.State[] states = othello.replay(games[g]);
            for (int p = 0; p < nCtx; p++) {
                int row = g * nCtx + p;
                Transformers.encode(x, row, tokens[p], p, cfg);
                if (p < games[g].length) {
                    int[] legal = legalTokens(othello, states[p]);
                    for (int tok : legal) {
                        y[row * v + tok] = 1f / legal.length;
                    }
                }
            }
        }
        long rows = (long) games.length * nCtx;
        return new INDArray[] {Training.array(x, new long[] {rows, Transformers.inputWidth(cfg)}),
                Training.array(y, new long[] {rows, v})};
    }

    static int[] legalTokens(Othello othello, Othello.State s) {
        return tokensOf(othello, othello.over(s) ? new boolean[othello.squares()] : othello.legal(s));
    }

    static int[] tokensOf(Othello othello, boolean[] legalSquares) {
        int k = 0;
        for (boolean b : legalSquares) {
            k += b ? 1 : 0;
        }
        int[] out = new int[k];
        k = 0;
        for (int sq = 0; sq < legalSquares.length; sq++) {
            if (legalSquares[sq]) {
                out[k++] = othello.tokenOf(sq);
            }
        }
        return out;
    }

    private static SameDiff graph(OthelloSpec spec, TransformerConfig cfg) {
        int vocab = cfg.d_vocab();
        SameDiff sd = SameDiff.create();
        SDVariable tokens = sd.placeHolder("tokens", DataType.FLOAT, -1, Transformers.inputWidth(cfg));
        SDVariable label = sd.placeHolder("label", DataType.FLOAT, -1, vocab);
        Random init = new Random(spec.seed());
        double std = 0.8 / Math.sqrt(cfg.d_model());
        Map<String, SDVariable> w = Transformers.fusedParameters(sd, cfg, init, name -> std);
        SDVariable logits = Transformers.logits(sd, cfg, w, Transformers.embedded(sd, cfg, w, tokens));
        SDVariable loss = sd.loss.softmaxCrossEntropy("loss", label, logits, null);
        sd.setLossVariables(loss);
        sd.setTrainingConfig(new TrainingConfig.Builder()
                .updater(new Adam(spec.learningRate(), 0.9, 0.98, 1e-8))
                .weightDecay(spec.weightDecay(), true)
                .dataSetFeatureMapping("tokens").dataSetLabelMapping("label").build());
        return sd;
    }

    static Map<String, Object> legalMetrics(Othello othello, HookedTransformer model, int[][] test) {
        double correct = 0;
        double mass = 0;
        double loss = 0;
        double optimum = 0;
        int count = 0;
        for (int[] game : test) {
            Tensor logits = model.forward(game);
            Othello.State[] states = othello.replay(game);
            for (int p = 0; p < game.length; p++) {
                int[] legal = legalTokens(othello, states[p]);
                if (legal.length == 0) {
                    continue;
                }
                double[] prob = softmax(logits, p);
                int best = 0;
                for (int c = 1; c < prob.length; c++) {
                    best = prob[c] > prob[best] ? c : best;
                }
                double m = 0;
                double ce = 0;
                boolean hit = false;
                for (int tok : legal) {
                    m += prob[tok];
                    ce -= Math.log(prob[tok]) / legal.length;
                    hit |= tok == best;
                }
                correct += hit ? 1 : 0;
                mass += m;
                loss += ce;
                optimum += Math.log(legal.length);
                count++;
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("legal_move_accuracy", correct / count);
        out.put("legal_move_mass", mass / count);
        out.put("test_loss", loss / count);
        out.put("test_loss_optimum", optimum / count);
        return out;
    }

    static double[] softmax(Tensor logits, int p) {
        int v = logits.dim(1);
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < v; c++) {
            max = Math.max(max, logits.get(p, c));
        }
        double[] out = new double[v];
        double sum = 0;
        for (int c = 0; c < v; c++) {
            out[c] = Math.exp(logits.get(p, c) - max);
            sum += out[c];
        }
        for (int c = 0; c < v; c++) {
            out[c] /= sum;
        }
        return out;
    }

    /** Stream rows and labels of every position of some games at one stage. */
    record Rows(float[][] x, int[][] colour, int[][] relative) {
        int[][] labels(String labelling) {
            return labelling.equals("colour") ? colour : relative;
        }
    }

    static Rows rows(Othello othello, HookedTransformer model, int[][] games, int stage) {
        int n = 0;
        for (int[] g : games) {
            n += g.length;
        }
        float[][] x = new float[n][];
        int[][] colour = new int[n][];
        int[][] relative = new int[n][];
        int i = 0;
        String hook = OthelloModel.stageHook(stage);
        for (int[] g : games) {
            Tensor r = model.runWithCache(g).get(hook);
            Othello.State[] states = othello.replay(g);
            int d = r.dim(1);
            for (int p = 0; p < g.length; p++) {
                float[] row = new float[d];
                for (int m = 0; m < d; m++) {
                    row[m] = r.get(p, m);
                }
                x[i] = row;
                colour[i] = OthelloModel.labels(states[p], "colour");
                relative[i] = OthelloModel.labels(states[p], "relative");
                i++;
            }
        }
        return new Rows(x, colour, relative);
    }

    /** The probes of every stage and labelling, and the steering directions, fitted on the training games. */
    static Map<String, Tensor> probes(Othello othello, HookedTransformer model, int[][] train) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        int squares = othello.squares();
        for (int s = 0; s <= model.cfg().n_layers(); s++) {
            Rows rows = rows(othello, model, train, s);
            for (String labelling : LABELLINGS) {
                Tensor[] wb = OthelloModel.fitProbe(rows.x(), rows.labels(labelling), squares);
                out.put(OthelloModel.probeName(labelling, s, "W"), wb[0]);
                out.put(OthelloModel.probeName(labelling, s, "b"), wb[1]);
            }
            int d = model.cfg().d_model();
            double[][] mine = new double[squares][d];
            double[][] theirs = new double[squares][d];
            int[] nMine = new int[squares];
            int[] nTheirs = new int[squares];
            for (int i = 0; i < rows.x().length; i++) {
                for (int sq = 0; sq < squares; sq++) {
                    int c = rows.relative()[i][sq];
                    if (c == 0) {
                        continue;
                    }
                    double[] acc = c == 1 ? mine[sq] : theirs[sq];
                    for (int m = 0; m < d; m++) {
                        acc[m] += rows.x()[i][m];
                    }
                    if (c == 1) {
                        nMine[sq]++;
                    } else {
                        nTheirs[sq]++;
                    }
                }
            }
            float[] dir = new float[squares * d];
            for (int sq = 0; sq < squares; sq++) {
                for (int m = 0; m < d; m++) {
                    double a = nMine[sq] == 0 ? 0 : mine[sq][m] / nMine[sq];
                    double b = nTheirs[sq] == 0 ? 0 : theirs[sq][m] / nTheirs[sq];
                    dir[sq * d + m] = (float) (a - b);
                }
            }
            out.put(OthelloModel.steerName(s), Tensor.of(dir, squares, d));
        }
        return out;
    }

    /**
     * The SAE directions ({@code steer.resid_S.sae}, [squares, d_model]): at every stage, a sparse autoencoder
     * ({@link SaeGraph}, {@code sae_latents} latents, L1 coefficient {@code sae_l1}, {@code sae_steps} Adam steps of
     * {@code batch_size} rows) on the training games' residual stream, scaled so that its mean squared norm is
     * d_model. For each square, the latent whose decoder row points most nearly along the square's mean-difference
     * direction (mine minus theirs); its direction is that decoder row in the stream's units, times the latent's mean
     * activation where it is active: alpha 1 adds one typical firing of the feature (as clamping a feature does,
     * Templeton et al. 2024). Per stage, {@code metrics} gets the SAE's normalised reconstruction error, L0 and dead
     * fraction on the test games' rows, and per square the latent chosen and its cosine to the mean difference.
     * {@code saes} gets each stage's SAE as published ({@link #saeFileName}): with the scale folded into its weights
     * (as SAELens's {@code fold_activation_norm_scaling_factor} does: W_enc times the scale, W_dec and b_dec divided by
     * it), so that it reads the stream itself; its metrics, with {@code activation_scale} the scale folded in.
     */
    static Map<String, Tensor> saeDirections(OthelloSpec spec, Othello othello, HookedTransformer model, int[][] train,
                                             int[][] test, Map<String, Tensor> probes, List<Object> metrics,
                                             List<SparseAutoencoder> saes) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        int d = model.cfg().d_model();
        int squares = othello.squares();
        for (int s = 0; s <= model.cfg().n_layers(); s++) {
            float[][] x = rows(othello, model, train, s).x();
            double sq = 0;
            for (float[] row : x) {
                for (float v : row) {
                    sq += (double) v * v;
                }
            }
            float scale = (float) Math.sqrt(d / (sq / x.length));
            SaeGraph graph = new SaeGraph(d, spec.saeLatents(), spec.saeL1(), spec.learningRate(), spec.seed() * 131 + s);
            Lcg pick = new Lcg(spec.seed() * 137 + s);
            graph.fit(spec.saeSteps(), () -> {
                float[] batch = new float[spec.batchSize() * d];
                for (int i = 0; i < spec.batchSize(); i++) {
                    float[] row = x[pick.nextInt(x.length)];
                    for (int m = 0; m < d; m++) {
                        batch[i * d + m] = row[m] * scale;
                    }
                }
                return Training.array(batch, spec.batchSize(), d);
            });
            SparseAutoencoder sae = graph.sae();
            SparseAutoencoder.Evaluation fit = sae.evaluate(scaled(x, scale));
            float[][] testRows = rows(othello, model, test, s).x();
            SparseAutoencoder.Evaluation held = sae.evaluate(scaled(testRows, scale));
            int k = sae.dSae();
            double[] sum = new double[k];
            int[] active = new int[k];
            Tensor f = fit.latents();
            for (int i = 0; i < x.length; i++) {
                for (int j = 0; j < k; j++) {
                    float v = f.get(i, j);
                    if (v > 0) {
                        sum[j] += v;
                        active[j]++;
                    }
                }
            }
            Tensor meanDiff = probes.get(OthelloModel.steerName(s));
            Tensor wDec = sae.W_dec();
            float[] dir = new float[squares * d];
            List<Object> latent = new ArrayList<>();
            List<Object> cosine = new ArrayList<>();
            for (int q = 0; q < squares; q++) {
                int best = -1;
                double bestCos = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < k; j++) {
                    if (active[j] == 0) {
                        continue; // a dead latent has no activation to scale by
                    }
                    double dot = 0;
                    double nd = 0;
                    double nm = 0;
                    for (int m = 0; m < d; m++) {
                        dot += wDec.get(j, m) * meanDiff.get(q, m);
                        nd += wDec.get(j, m) * wDec.get(j, m);
                        nm += meanDiff.get(q, m) * meanDiff.get(q, m);
                    }
                    double c = nd == 0 || nm == 0 ? 0 : dot / Math.sqrt(nd * nm);
                    if (c > bestCos) {
                        bestCos = c;
                        best = j;
                    }
                }
                if (best < 0) {
                    latent.add(-1L);
                    cosine.add(0.0);
                    continue; // every latent dead: no direction (zeros)
                }
                double typical = sum[best] / active[best];
                for (int m = 0; m < d; m++) {
                    dir[q * d + m] = (float) (typical * wDec.get(best, m) / scale);
                }
                latent.add((long) best);
                cosine.add(bestCos);
            }
            out.put(OthelloModel.saeName(s), Tensor.of(dir, squares, d));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("normalised_reconstruction_error", held.normalisedReconstructionError());
            m.put("l0", held.l0());
            m.put("dead_fraction", fit.deadFraction());
            m.put("latent", latent);
            m.put("cosine", cosine);
            m.put("activation_scale", (double) scale);
            metrics.add(m);
            saes.add(folded(sae, scale));
        }
        return out;
    }

    /** The SAE trained on the stream times {@code scale}, reading the stream itself (W_enc s, b_enc, W_dec / s, b_dec / s). */
    static SparseAutoencoder folded(SparseAutoencoder sae, float scale) {
        Map<String, Tensor> t = sae.tensors();
        return new SparseAutoencoder(Ops.scale(t.get(SparseAutoencoder.W_ENC), scale), t.get(SparseAutoencoder.B_ENC),
                Ops.scale(t.get(SparseAutoencoder.W_DEC), 1f / scale), Ops.scale(t.get(SparseAutoencoder.B_DEC), 1f / scale));
    }

    private static Tensor scaled(float[][] x, float scale) {
        int d = x[0].length;
        float[] v = new float[x.length * d];
        for (int i = 0; i < x.length; i++) {
            for (int m = 0; m < d; m++) {
                v[i * d + m] = x[i][m] * scale;
            }
        }
        return Tensor.of(v, x.length, d);
    }

    static Map<String, Object> probeMetrics(Othello othello, OthelloModel world, int[][] train, int[][] test) {
        int squares = othello.squares();
        int stages = world.stages();
        Map<String, Object> acc = new LinkedHashMap<>();
        Map<String, Object> occ = new LinkedHashMap<>();
        Map<String, Object> base = new LinkedHashMap<>();
        Rows trainRows = rows(othello, world.transformer(), train, 0);
        for (String labelling : LABELLINGS) {
            int[][] counts = new int[squares][3];
            for (int[] row : trainRows.labels(labelling)) {
                for (int sq = 0; sq < squares; sq++) {
                    counts[sq][row[sq]]++;
                }
            }
            int[] majority = new int[squares];
            for (int sq = 0; sq < squares; sq++) {
                for (int c = 1; c < 3; c++) {
                    majority[sq] = counts[sq][c] > counts[sq][majority[sq]] ? c : majority[sq];
                }
            }
            List<Object> all = new ArrayList<>();
            List<Object> occupied = new ArrayList<>();
            double baseRight = 0;
            double baseCount = 0;
            for (int s = 0; s < stages; s++) {
                Rows rows = rows(othello, world.transformer(), test, s);
                Tensor w = tensorOf(world, labelling, s, "W");
                Tensor b = tensorOf(world, labelling, s, "b");
                double right = 0;
                double n = 0;
                double occRight = 0;
                double occN = 0;
                int[][] labels = rows.labels(labelling);
                for (int i = 0; i < rows.x().length; i++) {
                    int[] read = OthelloModel.readout(w, b, rows.x()[i], squares);
                    for (int sq = 0; sq < squares; sq++) {
                        boolean ok = read[sq] == labels[i][sq];
                        right += ok ? 1 : 0;
                        n++;
                        if (labels[i][sq] != 0) {
                            occRight += ok ? 1 : 0;
                            occN++;
                        }
                        if (s == 0) {
                            baseRight += majority[sq] == labels[i][sq] ? 1 : 0;
                            baseCount++;
                        }
                    }
                }
                all.add(right / n);
                occupied.add(occRight / occN);
            }
            acc.put(labelling, all);
            occ.put(labelling, occupied);
            base.put(labelling, baseRight / baseCount);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("probe_accuracy", acc);
        out.put("probe_accuracy_occupied", occ);
        out.put("probe_accuracy_baseline", base);
        return out;
    }

    private static Tensor tensorOf(OthelloModel world, String labelling, int stage, String part) {
        return world.probeTensor(OthelloModel.probeName(labelling, stage, part));
    }

    /** One intervention case: a test game's prefix, the square flipped and its new relative class. */
    record Case(int[] prefix, int square, int newClass, int[] originalLegal, int[] editedLegal) {
    }

    /** The fixed intervention cases: per test game (up to the count), a seeded position and an occupied square whose flip changes the legal set. */
    static List<Case> cases(Othello othello, int[][] test) {
        Lcg random = new Lcg(INTERVENTION_SALT);
        List<Case> out = new ArrayList<>();
        for (int[] game : test) {
            if (out.size() == INTERVENTIONS) {
                break;
            }
            Othello.State[] states = othello.replay(game);
            List<int[]> options = new ArrayList<>();
            for (int p = 0; p < game.length; p++) {
                Othello.State s = states[p];
                if (othello.over(s)) {
                    continue;
                }
                int[] original = legalTokens(othello, s);
                for (int sq = 0; sq < othello.squares(); sq++) {
                    if (s.cells[sq] == 0) {
                        continue;
                    }
                    int[] cells = s.cells.clone();
                    cells[sq] = Othello.other(cells[sq]);
                    int[] edited = tokensOf(othello, othello.legalFor(cells, s.toMove));
                    if (edited.length > 0 && !java.util.Arrays.equals(edited, original)) {
                        options.add(new int[] {p, sq});
                    }
                }
            }
            if (options.isEmpty()) {
                continue;
            }
            int[] pick = options.get(random.nextInt(options.size()));
            Othello.State s = states[pick[0]];
            int[] cells = s.cells.clone();
            cells[pick[1]] = Othello.other(cells[pick[1]]);
            int newClass = s.cells[pick[1]] == s.toMove ? 2 : 1;
            out.add(new Case(java.util.Arrays.copyOf(game, pick[0] + 1), pick[1], newClass, legalTokens(othello, s),
                    tokensOf(othello, othello.legalFor(cells, s.toMove))));
        }
        return out;
    }

    /** |top-k(logits) symmetric-difference truth|, k = |truth|. */
    static int errors(float[] logits, int[] truth) {
        int k = truth.length;
        boolean[] taken = new boolean[logits.length];
        for (int i = 0; i < k; i++) {
            int best = -1;
            for (int c = 0; c < logits.length; c++) {
                if (!taken[c] && (best < 0 || logits[c] > logits[best])) {
                    best = c;
                }
            }
            taken[best] = true;
        }
        int inBoth = 0;
        for (int tok : truth) {
            inBoth += taken[tok] ? 1 : 0;
        }
        return 2 * (k - inBoth);
    }

    static Map<String, Object> interventions(Othello othello, OthelloModel world, int[][] test, int stage) {
        List<Case> cases = cases(othello, test);
        double before = 0;
        double after = 0;
        double origBefore = 0;
        double origAfter = 0;
        double steerAfter = 0;
        double steerOrigAfter = 0;
        double saeAfter = 0;
        double saeOrigAfter = 0;
        for (Case c : cases) {
            float[][] all = world.legalLogits(c.prefix());
            float[] plain = all[all.length - 1];
            float[] edited = world.edit(c.prefix(), stage, c.square(), c.newClass());
            float[] dir = world.direction("mine_minus_theirs", stage, c.square());
            float[] steered = world.steer(c.prefix(), stage, dir, c.newClass() == 1 ? STEER_ALPHA : -STEER_ALPHA);
            float[] saeSteered = world.steer(c.prefix(), stage, world.direction("sae", stage, c.square()),
                    c.newClass() == 1 ? STEER_ALPHA : -STEER_ALPHA);
            saeAfter += errors(saeSteered, c.editedLegal());
            saeOrigAfter += errors(saeSteered, c.originalLegal());
            before += errors(plain, c.editedLegal());
            after += errors(edited, c.editedLegal());
            origBefore += errors(plain, c.originalLegal());
            origAfter += errors(edited, c.originalLegal());
            steerAfter += errors(steered, c.editedLegal());
            steerOrigAfter += errors(steered, c.originalLegal());
        }
        int n = cases.size();
        Map<String, Object> intervention = new LinkedHashMap<>();
        intervention.put("cases", (long) n);
        intervention.put("errors_before", before / n);
        intervention.put("errors_after", after / n);
        intervention.put("error_ratio", after / before);
        intervention.put("errors_original_before", origBefore / n);
        intervention.put("errors_original_after", origAfter / n);
        Map<String, Object> steering = new LinkedHashMap<>();
        steering.put("alpha", (double) STEER_ALPHA);
        steering.put("errors_before", before / n);
        steering.put("errors_after", steerAfter / n);
        steering.put("error_ratio", steerAfter / before);
        steering.put("errors_original_after", steerOrigAfter / n);
        Map<String, Object> saeSteering = new LinkedHashMap<>();
        saeSteering.put("alpha", (double) STEER_ALPHA);
        saeSteering.put("errors_before", before / n);
        saeSteering.put("errors_after", saeAfter / n);
        saeSteering.put("error_ratio", saeAfter / before);
        saeSteering.put("errors_original_after", saeOrigAfter / n);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("intervention", intervention);
        out.put("steering", steering);
        out.put("sae_steering", saeSteering);
        return out;
    }

    static List<String> verify(OthelloSpec spec, List<TrainedModel> models) {
        List<String> failures = new ArrayList<>();
        Map<?, ?> metrics = Training.metricsOf(models, FINAL);
        if (metrics == null || spec.expectations() == 0) {
            return failures;
        }
        double legal = ((Number) metrics.get("legal_move_accuracy")).doubleValue();
        if (!Double.isNaN(spec.legalMoveAccuracyAtLeast()) && !(legal >= spec.legalMoveAccuracyAtLeast())) {
            failures.add(FINAL + ": the top move is legal at " + fmt(legal) + " of test positions, below the expected "
                    + spec.legalMoveAccuracyAtLeast());
        }
        Map<?, ?> probes = (Map<?, ?>) metrics.get("probe_accuracy");
        double[] wanted = {spec.probeColourAtLeast(), spec.probeRelativeAtLeast()};
        for (int i = 0; i < 2; i++) {
            if (Double.isNaN(wanted[i])) {
                continue;
            }
            double best = 0;
            for (Object v : (List<?>) probes.get(LABELLINGS.get(i))) {
                best = Math.max(best, ((Number) v).doubleValue());
            }
            if (!(best >= wanted[i])) {
                failures.add(FINAL + ": the best " + LABELLINGS.get(i) + " probe reads " + fmt(best)
                        + " of test squares right, below the expected " + wanted[i]);
            }
        }
        double ratio = ((Number) ((Map<?, ?>) metrics.get("intervention")).get("error_ratio")).doubleValue();
        if (!Double.isNaN(spec.interventionErrorRatioAtMost()) && !(ratio <= spec.interventionErrorRatioAtMost())) {
            failures.add(FINAL + ": the probe edit leaves " + fmt(ratio) + " of the errors against the edited board,"
                    + " above the expected " + spec.interventionErrorRatioAtMost());
        }
        return failures;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
