package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import org.circuitbook.generator.diagnostics.BuildException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cached weights file that matches its checksum but is malformed (the manifest was rewritten with it, or a
 * trainer wrote it so) is never published: check and build both name the file and what is wrong with it,
 * leave the previous site as it was, and suggest --retrain, which fixes it.
 */
@DisplayName("A malformed cached weights file whose checksum matches")
class CorruptCacheTest {
    private static final String SITE = FixtureSite.TOY_WIDGET_SITE;
    private static final String HINT = " (nothing was published; run the build with --retrain toy to train it again)";

    @TempDir
    static Path trained;
    static byte[] good;
    static String entry;

    @BeforeAll
    static void trainOnce() throws Exception {
        FixtureSite.write(trained, SITE).build();
        try (var entries = Files.list(trained.resolve(".cache/models/toy"))) {
            entry = trained.relativize(entries.filter(Files::isDirectory).findFirst().orElseThrow()).toString();
        }
        good = Files.readAllBytes(trained.resolve(entry).resolve("sparsity-0.9.safetensors"));
    }

    /** The trained project copied to {@code root}, with sparsity-0.9's file replaced and its checksum updated. */
    private static FixtureSite corrupted(Path root, byte[] bytes) throws Exception {
        FixtureSite site = FixtureSite.copyOf(trained, root);
        Path file = root.resolve(entry).resolve("sparsity-0.9.safetensors");
        Path manifest = root.resolve(entry).resolve("complete");
        String oldSum = sha256(Files.readAllBytes(file));
        Files.write(file, bytes);
        Files.writeString(manifest, Files.readString(manifest).replace(oldSum, sha256(bytes)));
        return site;
    }

