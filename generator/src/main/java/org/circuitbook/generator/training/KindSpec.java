package org.circuitbook.generator.training;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kind-specific part of a model spec: its resolved settings, how to train them and what they produce.
 * One implementation per model kind, made by its {@link ModelKind}; {@link ModelSpec} finds the kind in
 * {@link ModelKinds}.
 */
public interface KindSpec {
    /**
     * Every resolved setting that shapes the weights (defaults included, verify expectations not), in a fixed
     * order, as structured data: integers as {@link Integer} or {@link Long}, reals as {@link Double}, text as
     * {@link String}, lists as {@link List}s of those. {@link #canonical()} is derived from it, and
     * {@code {metric} MODEL/spec/KEY} and the widgets' checks read it.
     */
    Map<String, Object> values();

    /**
     * Every resolved setting in a fixed order, one {@code key=value} line each (Java's {@code toString} of the
     * value): part of the cache key, so it must not change for a spec that means the same model
     * ({@code ModelSpecCanonicalTest} pins the book's).
     */
    default String canonical() {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, Object> e : values().entrySet()) {
            out.append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        return out.toString();
    }

    /** An ordered map of values, for {@link #values()}: keys and values alternating. */
    static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return Collections.unmodifiableMap(out);
    }

    /** The trainer's version: part of the cache key, bumped when training changes the weights. */
    String trainerVersion();

    /** The weight files a trained spec consists of, in publishing order. */
    List<String> fileNames();

    /**
     * The files of {@link #fileNames()} that are sparse autoencoders, with what they read: the build also publishes
     * each in SAELens's on-disk layout ({@link SaeLensFolder}). None by default.
     */
    default List<SaeFile> saes() {
        return List.of();
    }

    /** Trains every model of the spec (in this JVM; the cache runs it in a child process). */
    List<TrainedModel> train(ModelSpec spec);

    /**
     * Checks the trained models against the spec's {@code verify} section; returns one sentence per
     * failed expectation (empty when all hold). Runs on every build, cached or not.
     */
    List<String> verify(List<TrainedModel> models);

    /** How many expectations the spec's verify section states. */
    int expectations();

    /**
     * The optimiser steps training takes in all, as {@link Batches} counts them while they run: the total of the
     * progress line a build shows while the spec trains ({@link Progress}). -1 when a kind cannot say (the line
     * then shows steps done, with no total or time left).
     */
    default long totalSteps() {
        return -1;
    }

    /**
     * A rough count of the multiply-adds training takes (forward and backward), only to start the longest
     * specs first so that two cores finish together; not a promise of time.
     */
    double cost();

    /** The memory training takes at its peak, estimated from the sizes (checked against the trainer's limits). */
    Footprint footprint();

    /** Checkpoint steps evenly spaced from step 0: {@code floor(steps * i / checkpoints)} for i in [0, checkpoints). */
    static int[] evenlySpaced(int steps, int checkpoints) {
        int[] out = new int[checkpoints];
        for (int i = 0; i < checkpoints; i++) {
            out[i] = (int) ((long) steps * i / checkpoints);
        }
        return out;
    }
}
