package org.circuitbook.generator.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.circuitbook.generator.diagnostics.Diagnostic;
import org.circuitbook.generator.diagnostics.Problems;
import org.circuitbook.generator.output.FileTrees;

/**
 * The train stage, run as a data loader: each spec's trained weights are cached outside {@code site/}
 * under {@code CACHE/models/NAME/KEY/}, KEY a hash of the resolved spec and the trainer version.
 *
 * <p>A spec whose entry exists is not trained again ({@code [fresh]}); otherwise it is trained into a
 * temporary directory that is renamed into place when complete ({@code [missing]}, or {@code [stale]}
 * when an entry for an older spec or trainer was replaced). A failure leaves {@code KEY.error} holding
 * the reason and fails the build. One status line per spec:
 * {@code train superposition-5x2 [fresh] 4 models, 1.1 kB in 3 ms}.
 */
public final class ModelCache {
    public static final String STAGE = "train";
    private static final String COMPLETE = "complete";

    private final Path cacheDir;
    private final Path root;
    private final Consumer<String> log;

    /** Caches under {@code cacheDir}; spec paths are relative to the project {@code root}. */
    public ModelCache(Path cacheDir, Path root, Consumer<String> log) {
        this.cacheDir = cacheDir;
        this.root = root;
        this.log = log;
    }

    /** Trains (or loads) every spec; all failures are collected, then reported together. */
    public List<TrainedSet> trainAll(List<ModelSpec> specs) {
        Problems problems = new Problems(STAGE);
        List<TrainedSet> out = new ArrayList<>();
        for (ModelSpec spec : specs) {
            try {
                out.add(trainOrLoad(spec));
            } catch (RuntimeException e) {
                String reason = e instanceof ToySuperpositionTrainer.TrainingFailure ? e.getMessage().lines().findFirst()
                        .orElse("") : String.valueOf(e);
                problems.add(Diagnostic.file(spec.path(), STAGE, "training " + spec.name() + " failed: " + reason,
                        "the full reason is in " + errorMarker(spec)));
                writeQuietly(errorMarker(spec), stackTrace(e));
            }
        }
        problems.throwIfAny();
        return out;
    }

    /** The cache key: the first 16 hex digits of SHA-256 over the resolved spec and the trainer version. */
    public static String key(ModelSpec spec) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((spec.canonical() + "\ntrainer=" + ToySuperpositionTrainer.VERSION)
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private TrainedSet trainOrLoad(ModelSpec spec) {
        long start = System.nanoTime();
        Path specDir = cacheDir.resolve("models").resolve(spec.name());
        Path entry = specDir.resolve(key(spec));
        String status;
        if (Files.isRegularFile(entry.resolve(COMPLETE))) {
            status = "fresh";
        } else {
            status = hasOtherEntries(specDir, entry) ? "stale" : "missing";
            Path tmp = specDir.resolve(entry.getFileName() + ".tmp-" + ProcessHandle.current().pid());
            try {
                FileTrees.deleteTree(tmp);
                Files.createDirectories(tmp);
                train(spec, tmp);
                Files.writeString(tmp.resolve(COMPLETE), spec.canonical() + "trainer=" + ToySuperpositionTrainer.VERSION
                        + "\n");
                FileTrees.deleteTree(entry);
                FileTrees.rename(tmp, entry);
                Files.deleteIfExists(errorMarker(spec));
                removeOtherEntries(specDir, entry);
            } catch (IOException e) {
                throw new UncheckedIOException("could not write the model cache " + entry, e);
            } finally {
                try {
                    FileTrees.deleteTree(tmp); // gone after a successful rename; a failed run leaves nothing half-written
                } catch (IOException ignored) {
                    // a leftover temp dir is replaced by the next build
                }
            }
        }
        TrainedSet set = TrainedSet.read(spec, entry);
        long ms = (System.nanoTime() - start) / 1_000_000;
        log.accept("train " + spec.name() + " [" + status + "] " + set.models().size() + " models, "
                + kilobytes(set.totalBytes()) + " in " + duration(ms)
                + ("fresh".equals(status) ? " (cached, nothing trained)" : " (trained, parity checked)"));
        return set;
    }

    /** Trains {@code spec} into {@code out} in a child JVM (see {@link TrainerProcess} for why). */
    private void train(ModelSpec spec, Path out) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(TrainerProcess.command(root.resolve(spec.path()), spec, out));
        builder.environment().put("OMP_NUM_THREADS", "1");
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.to(out.resolve("trainer.log").toFile()));
        Process process = builder.start();
        int status;
        try {
            status = process.waitFor();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while training " + spec.name());
        }
        if (status != 0) {
            List<String> lines = Files.readAllLines(out.resolve("trainer.log"));
            String reason = lines.isEmpty() ? "the trainer exited with status " + status : lines.get(lines.size() - 1);
            throw new ToySuperpositionTrainer.TrainingFailure(reason + "\n" + String.join("\n", lines));
        }
        Files.delete(out.resolve("trainer.log"));
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
