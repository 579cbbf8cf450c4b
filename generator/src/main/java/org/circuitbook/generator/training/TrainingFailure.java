package org.circuitbook.generator.training;

/**
 * A training run that produced weights the build must not publish: a failed parity check, a diverged run.
 * Its message is one sentence the build reports as the spec's diagnostic (the trainer's child JVM prints it
 * as its reason), so it names the file and the numbers, never a class.
 */
public final class TrainingFailure extends RuntimeException {
    public TrainingFailure(String message) {
        super(message);
    }
}
