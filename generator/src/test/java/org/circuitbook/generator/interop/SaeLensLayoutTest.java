package org.circuitbook.generator.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.circuitbook.generator.FixtureSite;
import org.circuitbook.generator.training.SaeLensFolder;
import org.circuitbook.generator.training.SaeToySpec;
import org.circuitbook.widgets.model.SparseAutoencoder;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.weights.Json;
import org.circuitbook.widgets.weights.SafeTensors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every published SAE also lies in SAELens's on-disk layout ({@link SaeLensFolder}): {@code cfg.json} with SAELens's
 * fields beside {@code sae_weights.safetensors}, listed in {@code index.json}. Checked on a fixture site (built on first
 * use) with two toy SAEs and a small Othello model's two and, with {@code -Dcircuitbook.book.site=DIR}, on the built
 * book: the config's fields, the weights bit for bit against the published file, and the Java SAE read from the folder
 * against the PyTorch reference
 * ({@code interop/compare_sae.py}, {@code circuitbook_ref.sae}) run by the Python of {@code -Dcircuitbook.python}
 * (default {@code .venv/bin/python} at the repository root, which {@code interop/venv} makes), which must have torch
 * and safetensors: a missing one fails, saying how to make it.
 */
@DisplayName("SAEs published in SAELens's on-disk layout")
class SaeLensLayoutTest {
    static final String SITE = """
            -- content/site.yaml --
            title: SAEs
            -- content/chapters/01-saes.md --
            ---
            title: SAEs
            ---
            Sparse autoencoders on toy data and on a transformer's residual stream, published for SAELens too.
            -- content/models/saes.yaml --
            model: {kind: sae-toy, d_sae: [8, 16], l1_coefficients: [1.0]}
            data: {n_features: 8, d_in: 4, feature_probability: 0.1}
            trainer: {steps: 100, batch_size: 128, learning_rate: 0.01}
            -- content/models/oth.yaml --
            model: {kind: othello, n_layers: 1, d_model: 16, n_heads: 2, d_head: 8, d_mlp: 32}
            data: {train_games: 200, test_games: 100}
            trainer: {steps: 30, batch_size: 32, sae_latents: 32, sae_steps: 50}
            """;
    static final List<String> CFG_FIELDS = List.of("d_in", "d_sae", "dtype", "device", "apply_b_dec_to_input",
            "normalize_activations", "reshape_activations", "metadata", "architecture");
    static final List<String> METADATA_FIELDS = List.of("sae_lens_version", "sae_lens_training_version", "model_name",
            "hook_name", "hook_head_index", "prepend_bos", "context_size", "dataset_path", "circuitbook_spec",
            "circuitbook_file", "circuitbook_sha256", "circuitbook_model_file");
    static final Path REPO = Path.of("").toAbsolutePath().getParent();

    @TempDir
    static Path work;
    private static FixtureSite built;

    /** The fixture site, built on first use (the built-book test alone does not build it). */
    static synchronized Path site() {
        if (built == null) {
            FixtureSite s = FixtureSite.write(work.resolve("book"), SITE);
            s.build();
            built = s;
        }
        return built.site();
    }

    /** One SAE's folder as index.json lists it. */
    record Folder(Path model, String stem, Map<String, Map<?, ?>> entries, Path dir) {
    }

    @Test
    @DisplayName("each SAE has a folder saelens/STEM.HASH/ named after its published file, listed in index.json with SHA-256 and size")
    void listed() throws Exception {
        List<Folder> folders = folders(site());
        assertEquals(List.of("oth/sae-resid-0", "oth/sae-resid-1", "saes/sae-d8-l1-1", "saes/sae-d16-l1-1"),
                folders.stream().map(f -> f.model().getFileName() + "/" + f.stem()).toList());
        for (Folder f : folders) {
            String weights = (String) entry(f.model(), f.stem() + ".safetensors").get("url");
            assertEquals(SaeLensFolder.FOLDER + weights.substring(0, weights.length() - ".safetensors".length()),
                    f.model().relativize(f.dir()).toString(), "the folder is named after the published weights file");
            assertEquals(List.of(SaeLensFolder.CFG, SaeLensFolder.WEIGHTS), List.copyOf(f.entries().keySet()));
            try (Stream<Path> files = Files.list(f.dir())) {
                assertEquals(List.of(SaeLensFolder.CFG, SaeLensFolder.WEIGHTS),
                        files.map(p -> p.getFileName().toString()).sorted().toList(), "nothing else in the folder");
            }
            checkIndexed(f);
        }
    }

