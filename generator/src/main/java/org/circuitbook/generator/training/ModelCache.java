package org.circuitbook.generator.training;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.circuitbook.generator.diagnostics.Diagnostic;
import org.circuitbook.generator.diagnostics.Problems;
import org.circuitbook.generator.output.ContentHash;
import org.circuitbook.generator.output.FileTrees;
import org.circuitbook.widgets.weights.SafeTensorsValidator;

/**
 * The train stage, run as a data loader: each spec's trained weights are cached outside {@code site/}
 * under {@code CACHE/models/NAME/KEY/}, KEY a hash of the resolved spec and the trainer version, with a
 * manifest holding each file's SHA-256.
 *
 * <p>An entry whose files match their checksums is used as it is ({@code [fresh]}). Otherwise the spec is
 * trained ({@code [missing]}; {@code [stale]} when an entry for an older spec or trainer was replaced;
 * {@code [corrupt]} when a cached file no longer matches its checksum; {@code [forced]} for
 * {@code --retrain NAME}) in a child JVM, into a temporary directory renamed into place when complete.
 * Independent specs train in parallel, one process per core. A failure leaves {@code KEY.error} holding
 * the reason. Every build then checks the weights against the spec's {@code verify} section. One status
 * line per spec: {@code train superposition-5x2 [fresh] 4 models, 1.1 kB in 3 ms}.
 */
public final class ModelCache {
    public static final String STAGE = "train";
    private static final String MANIFEST = "complete";

    private final Path cacheDir;
    private final Path root;
    private final Set<String> retrain;
    private final int parallelism;
    private final java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger peak = new java.util.concurrent.atomic.AtomicInteger();
    private final Consumer<String> log;
    private final ModelKinds kinds;
    /** While specs train: their progress, and the log lines printed meanwhile. */
    private volatile TrainingProgress progress;

    /** Caches under {@code cacheDir}; spec paths are relative to the project {@code root}. */
    public ModelCache(Path cacheDir, Path root, Set<String> retrain, int parallelism, Consumer<String> log) {
        this(cacheDir, root, retrain, parallelism, log, ModelKinds.ALL);
    }

    /** Caches under {@code cacheDir}, training specs of {@code kinds} (the child trainer makes those outside ALL). */
    public ModelCache(Path cacheDir, Path root, Set<String> retrain, int parallelism, Consumer<String> log,
                      ModelKinds kinds) {
        this.kinds = kinds;
        this.cacheDir = cacheDir;
        this.root = root;
        this.retrain = retrain;
        this.parallelism = Math.max(1, parallelism);
        this.log = log;
    }

    /** Trains (or loads) every spec; all failures are collected, then reported together. */
    public List<TrainedSet> trainAll(List<ModelSpec> specs) {
        Problems problems = new Problems(STAGE);
        Set<String> names = new TreeSet<>(specs.stream().map(ModelSpec::name).toList());
        for (String r : retrain) {
            if (!names.contains(r)) {
                problems.add(Diagnostic.file("--retrain " + r, STAGE, "no model spec is called \"" + r + "\"",
                        "known: " + String.join(", ", names)));
            }
        }
        problems.throwIfAny();

        Map<ModelSpec, String> status = new LinkedHashMap<>();
        for (ModelSpec spec : specs) {
            status.put(spec, status(spec));
        }
        Map<ModelSpec, Future<Long>> training = new LinkedHashMap<>();
        boolean any = status.values().stream().anyMatch(s -> !s.equals("fresh"));
        try (TrainingProgress shown = any ? new TrainingProgress(log).start() : null) {
            progress = shown;
            return trainAll(specs, status, training, problems);
        } finally {
            progress = null;
        }
    }

    /**
     * {@link #trainAll} for a build that trains nothing: when no spec is to be retrained and every one's cache entry
     * is intact, reads, validates and verifies them all (the same lines, the same problems); otherwise returns null,
     * having trained nothing and written nothing, and the caller trains with {@link #trainAll} in its own time. A
     * build reads its cache with this while it checks the book, on another thread, so that a book that fails its
     * check never starts a training.
     */
    public List<TrainedSet> readAllIfFresh(List<ModelSpec> specs) {
        if (!retrain.isEmpty()) {
            return null;
        }
        Map<ModelSpec, String> status = new LinkedHashMap<>();
        for (ModelSpec spec : specs) {
            String s = status(spec);
            if (!s.equals("fresh")) {
                return null;
            }
            status.put(spec, s);
        }
        return trainAll(specs, status, new LinkedHashMap<>(), new Problems(STAGE));
    }

