package org.circuitbook.generator.training;

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
    private int served;

    private Batches(int steps, Supplier<MultiDataSet> next) {
        this.steps = steps;
        this.next = next;
    }

    /** Fresh inputs for an autoencoding model: each batch is both the input and the label. */
    static Batches autoencoding(int steps, Supplier<INDArray> inputs) {
        return new Batches(steps, () -> {
            INDArray x = inputs.get();
            return new org.nd4j.linalg.dataset.MultiDataSet(x, x);
        });
    }

    /** A batch made fresh each step (inputs and labels together). */
    public static Batches generated(int steps, Supplier<MultiDataSet> batches) {
        return new Batches(steps, batches);
    }

    /** The same full batch every step (full-batch training). */
    public static Batches repeating(int steps, MultiDataSet batch) {
        return new Batches(steps, () -> batch);
    }

    @Override
    public boolean hasNext() {
        return served < steps;
    }

    @Override
    public MultiDataSet next() {
        served++;
        Progress.step();
        return next.get();
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