    /** The good file with its JSON header edited, re-padded to 8 bytes as the writer does. */
    private static byte[] editHeader(UnaryOperator<String> edit) {
        int n = (int) (good[0] & 0xff | (good[1] & 0xff) << 8 | (good[2] & 0xff) << 16);
        String header = edit.apply(new String(good, 8, n, StandardCharsets.UTF_8).strip());
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = new byte[8 + padded + good.length - 8 - n];
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) ((long) padded >>> (8 * i));
        }
        System.arraycopy(json, 0, out, 8, json.length);
        for (int i = json.length; i < padded; i++) {
            out[8 + i] = ' ';
        }
        System.arraycopy(good, 8 + n, out, 8 + padded, good.length - 8 - n);
        return out;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** Runs check and build; both must report {@code expected} and leave the previous site as it was. */
    private static void assertReported(FixtureSite site, String expected) throws Exception {
        Path previous = site.site().resolve("index.html");
        byte[] before = Files.readAllBytes(previous);
        String file = site.root.relativize(site.root.resolve(entry).resolve("sparsity-0.9.safetensors")).toString();
        String line = file + ": train: cached weights of toy are invalid: " + expected + HINT;
        assertEquals(List.of(line), site.buildErrors());
        BuildException e = assertThrows(BuildException.class,
                () -> BookCheck.run(site.root, site.root.resolve(".cache")));
        assertEquals(List.of(line), e.diagnostics().stream().map(Object::toString).toList());
        assertArrayEquals(before, Files.readAllBytes(previous), "the previous site is left as it was");
    }

    @Test
    @DisplayName("with overlapping tensors is reported by check and build, and --retrain replaces it")
    void overlap(@TempDir Path root) throws Exception {
        FixtureSite site = corrupted(root, editHeader(h -> h.replace("\"data_offsets\":[40,60]", "\"data_offsets\":[20,40]")));
        assertReported(site, "tensor \"b_final\" (bytes 20 to 40) overlaps tensor \"W\" (bytes 0 to 40)");
        new BuildPipeline(new BuildPipeline.Options(root, root.resolve("site"), root.resolve(".cache"),
                java.util.Set.of("toy"), 1), site.log::add).run();
        assertArrayEquals(good, Files.readAllBytes(site.weights("toy", "sparsity-0.9.safetensors")),
                "retrained to the same bytes as before (training is deterministic)");
    }

    @Test
    @DisplayName("with junk metrics JSON in its metadata")
    void junkMetrics(@TempDir Path root) throws Exception {
        FixtureSite site = corrupted(root, editHeader(h -> h.replaceFirst("\"metrics\":\"\\{", "\"metrics\":\"{oops")));
        assertReported(site, "__metadata__ \"metrics\" is not valid JSON (JSON at offset 1: expected a string key)");
    }

    @Test
    @DisplayName("with a header that is not a JSON object, or a header length past the end of the file")
    void header(@TempDir Path a, @TempDir Path b, @TempDir Path c) throws Exception {
        assertReported(corrupted(a, editHeader(h -> "[" + h.substring(1))), "header does not start with '{'");
        byte[] past = good.clone();
        past[3] = 1;
        assertReported(corrupted(b, past), "header length " + (16777216 + (good[0] & 0xff | (good[1] & 0xff) << 8))
                + " does not fit a file of " + good.length + " bytes");
        assertReported(corrupted(c, "junk".getBytes(StandardCharsets.UTF_8)),
                "file is 4 bytes, shorter than the 8-byte header length");
    }

    /**
     * Runs check and build; both must report {@code message} about the cache entry as a whole (a file the
     * format allows but the model kind cannot read), never an internal error, and leave the previous site.
     */
    private static void assertEntryReported(FixtureSite site, String message) throws Exception {
        Path previous = site.site().resolve("index.html");
        byte[] before = Files.readAllBytes(previous);
        String line = entry + ": train: " + message + HINT;
        assertEquals(List.of(line), site.buildErrors());
        BuildException e = assertThrows(BuildException.class,
                () -> BookCheck.run(site.root, site.root.resolve(".cache")));
        assertEquals(List.of(line), e.diagnostics().stream().map(Object::toString).toList());
        assertArrayEquals(before, Files.readAllBytes(previous), "the previous site is left as it was");
    }

    @Test
    @DisplayName("with tensors the format allows but of shapes the toy model cannot have (check crashed)")
    void wrongShapes(@TempDir Path root) throws Exception {
        FixtureSite site = corrupted(root, editHeader(h -> {
            String edited = h.replace("\"shape\":[2,5]", "\"shape\":[5,2]");
            assertTrue(!edited.equals(h), "the header names W's shape [2,5]: " + h);
            return edited;
        }));
        assertEntryReported(site, "cannot verify toy: sparsity-0.9.safetensors is not what trainer toy-superposition/7"
                + " writes: b_final must be [n_features] = [2], got Tensor[5]");
    }

    @Test
    @DisplayName("with a sparsity in its metadata that is not a number, or not the file's (build crashed drawing it)")
    void sparsityMetadata(@TempDir Path a, @TempDir Path b, @TempDir Path c) throws Exception {
        String prefix = "cannot verify toy: sparsity-0.9.safetensors is not what trainer toy-superposition/7 writes: ";
        assertEntryReported(corrupted(a, editHeader(h -> replaced(h, "\"sparsity\":\"0.9\"", "\"sparsity\":\"abc\""))),
                prefix + "__metadata__ \"sparsity\" is \"abc\", not 0.9");
        assertEntryReported(corrupted(b, editHeader(h -> replaced(h, "\"sparsity\":\"0.9\",", ""))),
                prefix + "__metadata__ \"sparsity\" is missing, not 0.9");
        assertEntryReported(corrupted(c, editHeader(h -> replaced(h, "\"sparsity\":\"0.9\"", "\"sparsity\":\"0\""))),
                prefix + "__metadata__ \"sparsity\" is \"0\", not 0.9");
    }

    /** {@code text} with {@code from} replaced, which must occur in it. */
    private static String replaced(String text, String from, String to) {
        assertTrue(text.contains(from), "the header holds " + from + ": " + text);
        return text.replace(from, to);
    }

    @Test
    @DisplayName("that a manifest no longer lists is retrained like any other damaged entry")
    void unlistedFileRetrains(@TempDir Path root) throws Exception {
        FixtureSite site = FixtureSite.copyOf(trained, root);
        Path manifest = root.resolve(entry).resolve("complete");
        Files.writeString(manifest, Files.readString(manifest).lines().filter(l -> !l.endsWith(" sparsity-0.9.safetensors"))
                .map(l -> l + "\n").reduce("", String::concat));
        Files.write(root.resolve(entry).resolve("sparsity-0.9.safetensors"), "junk".getBytes(StandardCharsets.UTF_8));
        site.build();
        assertTrue(site.log.stream().anyMatch(l -> l.startsWith("  train toy [corrupt] 2 models")), site.log.toString());
        assertArrayEquals(good, Files.readAllBytes(site.weights("toy", "sparsity-0.9.safetensors")));
    }
}