    private List<TrainedSet> trainAll(List<ModelSpec> specs, Map<ModelSpec, String> status,
                                      Map<ModelSpec, Future<Long>> training, Problems problems) {
        ExecutorService pool = Executors.newFixedThreadPool(parallelism);
        try {
            // the costliest first, so that the last ones to start are short and both cores finish together
            List<ModelSpec> byCost = new ArrayList<>(specs);
            byCost.sort(java.util.Comparator.comparingDouble((ModelSpec s) -> -s.settings().cost()));
            for (ModelSpec spec : byCost) {
                if (!status.get(spec).equals("fresh")) {
                    training.put(spec, pool.submit(() -> trainIntoCache(spec)));
                }
            }
        } finally {
            pool.shutdown();
        }

        List<TrainedSet> out = new ArrayList<>();
        for (ModelSpec spec : specs) {
            long trainedMs = 0;
            String s = status.get(spec);
            try {
                if (training.containsKey(spec)) {
                    trainedMs = training.get(spec).get(); // this spec's own training time, not the wait for it
                }
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                String reason = cause instanceof TrainingFailure
                        ? cause.getMessage().lines().findFirst().orElse("")
                        : "the model cache could not be written (" + cause.getMessage() + ")";
                boolean memory = reason.contains("out of memory") || reason.contains("killed by signal");
                problems.add(Diagnostic.file(spec.path(), STAGE, "training " + spec.name() + " failed: " + reason,
                        (memory ? "make the model or its batches smaller; " : "") + "the trainer's log is in "
                                + display(errorMarker(spec))));
                writeQuietly(errorMarker(spec), stackTrace(cause));
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while training " + spec.name());
            }
            long start = System.nanoTime();
            TrainedSet set = readValid(spec, s.equals("fresh"), problems);
            if (set == null) {
                continue;
            }
            List<Diagnostic> failures = verifyOrReport(set, problems);
            if (failures == null) {
                continue;
            }
            problems.addAll(failures);
            out.add(set);
            long ms = trainedMs + (System.nanoTime() - start) / 1_000_000;
            int checks = spec.settings().expectations();
            line("train " + spec.name() + " [" + s + "] " + set.models().size() + " models, "
                    + kilobytes(set.totalBytes()) + " in " + duration(ms)
                    + (s.equals("fresh") ? " (cached, nothing trained" : " (trained, parity checked")
                    + (checks == 0 ? "" : failures.isEmpty() ? "; " + checks + (checks == 1 ? " expectation holds" : " expectations hold") : "; VERIFY FAILED")
                    + ")");
        }
        problems.throwIfAny();
        return out;
    }

    /**
     * The spec's cache entry, every file present and checked by {@link SafeTensorsValidator}; null, with one
     * diagnostic per bad file, when any is missing or malformed. A file that matches its checksum and is
     * still malformed was written so, not damaged by accident: it is reported, never published, and never
     * silently replaced, since retraining could hide a trainer that writes bad files.
     */
    private TrainedSet readValid(ModelSpec spec, boolean cached, Problems problems) {
        Path entry = entry(spec);
        String hint = "nothing was published; run the build with --retrain " + spec.name() + " to train it again";
        boolean valid = true;
        List<TrainedModel> models = new ArrayList<>();
        for (String name : spec.settings().fileNames()) {
            Path file = entry.resolve(name);
            String problem = null;
            try {
                if (Files.isRegularFile(file)) {
                    // the bytes checked are the bytes published, read once; the header stays parsed for its readers
                    TrainedModel model = new TrainedModel(name, Files.readAllBytes(file));
                    model.header();
                    models.add(model);
                } else {
                    problem = "the file is missing from the cache entry";
                }
            } catch (IllegalArgumentException e) {
                problem = SafeTensorsValidator.withoutPrefix(e.getMessage());
            } catch (IOException e) {
                problem = "the file cannot be read (" + e.getMessage() + ")";
            }
            if (problem != null) {
                problems.add(Diagnostic.file(display(file), STAGE, (cached ? "cached weights of " + spec.name()
                        + " are invalid: " : "the trainer wrote invalid weights for " + spec.name() + ": ") + problem, hint));
                valid = false;
            }
        }
        return valid ? new TrainedSet(spec, List.copyOf(models)) : null;
    }

