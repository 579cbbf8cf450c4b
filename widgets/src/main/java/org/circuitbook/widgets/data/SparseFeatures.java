package org.circuitbook.widgets.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.weights.Json;
import org.circuitbook.widgets.tensor.Ops;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.widget.Fmt;

/**
 * The sparse autoencoders' toy data (Sharkey et al. 2022): each input activates each of {@code n_features}
 * ground-truth features with probability p, with a coefficient uniform in [0, 1), and is the sum of the
 * active features' directions. The build's trainer draws its training, evaluation and parity batches here,
 * and the sae-explorer widget regenerates the very evaluation batch the trainer measured each SAE on, so the
 * numbers and the top-activating inputs it shows in the browser are the build's.
 *
 * <p>Settings come from the ground-truth file's {@code __metadata__["spec"]}: the spec's structured values as a
 * JSON object ({@code "d_sae":[32,64,128]}, {@code "feature_probability":0.03}, {@code "seed":0}, ...), not the
 * canonical text of the cache key.
 */
public final class SparseFeatures {
    /** Inputs in each SAE's evaluation batch (the metrics, the dead latents, the top-activating inputs). */
    public static final int EVALUATION_BATCH = 4096;

    private SparseFeatures() {
    }

    /** What the data and the SAEs' seeds depend on; the SAEs are trained for every d_sae x l1, in this order. */
    public record Settings(List<Integer> dSae, List<Double> l1Coefficients, int nFeatures, int dIn,
                           double featureProbability, long seed) {
        /**
         * Reads the spec's settings as the trainer records them: a JSON object of the spec's structured values
         * ({@code {"d_sae":[32,64,128],"l1_coefficients":[0.03,0.3,1],"n_features":64,...,"seed":0}}); throws
         * IllegalArgumentException when a key is missing or is not a number (or a list of numbers).
         */
        public static Settings fromJson(String json) {
            Object parsed = Json.parse(json);
            if (!(parsed instanceof Map<?, ?> values)) {
                throw new IllegalArgumentException("the ground truth's spec is not a JSON object");
            }
            List<Integer> sizes = new ArrayList<>();
            for (Number n : numbers(values, "d_sae")) {
                sizes.add(n.intValue());
            }
            List<Double> coefficients = new ArrayList<>();
            for (Number n : numbers(values, "l1_coefficients")) {
                coefficients.add(n.doubleValue());
            }
            return new Settings(List.copyOf(sizes), List.copyOf(coefficients), number(values, "n_features").intValue(),
                    number(values, "d_in").intValue(), number(values, "feature_probability").doubleValue(),
                    number(values, "seed").longValue());
        }

        private static Number number(Map<?, ?> values, String key) {
            if (values.get(key) instanceof Number n) {
                return n;
            }
            throw new IllegalArgumentException("the ground truth's spec has no number " + key);
        }

        private static List<Number> numbers(Map<?, ?> values, String key) {
            List<Number> out = new ArrayList<>();
            if (values.get(key) instanceof List<?> list) {
                for (Object o : list) {
                    if (!(o instanceof Number n)) {
                        throw new IllegalArgumentException("the ground truth's spec has a non-number in " + key);
                    }
                    out.add(n);
                }
                return out;
            }
            throw new IllegalArgumentException("the ground truth's spec has no list " + key);
        }

        /** The position of the SAE (dSae, l1) in training order, or -1 when it was not trained. */
        public int index(int size, double l1) {
            int i = dSae.indexOf(size);
            int j = l1Coefficients.indexOf(l1);
            return i < 0 || j < 0 ? -1 : i * l1Coefficients.size() + j;
        }

        /** The seed of the index-th SAE: its initial weights ({@code seed}), batches ({@code seed + 1}). */
        public long saeSeed(int index) {
            if (index < 0 || index >= dSae.size() * l1Coefficients.size()) {
                throw new IllegalArgumentException("no SAE " + index + " in d_sae " + dSae + " x l1 " + l1Coefficients);
            }
            return seed * 1000 + index;
        }

        /** The seed of the index-th SAE's evaluation batch. */
        public long evaluationSeed(int index) {
            return saeSeed(index) ^ 0x5EEDL;
        }

        /** The index-th SAE's evaluation batch's coefficients, [{@link #EVALUATION_BATCH}, n_features]. */
        public Tensor evaluationCoefficients(int index) {
            return coefficients(new Lcg(evaluationSeed(index)), EVALUATION_BATCH, nFeatures, featureProbability);
        }
    }

    /**
     * Feature coefficients for {@code size} inputs, [size, nFeatures]: for each (input, feature) two draws,
     * u then v; the coefficient is u where v < p, else 0.
     */
    public static Tensor coefficients(Lcg random, int size, int nFeatures, double p) {
        float[] c = new float[size * nFeatures];
        for (int i = 0; i < c.length; i++) {
            float u = random.nextFloat();
            float v = random.nextFloat();
            c[i] = v < p ? u : 0f;
        }
        return Tensor.of(c, size, nFeatures);
    }

    /**
     * The inputs the coefficients make: [size, nFeatures] x features [nFeatures, d_in] = [size, d_in]; all but a
     * few coefficients per row are zero ({@link Ops#matmulSkippingZeros}: {@link Ops#matmul}'s floats, bit for bit).
     */
    public static Tensor inputs(Tensor coefficients, Tensor features) {
        return Ops.matmulSkippingZeros(coefficients, features);
    }
}
