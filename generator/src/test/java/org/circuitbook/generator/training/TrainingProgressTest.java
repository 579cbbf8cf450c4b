package org.circuitbook.generator.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.circuitbook.generator.StatusLog;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a build shows while specs train, read from the trainers' logs, on a terminal and in a plain log. */
@DisplayName("Training progress")
class TrainingProgressTest {
    private final AtomicLong clock = new AtomicLong(1_000_000);

    private static void append(Path log, String text) throws IOException {
        Files.writeString(log, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    @DisplayName("a plain log gets a line per running spec every period: step/total, loss and time left")
    void plainLines(@TempDir Path dir) throws IOException {
        List<String> lines = new ArrayList<>();
        TrainingProgress progress = new TrainingProgress(lines::add, 30_000, clock::get);
        Path a = dir.resolve("a.log");
        Path b = dir.resolve("b.log");
        progress.started("modular", a);
        progress.started("othello", b);
        append(a, "some ND4J noise\n" + Progress.line(0, 3000, Double.NaN) + "\n");
        progress.tick();
        assertEquals(List.of(), lines, "nothing before the first period");
        clock.addAndGet(10_000);
        append(a, Progress.line(1000, 3000, 2.5) + "\n" + Progress.line(1200, 3000, 0.4123456) + "\n#progr");
        progress.tick();
        clock.addAndGet(20_000);
        append(a, "ess 2000 3000 0.25\n");
        progress.tick();
        assertEquals(List.of(
                "training modular: 2,000/3,000 steps (66%), loss 0.2500, about 20 s left",
                "training othello: starting (30.0 s)"), lines);
        append(a, Progress.line(3000, 3000, 0.125) + "\n");
        append(b, Progress.line(7, -1, 1.0) + "\n");
        clock.addAndGet(30_000);
        progress.tick();
        assertEquals(List.of(
                "training modular: 3,000/3,000 steps (100%), loss 0.1250, finishing (metrics, parity, export)",
                "training othello: 7 steps, loss 1.000"), lines.subList(2, 4));
        progress.finished("modular");
        progress.finished("othello");
        clock.addAndGet(30_000);
        progress.tick();
        assertEquals(4, lines.size(), "no lines once nothing trains: " + lines);
    }

    @Test
    @DisplayName("a terminal gets one live status line, cleared for log lines and when training ends")
    void terminalLine(@TempDir Path dir) throws IOException {
        List<String> shown = new ArrayList<>();
        StatusLog terminal = new StatusLog() {
            @Override
            public void accept(String line) {
                shown.add("line " + line);
            }

            @Override
            public void status(String line) {
                shown.add("status " + line);
            }
        };
        TrainingProgress progress = new TrainingProgress(StatusLog.indented(terminal, "  "), 30_000, clock::get);
        Path a = dir.resolve("a.log");
        progress.started("toy", a);
        append(a, Progress.line(0, 100, 0.5) + "\n");
        progress.tick();
        clock.addAndGet(1000);
        append(a, Progress.line(5, 100, 0.375) + "\n");
        progress.tick();
        clock.addAndGet(1000);
        append(a, Progress.line(20, 100, 0.25) + "\n");
        progress.tick();
        progress.line("train other [fresh] 1 models");
        progress.finished("toy");
        assertEquals(List.of(
                "status   training toy 0/100 steps (0%), loss 0.5000",
                "status   training toy 5/100 steps (5%), loss 0.3750",
                "status   training toy 20/100 steps (20%), loss 0.2500, about 10 s left",
                "line   train other [fresh] 1 models",
                "status "), shown);
    }

    @Test
    @DisplayName("time left is rounded up to 5 s")
    void left() {
        assertEquals("5 s", TrainingProgress.left(1));
        assertEquals("45 s", TrainingProgress.left(40_001));
        assertEquals("1 min 10 s", TrainingProgress.left(70_000));
    }
}
