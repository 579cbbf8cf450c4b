package org.circuitbook.generator.training;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.weights.Json;
import org.circuitbook.widgets.weights.SafeTensors;
import org.circuitbook.widgets.weights.WeightNames;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What every kind's trainer shares, so that a kind's {@code train} and {@code verify} hold only its model:
 * quiet ND4J, the standard metadata header of a weights file, exporting ND4J arrays bit for bit, reading a
 * file's metrics back, the parity verdict (the widgets' pure-Java forward pass against ND4J's on the same
 * inputs: the browser runs the same classes, so a mismatch means the published weights do not reproduce the
 * trained model) and the names of weight files ({@link WeightNames}).
 */
public final class Training {
    /** The {@code format} every weights file's metadata starts with. */
    public static final String FORMAT = "circuitbook/1";

    private Training() {
    }

    /** Runs {@code work} with standard output silenced: SameDiff {@code println()}s every op it adds. */
    public static <T> T quietly(Supplier<T> work) {
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            return work.get();
        } finally {
            System.setOut(stdout);
        }
    }

    /**
     * ReLU as {@code x * step(x)}, named {@code name} (or unnamed when null): the same values and gradients as
     * {@code sd.nn.relu(x, 0)} (a negative input gives -0 instead of +0, which no sum or product can tell apart
     * from +0 except in the sign of an exact zero), at a fraction of the cost. ND4J's ReLU gradient,
     * {@code thresholdedrelu_bp}, took 4 ms of a modular-addition step on its [1044, 512] array on one thread
     * (bench/train's profile); in a micro-benchmark on that shape, ReLU with its gradient cost 4.9 ms and
     * {@code step}, the product and the product's gradient together 1.1 ms.
     */
    public static SDVariable relu(SameDiff sd, String name, SDVariable x) {
        SDVariable open = sd.math.step(x, 0.0);
        return name == null ? x.mul(open) : x.mul(name, open);
    }

    /**
     * {@code product + bias} for a product [rows, n] and a bias [n], as {@code sd.nn.biasAdd} computes it (the same
     * values bit for bit: each element gets 1 * bias[j] added once), but with the bias's gradient, the column sums of
     * the product's, computed by a matrix product, {@code ones^T g}, where {@code ones} is [rows, 1] of ones.
     * ND4J's {@code biasadd_bp} sums columns slowly: 1.8 ms for a [1044, 512] gradient on one thread, against
     * 0.04 ms for the matrix product (README, Training). Each use adds a few ops (the outer product, the add, their
     * gradients, a reshape), about 0.1 ms of SameDiff's work between ops, so it pays only on wide, tall products
     * such as modular addition's MLP input; a [1044, 128] bias is no faster this way.
     */
    public static SDVariable plusRowBias(SameDiff sd, SDVariable product, SDVariable bias, SDVariable ones) {
        return product.add(ones.mmul(sd.reshape(bias, 1, -1)));
    }

    /**
     * The standard start of a weights file's {@code __metadata__}, in order: {@code format}, {@code model_kind},
     * {@code spec_name}. The map is the kind's to extend ({@code spec}, its own keys, {@code trainer},
     * {@code metrics} last, as {@link #metrics(Map)} writes them).
     */
    public static Map<String, String> header(String kind, String specName) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("model_kind", kind);
        meta.put("spec_name", specName);
        return meta;
    }

    /** Training metrics as the {@code metrics} metadata value (JSON), which {@link #metricsOf} reads back. */
    public static String metrics(Map<String, Object> metrics) {
        return Json.write(metrics);
    }

    /**
     * A float array of {@code shape} holding {@code values} in row-major order, as {@code Nd4j.create(values, shape,
     * FLOAT)} makes it but copied into native memory in one bulk copy: {@code Nd4j.create} copies a Java array
     * one element at a time (1.1 ms against 0.5 ms for 16 x 1024 x 20 floats), which the trainers paid for every
     * batch of every step.
     */
    public static INDArray array(float[] values, long... shape) {
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, shape);
        if (out.length() != values.length) {
            throw new IllegalArgumentException(values.length + " values for shape " + java.util.Arrays.toString(shape));
        }
        out.data().asNio().asFloatBuffer().put(0, values);
        return out;
    }

    /** An ND4J array's values as floats in row-major order: {@code dup('c')}, so views and transposes export right. */
    public static float[] floats(INDArray array) {
        return array.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    /** An ND4J array as a widgets {@link Tensor} of {@code shape} (see {@link #floats}). */
    public static Tensor export(INDArray array, int... shape) {
        return Tensor.of(floats(array), shape);
    }

    /** The metrics a weights file's metadata holds, or null when it has none. */
    public static Map<?, ?> metricsOf(byte[] safetensors) {
        String json = SafeTensors.fromBytes(safetensors).metadata().get("metrics");
        return json == null ? null : (Map<?, ?>) Json.parse(json);
    }

    /** The metrics of the file called {@code name} among {@code models}, or null when it is not there. */
    public static Map<?, ?> metricsOf(List<TrainedModel> models, String name) {
        return models.stream().filter(m -> m.fileName().equals(name)).findFirst()
                .map(TrainedModel::metrics).orElse(null);
    }

    /**
     * The parity verdict: throws a {@link TrainingFailure} when {@code diff} (the largest difference between
     * the widgets' output on the published weights and ND4J's) exceeds {@code tolerance}, or is NaN; returns
     * {@code diff}. The message reads "parity check failed for SUBJECT: the widgets' WHAT by DIFF (tolerance
     * SHOWN)", e.g. WHAT "forward pass differs from ND4J's"; numbers print as their own type does.
     */
    public static <N extends Number> N requireParity(String subject, String what, N diff, Number tolerance,
                                                     String toleranceShown) {
        if (!(diff.doubleValue() <= tolerance.doubleValue())) {
            throw new TrainingFailure("parity check failed for " + subject + ": the widgets' " + what + " by " + diff
                    + " (tolerance " + toleranceShown + ")");
        }
        return diff;
    }

    /** {@link WeightNames#FINAL}. */
    public static String finalName() {
        return WeightNames.FINAL;
    }

    /** {@link WeightNames#checkpoint(int)}. */
    public static String checkpointName(int step) {
        return WeightNames.checkpoint(step);
    }
}
