package org.circuitbook.generator.training;

import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/**
 * {@code steps} fresh batches for an autoencoding model (input = label), drawn on demand. SameDiff's
 * {@code fit} over an iterator keeps one session for many steps, where {@code fit} per batch would build a
 * new one each time (STACK-FACTS: memory grows to GBs).
 */
final class Batches implements MultiDataSetIterator {
    private final Supplier<INDArray> next;
    private final int steps;
    private int served;

    Batches(int steps, Supplier<INDArray> next) {
        this.steps = steps;
        this.next = next;
    }

    @Override
    public boolean hasNext() {
        return served < steps;
    }

    @Override
    public MultiDataSet next() {
        served++;
        INDArray x = next.get();
        return new org.nd4j.linalg.dataset.MultiDataSet(x, x);
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
