package org.circuitbook.generator.training;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.model.TransformerConfig;
import org.circuitbook.widgets.tensor.Tensor;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What the transformer trainers share beyond {@link Training}: TransformerLens parameters as SameDiff variables
 * and back, and the parity verdict on logits (relative to their scale).
 */
final class Transformers {
    private Transformers() {
    }

    /**
     * Fails the build when the widgets' logits differ from ND4J's by more than {@code relativeTolerance} of the
     * logits' scale ({@code scale}: max |logit|, at least 1); returns {@code maxDiff}.
     * {@code CIRCUITBOOK_PARITY_REPORT} set in the environment prints every comparison.
     */
    static double requireParity(String fileName, double maxDiff, double scale, double relativeTolerance) {
        double tolerance = relativeTolerance * scale;
        Training.requireParity(fileName, "HookedTransformer differs from ND4J's logits", maxDiff, tolerance,
                tolerance + " = " + relativeTolerance + " x max |logit| " + scale);
        if (System.getenv("CIRCUITBOOK_PARITY_REPORT") != null) {
            System.err.println("parity " + fileName + ": max |diff| " + maxDiff + ", max |logit| " + scale);
        }
        return maxDiff;
    }

    /**
     * Every parameter of {@code cfg} ({@link HookedTransformer#parameterShapes}, in that order) as a SameDiff
     * variable under its TransformerLens name: matrices normal with standard deviation {@code std(name)},
     * drawn from {@code init} in order, biases zero.
     */
    static Map<String, SDVariable> parameters(SameDiff sd, TransformerConfig cfg, Random init, ToDoubleFunction<String> std) {
        Map<String, SDVariable> w = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> param : HookedTransformer.parameterShapes(cfg).entrySet()) {
            String name = param.getKey();
            int[] shape = param.getValue();
            boolean bias = name.substring(name.lastIndexOf('.') + 1).startsWith("b_");
            int size = 1;
            for (int s : shape) {
                size *= s;
            }
            float[] values = new float[size];
            if (!bias) {
                double sigma = std.applyAsDouble(name);
                for (int i = 0; i < size; i++) {
                    values[i] = (float) (init.nextGaussian() * sigma);
                }
            }
            long[] longShape = java.util.Arrays.stream(shape).asLongStream().toArray();
            w.put(name, sd.var(name, Nd4j.create(values, longShape, DataType.FLOAT)));
        }
        return w;
    }

    /** The graph's current weights under their TransformerLens names, in parameterShapes order. */
    static Map<String, Tensor> weights(SameDiff sd, TransformerConfig cfg) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> param : HookedTransformer.parameterShapes(cfg).entrySet()) {
            INDArray arr = sd.getVariable(param.getKey()).getArr();
            out.put(param.getKey(), Training.export(arr, param.getValue()));
        }
        return out;
    }
}
