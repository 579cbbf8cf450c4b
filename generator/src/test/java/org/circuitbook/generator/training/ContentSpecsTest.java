package org.circuitbook.generator.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.circuitbook.generator.diagnostics.Problems;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The book's own specs, built ones (content/models) and optional ones (content/optional-models, which a
 * reader copies into content/models to build), all parse, and every one of them states what it verifies.
 */
class ContentSpecsTest {
    static Stream<Path> specs() throws IOException {
        Path content = Path.of("..", "content");
        return Stream.of("models", "optional-models").flatMap(dir -> {
            try {
                return Files.list(content.resolve(dir)).filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void parsesAndVerifiesSomething(Path file) throws IOException {
        Problems problems = new Problems("load");
        String name = file.getFileName().toString().replace(".yaml", "");
        ModelSpec spec = ModelSpec.parse(name, file.toString(), Files.readString(file), problems);
        problems.throwIfAny();
        assertNotNull(spec);
        assertTrue(spec.settings().expectations() > 0, file + " states no verify expectations");
        assertTrue(spec.settings().cost() > 0);
        assertEquals(spec.settings().fileNames().size(), List.copyOf(spec.settings().fileNames()).stream().distinct().count());
    }
}
