package org.circuitbook.generator.extending;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.circuitbook.generator.FixtureSite;
import org.circuitbook.generator.training.ModelKinds;
import org.circuitbook.generator.training.TrainedSet;
import org.circuitbook.widgets.weights.Json;
import org.circuitbook.widgets.weights.SafeTensors;
import org.circuitbook.widgets.weights.WeightNames;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model kind is one class plus one line: {@link TinyMlpKind}, registered here with
 * {@code options.withKinds(...)} only, trains in the build's child trainer JVM, publishes its weights and
 * metrics, passes its verify, and its settings reach {@code {metric} MODEL/spec/KEY}. Without that line the
 * build fails, naming the kinds it knows.
 */
@DisplayName("A model kind added outside the book (TinyMlpKind: XOR)")
class TinyMlpKindTest {
    static final String SITE = """
            -- content/site.yaml --
            title: Extending
            -- content/chapters/01-xor.md --
            ---
            title: XOR
            ---
            A {metric}`xor/spec/d_hidden`-unit MLP reaches accuracy {metric}`xor/final/accuracy`.
            """ + TinyMlpKindTest.XOR_SPEC;

    /** The model spec both worked-example tests train: {@code content/models/xor.yaml}, as a fixture entry. */
    static final String XOR_SPEC = """
            -- content/models/xor.yaml --
            model:
              kind: tiny-mlp
              d_hidden: 8
            trainer:
              steps: 300
            verify:
              accuracy_at_least: 1.0
            """;

    @Test
    @DisplayName("registered with withKinds, trains in the child JVM, writes weights and metrics and passes verify")
    void trainsAndVerifies(@TempDir Path root) throws IOException {
        FixtureSite site = FixtureSite.write(root, SITE);
        var result = site.build(o -> o.withKinds(new TinyMlpKind()));
        TrainedSet xor = result.models().stream().filter(m -> m.spec().name().equals("xor")).findFirst().orElseThrow();
        assertEquals("tiny-mlp", xor.spec().kind());
        assertEquals(Map.of("d_hidden", 8, "steps", 300, "learning_rate", 0.05, "seed", 0), xor.spec().values());
        assertEquals("tiny-mlp\nd_hidden=8\nsteps=300\nlearning_rate=0.05\nseed=0\n", xor.spec().canonical());
        assertEquals(List.of(), xor.spec().settings().verify(xor.models()), "verify passes");

        SafeTensors published = SafeTensors.fromBytes(Files.readAllBytes(site.weights("xor", WeightNames.FINAL)));
        assertEquals(java.util.Set.of("W_in", "b_in", "W_out", "b_out"), published.tensors().keySet());
        assertEquals("tiny-mlp", published.metadata().get("model_kind"));
        Map<?, ?> metrics = (Map<?, ?>) Json.parse(published.metadata().get("metrics"));
        assertEquals(1.0, ((Number) metrics.get("accuracy")).doubleValue());
        String page = site.read("xor.html");
        assertTrue(page.replaceAll("<[^>]+>", "").contains("A 8-unit MLP reaches accuracy 1."), page);
        assertTrue(site.log.stream().anyMatch(l -> l.contains("train xor")), String.join("\n", site.log));
    }

    @Test
    @DisplayName("without its registry line, the build fails loudly, listing the known kinds")
    void unregisteredKindFails(@TempDir Path root) {
        FixtureSite site = FixtureSite.write(root, SITE);
        assertEquals(List.of("content/models/xor.yaml:2:3: load: unknown model kind \"tiny-mlp\" (known kinds: "
                + String.join(", ", ModelKinds.ALL.names()) + ")"), site.buildErrors());
    }

    @Test
    @DisplayName("the registry lists it once it is added, sorted among the book's kinds")
    void registryWith() {
        ModelKinds kinds = ModelKinds.ALL.with(new TinyMlpKind());
        assertTrue(kinds.find("tiny-mlp") instanceof TinyMlpKind);
        List<String> expected = new java.util.ArrayList<>(ModelKinds.ALL.names());
        expected.add("tiny-mlp");
        java.util.Collections.sort(expected);
        assertEquals(expected, kinds.names(), "the book's kinds and tiny-mlp, sorted");
        assertEquals(List.of(TinyMlpKind.class.getName()), kinds.extraClassNames());
        assertEquals(List.of(), ModelKinds.ALL.extraClassNames());
    }
}
