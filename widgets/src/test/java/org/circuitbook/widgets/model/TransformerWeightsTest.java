package org.circuitbook.widgets.model;

import static org.circuitbook.widgets.model.TransformerFixtures.random;
import static org.circuitbook.widgets.model.TransformerFixtures.small;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.weights.SafeTensors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TransformerWeightsTest {
    private final HookedTransformer model = random(small(false, "gelu"), 7, 0.3);

    private static String loadError(Map<String, Tensor> tensors) {
        SafeTensors file = new SafeTensors(tensors, Map.of("config", small(false, "gelu").toJson()));
        return assertThrows(IllegalArgumentException.class, () -> HookedTransformer.fromWeights(file)).getMessage();
    }

    @Test
    @DisplayName("a model written to safetensors bytes and read back gives the same logits bit for bit")
    void roundTrip() {
        byte[] bytes = model.toWeights().toBytes();
        HookedTransformer loaded = HookedTransformer.fromWeights(SafeTensors.fromBytes(bytes));
        assertEquals(model.cfg(), loaded.cfg());
        int[] tokens = {9, 0, 3, 3, 8, 1};
        assertEquals(model.forward(tokens), loaded.forward(tokens));
        assertEquals(model.runWithCache(tokens).asMap(), loaded.runWithCache(tokens).asMap());
    }

    @Test
    @DisplayName("the file stores TransformerLens state_dict names and the config under __metadata__.config")
    void fileLayout() {
        SafeTensors file = SafeTensors.fromBytes(model.toWeights().toBytes());
        assertEquals(small(false, "gelu").toJson(), file.metadata().get("config"));
        assertEquals(2 + 2 * 12 + 2, file.tensors().size());
        assertArrayEquals(new int[] {2, 8, 4}, file.tensor("blocks.1.attn.W_Q").shape());
        assertArrayEquals(new int[] {2, 4, 8}, file.tensor("blocks.0.attn.W_O").shape());
        assertArrayEquals(new int[] {8, 16}, file.tensor("blocks.0.mlp.W_in").shape());
        assertArrayEquals(new int[] {8, 11}, file.tensor("unembed.W_U").shape());
        assertEquals(List.copyOf(HookedTransformer.parameterShapes(model.cfg()).keySet()),
                List.copyOf(model.tensors().keySet()));
    }

    @Test
    @DisplayName("a missing tensor is reported with its name and expected shape")
    void missingTensor() {
        Map<String, Tensor> tensors = new LinkedHashMap<>(model.tensors());
        tensors.remove("blocks.1.attn.b_K");
        assertEquals("transformer weights do not match the config (1 problem): "
                + "missing tensor \"blocks.1.attn.b_K\" (expected shape [2, 4])", loadError(tensors));
    }

    @Test
    @DisplayName("a tensor of the wrong shape is reported with its name, actual and expected shape")
    void wrongShape() {
        Map<String, Tensor> tensors = new LinkedHashMap<>(model.tensors());
        tensors.put("blocks.0.attn.W_Q", Tensor.zeros(2, 4, 8));
        assertEquals("transformer weights do not match the config (1 problem): "
                + "tensor \"blocks.0.attn.W_Q\" has shape [2, 4, 8], expected [2, 8, 4]", loadError(tensors));
    }

    @Test
    @DisplayName("all problems are reported at once, unexpected tensors included")
    void allProblems() {
        Map<String, Tensor> tensors = new LinkedHashMap<>(model.tensors());
        tensors.remove("embed.W_E");
        tensors.put("unembed.b_U", Tensor.zeros(10));
        tensors.put("ln_final.w", Tensor.zeros(8));
        assertEquals("transformer weights do not match the config (3 problems): "
                + "missing tensor \"embed.W_E\" (expected shape [11, 8]); "
                + "tensor \"unembed.b_U\" has shape [10], expected [11]; "
                + "unexpected tensor \"ln_final.w\" (not a parameter of this config)", loadError(tensors));
    }

    @Test
    @DisplayName("a weights file without a config says where the config belongs")
    void noConfig() {
        SafeTensors file = new SafeTensors(model.tensors(), Map.of());
        assertEquals("transformer weights have no \"config\" in __metadata__ (the HookedTransformerConfig, as JSON)",
                assertThrows(IllegalArgumentException.class, () -> HookedTransformer.fromWeights(file)).getMessage());
    }
}
