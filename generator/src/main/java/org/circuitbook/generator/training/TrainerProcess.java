package org.circuitbook.generator.training;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.circuitbook.generator.diagnostics.Problems;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains one model spec in its own JVM: {@code TrainerProcess SPEC_FILE NAME DISPLAY_PATH OUT_DIR [KIND_CLASS...]},
 * the optional class names being the build's model kinds outside {@link ModelKinds#ALL}
 * ({@link ModelKinds#extraClassNames()}), made here by their public no-argument constructors.
 *
 * <p>ND4J reads {@code OMP_NUM_THREADS} once, when its native library loads, and settings changed later
 * from Java do not cover every kernel; the thread count changes float reduction order and so the
 * weights. The parent starts this process with one thread (fastest for these small models on shared
 * 2-core machines) and a small heap (ND4J frees native memory only when the Java GC runs), so a spec
 * trains to the same bytes wherever and however the build was started. Exit 0 with the weight files in
 * OUT_DIR, or 1 with the reason as the last line of standard error, after {@link #REASON} (any failure,
 * running out of memory included; a process killed from outside is reported from its exit status).
 */
public final class TrainerProcess {
    /** The trainer's Java heap; {@link Footprint} holds specs to a share of it. */
    static final int HEAP_MB = 512;
    /**
     * Turns off JavaCPP's check of the process's resident memory, which reads /proc/self/statm at every native
     * allocation: ND4J makes a few small ones per op, and the reads cost about 3 % of a training step (a modular-addition
     * step 21.3 -> 20.7 ms, README, Training). ND4J frees its arrays itself (SameDiff's arrays explicitly, the rest
     * when the Java heap's collector finds them); the trainers' peak resident memory in a cold build is in the README.
     */
    static final String NO_PHYSICAL_MEMORY_CHECK = "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0";
    /** Starts the last line of a failed run's standard error: the reason, for the parent to report. */
    static final String REASON = "trainer failed: ";
    private TrainerProcess() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 4) {
            System.err.println("usage: TrainerProcess SPEC_FILE NAME DISPLAY_PATH OUT_DIR [KIND_CLASS...]");
            System.exit(2);
        }
        ModelKinds kinds;
        try {
            kinds = ModelKinds.withClassNames(List.of(args).subList(4, args.length));
        } catch (IllegalArgumentException e) {
            System.err.println(REASON + e.getMessage());
            System.exit(1);
            return;
        }
        Problems problems = new Problems(ModelCache.STAGE);
        ModelSpec spec = ModelSpec.parse(args[1], args[2], org.circuitbook.generator.content.ContentLoader.text(
                Files.readString(Path.of(args[0]), java.nio.charset.StandardCharsets.UTF_8)), problems, kinds,
                Path.of(args[0]).toAbsolutePath().getParent().getParent()); // content/models/NAME.yaml
        if (spec == null || !problems.isEmpty()) {
            System.err.println(REASON + "the spec changed while the build was running; build again");
            System.exit(1);
        }
        Path out = Path.of(args[3]);
        try {
            Nd4j.getExecutioner();
            Progress.report(spec.settings().totalSteps(), System.err); // the parent reads it from the log
            for (TrainedModel m : spec.settings().train(spec)) {
                Files.write(out.resolve(m.fileName()), m.bytes());
            }
        } catch (Throwable e) { // OutOfMemoryError and StackOverflowError too: the parent reports one line
            e.printStackTrace();
            System.err.println(REASON + reason(e));
            System.exit(1);
        }
        System.exit(0);
    }

    /** What a failure comes to, in one line without a class name, for the parent's diagnostic. */
    static String reason(Throwable e) {
        String message = null;
        for (Throwable t = e; t != null; t = t.getCause()) { // JavaCPP wraps its OutOfMemoryError in other errors
            if (t instanceof OutOfMemoryError) {
                return "the trainer ran out of memory (" + firstLine(t.getMessage(), "no details") + ")";
            }
            if (t instanceof StackOverflowError) {
                return "the trainer ran out of stack";
            }
            if (message == null && t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        if (e instanceof TrainingFailure) {
            return firstLine(e.getMessage(), "training failed");
        }
        return "the trainer stopped: " + firstLine(message, "an internal error with no message");
    }

    /**
     * The reason for a failed run of this process, from its log (standard output and error) and exit status:
     * the {@link #REASON} line it printed, or for a process that could not print one (killed, crashed in
     * native code) what its status and log say. One line, never a stack frame.
     */
    static String reason(List<String> log, int exit) {
        for (int i = log.size() - 1; i >= 0; i--) {
            if (log.get(i).startsWith(REASON)) {
                return log.get(i).substring(REASON.length());
            }
        }
        if (log.stream().anyMatch(l -> l.contains("OutOfMemoryError") || l.contains("Cannot allocate memory"))) {
            return "the trainer ran out of memory";
        }
        if (log.stream().anyMatch(l -> l.startsWith("# A fatal error has been detected"))) {
            return "the trainer crashed in native code (exit status " + exit + ")";
        }
        if (exit > 128) {
            return "the trainer was killed by signal " + (exit - 128)
                    + (exit - 128 == 9 ? " (most likely the system ran out of memory)" : "");
        }
        return "the trainer exited with status " + exit;
    }

    /** The first line of a message, without the class names a wrapped exception puts in front of it. */
    private static String firstLine(String message, String fallback) {
        if (message == null || message.isBlank()) {
            return fallback;
        }
        String line = message.strip().lines().findFirst().orElse(fallback);
        return line.replaceAll("\\b(?:[a-z][\\w$]*\\.)*[A-Z][\\w$]*(?:Exception|Error)\\b:?\\s*", "").strip();
    }

    /** The command that runs this class with the parent's class path and Java. */
    static List<String> command(Path specFile, ModelSpec spec, Path out) {
        return command(specFile, spec, out, ModelKinds.ALL);
    }

    /** The command, passing the class names of {@code kinds} outside {@link ModelKinds#ALL} to the child. */
    static List<String> command(Path specFile, ModelSpec spec, Path out, ModelKinds kinds) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + HEAP_MB + "m");
        cmd.add(NO_PHYSICAL_MEMORY_CHECK);
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
        cmd.addAll(kinds.extraClassNames());
        return cmd;
    }
}
