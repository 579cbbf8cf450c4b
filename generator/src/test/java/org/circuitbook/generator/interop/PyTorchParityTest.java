package org.circuitbook.generator.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.circuitbook.generator.FixtureSite;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.model.TransformerConfig;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.weights.Json;
import org.circuitbook.widgets.weights.SafeTensors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/**
 * The Java forward pass ({@link HookedTransformer}) against an independent one in PyTorch: {@code interop/circuitbook_ref}
 * (TransformerLens's forward pass, written from its conventions, in float64) loads each published transformer file
 * with {@code safetensors}, as a Python user would, and runs the token sequences Java ran; {@code
 * interop/compare_logits.py} reports the largest difference from Java's logits relative to the largest |logit|.
 *
 * <p>The files are the build's own: every published {@code *.safetensors} (found through each model's {@code
 * index.json}) whose {@code __metadata__} holds a {@code config}, the final weights and, of each model's checkpoints,
 * the first, a middle one and the last. In {@code mvn verify} they come from a fixture site that trains each
 * transformer kind (attention-only with 0, 1 and 2 layers, modular addition, Othello) on a small budget; with
 * {@code -Dcircuitbook.book.site=DIR} also from the book built in {@code DIR} ({@code .ci/run} names it).
 *
 * <p>The Python is {@code -Dcircuitbook.python=PATH}, by default the repository's {@code .venv/bin/python}, which
 * {@code interop/venv} makes (the generator's build runs it before the tests). Without it, or without PyTorch in it,
 * the test fails saying how to make it.
 */
@DisplayName("The Java transformer forward pass agrees with a PyTorch reference on the published weights")
class PyTorchParityTest {
    /**
     * Largest |Java - reference| allowed, relative to the largest |logit| of the file's sequences. Java computes in
     * float32 (unit roundoff u = 2^-24 = 6e-8), the reference in float64 on the same float32 weights, so the
     * difference is Java's rounding error alone: sums of d_model products, softmaxes that amplify the error of sharp
     * scores, a few layers deep. Measured (2026-12-05): at most 2.2e-7 on the fixture and 1.6e-6 on the book (the
     * attn-only-2l checkpoints, n_ctx 32; the modular-addition logits reach 68 at 3.2e-7), the size of PyTorch's own
     * float32 error (the reference run in float32 differs from its float64 run by up to 1.1e-6 on the book's models,
     * 64 full-context sequences each). 1e-5 leaves a margin of 6 over the worst seen, while a real disagreement (a wrong
     * scale, mask, bias, activation or layout) moves logits by percents; the negative control, one logit moved by
     * 1e-3 of the largest, must fail it.
     */
    static final double TOLERANCE = 1e-5;
    static final String PYTHON_PROPERTY = "circuitbook.python";
    static final String BOOK_PROPERTY = "circuitbook.book.site";
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** One of each transformer kind the build trains, with budgets small enough for mvn verify. */
    static final String FIXTURE = """
            -- content/site.yaml --
            title: Parity
            -- content/chapters/01-a.md --
            ---
            title: A
            ---
            The transformers of this site are checked against PyTorch.
            -- content/models/add.yaml --
            model: {kind: modular-addition, p: 11, d_model: 16, n_heads: 2, d_head: 8, d_mlp: 32}
            data: {train_fraction: 0.5}
            trainer: {steps: 60, learning_rate: 0.01, checkpoints: 3}
            -- content/models/tiny0.yaml --
            model: {kind: attention-only, n_layers: 0, d_model: 16, n_ctx: 8}
            data: {vocab: 12, successors: 2, repeat_probability: 1.0, segment_min: 2, segment_max: 4}
            trainer: {steps: 40, batch_size: 16, learning_rate: 0.01}
            -- content/models/tiny.yaml --
            model: {kind: attention-only, n_layers: 1, d_model: 16, n_heads: 2, d_head: 8, n_ctx: 8}
            data: {vocab: 12, successors: 2, repeat_probability: 1.0, segment_min: 2, segment_max: 4}
            trainer: {steps: 60, batch_size: 16, learning_rate: 0.01}
            -- content/models/tiny2.yaml --
            model: {kind: attention-only, n_layers: 2, d_model: 16, n_heads: 2, d_head: 8, n_ctx: 8}
            data: {vocab: 12, successors: 2, repeat_probability: 1.0, segment_min: 2, segment_max: 4}
            trainer: {steps: 40, batch_size: 16, learning_rate: 0.01, checkpoints: 4}
            -- content/models/oth.yaml --
            model: {kind: othello, n_layers: 1, d_model: 16, n_heads: 2, d_head: 8, d_mlp: 32}
            data: {train_games: 200, test_games: 40}
            trainer: {steps: 30, batch_size: 32, learning_rate: 0.01, sae_latents: 32, sae_steps: 50}
            """;