    @Test
    @DisplayName("cfg.json holds SAELens 6.18.0's StandardSAEConfig fields: d_in, d_sae, float32, the hook read"
            + " (toy_features with no model; the Othello model's residual stream, naming the model's file)")
    void config() {
        for (Folder f : folders(site())) {
            checkConfig(f);
            Map<?, ?> cfg = (Map<?, ?>) Json.parse(read(f.dir().resolve(SaeLensFolder.CFG)));
            Map<?, ?> meta = (Map<?, ?>) cfg.get("metadata");
            if (f.model().getFileName().toString().equals("saes")) {
                assertEquals(4L, cfg.get("d_in"));
                assertEquals(f.stem().contains("d16") ? 16L : 8L, cfg.get("d_sae"));
                assertEquals(SaeToySpec.HOOK, meta.get("hook_name"));
                assertEquals(null, meta.get("model_name"));
                assertEquals(null, meta.get("circuitbook_model_file"));
            } else {
                assertEquals(16L, cfg.get("d_in"));
                assertEquals(32L, cfg.get("d_sae"));
                assertEquals(f.stem().endsWith("0") ? "blocks.0.hook_resid_pre" : "blocks.0.hook_resid_post",
                        meta.get("hook_name"));
                assertEquals("oth", meta.get("model_name"));
                assertEquals(entry(f.model(), "final.safetensors").get("url"), meta.get("circuitbook_model_file"));
            }
        }
    }

    @Test
    @DisplayName("sae_weights.safetensors holds exactly W_enc, b_enc, W_dec, b_dec, bit for bit the published file's")
    void weights() {
        for (Folder f : folders(site())) {
            checkWeights(f);
        }
    }

    @Test
    @DisplayName("the Java SAE read from each folder computes what circuitbook_ref.sae computes, within float32 rounding")
    void matchesTheReference() {
        for (Folder f : folders(site())) {
            compareWithReference(f);
        }
    }

    @Test
    @DisplayName("the built book (-Dcircuitbook.book.site): every SAE weights file has its SAELens folder, and each checks")
    void builtBook() {
        String named = System.getProperty("circuitbook.book.site", "");
        Assumptions.assumeFalse(named.isBlank(), "no -Dcircuitbook.book.site: the built book is not checked");
        Path book = Path.of(named).toAbsolutePath();
        assertTrue(Files.isDirectory(book.resolve("models")), book + " is not a built book with models");
        List<Folder> folders = folders(book);
        List<String> missing = new ArrayList<>();
        int saes = 0;
        for (Path model : list(book.resolve("models"))) {
            Map<?, ?> index = (Map<?, ?>) Json.parse(read(model.resolve("index.json")));
            for (Object o : (List<?>) index.get("files")) {
                Map<?, ?> e = (Map<?, ?>) o;
                String name = (String) e.get("name");
                if (name.startsWith(SaeLensFolder.FOLDER) || !isSae(model.resolve((String) e.get("url")))) {
                    continue;
                }
                saes++;
                String stem = name.substring(0, name.length() - ".safetensors".length());
                if (folders.stream().noneMatch(f -> f.model().equals(model) && f.stem().equals(stem))) {
                    missing.add(model.getFileName() + "/" + name);
                }
            }
        }
        assertTrue(saes > 0, "the book publishes no SAE weights file");
        assertEquals(List.of(), missing, "SAE weights files without a SAELens folder");
        assertFalse(folders.isEmpty());
        for (Folder f : folders) {
            checkIndexed(f);
            checkConfig(f);
            checkWeights(f);
            compareWithReference(f);
        }
    }

    /** Every SAE folder the site's index.json files list, in their order. */
    static List<Folder> folders(Path siteDir) {
        List<Folder> out = new ArrayList<>();
        for (Path model : list(siteDir.resolve("models"))) {
            Map<String, Map<String, Map<?, ?>>> byStem = new LinkedHashMap<>();
            Map<String, Path> dirs = new LinkedHashMap<>();
            Map<?, ?> index = (Map<?, ?>) Json.parse(read(model.resolve("index.json")));
            for (Object o : (List<?>) index.get("files")) {
                Map<?, ?> e = (Map<?, ?>) o;
                String name = (String) e.get("name");
                if (!name.startsWith(SaeLensFolder.FOLDER)) {
                    continue;
                }
                String[] parts = name.substring(SaeLensFolder.FOLDER.length()).split("/");
                assertEquals(2, parts.length, "saelens/STEM/FILE: " + name);
                byStem.computeIfAbsent(parts[0], k -> new LinkedHashMap<>()).put(parts[1], e);
                dirs.put(parts[0], model.resolve((String) e.get("url")).getParent());
            }
            byStem.forEach((stem, entries) -> out.add(new Folder(model, stem, entries, dirs.get(stem))));
        }
        return out;
    }

