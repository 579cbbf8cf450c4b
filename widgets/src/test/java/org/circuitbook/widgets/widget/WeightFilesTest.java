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
}