    @Test
    @DisplayName("every transformer kind, trained on a fixture site: final weights and checkpoints")
    void fixtureModels(@TempDir Path work) throws Exception {
        FixtureSite site = FixtureSite.write(work.resolve("site"), FIXTURE);
        site.build();
        site.log.stream().filter(l -> l.contains("train")).forEach(l -> System.out.println("PyTorchParityTest " + l));
        Map<String, Double> relative = compare(transformerFiles(site.site().resolve("models")), work, true);
        assertEquals(List.of("add", "oth", "tiny", "tiny0", "tiny2"),
                relative.keySet().stream().map(k -> k.substring(0, k.indexOf('/'))).distinct().sorted().toList(),
                "a file of every fixture model was compared: " + relative.keySet());
        assertTrue(relative.keySet().stream().anyMatch(k -> k.contains("checkpoint-")), "checkpoints compared too");
    }

    /**
     * The configurations a small model trained elsewhere uses and the book's do not: LayerNorm ("LN", with weights,
     * and "LNPre", folded), each MLP activation, attention only, a non-default eps, an output vocabulary unlike the
     * input's. Random weights (seeded; biases and LayerNorm weights away from their initial 0 and 1), so every
     * parameter counts.
     */
    static final List<TransformerConfig> CONFIGURATIONS = List.of(
            new TransformerConfig(2, 16, 4, 4, 32, 13, 13, 9, "gelu", false, "LN", "standard"),
            new TransformerConfig(2, 16, 8, 2, 24, 11, 7, 8, "gelu_new", false, "LNPre", "standard"),
            new TransformerConfig(1, 12, 6, 2, 20, 10, 10, 6, "relu", false, "LN", "standard", 1e-3),
            new TransformerConfig(3, 16, 8, 2, 0, 12, 12, 8, null, true, "LN", "standard"),
            new TransformerConfig(1, 8, 4, 2, 16, 9, 9, 5, "gelu", false, null, "standard"));

    @Test
    @DisplayName("LayerNorm (LN, LNPre), gelu, gelu_new and relu MLPs, attention only: random weights")
    void configurations(@TempDir Path work) throws Exception {
        Map<String, Path> files = new TreeMap<>();
        Random random = new Random(2026);
        for (int c = 0; c < CONFIGURATIONS.size(); c++) {
            TransformerConfig cfg = CONFIGURATIONS.get(c);
            Map<String, Tensor> weights = new LinkedHashMap<>();
            for (Map.Entry<String, int[]> p : HookedTransformer.parameterShapes(cfg).entrySet()) {
                int size = 1;
                for (int d : p.getValue()) {
                    size *= d;
                }
                float[] data = new float[size];
                boolean gain = p.getKey().endsWith(".w"); // a LayerNorm's weight: about 1
                for (int i = 0; i < size; i++) {
                    data[i] = (float) ((gain ? 1 : 0) + random.nextGaussian() * (gain ? 0.2 : 0.4));
                }
                weights.put(p.getKey(), Tensor.of(data, p.getValue()));
            }
            Path file = work.resolve("config-" + c + ".safetensors");
            Files.write(file, new HookedTransformer(cfg, weights).toWeights().toBytes());
            files.put(c + " " + cfg.normalization_type() + " " + cfg.act_fn() + (cfg.attn_only() ? " attn_only" : ""), file);
        }
        Map<String, Double> relative = compare(files, work, false);
        assertEquals(CONFIGURATIONS.size(), relative.size(), relative.toString());
    }

