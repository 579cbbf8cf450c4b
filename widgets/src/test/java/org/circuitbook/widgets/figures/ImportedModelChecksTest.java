package org.circuitbook.widgets.figures;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.circuitbook.widgets.widget.ModelInfo;
import org.circuitbook.widgets.widget.Widget;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The widgets that run imported transformers accept one, whose spec states no shape; a book spec without layers is still refused. */
@DisplayName("Widget checks on imported models")
class ImportedModelChecksTest {
    @Test
    @DisplayName("logit-lens and attention-patterns run the imported kind and accept a spec without n_layers")
    void acceptsImported() {
        ModelInfo imported = new ModelInfo("tl", "imported", Map.of("file", "weights/tl.safetensors", "sha256", "0".repeat(64),
                "format", "transformer-lens"));
        ModelInfo layerless = new ModelInfo("z", "attention-only", Map.of("n_layers", 0));
        for (String name : new String[] {"logit-lens", "attention-patterns"}) {
            Widget w = Widgets.BOOK.get(name);
            assertTrue(w.modelKinds().contains("imported"), name);
            assertNull(w.checkModel(imported), name);
            assertNotNull(w.checkModel(layerless), name);
        }
    }
}
