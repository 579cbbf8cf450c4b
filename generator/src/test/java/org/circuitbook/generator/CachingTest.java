package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.circuitbook.generator.diagnostics.Problems;
import org.circuitbook.generator.training.ModelCache;
import org.circuitbook.generator.training.ModelSpec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Training is cached outside site/")
class CachingTest {
    private static final String SITE = FixtureSite.TOY_WIDGET_SITE;

    private static List<String> trainLines(FixtureSite site) {
        return site.log.stream().filter(l -> l.startsWith("  train ")).toList();
    }

    @Test
    @DisplayName("a second build with nothing changed trains nothing and says so, one line per model spec")
    void secondBuildIsCached(@TempDir Path root) throws Exception {
        FixtureSite first = FixtureSite.write(root, SITE);
        first.build();
        byte[] weights = Files.readAllBytes(first.weights("toy", "sparsity-0.9.safetensors"));
        assertTrue(trainLines(first).get(0).startsWith("  train toy [missing] 2 models, "), trainLines(first).toString());

        FixtureSite second = FixtureSite.write(root, "");
        second.build();
        List<String> lines = trainLines(second);
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).matches("  train toy \\[fresh\\] 2 models, \\d+\\.\\d kB in \\d+ ms \\(cached, nothing trained\\)"),
                lines.get(0));
        assertArrayEquals(weights, Files.readAllBytes(second.weights("toy", "sparsity-0.9.safetensors")));
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
        FixtureSite first = FixtureSite.write(a, SITE);
        first.build();
        FixtureSite second = FixtureSite.write(b, SITE);
        second.build();
        assertEquals(first.site().relativize(first.weights("toy", "sparsity-0.safetensors")).toString(),
                second.site().relativize(second.weights("toy", "sparsity-0.safetensors")).toString(),
                "the same content-hashed name");
        assertArrayEquals(Files.readAllBytes(first.weights("toy", "sparsity-0.safetensors")),
                Files.readAllBytes(second.weights("toy", "sparsity-0.safetensors")));
    }

    @Test
    @DisplayName("a cached weights file that no longer matches its checksum is detected and retrained")
    void corruptEntryRetrains(@TempDir Path root) throws Exception {
        FixtureSite.write(root, SITE).build();
        Path entry;
        try (var entries = Files.list(root.resolve(".cache/models/toy"))) {
            entry = entries.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        Path weights = entry.resolve("sparsity-0.9.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        bytes[bytes.length - 1] ^= 1; // flip one bit of the last weight
        Files.write(weights, bytes);
        FixtureSite again = FixtureSite.write(root, "");
        again.build();
        assertTrue(trainLines(again).get(0).startsWith("  train toy [corrupt] 2 models"), trainLines(again).toString());
        assertTrue(!java.util.Arrays.equals(bytes, Files.readAllBytes(again.weights("toy", "sparsity-0.9.safetensors"))));
    }

    @Test
    @DisplayName("--retrain NAME trains a cached spec again; an unknown name is an error")
    void retrain(@TempDir Path root) {
        FixtureSite.write(root, SITE).build();
        FixtureSite again = FixtureSite.write(root, "");
        new BuildPipeline(new BuildPipeline.Options(root, root.resolve("site"), root.resolve(".cache"),
                java.util.Set.of("toy"), 1), again.log::add).run();
        assertTrue(trainLines(again).get(0).startsWith("  train toy [forced] 2 models"), trainLines(again).toString());
        var e = org.junit.jupiter.api.Assertions.assertThrows(org.circuitbook.generator.diagnostics.BuildException.class,
                () -> new BuildPipeline(new BuildPipeline.Options(root, root.resolve("site"), root.resolve(".cache"),
                        java.util.Set.of("toi"), 1), line -> { }).run());
        assertEquals(List.of("--retrain toi: train: no model spec is called \"toi\" (known: toy)"),
                e.diagnostics().stream().map(Object::toString).toList());
    }

    @Test
    @DisplayName("a trained model that contradicts the spec's verify section fails the build, cached or not")
    void verifyFailsTheBuild(@TempDir Path root) {
        FixtureSite site = FixtureSite.write(root, SITE + "verify:\n  represented_features: {0: 5}\n");
        List<String> errors = site.buildErrors();
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("content/models/toy.yaml: train: verify toy at sparsity 0: "), errors.get(0));
        assertTrue(errors.get(0).contains(" the spec expects 5 (norms ["), errors.get(0));
        assertEquals(List.of(), site.siteFiles(), "nothing was written");
        assertEquals(1, site.buildErrors().size(), "the cached model is verified again on the next build");
    }

    @Test
    @DisplayName("independent specs train at the same time, each in its own process, up to the cache's parallelism")
    void parallelTraining(@TempDir Path root) throws Exception {
        List<ModelSpec> specs = new java.util.ArrayList<>();
        for (String name : List.of("a", "b")) {
            String path = "content/models/" + name + ".yaml";
            String text = FixtureSite.TINY_SPEC + "  seed: " + specs.size() + "\n";
            Files.createDirectories(root.resolve("content/models"));
            Files.writeString(root.resolve(path), text);
            Problems problems = new Problems("load");
            specs.add(ModelSpec.parse(name, path, text, problems));
            problems.throwIfAny();
        }
        List<String> log = new java.util.ArrayList<>();
        ModelCache two = new ModelCache(root.resolve(".cache-2"), root, java.util.Set.of(), 2, log::add);
        two.trainAll(specs);
        assertEquals(2, two.peakParallelTrainers(), "both specs trained at once: " + log);
        ModelCache one = new ModelCache(root.resolve(".cache-1"), root, java.util.Set.of(), 1, log::add);
        one.trainAll(specs);
        assertEquals(1, one.peakParallelTrainers(), "one at a time: " + log);
        assertArrayEquals(Files.readAllBytes(root.resolve(".cache-2/models/a/" + ModelCache.key(specs.get(0)) + "/sparsity-0.9.safetensors")),
                Files.readAllBytes(root.resolve(".cache-1/models/a/" + ModelCache.key(specs.get(0)) + "/sparsity-0.9.safetensors")),
                "training next to another process gives the same weights as training alone");
    }
}
