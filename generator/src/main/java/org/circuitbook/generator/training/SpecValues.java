package org.circuitbook.generator.training;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.circuitbook.generator.config.YamlMap;

/**
 * Reading and checking the values the model-spec kinds have in common, and the limits every spec is held to.
 *
 * <p>Each reader records at most one problem per key and returns null for a value that cannot be used, so
 * a kind checks a relationship between two keys only when both are valid, and {@link ModelSpec#parse}
 * never builds a spec from a value it reported.
 *
 * <p>The upper limits keep a spec that passes {@code check} from exhausting the trainer: each is far above
 * what the book's models use (and above the small transformers of a few million parameters to come), and
 * the memory a spec needs as a whole is bounded by {@link Footprint}. The README's "Model spec limits"
 * lists them.
 */
final class SpecValues {
    static final int MAX_HEADS = 64;
    static final int MAX_D_HEAD = 1024;
    /** d_model, d_hidden, d_in. */
    static final int MAX_WIDTH = 8192;
    static final int MAX_D_MLP = 32768;
    /** n_features (both kinds) and each d_sae. */
    static final int MAX_FEATURES = 65536;
    static final int MAX_N_CTX = 2048;
    static final int MAX_VOCAB = 65536;
    /** Keeps p^2 (the pairs, and the messages that print it) inside an int. */
    static final int MAX_MODULUS = 10000;
    static final int MAX_STEPS = 1_000_000;
    static final int MAX_BATCH = 65536;
    static final int MAX_CHECKPOINTS = 1000;
    static final int MAX_RESTARTS = 100;
    /** Sparsities of a toy-superposition spec, SAEs (d_sae x l1) of an sae-toy spec: each is a model and a file. */
    static final int MAX_MODELS = 64;
    static final double MAX_LEARNING_RATE = 1.0;
    private static final String LIMIT_HINT = "a limit for every model spec, so that training fits the trainer's"
            + " memory and time; see the README's \"Model spec limits\"";

    private SpecValues() {
    }

    /**
     * A whole number in [min, max] at {@code key}, {@code fallback} when absent; null (recorded) when it is
     * not a whole number or outside the range.
     */
    static Integer whole(YamlMap yaml, String key, int fallback, int min, int max) {
        return yaml.has(key) ? present(yaml, key, min, max) : Integer.valueOf(fallback);
    }

    /** A required whole number in [min, max]; null (recorded) when absent, malformed or out of range. */
    static Integer required(YamlMap yaml, String key, int min, int max, String hint) {
        if (!yaml.has(key)) {
            yaml.error(key, "missing required key \"" + key + "\"", hint);
            return null;
        }
        return present(yaml, key, min, max);
    }

