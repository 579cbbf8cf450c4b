package org.circuitbook.generator.training;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.circuitbook.generator.config.YamlMap;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.model.TransformerConfig;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.weights.Json;
import org.circuitbook.widgets.weights.SafeTensors;
import org.circuitbook.widgets.weights.WeightNames;

/**
 * A model trained elsewhere, imported instead of trained: a safetensors file in the content tree, checked and
 * published like a trained model's final weights.
 *
 * <pre>
 * model:
 *   kind: imported
 *   file: weights/my-model.safetensors   # relative to content/
 *   sha256: 3fa9...                       # of the file: a replaced file is an error until the spec says so
 *   format: transformer-lens              # or toy-superposition ({@link ImportedToyModels}), sae ({@link ImportedSaes})
 * verify:
 *   reference_within: 1e-4                # (default 1e-4) the Java forward pass against the file's reference logits,
 *                                         # largest difference relative to the largest |logit|
 * </pre>
 *
 * <p>A {@code transformer-lens} file is what {@code safetensors.torch.save_file(model.state_dict(), path,
 * metadata={"config": json.dumps(cfg.to_dict())})} writes from TransformerLens: TransformerLens's parameter names
 * and shapes, its buffers ({@code blocks.N.attn.mask}, {@code blocks.N.attn.IGNORE}: accepted and ignored) and the
 * {@code HookedTransformerConfig} fields ({@link TransformerConfig#fromTransformerLens}). Optional metadata:
 * {@code vocab}, a JSON list of the d_vocab token strings; {@code reference}, JSON {@code {"tokens": [[...], ...],
 * "logits": [[[...], ...], ...]}}: token sequences and the logits the model gave for them, which the Java forward pass
 * must reproduce. The whole file is checked when the content loads (its hash, header, every tensor's name, dtype and
 * shape against the config), each problem reported as {@code content/FILE: load: message (hint)}; nothing is
 * published from a file with a problem. The published {@code final.safetensors} holds the parameters in float32,
 * the config in this project's form (as every book transformer's), the vocab, and {@code metrics}: the parameter
 * count and the reference comparison.
 */
