package org.circuitbook.generator.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.circuitbook.widgets.data.ModularPairs;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.model.TransformerConfig;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.weights.SafeTensors;
import org.circuitbook.widgets.weights.WeightNames;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Trains the one-layer modular-addition transformer of Nanda et al. (2023) with ND4J SameDiff, full batch.
 *
 * <p>The graph holds exactly TransformerLens's parameters ({@link HookedTransformer#parameterShapes}) under
 * their names and shapes, initialised as in the paper's code (every matrix normal with std 1/sqrt(d_model),
 * W_U with std 1/sqrt(d_vocab), biases zero), so the exported tensors load into {@link HookedTransformer}
 * unchanged. It computes only what the loss needs: the residual stream at the last position, whose query
 * attends to all three positions (the causal mask removes nothing there), scores scaled by 1/sqrt(d_head).
 * Tokens enter one-hot times W_E and W_pos rows are picked with constant one-hot masks (STACK-FACTS: SameDiff's
 * gather and get break training). Loss: softmax cross-entropy on the train split. AdamW as PyTorch's: Adam
 * with betas (0.9, 0.98) and decoupled weight decay.
 *
 * <p>Per checkpoint (and at the end) the metrics record train and test loss and accuracy, the norm of each
 * Fourier frequency of W_E[:p] (constant, then k = 1..p/2: cos and sin of 2 pi k x / p together), and the
 * paper's excluded loss (train split, the key frequencies' cos/sin(w_k (a + b)) components removed from the
 * logits) and restricted loss (all pairs, only those components and the mean kept); the key frequencies are
 * the 5 with the largest W_E norm at the end. The final file also holds {@code train_loss_per_step}: the
 * training loss of every step, as the optimiser saw it.
 *
 * <p>Parity: every published file (the final weights and each checkpoint), read back from its bytes and run
 * by the widgets' HookedTransformer on all p^2 inputs (every 7th for a checkpoint), must give ND4J's logits
 * at that step within
 * {@link #PARITY_RELATIVE_TOLERANCE} of their scale, else the build fails.
 */
final class ModularAdditionTrainer {
    static final String VERSION = "modular-addition/5"; // 5: trained on ND4J's oneDNN build
    static final String FINAL = WeightNames.FINAL;
    static final int KEY_FREQUENCIES = 5;
    /** Checkpoints are parity-checked on every 7th input pair (a sample that covers every a and b). */
    static final int CHECKPOINT_PARITY_STRIDE = 7;
    /**
     * Parity tolerance relative to the logits' scale: |diff| <= 2e-6 * max(1, max |logit|). Both sides are
     * float32 sums of up to d_mlp = 512 products, in different orders; float32's relative rounding is 6e-8,
     * and accumulated over such sums it stays well under 2e-6 of the largest logit. A grokked model's logits
     * reach tens, so an absolute 1e-5 (the toy models') would fail on rounding alone, while a real mismatch
     * (a transposed weight, a wrong scale) shows as differences of the order of the logits themselves.
     */
    static final double PARITY_RELATIVE_TOLERANCE = 2e-6;

    private ModularAdditionTrainer() {
    }

    static String checkpointName(int step) {
        return WeightNames.checkpoint(step);
    }

    /** The HookedTransformerConfig of the spec's model. */
    static TransformerConfig config(ModularAdditionSpec spec) {
        return new TransformerConfig(1, spec.dModel(), spec.dHead(), spec.nHeads(), spec.dMlp(), spec.p() + 1,
                spec.p(), 3, "relu", false, null, "standard");
    }

    /** The pairs, as a * p + b, split into train (first) and test: all p^2 shuffled by the data seed. */
    record Split(int[] train, int[] test) {
    }

    /** The split {@link ModularPairs} makes (the grokking widget recomputes it from the spec in the file's header). */
    static Split split(ModularAdditionSpec spec) {
        int p = spec.p();
        int[] pairs = ModularPairs.shuffled(p, spec.dataSeed());
        int n = ModularAdditionSpec.trainSize(p, spec.trainFraction());
        return new Split(java.util.Arrays.copyOfRange(pairs, 0, n), java.util.Arrays.copyOfRange(pairs, n, p * p));
    }

    /** The input tokens {@code a b =} of pair {@code a * p + b}. */
    static int[] tokens(int pair, int p) {
        return new int[] {pair / p, pair % p, p};
    }

    /** One-hot rows [pairs, d_vocab] of the token at {@code position} of each pair. */
    static INDArray oneHot(int[] pairs, int p, int position) {
        int vocab = p + 1;
        float[] x = new float[pairs.length * vocab];
        for (int i = 0; i < pairs.length; i++) {
            x[i * vocab + tokens(pairs[i], p)[position]] = 1f;
        }
        return Nd4j.create(x, new long[] {pairs.length, vocab}, DataType.FLOAT);
    }

    static INDArray labels(int[] pairs, int p) {
        float[] y = new float[pairs.length * p];
        for (int i = 0; i < pairs.length; i++) {
            y[i * p + (pairs[i] / p + pairs[i] % p) % p] = 1f;
        }
        return Nd4j.create(y, new long[] {pairs.length, p}, DataType.FLOAT);
    }

    static List<TrainedModel> train(String specName, ModularAdditionSpec spec) {
        return Training.quietly(() -> trainQuietly(specName, spec));
    }

    private static List<TrainedModel> trainQuietly(String specName, ModularAdditionSpec spec) {
        int p = spec.p();
        TransformerConfig cfg = config(spec);
        Split split = split(spec);
        SameDiff sd = graph(spec, cfg);
        StepLosses stepLosses = new StepLosses("logits");
        sd.setListeners(stepLosses);
        int[] all = new int[p * p];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        Map<String, INDArray> allInputs = Map.of("tok0", oneHot(all, p, 0), "tok1", oneHot(all, p, 1),
                "tok2", oneHot(all, p, 2));
        INDArray[] trainFeatures = {oneHot(split.train(), p, 0), oneHot(split.train(), p, 1), oneHot(split.train(), p, 2)};
        INDArray trainLabels = labels(split.train(), p);

        List<Snapshot> snapshots = new ArrayList<>();
        int[] points = java.util.stream.IntStream.concat(java.util.Arrays.stream(spec.checkpointSteps()),
                java.util.stream.IntStream.of(spec.steps())).toArray();
        int done = 0;
        for (int step : points) {
            if (step > done) {
                sd.fit(Batches.repeating(step - done,
                        new org.nd4j.linalg.dataset.MultiDataSet(trainFeatures, new INDArray[] {trainLabels})), 1);
                done = step;
            }
            float[] logits = Training.floats(sd.output(allInputs, "logits").get("logits"));
            snapshots.add(new Snapshot(step, Transformers.weights(sd, cfg), logits));
        }

        Snapshot last = snapshots.get(snapshots.size() - 1);
        double[] finalNorms = fourierNorms(last.weights().get("embed.W_E"), p);
        int[] keys = keyFrequencies(finalNorms);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Snapshot s : snapshots) {
            rows.add(row(s, split, p, keys));
        }
        Map<String, Object> finalRow = rows.get(rows.size() - 1);
        Map<String, Object> metrics = new LinkedHashMap<>(finalRow);
        metrics.put("key_frequencies", java.util.Arrays.stream(keys).boxed().toList());
        metrics.put("key_frequencies_norm_fraction", keyShare(finalNorms, keys));
        metrics.put("train_size", split.train().length);
        metrics.put("test_size", split.test().length);
        metrics.put("train_loss_per_step", stepLosses.values());
        metrics.put("checkpoints", rows.subList(0, rows.size() - 1));

        List<TrainedModel> out = new ArrayList<>();
        byte[] finalBytes = file(specName, spec, cfg, last, metrics);
        parity(FINAL, finalBytes, last.logits(), p, 1);
        out.add(new TrainedModel(FINAL, finalBytes));
        for (int i = 0; i < snapshots.size() - 1; i++) {
            Map<String, Object> own = new LinkedHashMap<>(rows.get(i));
            own.put("key_frequencies", metrics.get("key_frequencies"));
            String name = checkpointName(snapshots.get(i).step());
            byte[] bytes = file(specName, spec, cfg, snapshots.get(i), own);
            parity(name, bytes, snapshots.get(i).logits(), p, CHECKPOINT_PARITY_STRIDE);
            out.add(new TrainedModel(name, bytes));
        }
        return out;
    }

    /** The weights and the logits on all p^2 inputs at one step. */
    private record Snapshot(int step, Map<String, Tensor> weights, float[] logits) {
    }

    private static byte[] file(String specName, ModularAdditionSpec spec, TransformerConfig cfg, Snapshot s,
                               Map<String, Object> metrics) {
        Map<String, String> meta = Training.header(ModularAdditionSpec.KIND, specName);
        meta.put("spec", spec.canonical());
        meta.put("trainer", VERSION);
        meta.put("step", Integer.toString(s.step()));
        meta.put(HookedTransformer.CONFIG_KEY, cfg.toJson());
        meta.put("metrics", Training.metrics(metrics));
        return new SafeTensors(new HookedTransformer(cfg, s.weights()).tensors(), meta).toBytes();
    }

    static SameDiff graph(ModularAdditionSpec spec, TransformerConfig cfg) {
        int p = spec.p();
        int vocab = p + 1;
        int d = spec.dModel();
        int h = spec.nHeads();
        int e = spec.dHead();
        int he = h * e;
        SameDiff sd = SameDiff.create();
        SDVariable[] tok = new SDVariable[3];
        for (int i = 0; i < 3; i++) {
            tok[i] = sd.placeHolder("tok" + i, DataType.FLOAT, -1, vocab);
        }
        SDVariable label = sd.placeHolder("label", DataType.FLOAT, -1, p);
        Random init = new Random(spec.seed());
        // Nanda et al.'s initialisation: N(0, 1/d_model) for every matrix, N(0, 1/d_vocab) for W_U, biases zero
        Map<String, SDVariable> w = Transformers.parameters(sd, cfg, init,
                name -> name.equals("unembed.W_U") ? 1 / Math.sqrt(vocab) : 1 / Math.sqrt(d));
        String a = "blocks.0.attn.";
        String m = "blocks.0.mlp.";
        SDVariable[] x = new SDVariable[3];                                     // resid_pre, [batch, d_model]
        for (int i = 0; i < 3; i++) {
            float[] mask = new float[3];
            mask[i] = 1f;
            SDVariable posRow = sd.reshape(sd.constant(Nd4j.create(mask, new long[] {1, 3}, DataType.FLOAT))
                    .mmul(w.get("pos_embed.W_pos")), d);                        // W_pos[i], [d_model]
            x[i] = sd.nn.biasAdd(tok[i].mmul(w.get("embed.W_E")), posRow, true);
        }
        // heads side by side (Transformers.graphLayout): [d_model, n_heads * d_head], column h * d_head + j
        SDVariable wq = w.get(a + "W_Q");
        SDVariable wk = w.get(a + "W_K");
        SDVariable wv = w.get(a + "W_V");
        SDVariable bq = w.get(a + "b_Q");
        SDVariable bk = w.get(a + "b_K");
        SDVariable bv = w.get(a + "b_V");
        SDVariable q = sd.nn.biasAdd(x[2].mmul(wq), bq, true);                  // query at the last position
        SDVariable[] scores = new SDVariable[3];
        SDVariable[] values = new SDVariable[3];
        for (int i = 0; i < 3; i++) {
            SDVariable k = sd.nn.biasAdd(x[i].mmul(wk), bk, true);
            scores[i] = sd.reshape(sd.reshape(q.mul(k), -1, h, e).sum(2).div(Math.sqrt(e)), -1, h, 1); // [batch, h, 1]
            values[i] = sd.nn.biasAdd(x[i].mmul(wv), bv, true);                                      // [batch, h * e]
        }
        SDVariable pattern = sd.reshape(sd.nn.softmax(sd.concat(2, scores), 2), -1, 3L * h); // [batch, h * 3 + i]
        // z = sum_i pattern[., h, i] v_i[., h, .]: each position's weights spread over its head's d_head columns by a
        // constant 0/1 matrix, then multiplied elementwise (a broadcast multiply's backward pass costs ~10x more)
        SDVariable z = null;
        for (int i = 0; i < 3; i++) {
            float[] spread = new float[3 * h * he];
            for (int head = 0; head < h; head++) {
                for (int j = 0; j < e; j++) {
                    spread[(head * 3 + i) * he + head * e + j] = 1f;
                }
            }
            SDVariable weights = pattern.mmul(sd.constant(Nd4j.create(spread, new long[] {3L * h, he}, DataType.FLOAT)));
            SDVariable term = weights.mul(sd.reshape(values[i], -1, he));
            z = z == null ? term : z.add(term);
        }
        SDVariable attnOut = sd.nn.biasAdd(sd.reshape(z, -1, he).mmul(w.get(a + "W_O")), w.get(a + "b_O"), true);
        SDVariable mid = x[2].add(attnOut);
        // [batch, 1] of ones (each one-hot row sums to 1; onesLike makes them exact whatever the input)
        SDVariable ones = sd.onesLike(tok[2].sum(true, 1));
        // b_in's gradient by a matrix product, not biasadd_bp (1 to 2 ms a step on this [batch, d_mlp] array)
        SDVariable pre = Training.plusRowBias(sd, mid.mmul(w.get(m + "W_in")), w.get(m + "b_in"), ones);
        SDVariable post = Training.relu(sd, null, pre);
        SDVariable resid = mid.add(sd.nn.biasAdd(post.mmul(w.get(m + "W_out")), w.get(m + "b_out"), true));
        SDVariable logits = sd.nn.biasAdd("logits", resid.mmul(w.get("unembed.W_U")), w.get("unembed.b_U"), true);
        SDVariable loss = sd.loss.softmaxCrossEntropy("loss", label, logits, null);
        sd.setLossVariables(loss);
        sd.setTrainingConfig(new TrainingConfig.Builder()
                .updater(new Adam(spec.learningRate(), 0.9, 0.98, 1e-8))
                .weightDecay(spec.weightDecay(), true)
                .dataSetFeatureMapping("tok0", "tok1", "tok2").dataSetLabelMapping("label").build());
        return sd;
    }

    /**
     * The norm of each Fourier frequency of W_E[:p] (the number tokens' embeddings, as functions of x in
     * Z_p): index 0 the constant, index k the cos and sin of 2 pi k x / p together, for k = 1..floor(p/2)
     * (at k = p/2, for even p, the cosine alone). The basis is orthonormal, so the squares sum to |W_E[:p]|^2.
     */
    static double[] fourierNorms(Tensor wE, int p) {
        int d = wE.dim(1);
        int frequencies = p / 2;
        double[] squares = new double[frequencies + 1];
        for (int k = 0; k <= frequencies; k++) {
            boolean alone = k == 0 || 2 * k == p;
            for (int phase = 0; phase < (alone ? 1 : 2); phase++) {
                double scale = alone ? Math.sqrt(1.0 / p) : Math.sqrt(2.0 / p);
                for (int j = 0; j < d; j++) {
                    double c = 0;
                    for (int xi = 0; xi < p; xi++) {
                        double angle = 2 * Math.PI * k * xi / p;
                        c += scale * (phase == 0 ? Math.cos(angle) : Math.sin(angle)) * wE.get(xi, j);
                    }
                    squares[k] += c * c;
                }
            }
        }
        double[] norms = new double[squares.length];
        for (int k = 0; k < norms.length; k++) {
            norms[k] = Math.sqrt(squares[k]);
        }
        return norms;
    }

    /** The KEY_FREQUENCIES non-constant frequencies with the largest norms, largest first. */
    static int[] keyFrequencies(double[] norms) {
        return java.util.stream.IntStream.range(1, norms.length).boxed()
                .sorted((i, j) -> Double.compare(norms[j], norms[i]))
                .limit(KEY_FREQUENCIES).mapToInt(Integer::intValue).toArray();
    }

    /** The share of the squared Fourier norm (constant included) in the key frequencies. */
    static double keyShare(double[] norms, int[] keys) {
        double total = 0;
        for (double n : norms) {
            total += n * n;
        }
        double kept = 0;
        for (int k : keys) {
            kept += norms[k] * norms[k];
        }
        return total == 0 ? 0 : kept / total;
    }

    private static Map<String, Object> row(Snapshot s, Split split, int p, int[] keys) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("step", s.step());
        double[] train = lossAndAccuracy(s.logits(), split.train(), p);
        double[] test = lossAndAccuracy(s.logits(), split.test(), p);
        r.put("train_loss", train[0]);
        r.put("train_accuracy", train[1]);
        r.put("test_loss", test[0]);
        r.put("test_accuracy", test[1]);
        List<Object> norms = new ArrayList<>();
        for (double n : fourierNorms(s.weights().get("embed.W_E"), p)) {
            norms.add(n);
        }
        r.put("fourier_norms", norms);
        float[][] parts = keyFrequencyParts(s.logits(), p, keys);
        float[] excluded = s.logits().clone();
        for (int i = 0; i < excluded.length; i++) {
            excluded[i] -= parts[1][i];
        }
        float[] restricted = new float[excluded.length];
        for (int i = 0; i < restricted.length; i++) {
            restricted[i] = parts[0][i] + parts[1][i];
        }
        int[] all = java.util.stream.IntStream.range(0, p * p).toArray();
        r.put("excluded_loss", lossAndAccuracy(excluded, split.train(), p)[0]);
        r.put("restricted_loss", lossAndAccuracy(restricted, all, p)[0]);
        return r;
    }

    /**
     * The logits' parts, over all p^2 inputs and for each output c: [0] the mean over inputs, [1] the
     * projection onto cos(w_k (a + b)) and sin(w_k (a + b)) for the key frequencies, w_k = 2 pi k / p.
     */
    private static float[][] keyFrequencyParts(float[] logits, int p, int[] keys) {
        int n = p * p;
        float[] mean = new float[logits.length];
        float[] key = new float[logits.length];
        for (int c = 0; c < p; c++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += logits[i * p + c];
            }
            for (int i = 0; i < n; i++) {
                mean[i * p + c] = (float) (sum / n);
            }
        }
        for (int k : keys) {
            for (int phase = 0; phase < (2 * k == p ? 1 : 2); phase++) {
                double[] dir = new double[n];
                double norm2 = 0;
                for (int i = 0; i < n; i++) {
                    double angle = 2 * Math.PI * k * ((i / p + i % p) % p) / p;
                    dir[i] = phase == 0 ? Math.cos(angle) : Math.sin(angle);
                    norm2 += dir[i] * dir[i];
                }
                for (int c = 0; c < p; c++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) {
                        dot += dir[i] * logits[i * p + c];
                    }
                    for (int i = 0; i < n; i++) {
                        key[i * p + c] += (float) (dot / norm2 * dir[i]);
                    }
                }
            }
        }
        return new float[][] {mean, key};
    }

    /** Mean cross-entropy (double precision) and accuracy of the logits rows of {@code pairs}. */
    static double[] lossAndAccuracy(float[] logits, int[] pairs, int p) {
        double loss = 0;
        int correct = 0;
        for (int pair : pairs) {
            int answer = (pair / p + pair % p) % p;
            int best = 0;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < p; c++) {
                double v = logits[pair * p + c];
                if (v > max) {
                    max = v;
                    best = c;
                }
            }
            double sum = 0;
            for (int c = 0; c < p; c++) {
                sum += Math.exp(logits[pair * p + c] - max);
            }
            loss += Math.log(sum) + max - logits[pair * p + answer];
            correct += best == answer ? 1 : 0;
        }
        return new double[] {loss / pairs.length, (double) correct / pairs.length};
    }

    /** The published weights, run by the widgets' HookedTransformer on all p^2 inputs, against ND4J's logits. */
    static double parity(byte[] bytes, float[] expected, int p) {
        return parity(FINAL, bytes, expected, p, 1);
    }

    /**
     * The parity check of one published file on every {@code stride}-th of the p^2 inputs: all of them for
     * the final model, a fixed sample for each checkpoint (an export mismatch shows on any input, and the
     * pure-Java forward pass over all p^2 inputs for 40 checkpoints would add ~100 s to the build).
     */
    static double parity(String fileName, byte[] bytes, float[] expected, int p, int stride) {
        HookedTransformer model = HookedTransformer.fromWeights(SafeTensors.fromBytes(bytes));
        double maxDiff = 0;
        double scale = 1;
        for (int pair = 0; pair < p * p; pair += stride) {
            Tensor logits = model.forward(tokens(pair, p));
            for (int c = 0; c < p; c++) {
                float want = expected[pair * p + c];
                maxDiff = Math.max(maxDiff, Math.abs(logits.get(2, c) - want));
                scale = Math.max(scale, Math.abs(want));
            }
        }
        return Transformers.requireParity(fileName, maxDiff, scale, PARITY_RELATIVE_TOLERANCE);
    }

    static List<String> verify(ModularAdditionSpec spec, List<TrainedModel> models) {
        List<String> failures = new ArrayList<>();
        Map<?, ?> metrics = Training.metricsOf(models, FINAL);
        if (metrics == null || spec.expectations() == 0) {
            return failures;
        }
        double accuracy = ((Number) metrics.get("test_accuracy")).doubleValue();
        double share = ((Number) metrics.get("key_frequencies_norm_fraction")).doubleValue();
        if (!Double.isNaN(spec.testAccuracyAtLeast()) && accuracy < spec.testAccuracyAtLeast()) {
            failures.add(FINAL + ": test accuracy " + String.format(Locale.ROOT, "%.4f", accuracy)
                    + " is below the expected " + spec.testAccuracyAtLeast());
        }
        if (!Double.isNaN(spec.keyFrequenciesNormFractionAtLeast()) && share < spec.keyFrequenciesNormFractionAtLeast()) {
            failures.add(FINAL + ": the top " + KEY_FREQUENCIES + " frequencies hold "
                    + String.format(Locale.ROOT, "%.3f", share) + " of W_E's squared Fourier norm, below the expected "
                    + spec.keyFrequenciesNormFractionAtLeast());
        }
        return failures;
    }
}
