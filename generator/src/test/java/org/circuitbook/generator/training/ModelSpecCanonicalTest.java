package org.circuitbook.generator.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.circuitbook.generator.diagnostics.Problems;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A spec's canonical text is its cache key: if it changes, every cached model retrains, and a spec that
 * meant the same model would get different weights on the next build. This pins the canonical text of
 * every book spec (content/models and content/optional-models) byte for byte, as recorded in
 * {@code src/test/resources/canonical/NAME.txt}, so that refactoring how kinds derive it from
 * {@link KindSpec#values()} cannot change it unnoticed. A deliberate change (a new setting) updates the
 * pin with {@code -Dcircuitbook.updateCanonical=true}, and says in its commit that the models retrain.
 */
class ModelSpecCanonicalTest {
    private static final Path PINS = Path.of("src", "test", "resources", "canonical");

    static Stream<Path> specs() throws IOException {
        return ContentSpecsTest.specs();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void canonicalTextIsPinned(Path file) throws IOException {
        Problems problems = new Problems("load");
        String name = file.getFileName().toString().replace(".yaml", "");
        ModelSpec spec = ModelSpec.parse(name, file.toString(), Files.readString(file), problems);
        problems.throwIfAny();
        assertNotNull(spec);
        Path pin = PINS.resolve(name + ".txt");
        if (Boolean.getBoolean("circuitbook.updateCanonical")) {
            Files.writeString(pin, spec.canonical());
        }
        assertEquals(Files.readString(pin), spec.canonical(), "the canonical text (the cache key) of " + file);
    }
}
