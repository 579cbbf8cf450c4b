package org.circuitbook.generator.training;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
 * <p>After training, the widgets module's pure-Java forward pass runs on the exported weights and is
 * compared with ND4J's output on a fixed batch: the browser runs the same classes, so a mismatch above
 * {@link #PARITY_TOLERANCE} means the published weights do not reproduce the trained model, and fails
 * the build.
 */
public final class ToySuperpositionTrainer {
    /** Bump when training changes in a way that changes the weights: it is part of the cache key. */
    public static final String VERSION = "toy-superposition/4";
    public static final float PARITY_TOLERANCE = 1e-5f;
    /** How many loss values the metrics record over training. */
    static final int CURVE_POINTS = 20;
    /** Restarts compete for the first PILOT_POINTS of CURVE_POINTS (a fifth of the steps). */
    static final int PILOT_POINTS = 4;
    static final int EVAL_BATCH = 4096;
    private static final int PARITY_BATCH = 64;

    private ToySuperpositionTrainer() {
    }

    /** Trains every sparsity of {@code spec}; returns one weights file per sparsity. */
    public static List<TrainedModel> train(ModelSpec spec) {
        ToySuperpositionSpec toy = spec.toy();
        return Training.quietly(() -> {
            List<TrainedModel> out = new ArrayList<>();
            for (int i = 0; i < toy.sparsities().size(); i++) {
                double sparsity = toy.sparsities().get(i);
                out.add(trainOne(spec, toy, sparsity, toy.seed() * 1000 + i));
            }
            return out;
        });
    }

    /** "sparsity-0.9.safetensors" for sparsity 0.9. */
    public static String fileName(double sparsity) {
        return "sparsity-" + label(sparsity) + ".safetensors";
    }

    public static String label(double sparsity) {
        return BigDecimal.valueOf(sparsity).stripTrailingZeros().toPlainString();
    }

    private static TrainedModel trainOne(ModelSpec spec, ToySuperpositionSpec toy, double sparsity, long seed) {
        int n = toy.nFeatures();
        int d = toy.dHidden();
        INDArray eval = batch(new Random(seed ^ 0x5EEDL), EVAL_BATCH, n, sparsity);
        // Several initialisations train for the pilot; only the lowest-loss one trains on (local minima are
        // common in this model: Elhage et al. train many instances).
        List<Run> runs = new ArrayList<>();
        for (int r = 0; r < toy.restarts(); r++) {
            Run run = new Run(graph(toy, seed * 31 + r), new Random(seed * 31 + r + 1));
            run.curve.add(List.of(0L, evalLoss(run.sd, eval)));
            runs.add(run);
        }
        List<Object> pilotLosses = new ArrayList<>();
        int done = 0;
        for (int point = 1; point <= CURVE_POINTS; point++) {
            int until = (int) ((long) toy.steps() * point / CURVE_POINTS);
            if (until > done) {
                for (Run run : runs) {
                    Random data = run.data;
                    run.sd.fit(Batches.autoencoding(until - done, () -> batch(data, toy.batchSize(), n, sparsity)), 1);
                    run.curve.add(List.of((long) until, evalLoss(run.sd, eval)));
                }
                done = until;
            }
            if (point == PILOT_POINTS) {
                Run best = runs.get(0);
                for (Run run : runs) {
                    pilotLosses.add(run.lastLoss());
                    if (run.lastLoss() < best.lastLoss()) {
                        best = run;
                    }
                }
                runs = List.of(best);
            }
        }
        SameDiff sd = runs.get(0).sd;
        List<Object> curve = runs.get(0).curve;

        ToyModel model = weightsOf(sd, n, d, toy.relu());
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("final_loss", evalLoss(sd, eval));
        metrics.put("loss_curve", curve);
        metrics.put("pilot_losses", pilotLosses);
        metrics.put("feature_norms", toList(model.featureNorms()));
        metrics.put("feature_dimensionality", toList(model.featureDimensionality()));

        Map<String, String> meta = Training.header(ToySuperpositionSpec.KIND, spec.name());
        meta.put("spec", Json.write(specJson(toy)));
        meta.put("sparsity", label(sparsity));
        meta.put(ToyModel.OUTPUT, toy.relu() ? "relu" : "linear");
        meta.put("trainer", VERSION);
        meta.put("metrics", Training.metrics(metrics));
        byte[] bytes = new SafeTensors(model.tensors(), meta).toBytes();

        checkParity(sd, SafeTensors.fromBytes(bytes), n, sparsity, seed);
        return new TrainedModel(fileName(sparsity), bytes);
    }

    /**
     * The training graph, initialised from {@code seed}: placeholders {@code input} and {@code label}
     * [batch, n_features], variables {@code W} [d_hidden, n_features] and {@code b_final} [n_features],
     * the model's output {@code output} and the scalar {@code loss}.
     */
    static SameDiff graph(ToySuperpositionSpec toy, long seed) {
        int n = toy.nFeatures();
        int d = toy.dHidden();
        // x [batch, n] -> h = x W^T [batch, d] -> x' = ReLU(h W + b_final) [batch, n]
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("input", DataType.FLOAT, -1, n);
        SDVariable target = sd.placeHolder("label", DataType.FLOAT, -1, n);
        // Xavier normal, as the paper's code initialises W. Drawn from java.util.Random, not ND4J's global
        // generator, which ignores setSeed on its first use in a JVM and so made the first model irreproducible.
        Random init = new Random(seed);
        double std = Math.sqrt(2.0 / (n + d));
        float[] w0 = new float[d * n];
        for (int i = 0; i < w0.length; i++) {
            w0[i] = (float) (init.nextGaussian() * std);
        }
        SDVariable w = sd.var(ToyModel.W, Nd4j.create(w0, new long[] {d, n}, DataType.FLOAT));
        SDVariable b = sd.var(ToyModel.B_FINAL, Nd4j.zeros(DataType.FLOAT, n));
        SDVariable h = x.mmul(sd.transpose(w));
        SDVariable preActivation = sd.nn.biasAdd(h.mmul(w), b, true);
        SDVariable xPrime = toy.relu() ? sd.nn.relu("output", preActivation, 0) : sd.identity("output", preActivation);
        float[] importance = new float[n];
        for (int i = 0; i < n; i++) {
            importance[i] = toy.importance(i);
        }
        SDVariable weight = sd.constant("importance", Nd4j.create(importance, new long[] {1, n}, DataType.FLOAT));
        SDVariable err = xPrime.sub(target);
        SDVariable loss = err.mul(err).mul(weight).mean("loss");
        sd.setLossVariables(loss);
        sd.setTrainingConfig(new TrainingConfig.Builder()
                .updater(new Adam(toy.learningRate()))
                .dataSetFeatureMapping("input")
                .dataSetLabelMapping("label")
                .build());
        return sd;
    }

    /** The current values of the graph's weights, as the widgets' model. */
    static ToyModel weightsOf(SameDiff sd, int n, int d, boolean relu) {
        return new ToyModel(export(sd.getVariable(ToyModel.W).getArr(), d, n),
                export(sd.getVariable(ToyModel.B_FINAL).getArr(), n), relu);
    }

    /**
     * Runs ND4J's graph and the widgets' {@link ToyModel} (loaded back from the bytes that will be
     * published) on the same fixed batch; throws when they differ by more than the tolerance.
     */
    static float checkParity(SameDiff sd, SafeTensors published, int n, double sparsity, long seed) {
        // half the batch dense, half sparse, so every feature and the ReLU boundary are exercised
        INDArray batch = Nd4j.vstack(batch(new Random(seed + 7), PARITY_BATCH / 2, n, 0.0),
                batch(new Random(seed + 8), PARITY_BATCH / 2, n, sparsity));
        INDArray expected = sd.output(Map.of("input", batch), "output").get("output");
        Tensor input = Training.export(batch, PARITY_BATCH, n);
        Tensor actual = ToyModel.fromWeights(published).forward(input);
        float diff = Ops.maxAbsDiff(export(expected, PARITY_BATCH, n), actual);
        return Training.requireParity("sparsity " + label(sparsity), "forward pass differs from ND4J's", diff,
                PARITY_TOLERANCE, String.valueOf(PARITY_TOLERANCE));
    }

    private static double evalLoss(SameDiff sd, INDArray eval) {
        double loss = sd.output(Map.of("input", eval, "label", eval), "loss").get("loss").getDouble(0);
        Progress.loss(loss);
        return loss;
    }

    /** A batch of synthetic inputs: each feature 0 with probability {@code sparsity}, else U[0, 1]. */
    static INDArray batch(Random random, int size, int n, double sparsity) {
        float[] values = new float[size * n];
        for (int i = 0; i < values.length; i++) {
            float u = random.nextFloat();
            float v = random.nextFloat();
            values[i] = v < sparsity ? 0f : u;
        }
        return Nd4j.create(values, new long[] {size, n}, DataType.FLOAT);
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

    /** One training run: its graph, its data stream and its loss curve so far. */
    private static final class Run {
        final SameDiff sd;
        final Random data;
        final List<Object> curve = new ArrayList<>();

        Run(SameDiff sd, Random data) {
            this.sd = sd;
            this.data = data;
        }

        double lastLoss() {
            return (Double) ((List<?>) curve.get(curve.size() - 1)).get(1);
        }
    }
}
