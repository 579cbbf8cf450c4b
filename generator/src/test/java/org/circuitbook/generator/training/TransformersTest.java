package org.circuitbook.generator.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Random;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.model.TransformerConfig;
import org.circuitbook.widgets.tensor.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The transformer graph's parameter layout: the heads side by side in the graph, TransformerLens's layout outside. */
@DisplayName("Transformers (the ND4J transformer graph's parameters)")
class TransformersTest {
    private static final TransformerConfig CFG = new TransformerConfig(2, 6, 2, 3, 8, 5, 5, 4, "relu", false, null,
            "standard");

    @Test
    @DisplayName("weights() gives back every parameter as drawn, in TransformerLens's shape, whatever the graph holds")
    void roundTrip() {
        SameDiff sd = SameDiff.create();
        Transformers.parameters(sd, CFG, new Random(7), name -> 1.0);
        Map<String, Tensor> out = Transformers.weights(sd, CFG);
        Random draws = new Random(7);
        for (Map.Entry<String, int[]> param : HookedTransformer.parameterShapes(CFG).entrySet()) {
            Tensor t = out.get(param.getKey());
            assertArrayEquals(param.getValue(), t.shape(), param.getKey());
            boolean bias = param.getKey().substring(param.getKey().lastIndexOf('.') + 1).startsWith("b_");
            float[] values = t.data();
            for (int i = 0; i < values.length; i++) {
                float expected = bias ? 0f : (float) draws.nextGaussian();
                assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(values[i]), param.getKey() + "[" + i + "]");
            }
        }
    }

    @Test
    @DisplayName("in the graph, W_Q [h, d, e] is [d, h * e] with column h * e + j, b_Q [h * e], W_O [h * e, d]")
    void graphLayout() {
        int h = 3;
        int d = 6;
        int e = 2;
        float[] values = new float[h * d * e];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        INDArray wq = Transformers.graphLayout("blocks.0.attn.W_Q", Nd4j.create(values, new long[] {h, d, e}, DataType.FLOAT));
        assertArrayEquals(new long[] {d, (long) h * e}, wq.shape());
        for (int head = 0; head < h; head++) {
            for (int row = 0; row < d; row++) {
                for (int j = 0; j < e; j++) {
                    assertEquals(values[(head * d + row) * e + j], wq.getFloat(row, head * e + j), 0f);
                }
            }
        }
        INDArray bq = Transformers.graphLayout("blocks.1.attn.b_Q", Nd4j.create(new float[] {1, 2, 3, 4, 5, 6}, new long[] {h, e}, DataType.FLOAT));
        assertArrayEquals(new long[] {(long) h * e}, bq.shape());
        assertEquals(4f, bq.getFloat(3), 0f);
        INDArray wo = Transformers.graphLayout("blocks.0.attn.W_O", Nd4j.create(values, new long[] {h, e, d}, DataType.FLOAT));
        assertArrayEquals(new long[] {(long) h * e, d}, wo.shape());
        assertEquals(values[(2 * e + 1) * d + 5], wo.getFloat(2 * e + 1, 5), 0f);
        INDArray wIn = Nd4j.create(values, new long[] {d, h * e}, DataType.FLOAT);
        assertEquals(wIn, Transformers.graphLayout("blocks.0.mlp.W_in", wIn));
        assertEquals(Nd4j.create(values, new long[] {h, d, e}, DataType.FLOAT),
                Transformers.transformerLensLayout("blocks.0.attn.W_Q", wq, new int[] {h, d, e}));
    }
}