    /**
     * The spec's verify section checked; null, with a diagnostic, when the files' metadata lacks what the
     * verifier reads (well-formed files from another trainer, or edited ones).
     */
    private List<Diagnostic> verifyOrReport(TrainedSet set, Problems problems) {
        try {
            return verify(set);
        } catch (RuntimeException e) {
            problems.add(unverifiable(set.spec(), e));
            return null;
        }
    }

    /**
     * {@code set}'s verify section checked as the build checks it, for {@code circuitbook check}: the failures,
     * or the one diagnostic the build gives when the files are not what the kind's trainer writes.
     */
    public List<Diagnostic> verifyOrDiagnose(TrainedSet set) {
        try {
            return verify(set);
        } catch (RuntimeException e) {
            return List.of(unverifiable(set.spec(), e));
        }
    }

    /** The files of {@code spec}'s entry pass the validator but its kind's verifier cannot read them. */
    private Diagnostic unverifiable(ModelSpec spec, RuntimeException e) {
        String trainer = spec.settings().trainerVersion();
        return Diagnostic.file(display(entry(spec)), STAGE, "cannot verify " + spec.name() + ": "
                + (e instanceof UnreadableWeights u ? u.file() + " is not what trainer " + trainer + " writes: "
                        + u.reason() : "its weights' metadata is not what trainer " + trainer + " writes"),
                "nothing was published; run the build with --retrain " + spec.name() + " to train it again");
    }

    /** {@code path} relative to the project root when it is inside it (as diagnostics name files), else absolute. */
    private String display(Path path) {
        return Diagnostic.shown(root, path);
    }

    /**
     * The trained models of {@code spec} when the cache holds an intact entry for it as it is now, without
     * training anything; null when it would have to be trained ({@code missing}, {@code stale},
     * {@code corrupt}). For {@code circuitbook check}.
     */
    public TrainedSet cached(ModelSpec spec) {
        Path entry = entry(spec);
        if (!Files.isRegularFile(entry.resolve(MANIFEST)) || !intact(entry, spec)) {
            return null;
        }
        Problems problems = new Problems(STAGE);
        TrainedSet set = readValid(spec, true, problems);
        problems.throwIfAny();
        return set;
    }

    /** The spec's {@code verify} section checked against its trained models: one diagnostic per failure. */
    public static List<Diagnostic> verify(TrainedSet set) {
        ModelSpec spec = set.spec();
        return spec.settings().verify(set.models()).stream()
                .map(f -> Diagnostic.file(spec.path(), STAGE, "verify " + spec.name() + " " + f,
                        "the trained model does not show what the spec's verify section (and the book) says"))
                .toList();
    }

    /** The most trainer processes that have run at once, over this cache's lifetime. */
    public int peakParallelTrainers() {
        return peak.get();
    }

