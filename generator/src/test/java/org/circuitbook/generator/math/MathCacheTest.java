package org.circuitbook.generator.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("MathCache")
class MathCacheTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("round-trips formulas keyed by TeX and display mode through a file")
    void roundTrip() throws IOException {
        Path file = dir.resolve("sub/math.cache");
        MathCache cache = MathCache.open(file);
        assertEquals(0, cache.size());
        cache.put("x^2", false, "<inline x²>");
        cache.put("x^2", true, "<display x²>");
        cache.put("\\text{naïve → ∞}", false, "<unicode ✓>");
        cache.save();

        MathCache again = MathCache.open(file);
        assertEquals(3, again.size());
        assertEquals("<inline x²>", again.get("x^2", false));
        assertEquals("<display x²>", again.get("x^2", true));
        assertEquals("<unicode ✓>", again.get("\\text{naïve → ∞}", false));
        assertNull(again.get("y", false));
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "temporary file left behind");
        }
    }

    @Test
    @DisplayName("treats a truncated file as empty and can overwrite it")
    void truncated() throws IOException {
        Path file = dir.resolve("math.cache");
        MathCache cache = MathCache.open(file);
        cache.put("a", false, "A".repeat(1000));
        cache.save();
        byte[] bytes = Files.readAllBytes(file);
        for (int cut : new int[] {0, 3, 20, bytes.length / 2, bytes.length - 1}) {
            Files.write(file, Arrays.copyOf(bytes, cut));
            MathCache broken = MathCache.open(file);
            assertEquals(0, broken.size(), "cut at " + cut);
            broken.put("b", true, "B");
            broken.save();
            assertEquals("B", MathCache.open(file).get("b", true));
        }
    }

    @Test
    @DisplayName("treats a corrupt or foreign file as empty")
    void corrupt() throws IOException {
        Path file = dir.resolve("math.cache");
        MathCache cache = MathCache.open(file);
        cache.put("a", false, "A");
        cache.save();
        byte[] bytes = Files.readAllBytes(file);
        for (int i = 0; i < bytes.length; i++) {
            byte[] flipped = bytes.clone();
            flipped[i] ^= 0x5A;
            Files.write(file, flipped);
            assertEquals(0, MathCache.open(file).size(), "byte " + i);
        }
        Files.writeString(file, "{\"not\": \"a cache\"}\n");
        assertEquals(0, MathCache.open(file).size());
    }

    @Test
    @DisplayName("ignores entries written for another KaTeX version")
    void otherVersion() throws IOException {
        Path file = dir.resolve("math.cache");
        MathCache old = MathCache.open(file, "0.0.1");
        old.put("x", false, "old html");
        old.save();
        assertNull(MathCache.open(file).get("x", false));
        assertEquals("old html", MathCache.open(file, "0.0.1").get("x", false));
    }
}