    static void checkIndexed(Folder f) {
        for (Map.Entry<String, Map<?, ?>> e : f.entries().entrySet()) {
            byte[] bytes = bytes(f.model().resolve((String) e.getValue().get("url")));
            assertEquals(sha256(bytes), e.getValue().get("sha256"), e.getKey());
            assertEquals((long) bytes.length, e.getValue().get("bytes"), e.getKey());
        }
    }

    /** cfg.json: SAELens's fields in StandardSAEConfig.to_dict()'s order, and what they must say of our SAEs. */
    static void checkConfig(Folder f) {
        Map<?, ?> cfg = (Map<?, ?>) Json.parse(read(f.dir().resolve(SaeLensFolder.CFG)));
        assertEquals(CFG_FIELDS, List.copyOf(cfg.keySet()), f.dir().toString());
        Map<?, ?> meta = (Map<?, ?>) cfg.get("metadata");
        assertEquals(METADATA_FIELDS, List.copyOf(meta.keySet()), f.dir().toString());
        SparseAutoencoder sae = SparseAutoencoder.fromWeights(SafeTensors.fromBytes(bytes(f.dir().resolve(SaeLensFolder.WEIGHTS))));
        assertEquals((long) sae.dIn(), cfg.get("d_in"));
        assertEquals((long) sae.dSae(), cfg.get("d_sae"));
        assertEquals("float32", cfg.get("dtype"));
        assertEquals("cpu", cfg.get("device"));
        assertEquals(true, cfg.get("apply_b_dec_to_input"));
        assertEquals("none", cfg.get("normalize_activations"));
        assertEquals("none", cfg.get("reshape_activations"));
        assertEquals("standard", cfg.get("architecture"));
        assertEquals(SaeLensFolder.SAE_LENS_VERSION, meta.get("sae_lens_version"));
        assertEquals(null, meta.get("sae_lens_training_version"), "SAELens did not train it");
        assertNotNull(meta.get("hook_name"));
        if (meta.get("model_name") != null) { // a model of the spec produced the activations: its file is named
            assertEquals(f.model().getFileName().toString(), meta.get("model_name"));
            assertTrue(Files.isRegularFile(f.model().resolve((String) meta.get("circuitbook_model_file"))), meta.toString());
        } else {
            assertEquals(null, meta.get("circuitbook_model_file"));
        }
        Map<?, ?> source = entry(f.model(), f.stem() + ".safetensors");
        assertEquals(f.model().getFileName().toString(), meta.get("circuitbook_spec"));
        assertEquals(source.get("url"), meta.get("circuitbook_file"));
        assertEquals(source.get("sha256"), meta.get("circuitbook_sha256"));
    }

    /** sae_weights.safetensors: exactly the four tensors, each bit for bit the published file's, no metadata. */
    static void checkWeights(Folder f) {
        SafeTensors folder = SafeTensors.fromBytes(bytes(f.dir().resolve(SaeLensFolder.WEIGHTS)));
        SafeTensors source = SafeTensors.fromBytes(bytes(f.model().resolve(
                (String) entry(f.model(), f.stem() + ".safetensors").get("url"))));
        assertEquals(List.of("W_dec", "W_enc", "b_dec", "b_enc"), List.copyOf(folder.tensors().keySet()));
        assertEquals(source.tensors().keySet(), folder.tensors().keySet());
        assertTrue(folder.metadata().isEmpty(), "SAELens writes no __metadata__: " + folder.metadata());
        for (String name : folder.tensors().keySet()) {
            Tensor a = folder.tensor(name);
            Tensor b = source.tensor(name);
            assertArrayEquals(b.shape(), a.shape(), name);
            for (int i = 0; i < a.size(); i++) {
                if (Float.floatToRawIntBits(a.data()[i]) != Float.floatToRawIntBits(b.data()[i])) {
                    fail(f.dir() + ": " + name + "[" + i + "] is " + a.data()[i] + ", the published file's " + b.data()[i]);
                }
            }
        }
    }

