package org.circuitbook.generator.training;

import java.util.List;

/**
 * The kind-specific part of a model spec: how to train it and what it produces. One implementation per
 * model kind; {@link ModelSpec} dispatches on {@code model.kind}.
 */
public sealed interface KindSpec permits ToySuperpositionSpec, SaeToySpec, ModularAdditionSpec,
        AttentionOnlySpec {
    /** Every resolved setting in a fixed order: part of the cache key. */
    String canonical();

    /** The trainer's version: part of the cache key, bumped when training changes the weights. */
    String trainerVersion();

    /** The weight files a trained spec consists of, in publishing order. */
    List<String> fileNames();

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
