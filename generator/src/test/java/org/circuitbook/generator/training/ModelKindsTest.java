package org.circuitbook.generator.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.circuitbook.widgets.figures.Widgets;
import org.circuitbook.widgets.widget.Widget;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The model-kind registry is the one place kinds are listed, and everything that names a kind agrees with it. */
@DisplayName("ModelKinds")
class ModelKindsTest {
    @Test
    @DisplayName("lists the book's kinds, sorted by name, each found by its name")
    void registry() {
        assertEquals(List.of("attention-only", "fact-lookup", "imported", "modular-addition", "othello", "sae-toy",
                "toy-superposition"), ModelKinds.ALL.names());
        for (ModelKind k : ModelKinds.ALL.list()) {
            assertEquals(k, ModelKinds.ALL.find(k.name()));
        }
        assertEquals(null, ModelKinds.ALL.find("toy"));
        assertThrows(IllegalArgumentException.class, () -> ModelKinds.ALL.with(ToySuperpositionSpec.TYPE));
    }

    @Test
    @DisplayName("no main source outside a kind's own settings record names the kind (no switch on kind names)")
    void onlyTheKindNamesItself() throws IOException {
        List<String> found = new ArrayList<>();
        Path main = Path.of("src", "main", "java");
        try (Stream<Path> files = Files.walk(main)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String text = Files.readString(f);
                for (String kind : ModelKinds.ALL.names()) {
                    if (text.contains("\"" + kind + "\"") && !text.contains("KIND = \"" + kind + "\"")) {
                        found.add(main.relativize(f) + " names \"" + kind + "\"");
                    }
                }
            }
        }
        assertEquals(List.of(), found);
    }

    @Test
    @DisplayName("every widget runs only registered kinds, and every kind has a widget that runs it")
    void widgetsNameRegisteredKinds() {
        List<String> ran = new ArrayList<>();
        for (Widget w : Widgets.BOOK.all()) {
            for (String kind : w.modelKinds()) {
                assertTrue(ModelKinds.ALL.find(kind) != null, w.name() + " runs unknown kind " + kind);
                ran.add(kind);
            }
        }
        List<String> without = new ArrayList<>(ModelKinds.ALL.names());
        without.removeAll(ran);
        assertEquals(List.of(), without, "kinds no widget runs");
    }

    @Test
    @DisplayName("a spec's canonical text is its kind's name, then one key=value line per value, in order")
    void canonicalFromValues() {
        var problems = new org.circuitbook.generator.diagnostics.Problems("load");
        ModelSpec spec = ModelSpec.parse("t", "t.yaml", "model: {kind: toy-superposition, n_features: 3, d_hidden: 2}\n"
                + "data: {sparsities: [0, 0.5]}\n", problems);
        problems.throwIfAny();
        assertEquals(List.of("n_features", "d_hidden", "output", "importance_decay", "sparsities", "steps",
                "batch_size", "learning_rate", "seed", "restarts"), List.copyOf(spec.values().keySet()));
        assertEquals(List.of(0.0, 0.5), spec.values().get("sparsities"));
        assertEquals("toy-superposition\nn_features=3\nd_hidden=2\noutput=relu\nimportance_decay=1.0\n"
                + "sparsities=[0.0, 0.5]\nsteps=5000\nbatch_size=1024\nlearning_rate=0.001\nseed=0\nrestarts=4\n",
                spec.canonical());
    }
}
