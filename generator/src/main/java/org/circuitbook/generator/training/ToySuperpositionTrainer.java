package org.circuitbook.generator.training;

import java.math.BigDecimal;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.circuitbook.widgets.model.ToyModel;
import org.circuitbook.widgets.tensor.Ops;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.weights.Json;
import org.circuitbook.widgets.weights.SafeTensors;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Trains the toy model of superposition (Elhage et al. 2022) with ND4J SameDiff, one model per sparsity.
 *
 * <p>Data: each of the {@code n_features} inputs is 0 with probability S (the sparsity) and otherwise
 * uniform in [0, 1]; the target is the input itself. Loss: the importance-weighted squared error
 * {@code mean_batch,features(I_i (x_i - x'_i)^2)}, with I_i = decay^i, as in the paper's code. Adam.
 *
 * <p>Every restart of every sparsity trains at once, as one graph over an instance axis (the paper's
 * {@code n_instances}): instance {@code k = s * restarts + r} has its own W, b_final, initialisation, data
 * stream and optimizer state, and the loss is the sum of the instances' own losses, so each instance's
 * gradients and Adam updates are exactly those of training it alone. The restart of each sparsity with the
 * lowest final evaluation loss is the published model; every restart's final loss is in its metrics
 * ({@code restart_losses}).
 *
 * <p>After training, the widgets module's pure-Java forward pass runs on the exported weights and is
 * compared with ND4J's output on a fixed batch: the browser runs the same classes, so a mismatch above
 * {@link #PARITY_TOLERANCE} means the published weights do not reproduce the trained model, and fails
 * the build.
 */
public final class ToySuperpositionTrainer {
    /** Bump when training changes in a way that changes the weights: it is part of the cache key. */
    public static final String VERSION = "toy-superposition/7";
    public static final float PARITY_TOLERANCE = 1e-5f;
    /** How many loss values the metrics record over training. */
    static final int CURVE_POINTS = 20;
    static final int EVAL_BATCH = 4096;
    private static final int PARITY_BATCH = 64;

    private ToySuperpositionTrainer() {
    }

    /** Trains every sparsity of {@code spec}; returns one weights file per sparsity. */
    public static List<TrainedModel> train(ModelSpec spec) {
        ToySuperpositionSpec toy = spec.toy();
        return Training.quietly(() -> trainAll(spec, toy));
    }

    /** "sparsity-0.9.safetensors" for sparsity 0.9. */
    public static String fileName(double sparsity) {
        return "sparsity-" + label(sparsity) + ".safetensors";
    }

    public static String label(double sparsity) {
        return BigDecimal.valueOf(sparsity).stripTrailingZeros().toPlainString();
    }

    /** The seed of sparsity number {@code index}: its evaluation batch, and (times 31, plus r) restart r's. */
    static long sparsitySeed(ToySuperpositionSpec toy, int index) {
        return toy.seed() * 1000L + index;
    }

    /** Restart {@code r} of a sparsity seeded {@code seed}: its initialisation seed (its data stream's is one more). */
    static long restartSeed(long seed, int r) {
        return seed * 31 + r;
    }

    private static List<TrainedModel> trainAll(ModelSpec spec, ToySuperpositionSpec toy) {
        int n = toy.nFeatures();
        int d = toy.dHidden();
        int sparsities = toy.sparsities().size();
        int restarts = toy.restarts();
        Instances all = instances(toy);
        int instances = all.seeds().length;
        long[] initSeeds = all.seeds();
        double[] instanceSparsity = all.sparsity();
        SplittableRandom[] data = all.streams();
        INDArray eval = all.eval();
        SameDiff sd = graph(toy, initSeeds);
        ToySuperpositionStep trainer = new ToySuperpositionStep(sd, toy, toy.batchSize());

        List<List<Object>> curves = new ArrayList<>();
        double[] losses = evalLosses(sd, eval);
        for (int k = 0; k < instances; k++) {
            curves.add(new ArrayList<>(List.of(List.of(0L, losses[k]))));
        }
        int done = 0;
        for (int point = 1; point <= CURVE_POINTS; point++) {
            int until = (int) ((long) toy.steps() * point / CURVE_POINTS);
            if (until > done) {
                for (int step = done; step < until; step++) {
                    fillBatches(data, instanceSparsity, trainer.input());
                    Progress.step(); // as Batches counts a step when SameDiff's fit takes its batch
                    trainer.step();
                }
                losses = evalLosses(sd, eval);
                for (int k = 0; k < instances; k++) {
                    curves.get(k).add(List.of((long) until, losses[k]));
                }
                done = until;
            }
        }
        int[] best = new int[sparsities];
        List<List<Object>> restartLosses = new ArrayList<>();
        for (int s = 0; s < sparsities; s++) {
            List<Object> each = new ArrayList<>();
            best[s] = s * restarts;
            for (int k = s * restarts; k < (s + 1) * restarts; k++) {
                each.add(losses[k]);
                if (losses[k] < losses[best[s]]) {
                    best[s] = k;
                }
            }
            restartLosses.add(each);
        }

        List<TrainedModel> out = new ArrayList<>();
        for (int s = 0; s < sparsities; s++) {
            double sparsity = toy.sparsities().get(s);
            int k = best[s];
            ToyModel model = weightsOf(sd, k, n, d, toy.relu());
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("final_loss", losses[k]);
            metrics.put("loss_curve", curves.get(k));
            metrics.put("restart_losses", restartLosses.get(s));
            metrics.put("feature_norms", toList(model.featureNorms()));
            metrics.put("feature_dimensionality", toList(model.featureDimensionality()));

            Map<String, String> meta = Training.header(ToySuperpositionSpec.KIND, spec.name());
            meta.put("spec", Json.write(specJson(toy)));
            meta.put("sparsity", label(sparsity));
            meta.put(ToyModel.OUTPUT, toy.relu() ? "relu" : "linear");
            meta.put("trainer", VERSION);
            meta.put("metrics", Training.metrics(metrics));
            byte[] bytes = new SafeTensors(model.tensors(), meta).toBytes();

            checkParity(sd, k, instances, SafeTensors.fromBytes(bytes), n, sparsity, sparsitySeed(toy, s));
            out.add(new TrainedModel(fileName(sparsity), bytes));
        }
        return out;
    }

    /**
     * The instances of a spec, k = s * restarts + r: each one's initialisation seed, sparsity and fresh data stream,
     * and the evaluation batches stacked [instances, EVAL_BATCH, n_features] (one per sparsity, shared by its restarts).
     */
    record Instances(long[] seeds, double[] sparsity, SplittableRandom[] streams, INDArray eval) {
    }

    static Instances instances(ToySuperpositionSpec toy) {
        int restarts = toy.restarts();
        int instances = toy.sparsities().size() * restarts;
        long[] seeds = new long[instances];
        double[] sparsity = new double[instances];
        SplittableRandom[] streams = new SplittableRandom[instances];
        INDArray[] evalBatches = new INDArray[instances];
        for (int s = 0; s < toy.sparsities().size(); s++) {
            long seed = sparsitySeed(toy, s);
            INDArray eval = batch(new SplittableRandom(seed ^ 0x5EEDL), EVAL_BATCH, toy.nFeatures(), toy.sparsities().get(s));
            for (int r = 0; r < restarts; r++) {
                int k = s * restarts + r;
                seeds[k] = restartSeed(seed, r);
                sparsity[k] = toy.sparsities().get(s);
                streams[k] = new SplittableRandom(seeds[k] + 1);
                evalBatches[k] = eval;
            }
        }
        return new Instances(seeds, sparsity, streams, Nd4j.stack(0, evalBatches));
    }

    /**
     * The training graph of {@code seeds.length} instances, instance k initialised from {@code seeds[k]}:
     * placeholders {@code input} and {@code label} [instances, batch, n_features], variables {@code W}
     * [instances, d_hidden, n_features] and {@code b_final} [instances, 1, n_features], the model's output
     * {@code output} [instances, batch, n_features], each instance's loss {@code losses} [instances] and
     * their sum, the scalar {@code loss}.
     */
    static SameDiff graph(ToySuperpositionSpec toy, long... seeds) {
        int n = toy.nFeatures();
        int d = toy.dHidden();
        int instances = seeds.length;
        // x [i, batch, n] -> h = x W^T [i, batch, d] -> x' = ReLU(h W + b_final) [i, batch, n]
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("input", DataType.FLOAT, instances, -1, n);
        SDVariable target = sd.placeHolder("label", DataType.FLOAT, instances, -1, n);
        // Xavier normal, as the paper's code initialises W. Drawn from java.util.Random, not ND4J's global
        // generator, which ignores setSeed on its first use in a JVM and so made the first model irreproducible.
        double std = Math.sqrt(2.0 / (n + d));
        float[] w0 = new float[instances * d * n];
        for (int k = 0; k < instances; k++) {
            Random init = new Random(seeds[k]);
            for (int i = 0; i < d * n; i++) {
                w0[k * d * n + i] = (float) (init.nextGaussian() * std);
            }
        }
        SDVariable w = sd.var(ToyModel.W, Nd4j.create(w0, new long[] {instances, d, n}, DataType.FLOAT));
        SDVariable b = sd.var(ToyModel.B_FINAL, Nd4j.zeros(DataType.FLOAT, instances, 1, n));
        SDVariable h = sd.mmul(x, w, false, true, false);
        SDVariable preActivation = sd.mmul(h, w).add(b);
        SDVariable xPrime = toy.relu() ? Training.relu(sd, "output", preActivation) : sd.identity("output", preActivation);
        float[] importance = new float[n];
        for (int i = 0; i < n; i++) {
            importance[i] = toy.importance(i);
        }
        // mean over batch and features of I_j err_j^2, as the squared norm of err diag(sqrt(I)) over batch x features,
        // divided by their number: the fused ops cost a fraction of broadcast multiplies' and pow's backward passes
        // (multiply_bp, _powderivative in bench/train's profile)
        float[] scale = new float[n * n];
        for (int i = 0; i < n; i++) {
            scale[i * n + i] = (float) Math.sqrt(importance[i]);
        }
        SDVariable weight = sd.constant("importance", Nd4j.create(scale, new long[] {n, n}, DataType.FLOAT));
        SDVariable weighted = sd.reshape(sd.mmul(sd.reshape(xPrime.sub(target), -1, n), weight), instances, -1);
        SDVariable count = sd.sizeAt(weighted, 1).castTo(DataType.FLOAT);
        SDVariable perInstance = sd.squaredNorm(weighted, false, 1).div("losses", count);
        SDVariable loss = perInstance.sum("loss");
        sd.setLossVariables(loss);
        sd.setTrainingConfig(new TrainingConfig.Builder()
                .updater(new Adam(toy.learningRate()))
                .dataSetFeatureMapping("input")
                .dataSetLabelMapping("label")
                .build());
        return sd;
    }

    /** The current values of instance {@code k}'s weights, as the widgets' model. */
    static ToyModel weightsOf(SameDiff sd, int k, int n, int d, boolean relu) {
        return new ToyModel(export(sd.getVariable(ToyModel.W).getArr().slice(k), d, n),
                export(sd.getVariable(ToyModel.B_FINAL).getArr().slice(k), n), relu);
    }

    /**
     * Runs ND4J's graph and the widgets' {@link ToyModel} (loaded back from the bytes that will be
     * published) on the same fixed batch, as instance {@code k} of {@code instances}; throws when they differ
     * by more than the tolerance.
     */
    static float checkParity(SameDiff sd, int k, int instances, SafeTensors published, int n, double sparsity,
                             long seed) {
        // half the batch dense, half sparse, so every feature and the ReLU boundary are exercised
        INDArray batch = Nd4j.vstack(batch(new SplittableRandom(seed + 7), PARITY_BATCH / 2, n, 0.0),
                batch(new SplittableRandom(seed + 8), PARITY_BATCH / 2, n, sparsity));
        INDArray[] copies = new INDArray[instances];
        java.util.Arrays.fill(copies, batch);
        INDArray expected = sd.output(Map.of("input", Nd4j.stack(0, copies)), "output").get("output").slice(k);
        Tensor input = Training.export(batch, PARITY_BATCH, n);
        Tensor actual = ToyModel.fromWeights(published).forward(input);
        float diff = Ops.maxAbsDiff(export(expected, PARITY_BATCH, n), actual);
        return Training.requireParity("sparsity " + label(sparsity), "forward pass differs from ND4J's", diff,
                PARITY_TOLERANCE, String.valueOf(PARITY_TOLERANCE));
    }

    /** Each instance's loss on its evaluation batch; the progress line shows their mean. */
    private static double[] evalLosses(SameDiff sd, INDArray eval) {
        double[] losses = sd.output(Map.of("input", eval, "label", eval), "losses").get("losses")
                .castTo(DataType.DOUBLE).toDoubleVector();
        Progress.loss(java.util.Arrays.stream(losses).average().orElse(Double.NaN));
        return losses;
    }

    /** One training step's inputs: instance k's batch drawn from its own stream at its own sparsity. */
    static INDArray batches(SplittableRandom[] streams, double[] sparsity, int size, int n) {
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, streams.length, size, n);
        fillBatches(streams, sparsity, out);
        return out;
    }

    /** Fills {@code out} [instances, batch, n_features] (a new array, not a view) as {@link #batches} does. */
    static void fillBatches(SplittableRandom[] streams, double[] sparsity, INDArray out) {
        FloatBuffer memory = out.data().asNio().asFloatBuffer();
        float[] values = new float[(int) (out.size(1) * out.size(2))];
        for (int k = 0; k < streams.length; k++) {
            fill(streams[k], sparsity[k], values);
            memory.put(k * values.length, values);
        }
    }

    /** A batch of synthetic inputs: each feature 0 with probability {@code sparsity}, else U[0, 1]. */
    static INDArray batch(SplittableRandom random, int size, int n, double sparsity) {
        float[] values = new float[size * n];
        fill(random, sparsity, values);
        return Training.array(values, size, n);
    }

    /**
     * {@code count} inputs from one 64-bit draw each: the top 24 bits give the value (uniform in [0, 1), as
     * {@code nextFloat}), the low 24 bits {@code c} the coin for sparsity, 0 when {@code c / 2^24 < sparsity}.
     * Without a branch: {@code c / 2^24 < sparsity} exactly when {@code c < ceil(sparsity * 2^24)} (both sides
     * scaled by a power of two, exactly), and the sign of {@code c - threshold} gives the value's factor, 1 or 0.
     * The branch this replaces, taken at random 30 to 97 % of the time, was mispredicted so often that a
     * 16 x 1024 x 20 batch at sparsity 0.7 took 2.2 ms in a micro-benchmark (superposition-20x5's whole step was
     * 5.4 ms); this takes 0.4 ms, the same floats bit for bit. The callers copy the values into the array's
     * native memory in bulk ({@code Nd4j.create(float[])} copied them one by one, 0.6 ms more).
     */
    private static void fill(SplittableRandom random, double sparsity, float[] values) {
        int threshold = threshold(sparsity);
        for (int i = 0; i < values.length; i++) {
            values[i] = input(random.nextLong(), threshold);
        }
    }

    /** The least coin {@code c} (low 24 bits) that keeps its value at {@code sparsity} in [0, 1]: at most 2^24. */
    static int threshold(double sparsity) {
        return (int) Math.ceil(sparsity * 0x1.0p24);
    }

    /** One input from one draw's {@code bits}: the top 24 bits / 2^24, or 0 when the low 24 are under {@code threshold}. */
    static float input(long bits, int threshold) {
        int keep = (((int) (bits & 0xFFFFFF) - threshold) >>> 31) ^ 1;  // 1 when c >= threshold, else 0
        return (bits >>> 40) * 0x1.0p-24f * keep;                      // u * 1 = u and u * 0 = +0 exactly (u >= 0)
    }

    /** An INDArray's values in row-major order; dup('c') so views and transposes export correctly. */
    private static Tensor export(INDArray array, int... shape) {
        return Training.export(array, shape);
    }

    private static List<Object> toList(Tensor t) {
        List<Object> out = new ArrayList<>();
        for (float f : t.data()) {
            out.add((double) f);
        }
        return out;
    }

    private static Map<String, Object> specJson(ToySuperpositionSpec toy) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n_features", toy.nFeatures());
        m.put("d_hidden", toy.dHidden());
        m.put("output", toy.relu() ? "relu" : "linear");
        m.put("importance_decay", toy.importanceDecay());
        m.put("sparsities", new ArrayList<Object>(toy.sparsities()));
        m.put("steps", toy.steps());
        m.put("batch_size", toy.batchSize());
        m.put("learning_rate", toy.learningRate());
        m.put("seed", toy.seed());
        m.put("restarts", toy.restarts());
        return m;
    }
}
