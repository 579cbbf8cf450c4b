package org.circuitbook.generator.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.weights.SafeTensors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A trained model's header and metrics")
class TrainedModelTest {
    private static byte[] file(Map<String, String> metadata) {
        return new SafeTensors(Map.of("W", Tensor.of(new float[] {1, 2, 3, 4}, 2, 2)), metadata).toBytes();
    }

    @Test
    @DisplayName("are parsed once per bytes array and shared by every reader of it, and a new array is parsed anew")
    void sharedPerBytes() {
        byte[] bytes = file(Map.of("trainer", "t/1", "metrics", "{\"loss\":0.5,\"curve\":[1,2,null],\"by\":{\"a\":1}}"));
        TrainedModel model = new TrainedModel("final.safetensors", bytes);
        assertSame(model.header(), model.header());
        assertSame(model.metrics(), model.metrics());
        // another model on the same bytes shares them; a copy of the bytes does not
        assertSame(model.metrics(), new TrainedModel("other.safetensors", bytes).metrics());
        TrainedModel copy = new TrainedModel("final.safetensors", bytes.clone());
        assertNotSame(model.metrics(), copy.metrics());
        assertEquals(model.metrics(), copy.metrics());
        assertEquals("t/1", model.metadata().get("trainer"));
        assertEquals(0.5, model.metrics().get("loss"));
        assertEquals(java.util.Arrays.asList(1L, 2L, null), model.metrics().get("curve"));
        assertNull(new TrainedModel("x.safetensors", file(Map.of())).metrics());
    }

    @Test
    @DisplayName("cannot be changed by one reader under the others, at any depth")
    void unmodifiable() {
        TrainedModel model = new TrainedModel("final.safetensors",
                file(Map.of("metrics", "{\"curve\":[1,2],\"by\":{\"a\":[3]}}")));
        @SuppressWarnings("unchecked")
        Map<String, Object> metrics = (Map<String, Object>) model.metrics();
        assertThrows(UnsupportedOperationException.class, () -> metrics.put("loss", 1.0));
        assertThrows(UnsupportedOperationException.class, () -> ((List<Object>) metrics.get("curve")).add(3L));
        @SuppressWarnings("unchecked")
        Map<String, Object> by = (Map<String, Object>) metrics.get("by");
        assertThrows(UnsupportedOperationException.class, () -> ((List<Object>) by.get("a")).set(0, 4L));
        assertThrows(UnsupportedOperationException.class, () -> model.metadata().put("trainer", "x"));
    }

    @Test
    @DisplayName("an unsound file throws the validator's message")
    void unsound() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TrainedModel("bad.safetensors", new byte[] {1, 2, 3}).header());
        assertEquals("safetensors: file is 3 bytes, shorter than the 8-byte header length", e.getMessage());
    }
}
