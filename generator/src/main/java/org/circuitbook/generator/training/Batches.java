package org.circuitbook.generator.training;

import java.util.List;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/**
 * {@code steps} batches drawn on demand, for SameDiff's {@code fit}. SameDiff's
 * {@code fit} over an iterator keeps one session for many steps, where {@code fit} per batch would build a
 * new one each time (STACK-FACTS: memory grows to GBs).
 */
public final class Batches implements MultiDataSetIterator {
    private final Supplier<MultiDataSet> next;
    private final int steps;
    /** Whether each batch is made fresh, so the previous one can be freed when the next is asked for. */
    private final boolean fresh;
    private int served;
    private MultiDataSet last;

    private Batches(int steps, Supplier<MultiDataSet> next, boolean fresh) {
        this.steps = steps;
        this.next = next;
        this.fresh = fresh;
    }

    /**
     * Fresh inputs for an autoencoding model: each batch is both the input and the label. {@code inputs} must make a
     * new array each call: the previous one is freed when the next is asked for.
     */
    static Batches autoencoding(int steps, Supplier<INDArray> inputs) {
        return new Batches(steps, () -> {
            INDArray x = inputs.get();
            return new org.nd4j.linalg.dataset.MultiDataSet(x, x);
        }, true);
    }

    /**
     * A batch made fresh each step (inputs and labels together). {@code batches} must make new arrays each call: the
     * previous batch's are freed when the next is asked for.
     */
    public static Batches generated(int steps, Supplier<MultiDataSet> batches) {
        return new Batches(steps, batches, true);
    }

    /** The same full batch every step (full-batch training). */
    public static Batches repeating(int steps, MultiDataSet batch) {
        return new Batches(steps, () -> batch, false);
    }

    @Override
    public boolean hasNext() {
        return served < steps;
    }

    @Override
    public MultiDataSet next() {
        served++;
        Progress.step();
        if (fresh && last != null) {
            free(last);
        }
        last = next.get();
        return last;
    }

    /**
     * Frees a fresh batch's native memory once its step is done (SameDiff asks for the next batch after it), instead
     * of when the garbage collector finds it: a batch a step (1.3 MB for superposition-20x5) would otherwise pile up
     * between collections. Every trainer's supplier makes new arrays each call (BatchesTest checks what is freed, and
     * when).
     */
    static void free(MultiDataSet batch) {
        for (INDArray[] arrays : List.of(batch.getFeatures(), batch.getLabels())) {
            for (INDArray a : arrays == null ? new INDArray[0] : arrays) {
                if (a != null && a.closeable() && !a.wasClosed()) {
                    a.close();
                }
            }
        }
    }

    @Override
    public MultiDataSet next(int num) {
        return next();
    }

    @Override
    public void setPreProcessor(MultiDataSetPreProcessor preProcessor) {
        throw new UnsupportedOperationException("no preprocessing");
    }

    @Override
    public MultiDataSetPreProcessor getPreProcessor() {
        return null;
    }

    @Override
    public boolean resetSupported() {
        return false;
    }

    @Override
    public boolean asyncSupported() {
        return false; // keeps the data order, and so the weights, deterministic
    }

    @Override
    public void reset() {
        throw new UnsupportedOperationException("fresh data every step; create a new iterator");
    }
}
