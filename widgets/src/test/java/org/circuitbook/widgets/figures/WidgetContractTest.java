package org.circuitbook.widgets.figures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.circuitbook.widgets.widget.ModelInfo;
import org.circuitbook.widgets.widget.Widget;
import org.circuitbook.widgets.widget.WidgetOption;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The JVM half of the widget contract, over every registered widget (the browser half is in the generator). */
class WidgetContractTest {
    /** Options the build gives every widget figure; a widget may not declare them again. */
    private static final Set<String> FIGURE_OPTIONS = Set.of("label", "name", "class", "height", "model");

    @TestFactory
    Stream<DynamicTest> everyWidgetDescribesItself() {
        return Widgets.BOOK.all().stream().map(w -> DynamicTest.dynamicTest(w.name(), () -> {
            assertTrue(w.name().matches("[a-z][a-z0-9-]*"), "a directive name: " + w.name());
            assertFalse(w.description().isBlank());
            assertFalse(w.modelKinds().isEmpty());
            assertTrue(w.width() >= 320 && w.height() > 0, "a drawing size");
            Set<String> seen = new HashSet<>();
            for (WidgetOption o : w.options()) {
                assertTrue(seen.add(o.name()), "declared once: " + o.name());
                assertFalse(FIGURE_OPTIONS.contains(o.name()), o.name() + " is a figure option already");
                assertFalse(o.help().isBlank());
                assertNotNull(o.check());
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> drawingFromNoFilesIsNothingNotACrash() {
        return Widgets.BOOK.all().stream().map(w -> DynamicTest.dynamicTest(w.name(),
                () -> assertNull(w.draw(Map.of(), List.of()))));
    }

    @Test
    @DisplayName("names are unique and sorted in names(); a second widget of the same name is refused")
    void registry() {
        List<String> names = Widgets.BOOK.names();
        assertEquals(names.stream().sorted().toList(), names);
        assertEquals(names.size(), Set.copyOf(names).size());
        Widget first = Widgets.BOOK.all().get(0);
        assertThrows(IllegalArgumentException.class, () -> Widgets.BOOK.with(first));
        assertNull(Widgets.BOOK.get("no-such-widget"));
    }

    @Test
    @DisplayName("option checks: a choice lists the known values, a trained number lists what was trained")
    void optionChecks() {
        WidgetOption view = WidgetOption.choice("view", List.of("a", "b"), "help", "w");
        assertNull(view.check().check("b", null));
        assertEquals(new WidgetOption.Problem("unknown view \"c\" for widget w", "known: a, b"), view.check().check("c", null));
        WidgetOption sparsity = WidgetOption.trainedNumber("sparsity", "sparsities", "was not trained at sparsity", "d", "h");
        ModelInfo m = new ModelInfo("toy", "toy-superposition", Map.of("sparsities", List.of(0.0, 0.5, 0.9)));
        assertNull(sparsity.check().check("0.50", m));
        assertEquals(new WidgetOption.Problem("model toy was not trained at sparsity 0.7", "trained: 0, 0.5, 0.9"),
                sparsity.check().check("0.7", m));
        assertEquals(new WidgetOption.Problem("sparsity must be a number, got \"x\"", "trained: 0, 0.5, 0.9"),
                sparsity.check().check("x", m));
    }
}
