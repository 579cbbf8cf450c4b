package org.circuitbook.widgets.model;

import static org.circuitbook.widgets.weights.RawSafeTensors.bits16;
import static org.circuitbook.widgets.weights.RawSafeTensors.bool;
import static org.circuitbook.widgets.weights.RawSafeTensors.f32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.weights.RawSafeTensors;
import org.circuitbook.widgets.weights.SafeTensors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A file as {@code safetensors.torch.save_file(model.state_dict(), path, {"config": json.dumps(cfg.to_dict(),
 * default=str)})} writes it from a TransformerLens model: its parameters, its attention buffers {@code mask} (BOOL)
 * and {@code IGNORE} (F32, shape []) for every layer, and TransformerLens's whole config dictionary.
 */
class TransformerLensImportTest {
    private static final int[] TOKENS = {3, 1, 4, 1, 5, 9, 2, 6, 49, 0};
    private final TransformerConfig cfg = TransformerConfig.fromTransformerLens(TransformerLensConfigTest.TL_2L_GELU_LN);
    private final HookedTransformer model = LayerNormTest.randomLn(cfg, 21);

    private static boolean[] causal(int n) {
        boolean[] mask = new boolean[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                mask[i * n + j] = true;
            }
        }
        return mask;
    }

    private static long[] shape(Tensor t) {
        long[] out = new long[t.shape().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.shape()[i];
        }
        return out;
    }

    /** The model's parameters (as F32, or {@code bf16}: each float's top half) with the buffers of layer 0 and 1. */
    private RawSafeTensors stateDict(boolean bf16, byte[] mask, long[] maskShape, float ignore) {
        RawSafeTensors file = new RawSafeTensors().metadata(Map.of("config", TransformerLensConfigTest.TL_2L_GELU_LN));
        for (int l = 0; l < 2; l++) {
            file.add("blocks." + l + ".attn.mask", "BOOL", maskShape, mask);
            file.add("blocks." + l + ".attn.IGNORE", "F32", new long[] {}, f32(ignore));
        }
        for (Map.Entry<String, Tensor> e : model.tensors().entrySet()) {
            float[] data = e.getValue().data();
            if (bf16) {
                int[] top = new int[data.length];
                for (int i = 0; i < data.length; i++) {
                    top[i] = Float.floatToRawIntBits(data[i]) >>> 16;
                }
                file.add(e.getKey(), "BF16", shape(e.getValue()), bits16(top));
            } else {
                file.add(e.getKey(), "F32", shape(e.getValue()), f32(data));
            }
        }
        return file;
    }

    private String error(RawSafeTensors file) {
        return assertThrows(IllegalArgumentException.class,
                () -> HookedTransformer.fromWeights(SafeTensors.fromBytes(file.bytes()))).getMessage();
    }

    @Test
    @DisplayName("a TransformerLens state_dict file with its buffers and config loads, the buffers set aside, same logits")
    void loads() {
        HookedTransformer loaded = HookedTransformer.fromWeights(SafeTensors.fromBytes(
                stateDict(false, bool(causal(32)), new long[] {32, 32}, Float.NEGATIVE_INFINITY).bytes()));
        assertEquals(cfg, loaded.cfg());
        assertEquals(model.tensors().keySet(), loaded.tensors().keySet()); // no buffers among the parameters
        assertFalse(loaded.toWeights().tensors().containsKey("blocks.0.attn.mask"));
        assertEquals(model.forward(TOKENS), loaded.forward(TOKENS));
        // TransformerLens 3.x keeps an empty [0, 0] mask; 1.x used IGNORE = -1e5
        HookedTransformer later = HookedTransformer.fromWeights(SafeTensors.fromBytes(
                stateDict(false, new byte[0], new long[] {0, 0}, -1e5f).bytes()));
        assertEquals(model.forward(TOKENS), later.forward(TOKENS));
    }

    @Test
    @DisplayName("a bfloat16 state_dict loads as its values widened to float32")
    void bfloat16() {
        HookedTransformer loaded = HookedTransformer.fromWeights(SafeTensors.fromBytes(
                stateDict(true, bool(causal(32)), new long[] {32, 32}, Float.NEGATIVE_INFINITY).bytes()));
        Map<String, Tensor> truncated = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : model.tensors().entrySet()) {
            Tensor t = e.getValue().copy();
            for (int i = 0; i < t.size(); i++) {
                t.data()[i] = Float.intBitsToFloat(Float.floatToRawIntBits(t.data()[i]) & 0xffff0000);
            }
            truncated.put(e.getKey(), t);
        }
        assertEquals(new HookedTransformer(cfg, truncated).forward(TOKENS), loaded.forward(TOKENS));
    }

    @Test
    @DisplayName("buffers of the wrong shape or values, and any other unexpected tensor, are refused naming the tensor")
    void refused() {
        assertTrue(error(stateDict(false, bool(causal(31)), new long[] {31, 31}, Float.NEGATIVE_INFINITY))
                .contains("tensor \"blocks.0.attn.mask\" has shape [31, 31], expected [32, 32] or [0, 0] "
                        + "(TransformerLens's causal-mask buffer)"));
        boolean[] full = causal(32);
        java.util.Arrays.fill(full, true);
        assertTrue(error(stateDict(false, bool(full), new long[] {32, 32}, Float.NEGATIVE_INFINITY))
                .contains("tensor \"blocks.0.attn.mask\" is not the causal mask (at [0, 1]: 1.0)"));
        assertTrue(error(stateDict(false, bool(causal(32)), new long[] {32, 32}, 0f))
                .contains("tensor \"blocks.1.attn.IGNORE\" is 0.0, expected -Infinity or at most -1e4"));
        RawSafeTensors extra = stateDict(false, bool(causal(32)), new long[] {32, 32}, Float.NEGATIVE_INFINITY)
                .add("blocks.2.attn.mask", "BOOL", new long[] {32, 32}, bool(causal(32)))
                .add("blocks.0.attn.IGNORE2", "F32", new long[] {}, f32(0));
        String message = error(extra);
        assertTrue(message.contains("unexpected tensor \"blocks.2.attn.mask\" (not a parameter of this config)"), message);
        assertTrue(message.contains("unexpected tensor \"blocks.0.attn.IGNORE2\""), message);
        RawSafeTensors ignoreShape = new RawSafeTensors().metadata(Map.of("config", TransformerLensConfigTest.TL_2L_GELU_LN));
        for (Map.Entry<String, Tensor> e : model.tensors().entrySet()) {
            Tensor t = e.getValue();
            boolean shrink = e.getKey().equals("blocks.0.ln1.w");
            ignoreShape.add(e.getKey(), "F32", shrink ? new long[] {63} : shape(t),
                    f32(shrink ? java.util.Arrays.copyOf(t.data(), 63) : t.data()));
        }
        ignoreShape.add("blocks.1.attn.IGNORE", "F32", new long[] {1}, f32(Float.NEGATIVE_INFINITY));
        message = error(ignoreShape);
        assertTrue(message.startsWith("transformer weights do not match the config (2 problems): "), message);
        assertTrue(message.contains("tensor \"blocks.0.ln1.w\" has shape [63], expected [64]"), message);
        assertTrue(message.contains("tensor \"blocks.1.attn.IGNORE\" has shape [1], expected [] "
                + "(TransformerLens's IGNORE buffer)"), message);
    }
}
