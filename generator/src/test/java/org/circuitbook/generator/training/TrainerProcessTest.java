package org.circuitbook.generator.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.circuitbook.generator.FixtureSite;
import org.circuitbook.generator.diagnostics.BuildException;
import org.circuitbook.generator.diagnostics.Diagnostic;
import org.circuitbook.generator.diagnostics.Problems;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A trainer that dies, however it dies, is reported in one line that names no class and no stack frame. */
@DisplayName("A failed trainer process")
class TrainerProcessTest {
    private static void assertPlain(String line) {
        assertFalse(line.contains("Exception") || line.contains("java.") || line.contains("\tat ") || line.contains("\n"),
                line);
    }

    @Test
    @DisplayName("that runs out of memory says so, whether or not it could print its reason")
    void outOfMemory(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("tiny.yaml");
        Files.writeString(spec, FixtureSite.TINY_SPEC);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx12m", "-cp", System.getProperty("java.class.path"), TrainerProcess.class.getName(),
                spec.toString(), "tiny", "content/models/tiny.yaml", dir.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        String reason = TrainerProcess.reason(log.lines().toList(), exit);
        assertTrue(reason.startsWith("the trainer ran out of memory"), reason + "\n" + log);
        assertPlain(reason);
    }

    @Test
    @DisplayName("(the command) runs the trainer without JavaCPP's resident-memory check, as a JVM option")
    void noPhysicalMemoryCheck(@TempDir Path dir) {
        ModelSpec spec = ModelSpec.parse("tiny", "content/models/tiny.yaml", FixtureSite.TINY_SPEC, new Problems("load"));
        List<String> cmd = TrainerProcess.command(dir.resolve("tiny.yaml"), spec, dir);
        int option = cmd.indexOf("-Dorg.bytedeco.javacpp.maxPhysicalBytes=0");
        assertTrue(option > 0 && option < cmd.indexOf(TrainerProcess.class.getName()), cmd.toString());
    }

    @Test
    @DisplayName("is read from its reason line, else from its exit status and log")
    void reasons() {
        assertEquals("the trainer ran out of memory (Java heap space)", TrainerProcess.reason(List.of(
                "Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space", "\tat a.b(C.java:1)",
                "trainer failed: the trainer ran out of memory (Java heap space)"), 1));
        assertEquals("the trainer ran out of memory", TrainerProcess.reason(List.of(
                "Exception: java.lang.OutOfMemoryError thrown from the UncaughtExceptionHandler in thread \"main\""), 1));
        assertEquals("the trainer was killed by signal 9 (most likely the system ran out of memory)",
                TrainerProcess.reason(List.of("\tat org.nd4j.Something(Native Method)"), 137));
        assertEquals("the trainer crashed in native code (exit status 134)", TrainerProcess.reason(List.of(
                "#", "# A fatal error has been detected by the Java Runtime Environment:", "#  SIGSEGV"), 134));
        assertEquals("the trainer exited with status 3", TrainerProcess.reason(List.of(), 3));
        assertEquals("the trainer ran out of memory (Physical memory usage is too high)",
                TrainerProcess.reason(new RuntimeException(new OutOfMemoryError("Physical memory usage is too high"))));
        assertEquals("the trainer stopped: shapes [2, 3] and [4] do not match", TrainerProcess.reason(
                new IllegalStateException("java.lang.IllegalArgumentException: shapes [2, 3] and [4] do not match")));
        assertEquals("the trainer ran out of stack", TrainerProcess.reason(new StackOverflowError()));
    }

    @Test
    @DisplayName("fails the build with one diagnostic at the spec, pointing at the trainer's log")
    void oneDiagnostic(@TempDir Path root) throws Exception {
        Problems problems = new Problems("load");
        ModelSpec spec = ModelSpec.parse("toy", "content/models/toy.yaml", FixtureSite.TINY_SPEC, problems);
        problems.throwIfAny();
        // the file on disk differs from the parsed spec: the trainer refuses it, as when an author saves mid-build
        Files.createDirectories(root.resolve("content/models"));
        Files.writeString(root.resolve("content/models/toy.yaml"), "model: {kind: toy-superposition}\n");
        ModelCache cache = new ModelCache(root.resolve(".cache"), root, java.util.Set.of(), 1, line -> { });
        BuildException e = assertThrows(BuildException.class, () -> cache.trainAll(List.of(spec)));
        assertEquals(List.of("content/models/toy.yaml: train: training toy failed: the spec changed while the build was"
                        + " running; build again (the trainer's log is in .cache/models/toy/" + ModelCache.key(spec) + ".error)"),
                e.diagnostics().stream().map(Diagnostic::toString).toList());
        assertTrue(Files.readString(root.resolve(".cache/models/toy/" + ModelCache.key(spec) + ".error"))
                .contains("the spec changed while the build was running"));
    }
}