    @Test
    @DisplayName("the built book's transformers (-Dcircuitbook.book.site)")
    void builtBook(@TempDir Path work) throws Exception {
        String book = System.getProperty(BOOK_PROPERTY, "");
        Assumptions.assumeFalse(book.isBlank(), "no -D" + BOOK_PROPERTY);
        Path models = Path.of(book).toAbsolutePath().resolve("models");
        assertTrue(Files.isDirectory(models), models + " is not a built book's models folder");
        Map<String, Double> relative = compare(transformerFiles(models), work, false);
        assertFalse(relative.isEmpty(), "the book publishes transformers");
    }

    @Test
    @DisplayName("without the Python, or without PyTorch in it, the test fails saying how to make it")
    void missingPythonOrTorch(@TempDir Path work) throws Exception {
        String before = System.getProperty(PYTHON_PROPERTY);
        try {
            System.setProperty(PYTHON_PROPERTY, work.resolve("no-such-python").toString());
            AssertionFailedError e = assertThrows(AssertionFailedError.class, PyTorchParityTest::python);
            assertTrue(e.getMessage().contains("no Python at " + work.resolve("no-such-python"))
                    && e.getMessage().contains("interop/venv"), e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(PYTHON_PROPERTY);
            } else {
                System.setProperty(PYTHON_PROPERTY, before);
            }
        }
        // a torch package that cannot be imported, first on the path: as a Python without PyTorch
        Path fake = Files.createDirectories(work.resolve("fake/torch"));
        Files.writeString(fake.resolve("__init__.py"), "raise ImportError('No module named torch (a test stand-in)')\n");
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> runReference(
                List.of("w.safetensors", "l.safetensors"), work, Map.of("PYTHONPATH", work.resolve("fake").toString())));
        assertTrue(e.getMessage().contains("exited 3 (no PyTorch)") && e.getMessage().contains("interop/venv"),
                e.getMessage());
    }

    /**
     * The published transformer files under {@code models}, by "MODEL/training name": those whose metadata holds a
     * config; of each model's checkpoints (by step), the first, the middle and the last.
     */
    static Map<String, Path> transformerFiles(Path models) throws IOException {
        Map<String, Path> files = new TreeMap<>();
        try (Stream<Path> dirs = Files.list(models)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                Map<?, ?> index = (Map<?, ?>) Json.parse(Files.readString(dir.resolve("index.json")));
                TreeMap<Long, String> checkpoints = new TreeMap<>();
                Map<String, Path> finals = new TreeMap<>();
                for (Object o : (List<?>) index.get("files")) {
                    Map<?, ?> entry = (Map<?, ?>) o;
                    String name = (String) entry.get("name");
                    Path path = dir.resolve((String) entry.get("url"));
                    if (!name.endsWith(".safetensors") || !hasConfig(path)) {
                        continue;
                    }
                    if (name.matches("checkpoint-\\d+\\.safetensors")) {
                        checkpoints.put(Long.parseLong(name.replaceAll("\\D", "")), name);
                    } else {
                        finals.put(name, path);
                    }
                }
                String model = dir.getFileName().toString();
                finals.forEach((name, path) -> files.put(model + "/" + name, path));
                List<String> steps = new ArrayList<>(checkpoints.values());
                if (!steps.isEmpty()) {
                    for (String name : List.of(steps.get(0), steps.get(steps.size() / 2), steps.get(steps.size() - 1))) {
                        files.put(model + "/" + name, dir.resolve(url(index, name)));
                    }
                }
            }
        }
        return files;
    }

    private static String url(Map<?, ?> index, String name) {
        for (Object o : (List<?>) index.get("files")) {
            Map<?, ?> entry = (Map<?, ?>) o;
            if (name.equals(entry.get("name"))) {
                return (String) entry.get("url");
            }
        }
        throw new AssertionError("index.json lists no " + name);
    }

    /** Whether the safetensors file's {@code __metadata__} holds a {@code config} (reads the header only). */
    static boolean hasConfig(Path path) throws IOException {
        try (var in = Files.newInputStream(path)) {
            byte[] size = in.readNBytes(8);
            long n = 0;
            for (int i = 7; i >= 0; i--) {
                n = n << 8 | (size[i] & 0xff);
            }
            Map<?, ?> header = (Map<?, ?>) Json.parse(new String(in.readNBytes((int) n),
                    java.nio.charset.StandardCharsets.UTF_8));
            Object meta = header.get(SafeTensors.METADATA_KEY);
            return meta instanceof Map<?, ?> m && m.containsKey(HookedTransformer.CONFIG_KEY);
        }
    }

    /** The transformer in a published file: its TransformerLens parameters (an Othello file also holds probes). */
    static HookedTransformer load(Path path) throws IOException {
        SafeTensors file = SafeTensors.fromBytes(Files.readAllBytes(path));
        TransformerConfig cfg = TransformerConfig.fromJsonOrTransformerLens(file.metadata().get(HookedTransformer.CONFIG_KEY));
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (String name : HookedTransformer.parameterShapes(cfg).keySet()) {
            weights.put(name, file.tensor(name));
        }
        return new HookedTransformer(cfg, weights);
    }

    /** The token sequences run on a model: lengths 1, 2, about n_ctx / 2, and n_ctx twice (seeded draws). */
    static List<int[]> sequences(TransformerConfig cfg) {
        Random random = new Random(19);
        List<int[]> out = new ArrayList<>();
        out.add(new int[] {0});
        if (cfg.n_ctx() >= 2) {
            out.add(new int[] {cfg.d_vocab() - 1, 0});
        }
        for (int length : new int[] {Math.max(1, cfg.n_ctx() / 2), cfg.n_ctx(), cfg.n_ctx()}) {
            out.add(random.ints(length, 0, cfg.d_vocab()).toArray());
        }
        return out;
    }

    /** Java's logits for {@link #sequences}, as compare_logits.py reads them: tokens.i and logits.i. */
    static SafeTensors javaLogits(HookedTransformer model) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        List<int[]> sequences = sequences(model.cfg());
        for (int i = 0; i < sequences.size(); i++) {
            int[] tokens = sequences.get(i);
            float[] asFloats = new float[tokens.length];
            for (int p = 0; p < tokens.length; p++) {
                asFloats[p] = tokens[p];
            }
            out.put("tokens." + i, Tensor.of(asFloats, tokens.length));
            out.put("logits." + i, model.forward(tokens));
        }
        return new SafeTensors(out, Map.of());
    }

    /**
     * Runs Java on every file, then the reference on all of them in one Python process; asserts each is within
     * {@link #TOLERANCE} and returns the relative differences by file. With {@code control}, a copy of the first
     * file's Java logits with one logit moved by 1e-3 of the largest must be reported as differing by at least that.
     */
    static Map<String, Double> compare(Map<String, Path> files, Path work, boolean control) throws Exception {
        assertFalse(files.isEmpty(), "no published transformer files found");
        List<String> args = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (Map.Entry<String, Path> f : files.entrySet()) {
            Path out = work.resolve("java-" + keys.size() + ".safetensors");
            Files.write(out, javaLogits(load(f.getValue())).toBytes());
            keys.add(f.getKey());
            args.add(f.getValue().toString());
            args.add(out.toString());
        }
        if (control) {
            SafeTensors first = SafeTensors.fromBytes(Files.readAllBytes(Path.of(args.get(1))));
            Map<String, Tensor> moved = new LinkedHashMap<>(first.tensors());
            String last = "logits." + (moved.size() / 2 - 1); // a full-context sequence
            Tensor logits = moved.get(last);
            float max = 0; // over all the file's sequences, as compare_logits.py measures
            for (Map.Entry<String, Tensor> t : moved.entrySet()) {
                if (t.getKey().startsWith("logits.")) {
                    for (float v : t.getValue().data()) {
                        max = Math.max(max, Math.abs(v));
                    }
                }
            }
            float[] data = logits.data().clone();
            data[data.length / 2] += 1e-3f * max;
            moved.put(last, Tensor.of(data, logits.shape()));
            Path out = work.resolve("java-moved.safetensors");
            Files.write(out, new SafeTensors(moved, Map.of()).toBytes());
            keys.add("control: " + keys.get(0) + " with one logit moved by 1e-3 of the largest");
            args.add(args.get(0));
            args.add(out.toString());
        }
        List<Map<?, ?>> reports = runReference(args, work);
        assertEquals(keys.size(), reports.size(), "one report per file: " + reports);
        Map<String, Double> relative = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            Map<?, ?> r = reports.get(i);
            double rel = ((Number) r.get("relative")).doubleValue();
            String line = String.format("%s: max |diff| %.3g, max |logit| %.3g, relative %.3g (%s sequences)",
                    keys.get(i), ((Number) r.get("max_abs_diff")).doubleValue(),
                    ((Number) r.get("max_abs_logit")).doubleValue(), rel, r.get("sequences"));
            System.out.println("PyTorchParityTest " + line);
            if (control && i == keys.size() - 1) {
                if (!(rel >= 0.9e-3)) {
                    problems.add("the negative control passed: " + line);
                }
            } else {
                relative.put(keys.get(i), rel);
                if (!(rel <= TOLERANCE)) {
                    problems.add(line + " > " + TOLERANCE);
                }
            }
        }
        if (!problems.isEmpty()) {
            fail("Java and the PyTorch reference disagree:\n" + String.join("\n", problems));
        }
        return relative;
    }

    /** The Python to run: -Dcircuitbook.python, else the repository's .venv; fails saying how to make it. */
    static Path python() {
        String named = System.getProperty(PYTHON_PROPERTY, "");
        Path python = named.isBlank() ? ROOT.resolve(".venv/bin/python") : Path.of(named);
        if (!Files.isExecutable(python)) {
            fail("no Python at " + python + " (" + (named.isBlank() ? "the default" : "-D" + PYTHON_PROPERTY)
                    + "): make the repository's .venv with interop/venv (mvn verify runs it before the tests), or "
                    + "name a Python that has PyTorch and safetensors with -D" + PYTHON_PROPERTY + "=PATH");
        }
        return python;
    }

    /** compare_logits.py on the pairs; its JSON lines. Fails with its error output when it does not exit 0. */
    static List<Map<?, ?>> runReference(List<String> pairs, Path work) throws Exception {
        return runReference(pairs, work, Map.of());
    }

    /** {@link #runReference(List, Path)} with {@code env} added to the Python's environment. */
    static List<Map<?, ?>> runReference(List<String> pairs, Path work, Map<String, String> env) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(python().toString(),
                ROOT.resolve("interop/compare_logits.py").toString()));
        cmd.addAll(pairs);
        Path stdout = work.resolve("compare.out");
        Path stderr = work.resolve("compare.err");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("compare_logits.py took over 300 s");
        }
        if (p.exitValue() != 0) {
            fail("compare_logits.py exited " + p.exitValue() + (p.exitValue() == 3 ? " (no PyTorch)" : "") + ":\n"
                    + read(stderr) + read(stdout));
        }
        List<Map<?, ?>> reports = new ArrayList<>();
        for (String line : read(stdout).split("\n")) {
            if (!line.isBlank()) {
                reports.add((Map<?, ?>) Json.parse(line));
            }
        }
        return reports;
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