public record ImportedSpec(String file, String sha256, String format, double referenceWithin,
                           Path contentDir, boolean hasReference, List<String> files, TransformerConfig cfg,
                           SaeFile sae) implements KindSpec {
    public static final String KIND = "imported";
    /** This kind, as {@link ModelKinds#ALL} lists it. */
    public static final ModelKind TYPE = ModelKind.of(KIND, ImportedSpec::from);
    static final String VERSION = "imported/1";
    static final List<String> FORMATS = List.of("transformer-lens", ImportedToyModels.FORMAT, "sae");
    /** The dtypes a parameter may have (read as float32). */
    static final Set<String> FLOATS = Set.of("F32", "F16", "BF16", "F64");

    static ImportedSpec from(SpecSections s) {
        YamlMap model = s.model();
        model.checkKeys(Set.of("kind", "file", "sha256", "format"), "the model section");
        s.data().checkKeys(Set.of(), "the data section (an imported model has none)");
        s.trainer().checkKeys(Set.of(), "the trainer section (an imported model is not trained)");
        YamlMap verify = s.verify();
        verify.checkKeys(Set.of("reference_within"), "the verify section");
        String file = model.requireString("file", "the weights file, relative to content/, e.g. weights/model.safetensors");
        String sha = model.requireString("sha256", "the file's SHA-256, e.g. from sha256sum");
        String format = model.requireString("format", "known formats: " + String.join(", ", FORMATS));
        Double within = SpecValues.real(verify, "reference_within", 1e-4, SpecValues.Range.UNIT);
        if (format != null && !FORMATS.contains(format)) {
            model.error("format", "unknown format \"" + format + "\"", "known formats: " + String.join(", ", FORMATS));
            format = null;
        }
        if (sha != null && !sha.matches("[0-9a-f]{64}")) {
            model.error("sha256", "sha256 must be 64 lower-case hex digits, got \"" + sha + "\"", "e.g. from sha256sum FILE");
            sha = null;
        }
        if (file != null && (file.isBlank() || file.startsWith("/") || file.contains("\\")
                || List.of(file.split("/")).contains(".."))) {
            model.error("file", "file must be a path inside content/, got \"" + file + "\"", "e.g. weights/model.safetensors");
            file = null;
        }
        if (file == null || sha == null || format == null || within == null) {
            return null;
        }
        boolean hasReference = false;
        List<String> files = format.equals("transformer-lens") ? List.of(WeightNames.FINAL)
                : format.equals("sae") ? List.of(ImportedSaes.FILE) : List.of();
        TransformerConfig cfg = null;
        SaeFile sae = null;
        if (s.contentDir() != null) {
            String shown = Path.of(model.path()).getParent().getParent().resolve(file).toString().replace('\\', '/');
            byte[] bytes = read(s.contentDir(), file, model, shown);
            if (bytes == null) {
                return null;
            }
            String actual = ModelCache.sha256(bytes);
            if (!actual.equals(sha)) {
                model.error("sha256", "the file " + shown + " has SHA-256 " + actual + ", not " + sha,
                        "if the file was replaced on purpose, write its new hash here");
                return null;
            }
            List<String> problems = problems(format, bytes);
            for (String p : problems) {
                int cut = p.indexOf(" (");
                model.fileError(shown, cut < 0 ? p : p.substring(0, cut), cut < 0 ? null : p.substring(cut + 2, p.length() - 1));
            }
            if (!problems.isEmpty()) {
                return null;
            }
            SafeTensors read = SafeTensors.fromBytes(bytes);
            hasReference = read.metadata().containsKey("reference");
            if (format.equals(ImportedToyModels.FORMAT)) {
                files = ImportedToyModels.fileNames(read);
            } else if (format.equals("sae")) {
                sae = ImportedSaes.declared(read);
            } else {
                cfg = TransformerConfig.fromTransformerLens(read.metadata().get(HookedTransformer.CONFIG_KEY));
            }
        }
        return new ImportedSpec(file, sha, format, within, s.contentDir(), hasReference, files, cfg, sae);
    }

    /** The file's bytes; null, with the problem recorded, when it is missing, not a plain file or outside content/. */
    private static byte[] read(Path contentDir, String file, YamlMap model, String shown) {
        try {
            Path path = contentDir.resolve(file);
            if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                model.error("file", Files.exists(path, LinkOption.NOFOLLOW_LINKS)
                        ? shown + " is not a plain file (a link or a directory)" : "no file " + shown,
                        "the weights file, relative to content/");
                return null;
            }
            if (!path.toRealPath().startsWith(contentDir.toRealPath())) {
                model.error("file", shown + " leads outside content/ (through a linked directory)",
                        "keep the weights file inside content/");
                return null;
            }
            return Files.readAllBytes(path);
        } catch (IOException e) {
            model.error("file", "cannot read " + shown + " (" + e.getMessage() + ")", null);
            return null;
        }
    }

    /** Every problem of a file in {@code format}, each "message (hint)"; empty when it can be imported. */
    static List<String> problems(String format, byte[] bytes) {
        Map<?, ?> header;
        SafeTensors file;
        try {
            header = header(bytes);
            file = SafeTensors.fromBytes(bytes);
        } catch (RuntimeException e) {
            return List.of("not a safetensors file this build can read: " + e.getMessage()
                    + " (write it with safetensors.torch.save_file)");
        }
        return switch (format) {
            case ImportedToyModels.FORMAT -> ImportedToyModels.problems(file, header);
            case "sae" -> ImportedSaes.problems(file, header);
            default -> problems(file, header);
        };
    }

    /**
     * Every tensor of {@code header} against {@code expected} (name to shape): missing ones, wrong shapes, non-float
     * dtypes, and extras that {@code allowed} does not take ({@code extras} says what the file may hold), each added to
     * {@code out} as "message (hint)"; {@code from} says where the expected shapes come from.
     */
    static void checkTensors(Map<?, ?> header, Map<String, int[]> expected, String from, List<String> out,
                             java.util.function.Predicate<String> allowed, String extras) {
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            Map<?, ?> entry = (Map<?, ?>) header.get(e.getKey());
            if (entry == null) {
                out.add("missing tensor " + e.getKey() + ", shape " + shape(e.getValue()) + " (" + from + ")");
                continue;
            }
            int[] actual = shapeOf(entry);
            if (!java.util.Arrays.equals(actual, e.getValue())) {
                out.add("tensor " + e.getKey() + " has shape " + shape(actual) + ", expected " + shape(e.getValue())
                        + " (" + from + ")");
            }
            if (!FLOATS.contains(String.valueOf(entry.get("dtype")))) {
                out.add("tensor " + e.getKey() + " has dtype " + entry.get("dtype") + ", expected a float (one of "
                        + String.join(", ", new java.util.TreeSet<>(FLOATS)) + ")");
            }
        }
        for (Object key : header.keySet()) {
            String name = (String) key;
            if (name.equals(SafeTensors.METADATA_KEY) || expected.containsKey(name) || allowed.test(name)) {
                continue;
            }
            out.add("unexpected tensor " + name + " (not a parameter of this model, " + from + "; " + extras + ")");
        }
    }

    /**
     * Every problem of a transformer-lens file, each "message (hint)": header, config, every tensor's name, dtype and
     * shape against the config, the vocab and the reference's form. Empty when the file can be imported.
     */
    private static List<String> problems(SafeTensors file, Map<?, ?> header) {
        List<String> out = new ArrayList<>();
        String json = file.metadata().get(HookedTransformer.CONFIG_KEY);
        if (json == null) {
            out.add("no config in the file's metadata (save_file(model.state_dict(), path, metadata={\"config\": "
                    + "json.dumps(model.cfg.to_dict(), default=str)}))");
            return out;
        }
        TransformerConfig cfg;
        try {
            cfg = TransformerConfig.fromTransformerLens(json);
        } catch (RuntimeException e) {
            out.add(e.getMessage() + " (the config in the file's metadata)");
            return out;
        }
        Map<String, int[]> expected = HookedTransformer.parameterShapes(cfg);
        String from = "from its config: " + describe(cfg);
        checkTensors(header, expected, from, out, name -> name.matches("blocks\\.\\d+\\.attn\\.(mask|IGNORE)"),
                "TransformerLens's attn.mask and attn.IGNORE buffers are the only extras allowed");
        String vocab = file.metadata().get("vocab");
        if (vocab != null) {
            Object parsed = parse(vocab);
            if (!(parsed instanceof List<?> list) || list.size() != cfg.d_vocab()
                    || !list.stream().allMatch(t -> t instanceof String)) {
                out.add("the vocab metadata must be a JSON list of " + cfg.d_vocab() + " strings (d_vocab)");
            }
        }
        String reference = file.metadata().get("reference");
        if (reference != null && reference(reference, cfg) == null) {
            out.add("the reference metadata must be JSON {\"tokens\": [[id, ...], ...], \"logits\": [[[...d_vocab_out], "
                    + "...], ...]}: sequences of at most n_ctx " + cfg.n_ctx() + " tokens below d_vocab " + cfg.d_vocab()
                    + ", one row of d_vocab_out " + cfg.d_vocab_out() + " logits per token");
        }
        if (out.isEmpty()) {
            try {
                HookedTransformer.fromWeights(file);
            } catch (RuntimeException e) {
                out.add(e.getMessage());
            }
        }
        return out;
    }

    /** The reference sequences and their logits; null when the JSON is not of that form for {@code cfg}. */
    static List<Object[]> reference(String json, TransformerConfig cfg) {
        if (!(parse(json) instanceof Map<?, ?> map) || !(map.get("tokens") instanceof List<?> tokens)
                || !(map.get("logits") instanceof List<?> logits) || tokens.size() != logits.size() || tokens.isEmpty()) {
            return null;
        }
        List<Object[]> out = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            if (!(tokens.get(i) instanceof List<?> seq) || seq.isEmpty() || seq.size() > cfg.n_ctx()
                    || !(logits.get(i) instanceof List<?> rows) || rows.size() != seq.size()) {
                return null;
            }
            int[] ids = new int[seq.size()];
            float[] values = new float[seq.size() * cfg.d_vocab_out()];
            for (int p = 0; p < seq.size(); p++) {
                if (!(seq.get(p) instanceof Long id) || id < 0 || id >= cfg.d_vocab()
                        || !(rows.get(p) instanceof List<?> row) || row.size() != cfg.d_vocab_out()) {
                    return null;
                }
                ids[p] = (int) (long) id;
                for (int v = 0; v < row.size(); v++) {
                    if (!(row.get(v) instanceof Number n)) {
                        return null;
                    }
                    values[p * cfg.d_vocab_out() + v] = n.floatValue();
                }
            }
            out.add(new Object[] {ids, values});
        }
        return out;
    }

    /**
     * Puts in {@code metrics} how far the Java outputs {@code actual} are from the file's reference {@code expected}
     * (pairwise arrays of the same length): {@code reference_max_abs_diff}, and {@code reference_relative_diff}, that
     * over the largest |expected| (which {@code verify: reference_within} bounds).
     */
    static void referenceDiff(Map<String, Object> metrics, List<float[]> actual, List<float[]> expected) {
        double worst = 0;
        double largest = 0;
        for (int k = 0; k < expected.size(); k++) {
            for (int i = 0; i < expected.get(k).length; i++) {
                worst = Math.max(worst, Math.abs(actual.get(k)[i] - expected.get(k)[i]));
                largest = Math.max(largest, Math.abs(expected.get(k)[i]));
            }
        }
        metrics.put("reference_max_abs_diff", worst);
        metrics.put("reference_relative_diff", largest == 0 ? worst : worst / largest);
    }

    /** A JSON list of rows of {@code width} numbers, as one row-major array; null when it is not of that form. */
    static float[] rows(List<?> rows, int width) {
        float[] out = new float[rows.size() * width];
        for (int r = 0; r < rows.size(); r++) {
            if (!(rows.get(r) instanceof List<?> row) || row.size() != width) {
                return null;
            }
            for (int j = 0; j < width; j++) {
                if (!(row.get(j) instanceof Number n)) {
                    return null;
                }
                out[r * width + j] = n.floatValue();
            }
        }
        return out;
    }

    /** {@code json} parsed, or null when it is not JSON (a metadata field the file got wrong). */
    static Object parse(String json) {
        try {
            return Json.parse(json);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The safetensors header (tensor name to dtype, shape, offsets), read as JSON. */
    private static Map<?, ?> header(byte[] bytes) {
        if (bytes.length < 8) {
            throw new IllegalArgumentException("shorter than the 8-byte header length");
        }
        long n = 0;
        for (int i = 7; i >= 0; i--) {
            n = n << 8 | (bytes[i] & 0xff);
        }
        if (n <= 0 || n > bytes.length - 8) {
            throw new IllegalArgumentException("header length " + n + " does not fit the file's " + bytes.length + " bytes");
        }
        return (Map<?, ?>) Json.parse(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
    }

    private static int[] shapeOf(Map<?, ?> entry) {
        List<?> dims = (List<?>) entry.get("shape");
        int[] out = new int[dims.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) (long) (Long) dims.get(i);
        }
        return out;
    }

    private static String shape(int[] dims) {
        return java.util.Arrays.toString(dims);
    }

    private static String describe(TransformerConfig cfg) {
        return "n_layers " + cfg.n_layers() + ", d_model " + cfg.d_model() + ", n_heads " + cfg.n_heads() + ", d_head "
                + cfg.d_head() + (cfg.attn_only() ? ", attn_only" : ", d_mlp " + cfg.d_mlp()) + ", d_vocab " + cfg.d_vocab()
                + ", d_vocab_out " + cfg.d_vocab_out() + ", n_ctx " + cfg.n_ctx() + ", normalization_type "
                + cfg.normalization_type();
    }

    @Override
    public Map<String, Object> values() {
        if (cfg != null) { // the file's shape, as the trained transformer kinds state theirs, for the widgets' checks
            return KindSpec.ordered("file", file, "sha256", sha256, "format", format, "n_layers", cfg.n_layers(),
                    "d_model", cfg.d_model(), "n_heads", cfg.n_heads(), "d_head", cfg.d_head(), "n_ctx", cfg.n_ctx(),
                    "d_vocab", cfg.d_vocab(), "d_vocab_out", cfg.d_vocab_out(), "attn_only", cfg.attn_only(),
                    "normalization_type", cfg.hasLayerNorm() ? cfg.normalization_type() : "none");
        }
        if (!format.equals(ImportedToyModels.FORMAT) || files.isEmpty()) {
            return KindSpec.ordered("file", file, "sha256", sha256, "format", format);
        }
        List<Object> sparsities = new ArrayList<>(); // what a widget's :sparsity: is checked against
        for (String name : files) {
            sparsities.add(Double.parseDouble(name.substring("sparsity-".length(), name.length() - ".safetensors".length())));
        }
        return KindSpec.ordered("file", file, "sha256", sha256, "format", format, "sparsities", sparsities);
    }

    @Override
    public String trainerVersion() {
        return VERSION;
    }

    /** The SAE of an {@code sae} file, which the build also publishes in SAELens's layout; none for the other formats. */
    @Override
    public List<SaeFile> saes() {
        return sae == null ? List.of() : List.of(sae);
    }

    /**
     * {@code final.safetensors} for a transformer; one {@code sparsity-S.safetensors} per toy model instance;
     * {@code sae.safetensors} for an SAE.
     */
    @Override
    public List<String> fileNames() {
        return files;
    }

    /** Reads, checks again and republishes the file: parameters in float32, the config in this project's form. */
    @Override
    public List<TrainedModel> train(ModelSpec spec) {
        if (contentDir == null) {
            throw new TrainingFailure("an imported model needs the content directory to read " + file);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(contentDir.resolve(file));
        } catch (IOException e) {
            throw new TrainingFailure("cannot read " + file + " (" + e.getMessage() + ")");
        }
        if (!ModelCache.sha256(bytes).equals(sha256) || !problems(format, bytes).isEmpty()) {
            throw new TrainingFailure(file + " changed while the build was running; build again");
        }
        SafeTensors source = SafeTensors.fromBytes(bytes);
        if (format.equals(ImportedToyModels.FORMAT)) {
            return ImportedToyModels.publish(source, spec.name(), values(), VERSION);
        }
        if (format.equals("sae")) {
            return ImportedSaes.publish(source, spec.name(), values(), VERSION);
        }
        HookedTransformer model = HookedTransformer.fromWeights(source);
        Map<String, Object> metrics = new LinkedHashMap<>();
        long params = 0;
        for (Tensor t : model.tensors().values()) {
            params += t.data().length;
        }
        metrics.put("n_params", params);
        String reference = source.metadata().get("reference");
        if (reference != null) {
            List<Object[]> sequences = reference(reference, model.cfg());
            List<float[]> actual = new ArrayList<>();
            List<float[]> expected = new ArrayList<>();
            for (Object[] seq : sequences) {
                actual.add(model.forward((int[]) seq[0]).data());
                expected.add((float[]) seq[1]);
            }
            metrics.put("reference_sequences", sequences.size());
            referenceDiff(metrics, actual, expected);
        }
        Map<String, String> meta = Training.header(KIND, spec.name());
        meta.put("spec", Json.write(values()));
        meta.put(HookedTransformer.CONFIG_KEY, model.cfg().toJson());
        if (source.metadata().get("vocab") != null) {
            meta.put("vocab", source.metadata().get("vocab"));
        }
        meta.put("trainer", VERSION);
        meta.put("metrics", Training.metrics(metrics));
        return List.of(new TrainedModel(WeightNames.FINAL, new SafeTensors(model.tensors(), meta).toBytes()));
    }

    @Override
    public List<String> verify(List<TrainedModel> models) {
        List<String> out = new ArrayList<>();
        for (String name : files) {
            Object diff = Training.metricsOf(models, name).get("reference_relative_diff");
            double d = diff == null ? 0 : ((Number) diff).doubleValue();
            if (d > referenceWithin) {
                out.add(String.format(Locale.ROOT, "%s: the Java forward pass differs from the file's reference %s by "
                                + "%.3g of the largest, the spec allows %s", name,
                        switch (format) {
                            case "transformer-lens" -> "logits";
                            case "sae" -> "latents";
                            default -> "outputs";
                        }, d, SpecValues.number(referenceWithin)));
            }
        }
        return out;
    }

    /** The reference comparison, when the file has reference logits (or outputs: one for all the toy instances). */
    @Override
    public int expectations() {
        return hasReference ? 1 : 0;
    }

    @Override
    public long totalSteps() {
        return 0;
    }

    /** Reading and one forward pass per reference sequence: next to nothing. */
    @Override
    public double cost() {
        return 1;
    }

    @Override
    public Footprint footprint() {
        long size = 0;
        if (contentDir != null) {
            try {
                size = Files.size(contentDir.resolve(file));
            } catch (IOException e) {
                size = 0;
            }
        }
        return new Footprint(3.0 * size, 3.0 * size, "import a smaller model");
    }
}