    /** A seed: any whole number an int holds. */
    static Integer seed(YamlMap yaml, String key) {
        return whole(yaml, key, 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    private static Integer present(YamlMap yaml, String key, int min, int max) {
        BigDecimal v = yaml.exactNumber(key, "a whole number");
        if (v == null) {
            return null;
        }
        if (v.signum() != 0 && v.stripTrailingZeros().scale() > 0) {
            yaml.error(key, key + " must be a whole number, got " + shown(v), null);
            return null;
        }
        if (v.compareTo(BigDecimal.valueOf(min)) < 0) {
            if (min == 1) {
                yaml.error(key, key + " must be a positive whole number, got " + shown(v), null);
            } else if (min == 0) {
                yaml.error(key, key + " cannot be negative, got " + shown(v), null);
            } else {
                yaml.error(key, key + " must be at least " + min + ", got " + shown(v), null);
            }
            return null;
        }
        if (v.compareTo(BigDecimal.valueOf(max)) > 0) {
            yaml.error(key, key + " must be at most " + max + ", got " + shown(v),
                    max == Integer.MAX_VALUE ? null : LIMIT_HINT);
            return null;
        }
        return v.intValueExact();
    }

    /** A number as written, without scientific notation unless it is too long to print. */
    static String shown(BigDecimal v) {
        BigDecimal s = v.stripTrailingZeros();
        return Math.abs(s.scale()) <= 40 && s.precision() - s.scale() <= 40 ? s.toPlainString() : s.toString();
    }

    /** The ends of a range of real numbers, and whether each is included. */
    record Range(double min, boolean minIncluded, double max, boolean maxIncluded) {
        static final Range UNIT = new Range(0, true, 1, true);
        static final Range POSITIVE_FRACTION = new Range(0, false, 1, true);
        static final Range OPEN_UNIT = new Range(0, false, 1, false);
        static final Range NON_NEGATIVE = new Range(0, true, Double.POSITIVE_INFINITY, false);
        static final Range POSITIVE = new Range(0, false, Double.POSITIVE_INFINITY, false);
        static final Range LEARNING_RATE = new Range(0, false, MAX_LEARNING_RATE, true);

        boolean contains(double v) {
            return (minIncluded ? v >= min : v > min) && (maxIncluded ? v <= max : v < max);
        }

        /** "must be in [0, 1]", "must be positive", "cannot be negative". */
        String requirement() {
            if (max == Double.POSITIVE_INFINITY) {
                return minIncluded ? "cannot be negative" : "must be positive";
            }
            return "must be in " + (minIncluded ? "[" : "(") + number(min) + ", " + number(max) + (maxIncluded ? "]" : ")");
        }
    }

    /** A real number in {@code range} at {@code key}, {@code fallback} when absent; null (recorded) otherwise. */
    static Double real(YamlMap yaml, String key, double fallback, Range range) {
        if (!yaml.has(key)) {
            return fallback;
        }
        BigDecimal v = yaml.exactNumber(key, "a number");
        if (v == null) {
            return null;
        }
        double d = v.doubleValue();
        if (!range.contains(d) || Double.isInfinite(d)) {
            yaml.error(key, key + " " + range.requirement() + ", got " + shown(v),
                    range == Range.LEARNING_RATE && d > 0 ? "the book's models train at 0.001 to 0.003" : null);
            return null;
        }
        return d;
    }

    /** An optional expectation: NaN when absent (not checked); null (recorded) when malformed or out of range. */
    static Double expectation(YamlMap yaml, String key, Range range) {
        return real(yaml, key, Double.NaN, range);
    }

    /** The learning rate, and the weight decay whose product with it must stay below 1. */
    static Double weightDecay(YamlMap trainer, double fallback, Double learningRate) {
        Double wd = real(trainer, "weight_decay", fallback, Range.NON_NEGATIVE);
        if (wd != null && learningRate != null && learningRate * wd >= 1) {
            trainer.error(trainer.has("weight_decay") ? "weight_decay" : "learning_rate",
                    "learning_rate x weight_decay must be below 1, got " + number(learningRate) + " x " + number(wd),
                    "decoupled weight decay multiplies every weight by 1 - learning_rate x weight_decay each step;"
                            + " at 1 or more it wipes the weights out or flips their sign");
            return null;
        }
        return wd;
    }

    /** Checkpoints in [min, min(steps, MAX_CHECKPOINTS)]; null (recorded) otherwise. */
    static Integer checkpoints(YamlMap trainer, int fallback, int min, Integer steps) {
        Integer c = whole(trainer, "checkpoints", fallback, min, MAX_CHECKPOINTS);
        if (c != null && steps != null && c > steps) {
            trainer.error("checkpoints", "checkpoints (" + c + ") cannot exceed steps (" + steps + ")",
                    "checkpoints are taken at distinct steps, from step 0");
            return null;
        }
        return c;
    }

    /** 0.5 as "0.5", 3.0 as "3", 1e-3 as "0.001". */
    static String number(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    /** The files of a spec with checkpoints: {@code final.safetensors}, then one per checkpoint step. */
    static List<String> finalAndCheckpoints(int[] checkpointSteps) {
        List<String> names = new ArrayList<>(List.of(org.circuitbook.widgets.weights.WeightNames.FINAL));
        for (int step : checkpointSteps) {
            names.add(org.circuitbook.widgets.weights.WeightNames.checkpoint(step));
        }
        return names;
    }
}