    /** The cache key: the first 16 hex digits of SHA-256 over the resolved spec and the trainer version. */
    public static String key(ModelSpec spec) {
        return sha256((spec.canonical() + "\ntrainer=" + spec.settings().trainerVersion())
                .getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    private Path entry(ModelSpec spec) {
        return cacheDir.resolve("models").resolve(spec.name()).resolve(key(spec));
    }

    /** fresh, forced, corrupt, stale or missing. */
    private String status(ModelSpec spec) {
        Path entry = entry(spec);
        if (retrain.contains(spec.name())) {
            return "forced";
        }
        if (Files.isRegularFile(entry.resolve(MANIFEST))) {
            return intact(entry, spec) ? "fresh" : "corrupt";
        }
        return hasOtherEntries(entry.getParent(), entry) ? "stale" : "missing";
    }

    /** The manifest lists every file of the spec, and each file it lists exists and matches its SHA-256. */
    private static boolean intact(Path entry, ModelSpec spec) {
        try {
            Set<String> listed = new java.util.HashSet<>();
            for (String line : Files.readAllLines(entry.resolve(MANIFEST))) {
                if (!line.startsWith("sha256 ")) {
                    continue;
                }
                String[] parts = line.split(" ", 3);
                Path file = entry.resolve(parts[2]);
                if (!Files.isRegularFile(file) || !sha256(Files.readAllBytes(file)).equals(parts[1])) {
                    return false;
                }
                listed.add(parts[2]);
            }
            return listed.containsAll(spec.settings().fileNames());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Trains {@code spec} in a child JVM into a temp directory, then renames it into place; returns ms. */
    private long trainIntoCache(ModelSpec spec) throws IOException {
        long start = System.nanoTime();
        Path entry = entry(spec);
        Path specDir = entry.getParent();
        Path tmp = specDir.resolve(entry.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            FileTrees.deleteTree(tmp);
            Files.createDirectories(tmp);
            runTrainer(spec, tmp);
            StringBuilder manifest = new StringBuilder(spec.canonical())
                    .append("trainer=").append(spec.settings().trainerVersion()).append('\n');
            for (String name : spec.settings().fileNames()) {
                manifest.append("sha256 ").append(sha256(Files.readAllBytes(tmp.resolve(name)))).append(' ')
                        .append(name).append('\n');
            }
            Files.writeString(tmp.resolve(MANIFEST), manifest);
            FileTrees.deleteTree(entry);
            FileTrees.rename(tmp, entry);
            Files.deleteIfExists(errorMarker(spec));
            removeOtherEntries(specDir, entry);
        } finally {
            FileTrees.deleteTree(tmp); // gone after a successful rename; a failed run leaves nothing half-written
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** Trains {@code spec} into {@code out} in a child JVM (see {@link TrainerProcess} for why). */
    private void runTrainer(ModelSpec spec, Path out) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(TrainerProcess.command(root.resolve(spec.path()), spec, out, kinds));
        builder.environment().put("OMP_NUM_THREADS", "1");
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.to(out.resolve("trainer.log").toFile()));
        Process process = builder.start();
        int exit;
        peak.accumulateAndGet(running.incrementAndGet(), Math::max);
        TrainingProgress shown = progress;
        if (shown != null) {
            shown.started(spec.name(), out.resolve("trainer.log"));
        }
        try {
            exit = process.waitFor();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while training " + spec.name());
        } finally {
            running.decrementAndGet();
            if (shown != null) {
                shown.finished(spec.name());
            }
        }
        if (exit != 0) {
            List<String> lines = Files.readAllLines(out.resolve("trainer.log"), StandardCharsets.ISO_8859_1);
            throw new TrainingFailure(TrainerProcess.reason(lines, exit) + "\n"
                    + String.join("\n", lines));
        }
        Files.delete(out.resolve("trainer.log"));
    }

    /** A log line, above the progress line while specs train. */
    private void line(String line) {
        TrainingProgress shown = progress;
        if (shown != null) {
            shown.line(line);
        } else {
            log.accept(line);
        }
    }

    private Path errorMarker(ModelSpec spec) {
        return cacheDir.resolve("models").resolve(spec.name()).resolve(key(spec) + ".error");
    }

    private static boolean hasOtherEntries(Path specDir, Path entry) {
        if (!Files.isDirectory(specDir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(specDir)) {
            return s.anyMatch(p -> Files.isDirectory(p) && !p.equals(entry) && !p.getFileName().toString().contains(".tmp-"));
        } catch (IOException e) {
            return false;
        }
    }

    private static void removeOtherEntries(Path specDir, Path keep) throws IOException {
        try (Stream<Path> s = Files.list(specDir)) {
            for (Path p : s.toList()) {
                if (!p.equals(keep) && Files.isDirectory(p)) {
                    FileTrees.deleteTree(p);
                }
            }
        }
    }

    static String sha256(byte[] bytes) {
        return ContentHash.sha256Hex(bytes);
    }

    private static void writeQuietly(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException ignored) {
            // the build already fails with the reason; the marker is a convenience
        }
    }

    private static String stackTrace(Throwable e) {
        java.io.StringWriter w = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }

    static String kilobytes(long bytes) {
        return bytes < 1000 ? bytes + " B" : String.format(java.util.Locale.ROOT, "%.1f kB", bytes / 1000.0);
    }

    static String duration(long ms) {
        return ms < 1000 ? ms + " ms" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}
