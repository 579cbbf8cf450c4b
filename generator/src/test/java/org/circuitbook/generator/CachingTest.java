package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Training is cached outside site/")
class CachingTest {
    private static final String SITE = """
            -- content/site.yaml --
            title: Cached
            -- content/chapters/01-a.md --
            ---
            title: A
            ---
            :::{widget} superposition
            :model: toy
            :::
            -- content/models/toy.yaml --
            """ + FixtureSite.TINY_SPEC;

    private static List<String> trainLines(FixtureSite site) {
        return site.log.stream().filter(l -> l.startsWith("  train ")).toList();
    }

    @Test
    @DisplayName("a second build with nothing changed trains nothing and says so, one line per model spec")
    void secondBuildIsCached(@TempDir Path root) throws Exception {
        FixtureSite first = FixtureSite.write(root, SITE);
        first.build();
        byte[] weights = Files.readAllBytes(first.site().resolve("models/toy/sparsity-0.9.safetensors"));
        assertTrue(trainLines(first).get(0).startsWith("  train toy [missing] 2 models, "), trainLines(first).toString());

        FixtureSite second = FixtureSite.write(root, "");
        second.build();
        List<String> lines = trainLines(second);
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).matches("  train toy \\[fresh\\] 2 models, \\d+\\.\\d kB in \\d+ ms \\(cached, nothing trained\\)"),
                lines.get(0));
        assertArrayEquals(weights, Files.readAllBytes(second.site().resolve("models/toy/sparsity-0.9.safetensors")));
        assertTrue(Files.isDirectory(root.resolve(".cache/models/toy")), "the cache lives in .cache/, not site/");
    }

    @Test
    @DisplayName("changing the spec retrains it as stale and drops the old entry; a comment does not")
    void specChangeRetrains(@TempDir Path root) throws Exception {
        FixtureSite.write(root, SITE).build();
        Path spec = root.resolve("content/models/toy.yaml");
        Files.writeString(spec, "# a comment changes nothing\n" + Files.readString(spec));
        FixtureSite commented = FixtureSite.write(root, "");
        commented.build();
        assertTrue(trainLines(commented).get(0).contains("[fresh]"), trainLines(commented).toString());

        Files.writeString(spec, Files.readString(spec).replace("steps: 200", "steps: 210"));
        FixtureSite changed = FixtureSite.write(root, "");
        changed.build();
        assertTrue(trainLines(changed).get(0).startsWith("  train toy [stale] 2 models"), trainLines(changed).toString());
        try (var entries = Files.list(root.resolve(".cache/models/toy"))) {
            assertEquals(1, entries.count(), "only the current entry is kept");
        }
    }

    @Test
    @DisplayName("training is deterministic: two fresh caches give byte-identical weights")
    void deterministic(@TempDir Path a, @TempDir Path b) throws Exception {
        FixtureSite.write(a, SITE).build();
        FixtureSite.write(b, SITE).build();
        assertArrayEquals(Files.readAllBytes(a.resolve("site/models/toy/sparsity-0.safetensors")),
                Files.readAllBytes(b.resolve("site/models/toy/sparsity-0.safetensors")));
    }
}
