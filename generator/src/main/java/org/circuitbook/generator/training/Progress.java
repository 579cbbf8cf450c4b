package org.circuitbook.generator.training;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A spec's training progress, as its trainer's child JVM reports it: every optimiser step taken ({@link Batches}
 * counts them, so no trainer has to) against the spec's {@link KindSpec#totalSteps()}, and the latest training loss a
 * trainer saw ({@link #loss}). {@link TrainerProcess} turns reporting on ({@link #report}); the child then prints
 * a {@link #PREFIX} line to standard error at most every {@link #PERIOD_MS} ms and once at the last step, which
 * the parent reads from the trainer's log ({@link TrainingProgress}). Without {@link #report} (a trainer called
 * in the build's own JVM, as the tests do) steps are only counted.
 *
 * <p>The line: {@code #progress STEP TOTAL LOSS}, the loss printed by {@link Double#toString} ({@code NaN} before
 * the first one is known).
 */
public final class Progress {
    /** Starts a progress line in the trainer's log. */
    public static final String PREFIX = "#progress ";
    static final long PERIOD_MS = 1000;

    private static long total = -1;
    private static long steps;
    private static double loss = Double.NaN;
    private static long lastPrinted;
    private static PrintStream out;

    private Progress() {
    }

    /** Starts counting a spec of {@code totalSteps} steps (-1: unknown), printing progress lines to {@code to}. */
    static synchronized void report(long totalSteps, PrintStream to) {
        reset(totalSteps);
        out = to;
        print();
    }

    /** Starts counting a spec of {@code totalSteps} steps without printing: what a test reads back with {@link #steps()}. */
    public static synchronized void reset(long totalSteps) {
        total = totalSteps;
        steps = 0;
        loss = Double.NaN;
        lastPrinted = 0;
        out = null;
    }

    /** One optimiser step done. */
    static synchronized void step() {
        steps++;
        if (out != null && (steps == total || System.currentTimeMillis() - lastPrinted >= PERIOD_MS)) {
            print();
        }
    }

    /** The latest training loss a trainer computed (a batch's, or an evaluation's between steps). */
    static synchronized void loss(double value) {
        loss = value;
    }

    /** Steps counted since the last {@link #report} or {@link #reset}. */
    public static synchronized long steps() {
        return steps;
    }

    /** The latest loss reported since the last {@link #report} or {@link #reset} (NaN: none). */
    public static synchronized double lastLoss() {
        return loss;
    }

    private static void print() {
        lastPrinted = System.currentTimeMillis();
        out.println(line(steps, total, loss));
        out.flush();
    }

    static String line(long step, long totalSteps, double loss) {
        return PREFIX + step + " " + totalSteps + " " + Double.toString(loss).toLowerCase(Locale.ROOT);
    }
}
