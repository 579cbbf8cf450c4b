package org.circuitbook.generator.training;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.circuitbook.generator.diagnostics.Problems;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains one model spec in its own JVM: {@code TrainerProcess SPEC_FILE NAME DISPLAY_PATH OUT_DIR}.
 *
 * <p>ND4J reads {@code OMP_NUM_THREADS} once, when its native library loads, and settings changed later
 * from Java do not cover every kernel; the thread count changes float reduction order and so the
 * weights. The parent starts this process with one thread (fastest for these small models on shared
 * 2-core machines) and a small heap (ND4J frees native memory only when the Java GC runs), so a spec
 * trains to the same bytes wherever and however the build was started. Exit 0 with the weight files in
 * OUT_DIR, or 1 with the reason as the last line of standard error.
 */
public final class TrainerProcess {
    private TrainerProcess() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            System.err.println("usage: TrainerProcess SPEC_FILE NAME DISPLAY_PATH OUT_DIR");
            System.exit(2);
        }
        Problems problems = new Problems(ModelCache.STAGE);
        ModelSpec spec = ModelSpec.parse(args[1], args[2], org.circuitbook.generator.content.ContentLoader.text(
                Files.readString(Path.of(args[0]), java.nio.charset.StandardCharsets.UTF_8)), problems);
        if (spec == null || !problems.isEmpty()) {
            System.err.println("the spec changed while the build was running; build again");
            System.exit(1);
        }
        Path out = Path.of(args[3]);
        try {
            Nd4j.getExecutioner();
            for (TrainedModel m : spec.settings().train(spec)) {
                Files.write(out.resolve(m.fileName()), m.bytes());
            }
        } catch (RuntimeException | LinkageError e) {
            e.printStackTrace();
            System.err.println(e instanceof ToySuperpositionTrainer.TrainingFailure ? e.getMessage() : String.valueOf(e));
            System.exit(1);
        }
        System.exit(0);
    }

    /** The command that runs this class with the parent's class path and Java. */
    static List<String> command(Path specFile, ModelSpec spec, Path out) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        if (Runtime.version().feature() >= 24) {
            // javacpp's native access is legal but noisy on recent JDKs
            cmd.add("--enable-native-access=ALL-UNNAMED");
            cmd.add("--sun-misc-unsafe-memory-access=allow");
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(TrainerProcess.class.getName());
        cmd.add(specFile.toString());
        cmd.add(spec.name());
        cmd.add(spec.path());
        cmd.add(out.toString());
        return cmd;
    }
}