    /**
     * The Java SAE, read from the folder's weights, encodes 64 Gaussian inputs (seeded) and decodes its latents;
     * compare_sae.py reads the folder with circuitbook_ref.sae and computes both in float64. Tolerance: each value
     * within the float32 rounding bound of its dot product (compare_sae.py's docstring: Higham's gamma(m) times the sum
     * of the terms' magnitudes), which any correct float32 evaluation meets in any summation order; and neither side's
     * latents all zero, so the comparison is not vacuous.
     */
    static void compareWithReference(Folder f) {
        SparseAutoencoder sae = SparseAutoencoder.fromWeights(SafeTensors.fromBytes(bytes(f.dir().resolve(SaeLensFolder.WEIGHTS))));
        int n = 64;
        Random random = new Random(f.stem().hashCode());
        float[] data = new float[n * sae.dIn()];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        Tensor x = Tensor.of(data, n, sae.dIn());
        Tensor latents = sae.encode(x);
        Tensor reconstruction = sae.decode(latents);
        Path results = work.resolve("java-" + f.model().getFileName() + "-" + f.stem() + ".safetensors");
        try {
            Files.write(results, new SafeTensors(Map.of("x", x, "latents", latents, "reconstruction", reconstruction),
                    Map.of()).toBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String out = runPython(REPO.resolve("interop/compare_sae.py").toString(), f.dir().toString(), results.toString());
        System.out.println("compare_sae.py " + out.strip());
        Map<?, ?> r = (Map<?, ?>) Json.parse(out.strip());
        for (String part : List.of("latents", "reconstruction")) {
            Map<?, ?> p = (Map<?, ?>) r.get(part);
            double ratio = ((Number) p.get("max_ratio_to_bound")).doubleValue();
            assertTrue(ratio <= 1, f.dir() + ": " + part + " differ from the reference by up to "
                    + p.get("max_abs_diff") + ", " + ratio + " times the float32 rounding bound: " + out);
        }
        Map<?, ?> active = (Map<?, ?>) r.get("active");
        assertTrue(((Number) active.get("given")).longValue() > 0 && ((Number) active.get("reference")).longValue() > 0,
                f.dir() + ": no latent fired on either side, so the comparison shows nothing: " + out);
    }

    /** Runs the Python of -Dcircuitbook.python with {@code args}; its standard output. Fails, saying how to make it, when it cannot. */
    static String runPython(String... args) {
        String python = python();
        List<String> command = new ArrayList<>(List.of(python, "-B"));
        command.addAll(List.of(args));
        try {
            Path err = Files.createTempFile(work, "python-", ".err");
            Process p = new ProcessBuilder(command).directory(REPO.toFile()).redirectError(err.toFile()).start();
            byte[] stdout = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", command) + " ran over 120 s");
            }
            String text = new String(stdout, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                fail(String.join(" ", command) + " exited " + p.exitValue() + ": " + text + Files.readString(err));
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String checkedPython;

    /**
     * The interpreter ({@link PyTorchParityTest#python()}: -Dcircuitbook.python, else the repository's .venv), checked
     * once to import torch and safetensors; fails saying how to make it.
     */
    static synchronized String python() {
        if (checkedPython != null) {
            return checkedPython;
        }
        String python = PyTorchParityTest.python().toString();
        String how = " Make the repository's .venv with interop/venv (mvn verify runs it before the tests), or name a"
                + " Python that has PyTorch and safetensors with -Dcircuitbook.python=PATH.";
        try {
            Process p = new ProcessBuilder(python, "-B", "-c", "import torch, safetensors").redirectErrorStream(true).start();
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                fail(python + " cannot import torch and safetensors (" + said.strip() + ")." + how);
            }
        } catch (IOException e) {
            fail("cannot run " + python + " (" + e.getMessage() + ")." + how);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        checkedPython = python;
        return python;
    }

    /** A weights file holding exactly SAELens's four SAE tensors. */
    static boolean isSae(Path weights) {
        return SafeTensors.fromBytes(bytes(weights)).tensors().keySet().equals(java.util.Set.of(
                SparseAutoencoder.W_ENC, SparseAutoencoder.B_ENC, SparseAutoencoder.W_DEC, SparseAutoencoder.B_DEC));
    }

    static Map<?, ?> entry(Path model, String name) {
        Map<?, ?> index = (Map<?, ?>) Json.parse(read(model.resolve("index.json")));
        for (Object o : (List<?>) index.get("files")) {
            if (name.equals(((Map<?, ?>) o).get("name"))) {
                return (Map<?, ?>) o;
            }
        }
        throw new AssertionError(model + "/index.json lists no " + name);
    }

    static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path p) {
        return new String(bytes(p), StandardCharsets.UTF_8);
    }

    static byte[] bytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
