package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build reads the model cache on another thread while it checks the book (BuildSession, ModelCache.readAllIfFresh):
 * the log reads as if the stages ran one after another, and a book that fails its check trains nothing.
 */
@DisplayName("Reading the model cache while the book is checked")
class CacheReadAheadTest {
    private static List<String> stages(FixtureSite site) {
        return site.log.stream().map(l -> l.startsWith("  train ") ? "  train" : l.split(" ")[0]).toList();
    }

    @Test
    @DisplayName("a cached build logs its stages in order, each spec's line under the train stage")
    void cachedBuildLogsInOrder(@TempDir Path root) {
        FixtureSite site = FixtureSite.write(root, FixtureSite.TOY_WIDGET_SITE);
        site.build();
        assertEquals(List.of("load", "check", "  train", "train", "render", "write"), stages(site), "the first build trains");
        site.log.clear();
        site.build();
        assertEquals(List.of("load", "check", "  train", "train", "render", "write"), stages(site), String.join("\n", site.log));
        assertTrue(site.log.get(2).startsWith("  train toy [fresh] 2 models"), site.log.get(2));
    }

    @Test
    @DisplayName("a book that fails its check reports only the check's problems, and trains nothing")
    void failedCheckTrainsNothing(@TempDir Path root) throws Exception {
        FixtureSite site = FixtureSite.write(root, FixtureSite.TOY_WIDGET_SITE.replace(":::{widget} superposition",
                ":::{widget} superpositon"));
        List<String> errors = site.buildErrors();
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("content/chapters/01-a.md:4:1: check: unknown widget \"superpositon\""),
                errors.get(0));
        assertEquals(List.of("load"), stages(site), "no stage after the check ran: " + site.log);
        Path cache = root.resolve(".cache");
        try (Stream<Path> files = Files.exists(cache) ? Files.walk(cache) : Stream.empty()) {
            assertEquals(List.of(), files.filter(f -> f.toString().endsWith(".safetensors")).toList(), "nothing trained");
        }
    }
}
