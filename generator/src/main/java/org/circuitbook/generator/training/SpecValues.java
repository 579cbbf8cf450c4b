package org.circuitbook.generator.training;

import java.util.ArrayList;
import java.util.List;
import org.circuitbook.generator.config.YamlMap;

/** Reading and checking the values the model-spec kinds have in common. */
final class SpecValues {
    private SpecValues() {
    }

    /** A whole number above 0 ({@code fallback} when absent); an error at the key otherwise. */
    static int positive(YamlMap yaml, String key, int fallback) {
        int v = yaml.integer(key, fallback);
        if (v <= 0) {
            yaml.error(key, key + " must be a positive whole number, got " + v, null);
        }
        return v;
    }

    /** A number in [0, 1], or NaN when absent (an unstated expectation); an error at the key otherwise. */
    static double fractionOrNaN(YamlMap yaml, String key) {
        double v = yaml.number(key, Double.NaN);
        if (yaml.has(key) && !(v >= 0 && v <= 1)) {
            yaml.error(key, key + " must be in [0, 1], got " + v, null);
        }
        return v;
    }

    /** The files of a spec with checkpoints: {@code final.safetensors}, then one per checkpoint step. */
    static List<String> finalAndCheckpoints(int[] checkpointSteps) {
        List<String> names = new ArrayList<>(List.of(ModularAdditionTrainer.FINAL));
        for (int step : checkpointSteps) {
            names.add(ModularAdditionTrainer.checkpointName(step));
        }
        return names;
    }
}
