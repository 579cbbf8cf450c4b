package org.circuitbook.widgets.widget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("WeightFiles")
class WeightFilesTest {
    @Test
    @DisplayName("orders checkpoints by step (not by name), puts the final model last, and needs one")
    void parse() {
        WeightFiles files = WeightFiles.parse("models/m/final.safetensors models/m/checkpoint-0.safetensors "
                + " models/m/checkpoint-1000.safetensors models/m/checkpoint-150.safetensors");
        assertEquals(List.of("models/m/checkpoint-0.safetensors", "models/m/checkpoint-150.safetensors",
                "models/m/checkpoint-1000.safetensors", "models/m/final.safetensors"), files.urls());
        assertEquals(List.of(0, 150, 1000), files.checkpointSteps());
        assertEquals("models/m/final.safetensors", files.finalUrl());
        assertNull(WeightFiles.parse("models/m/checkpoint-0.safetensors"));
        assertNull(WeightFiles.parse(null));
        assertEquals(List.of("final.safetensors"), WeightFiles.parse("final.safetensors").urls());
    }

    @Test
    @DisplayName("reads published, content-hashed names as the names they had in training")
    void hashedNames() {
        assertEquals("checkpoint-100.safetensors", WeightFiles.fileName("models/x/checkpoint-100.3fa9c2e1b04d.safetensors"));
        assertEquals("sparsity-0.9.safetensors", WeightFiles.fileName("models/x/sparsity-0.9.0123456789ab.safetensors"));
        assertEquals("sparsity-0.9.safetensors", WeightFiles.fileName("sparsity-0.9.safetensors"), "no hash");
        assertEquals("a.3FA9C2E1B04D.safetensors", WeightFiles.fileName("a.3FA9C2E1B04D.safetensors"), "not ours: upper case");
        assertEquals("a.3fa9c2e1b0.safetensors", WeightFiles.fileName("a.3fa9c2e1b0.safetensors"), "not ours: 10 digits");
        WeightFiles files = WeightFiles.parse("models/m/final.00000000000a.safetensors models/m/checkpoint-20.00000000000b.safetensors"
                + " models/m/checkpoint-5.00000000000c.safetensors");
        assertEquals(List.of("models/m/checkpoint-5.00000000000c.safetensors", "models/m/checkpoint-20.00000000000b.safetensors",
                "models/m/final.00000000000a.safetensors"), files.urls());
        assertEquals(List.of(5, 20), files.checkpointSteps());
    }
}
