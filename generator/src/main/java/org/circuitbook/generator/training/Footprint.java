package org.circuitbook.generator.training;

import java.util.Locale;

/**
 * The memory training a spec holds at its peak, estimated from its sizes before anything trains, so that a
 * spec too large for the trainer fails {@code check} naming the limit it breaks instead of training until the
 * trainer runs out of memory.
 *
 * <p>Two budgets, because the trainer process ({@link TrainerProcess}) has two. Its Java heap, fixed at
 * {@link TrainerProcess#HEAP_MB}, holds the batches as Java arrays before ND4J copies them, the snapshots and
 * files it publishes, and the tables its probes measure. ND4J's native memory holds the graph's parameters,
 * its optimizer state (weights, gradients and two Adam moments: four copies), and the activations of a step
 * with their gradients and temporaries (counted three times); JavaCPP caps the process's physical memory at
 * the heap plus three times {@code -Xmx} (2 GB), and {@link #NATIVE_LIMIT} leaves room for the heap and the
 * native libraries under that cap.
 *
 * <p>The estimates count the large arrays only, in floats, and round up: they are a bound for a check, not a
 * prediction. The book's largest specs use under half of either budget (modular-addition-p113: ~340 MB of
 * heap, mostly the logits on all p^2 inputs kept for each of its 41 files).
 *
 * @param heapBytes   on the trainer's Java heap
 * @param nativeBytes in ND4J's native memory
 * @param hint        which settings to make smaller, the largest terms first
 */
public record Footprint(double heapBytes, double nativeBytes, String hint) {
    /** Three quarters of the trainer's heap: the rest is the JVM's own and what the estimates leave out. */
    static final long HEAP_LIMIT = TrainerProcess.HEAP_MB * 1_000_000L * 3 / 4;
    static final long NATIVE_LIMIT = 1_000_000_000L;
    public static final int FLOAT = 4;

    /** The first budget this footprint exceeds, as a sentence; null when it fits both. */
    String excess() {
        if (nativeBytes > NATIVE_LIMIT) {
            return "training this model needs about " + size(nativeBytes) + " of memory for its tensors, over the"
                    + " limit of " + size(NATIVE_LIMIT);
        }
        if (heapBytes > HEAP_LIMIT) {
            return "training this model needs about " + size(heapBytes) + " of Java heap for its batches, snapshots"
                    + " and probes, over the limit of " + size(HEAP_LIMIT);
        }
        return null;
    }

    /** 1.4 GB, 512 MB, 3.1 kB: decimal units, two significant digits at most. */
    static String size(double bytes) {
        String[] units = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
        int unit = 0;
        double v = bytes;
        while (v >= 1000 && unit < units.length - 1) {
            v /= 1000;
            unit++;
        }
        if (v >= 1000) {
            return String.format(Locale.ROOT, "%.1e EB", v);
        }
        return (v >= 10 || unit == 0 ? Long.toString(Math.round(v)) : String.format(Locale.ROOT, "%.1f", v))
                + " " + units[unit];
    }
}
