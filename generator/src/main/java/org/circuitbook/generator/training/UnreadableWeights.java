package org.circuitbook.generator.training;

/**
 * A weights file that passes the safetensors validator but is not what its model kind's trainer writes (a
 * tensor of another shape, metadata the widgets read missing or different): thrown by a kind's verifier, and
 * reported by {@link ModelCache} as a diagnostic naming the file and what is wrong, never an internal error.
 */
final class UnreadableWeights extends RuntimeException {
    private final String file;
    private final String reason;

    UnreadableWeights(String file, String reason) {
        super(file + ": " + reason);
        this.file = file;
        this.reason = reason;
    }

    String file() {
        return file;
    }

    String reason() {
        return reason;
    }
}
