package org.circuitbook.widgets.weights;

/**
 * The names of a trained spec's weight files, shared by the generator (which writes them under
 * {@code models/SPEC/}) and the widgets (which find them in a figure's {@code data-weights}): the final model
 * is {@value #FINAL}, the snapshot taken after {@code step} training steps is {@code checkpoint-STEP.safetensors}.
 * A kind with several models of its own (one per sparsity, one per SAE) names them itself, ending in
 * {@value #SUFFIX}. Published copies carry a content hash before the suffix
 * ({@code final.3fa9c2e1b04d.safetensors}); these are the names before it.
 */
public final class WeightNames {
    /** Every weights file ends so. */
    public static final String SUFFIX = ".safetensors";
    /** The trained model at the end of training. */
    public static final String FINAL = "final" + SUFFIX;
    private static final String CHECKPOINT = "checkpoint-";

    private WeightNames() {
    }

    /** {@code checkpoint-STEP.safetensors}: the model after {@code step} steps (step 0: at initialisation). */
    public static String checkpoint(int step) {
        return CHECKPOINT + step + SUFFIX;
    }

    /** The step of a {@link #checkpoint} name, or -1 when {@code name} is not one. */
    public static int checkpointStep(String name) {
        if (!name.startsWith(CHECKPOINT) || !name.endsWith(SUFFIX)) {
            return -1;
        }
        String digits = name.substring(CHECKPOINT.length(), name.length() - SUFFIX.length());
        if (digits.isEmpty()) {
            return -1;
        }
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                return -1;
            }
        }
        return digits.length() > 9 ? -1 : Integer.parseInt(digits);
    }

    /** A file name without {@link #SUFFIX}: {@code final} for {@code final.safetensors}. */
    public static String stem(String name) {
        return name.endsWith(SUFFIX) ? name.substring(0, name.length() - SUFFIX.length()) : name;
    }
}
