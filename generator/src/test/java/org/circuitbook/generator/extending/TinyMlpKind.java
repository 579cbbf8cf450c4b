package org.circuitbook.generator.extending;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.circuitbook.generator.config.YamlMap;
import org.circuitbook.generator.training.Batches;
import org.circuitbook.generator.training.Footprint;
import org.circuitbook.generator.training.KindSpec;
import org.circuitbook.generator.training.ModelKind;
import org.circuitbook.generator.training.ModelSpec;
import org.circuitbook.generator.training.SpecSections;
import org.circuitbook.generator.training.TrainedModel;
import org.circuitbook.generator.training.Training;
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
 * The worked example of adding a model kind: a tiny MLP that learns XOR, in one class. It is registered only
 * by the test that uses it ({@code options.withKinds(new TinyMlpKind())}); the book's kinds are the one list
 * {@code ModelKinds.ALL}, where a book kind would be one more line.
 *
 * <pre>
 * model:
 *   kind: tiny-mlp
 *   d_hidden: 8            # hidden units, tanh (default 8)
 * trainer:
 *   steps: 300             # full-batch Adam steps over the four XOR inputs (default 300)
 *   learning_rate: 0.05    # (default 0.05)
 *   seed: 0                # seeds the initial weights (default 0)
 * verify:
 *   accuracy_at_least: 1.0 # share of the four inputs whose output rounds to the right bit
 * </pre>
 *
 * <p>Weights ({@link WeightNames#FINAL}): {@code W_in} [2, d_hidden], {@code b_in}, {@code W_out} [d_hidden, 1],
 * {@code b_out}; output = sigmoid(tanh(x W_in + b_in) W_out + b_out). The pure-Java {@link #forward} runs on the
 * published bytes and must match ND4J's output (the parity verdict, {@link Training#requireParity}).
 */
public final class TinyMlpKind implements ModelKind {
    public static final String NAME = "tiny-mlp";
    static final String VERSION = "tiny-mlp/1";
    static final float PARITY_TOLERANCE = 1e-5f;
    private static final float[] XOR_IN = {0, 0, 0, 1, 1, 0, 1, 1};
    private static final float[] XOR_OUT = {0, 1, 1, 0};

    /** The trainer's child JVM makes registered kinds by this constructor. */
    public TinyMlpKind() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public KindSpec parse(SpecSections s) {
        s.model().checkKeys(Set.of("kind", "d_hidden"), "the model section");
        s.data().checkKeys(Set.of(), "the data section");
        s.trainer().checkKeys(Set.of("steps", "learning_rate", "seed"), "the trainer section");
        s.verify().checkKeys(Set.of("accuracy_at_least"), "the verify section");
        int hidden = s.model().integer("d_hidden", 8);
        int steps = s.trainer().integer("steps", 300);
        double lr = s.trainer().number("learning_rate", 0.05);
        int seed = s.trainer().integer("seed", 0);
        double accuracy = s.verify().number("accuracy_at_least", Double.NaN);
        if (hidden < 1 || hidden > 256) {
            s.model().error("d_hidden", "d_hidden must be in [1, 256], got " + hidden, null);
            return null;
        }
        if (steps < 1 || steps > 100_000) {
            s.trainer().error("steps", "steps must be in [1, 100000], got " + steps, null);
            return null;
        }
        return new Spec(hidden, steps, lr, seed, accuracy);
    }

    /** The resolved settings; {@code values()} is the cache key's source. */
    public record Spec(int dHidden, int steps, double learningRate, int seed, double accuracyAtLeast) implements KindSpec {
        @Override
        public Map<String, Object> values() {
            return KindSpec.ordered("d_hidden", dHidden, "steps", steps, "learning_rate", learningRate, "seed", seed);
        }

        @Override
        public String trainerVersion() {
            return VERSION;
        }

        @Override
        public List<String> fileNames() {
            return List.of(WeightNames.FINAL);
        }

        @Override
        public List<TrainedModel> train(ModelSpec spec) {
            return Training.quietly(() -> List.of(trainQuietly(spec.name(), this)));
        }

        @Override
        public List<String> verify(List<TrainedModel> models) {
            double accuracy = ((Number) Training.metricsOf(models, WeightNames.FINAL).get("accuracy")).doubleValue();
            return !Double.isNaN(accuracyAtLeast) && accuracy < accuracyAtLeast
                    ? List.of(String.format(Locale.ROOT, "%s: XOR accuracy %.2f, the spec expects at least %.2f",
                    WeightNames.FINAL, accuracy, accuracyAtLeast))
                    : List.of();
        }

        @Override
        public int expectations() {
            return Double.isNaN(accuracyAtLeast) ? 0 : 1;
        }

        @Override
        public double cost() {
            return 3.0 * steps * 4 * (2 * dHidden + dHidden);
        }

        @Override
        public Footprint footprint() {
            double params = 2.0 * dHidden + dHidden + dHidden + 1;
            return new Footprint(Footprint.FLOAT * params, Footprint.FLOAT * (4 * params + 3 * 4 * (dHidden + 3)),
                    "make d_hidden smaller");
        }
    }

    static TrainedModel trainQuietly(String specName, Spec spec) {
        int h = spec.dHidden();
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("input", DataType.FLOAT, -1, 2);
        SDVariable y = sd.placeHolder("label", DataType.FLOAT, -1, 1);
        Random init = new Random(spec.seed());
        SDVariable wIn = sd.var("W_in", Nd4j.create(gaussian(init, 2 * h, 1.0), new long[] {2, h}, DataType.FLOAT));
        SDVariable bIn = sd.var("b_in", Nd4j.zeros(DataType.FLOAT, h));
        SDVariable wOut = sd.var("W_out", Nd4j.create(gaussian(init, h, 1.0 / Math.sqrt(h)), new long[] {h, 1},
                DataType.FLOAT));
        SDVariable bOut = sd.var("b_out", Nd4j.zeros(DataType.FLOAT, 1));
        SDVariable hidden = sd.math.tanh(sd.nn.biasAdd(x.mmul(wIn), bIn, true));
        SDVariable out = sd.nn.sigmoid("output", sd.nn.biasAdd(hidden.mmul(wOut), bOut, true));
        SDVariable err = out.sub(y);
        sd.setLossVariables(err.mul(err).mean("loss"));
        sd.setTrainingConfig(new TrainingConfig.Builder().updater(new Adam(spec.learningRate()))
                .dataSetFeatureMapping("input").dataSetLabelMapping("label").build());

        INDArray inputs = Nd4j.create(XOR_IN, new long[] {4, 2}, DataType.FLOAT);
        INDArray labels = Nd4j.create(XOR_OUT, new long[] {4, 1}, DataType.FLOAT);
        sd.fit(Batches.repeating(spec.steps(), new org.nd4j.linalg.dataset.MultiDataSet(inputs, labels)), 1);

        Map<String, Tensor> weights = new java.util.LinkedHashMap<>();
        weights.put("W_in", Training.export(wIn.getArr(), 2, h));
        weights.put("b_in", Training.export(bIn.getArr(), h));
        weights.put("W_out", Training.export(wOut.getArr(), h, 1));
        weights.put("b_out", Training.export(bOut.getArr(), 1));
        float[] expected = Training.floats(sd.output(Map.of("input", inputs), "output").get("output"));
        int right = 0;
        for (int i = 0; i < 4; i++) {
            right += Math.round(expected[i]) == XOR_OUT[i] ? 1 : 0;
        }
        Map<String, Object> metrics = new java.util.LinkedHashMap<>();
        metrics.put("accuracy", right / 4.0);
        metrics.put("outputs", toList(expected));

        Map<String, String> meta = Training.header(NAME, specName);
        meta.put("spec", spec.canonical());
        meta.put("trainer", VERSION);
        meta.put("metrics", Training.metrics(metrics));
        byte[] bytes = new SafeTensors(weights, meta).toBytes();

        float[] actual = forward(SafeTensors.fromBytes(bytes), XOR_IN);
        float diff = 0;
        for (int i = 0; i < 4; i++) {
            diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
        }
        Training.requireParity(WeightNames.FINAL, "forward pass differs from ND4J's", diff, PARITY_TOLERANCE,
                String.valueOf(PARITY_TOLERANCE));
        return new TrainedModel(WeightNames.FINAL, bytes);
    }

    /** The model in plain Java, on published weights: one output per pair of {@code inputs}. */
    static float[] forward(SafeTensors weights, float[] inputs) {
        Tensor wIn = weights.tensor("W_in");
        Tensor bIn = weights.tensor("b_in");
        Tensor wOut = weights.tensor("W_out");
        float bOut = weights.tensor("b_out").get(0);
        int h = bIn.size();
        float[] out = new float[inputs.length / 2];
        for (int n = 0; n < out.length; n++) {
            float z = bOut;
            for (int j = 0; j < h; j++) {
                float a = inputs[2 * n] * wIn.get(0, j) + inputs[2 * n + 1] * wIn.get(1, j) + bIn.get(j);
                z += (float) Math.tanh(a) * wOut.get(j, 0);
            }
            out[n] = (float) (1 / (1 + Math.exp(-z)));
        }
        return out;
    }

    private static float[] gaussian(Random random, int n, double std) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (random.nextGaussian() * std);
        }
        return out;
    }

    private static List<Object> toList(float[] values) {
        List<Object> out = new ArrayList<>();
        for (float v : values) {
            out.add((double) v);
        }
        return out;
    }
}
