package org.circuitbook.generator.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.model.TransformerConfig;
import org.circuitbook.widgets.tensor.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
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
    @DisplayName("the fused layout stacks W_E over W_pos and puts W_Q, W_K, W_V side by side; weights() cuts them apart exactly")
    void fusedRoundTrip() {
        SameDiff separate = SameDiff.create();
        Transformers.parameters(separate, CFG, new Random(7), name -> 1.0);
        SameDiff fused = SameDiff.create();
        Map<String, SDVariable> w = Transformers.fusedParameters(fused, CFG, new Random(7), name -> 1.0);
        int he = CFG.n_heads() * CFG.d_head();
        assertEquals(List.of(Transformers.W_E_POS, "blocks.0.attn.W_QKV", "blocks.0.attn.W_O", "blocks.0.attn.b_QKV",
                "blocks.0.attn.b_O", "blocks.0.mlp.W_in", "blocks.0.mlp.b_in", "blocks.0.mlp.W_out", "blocks.0.mlp.b_out",
                "blocks.1.attn.W_QKV", "blocks.1.attn.W_O", "blocks.1.attn.b_QKV", "blocks.1.attn.b_O",
                "blocks.1.mlp.W_in", "blocks.1.mlp.b_in", "blocks.1.mlp.W_out", "blocks.1.mlp.b_out", "unembed.W_U",
                "unembed.b_U"), List.copyOf(w.keySet()));
        assertArrayEquals(new long[] {CFG.d_vocab() + CFG.n_ctx(), CFG.d_model()}, w.get(Transformers.W_E_POS).getArr().shape());
        assertArrayEquals(new long[] {CFG.d_model(), 3L * he}, w.get("blocks.1.attn.W_QKV").getArr().shape());
        assertArrayEquals(new long[] {3L * he}, w.get("blocks.1.attn.b_QKV").getArr().shape());
        // W_K's graph column j is W_QKV's column he + j
        assertEquals(separate.getVariable("blocks.1.attn.W_K").getArr().getFloat(4, 5),
                w.get("blocks.1.attn.W_QKV").getArr().getFloat(4, he + 5), 0f);
        assertEquals(separate.getVariable("pos_embed.W_pos").getArr().getFloat(2, 3),
                w.get(Transformers.W_E_POS).getArr().getFloat(CFG.d_vocab() + 2, 3), 0f);
        Map<String, Tensor> expected = Transformers.weights(separate, CFG);
        Map<String, Tensor> actual = Transformers.weights(fused, CFG);
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()));
        for (String name : expected.keySet()) {
            assertArrayEquals(expected.get(name).shape(), actual.get(name).shape(), name);
            assertArrayEquals(expected.get(name).data(), actual.get(name).data(), 0f, name);
        }
    }

    @Test
    @DisplayName("the graph's logits are HookedTransformer's on the same weights (random biases too), attention-only and with MLPs")
    void logitsMatchHookedTransformer() {
        for (boolean attnOnly : new boolean[] {true, false}) {
            TransformerConfig cfg = new TransformerConfig(2, 8, 2, 3, attnOnly ? 0 : 12, 7, 7, 5, attnOnly ? null : "relu",
                    attnOnly, null, "standard");
            SameDiff sd = SameDiff.create();
            Map<String, SDVariable> w = Transformers.fusedParameters(sd, cfg, new Random(3), name -> 0.5);
            Random biases = new Random(5);
            for (SDVariable v : w.values()) {
                INDArray arr = v.getArr();
                if (arr.rank() == 1) {
                    for (long i = 0; i < arr.length(); i++) {
                        arr.putScalar(i, (float) biases.nextGaussian());
                    }
                }
            }
            SDVariable tokens = sd.placeHolder("tokens", DataType.FLOAT, -1, Transformers.inputWidth(cfg));
            Transformers.logits(sd, cfg, w, Transformers.embedded(sd, cfg, w, tokens));
            int[][] sequences = {{0, 3, 6, 3, 1}, {5, 5, 2, 4, 0}};
            int t = cfg.n_ctx();
            float[] input = new float[sequences.length * t * Transformers.inputWidth(cfg)];
            for (int s = 0; s < sequences.length; s++) {
                for (int p = 0; p < t; p++) {
                    Transformers.encode(input, s * t + p, sequences[s][p], p, cfg);
                }
            }
            INDArray logits = sd.output(Map.of("tokens", Nd4j.create(input, new long[] {(long) sequences.length * t,
                    Transformers.inputWidth(cfg)}, DataType.FLOAT)), "logits").get("logits");
            HookedTransformer model = new HookedTransformer(cfg, Transformers.weights(sd, cfg));
            for (int s = 0; s < sequences.length; s++) {
                float[] expected = model.forward(sequences[s]).data();
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], logits.getFloat(s * t + i / cfg.d_vocab_out(), i % cfg.d_vocab_out()),
                            1e-4 * Math.max(1, Math.abs(expected[i])), "attn_only " + attnOnly + ", sequence " + s + ", logit " + i);
                }
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
