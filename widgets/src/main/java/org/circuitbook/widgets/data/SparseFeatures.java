package org.circuitbook.widgets.data;

import java.util.ArrayList;
import java.util.List;
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
 * <p>Settings come from the ground-truth file's {@code __metadata__["spec"]}: the spec's canonical text,
 * one {@code key=value} per line ({@code d_sae=[32, 64, 128]}, {@code feature_probability=0.03},
 * {@code seed=0}, ...).
 */
public final class SparseFeatures {
    /** Inputs in each SAE's evaluation batch (the metrics, the dead latents, the top-activating inputs). */
    public static final int EVALUATION_BATCH = 4096;

    private SparseFeatures() {
    }

    /** What the data and the SAEs' seeds depend on; the SAEs are trained for every d_sae x l1, in this order. */
    public record Settings(List<Integer> dSae, List<Double> l1Coefficients, int nFeatures, int dIn,
                           double featureProbability, long seed) {
        /** Reads the spec's canonical text; throws IllegalArgumentException when a key is missing. */
        public static Settings fromSpec(String canonical) {
            String dSae = null;
            String l1 = null;
            String n = null;
            String d = null;
            String p = null;
            String seed = null;
            for (String line : Fmt.split(canonical, '\n')) {
                int eq = line.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String value = line.substring(eq + 1).trim();
                switch (line.substring(0, eq).trim()) {
                    case "d_sae" -> dSae = value;
                    case "l1_coefficients" -> l1 = value;
                    case "n_features" -> n = value;
                    case "d_in" -> d = value;
                    case "feature_probability" -> p = value;
                    case "seed" -> seed = value;
                    default -> {
                    }
                }
            }
            if (dSae == null || l1 == null || n == null || d == null || p == null || seed == null) {
                throw new IllegalArgumentException("the ground truth's spec lacks d_sae, l1_coefficients, n_features, "
                        + "d_in, feature_probability or seed");
            }
            List<Integer> sizes = new ArrayList<>();
            for (String s : list(dSae)) {
                sizes.add(Integer.parseInt(s));
            }
            List<Double> coefficients = new ArrayList<>();
            for (String s : list(l1)) {
                coefficients.add(Double.parseDouble(s));
            }
            return new Settings(List.copyOf(sizes), List.copyOf(coefficients), Integer.parseInt(n), Integer.parseInt(d),
                    Double.parseDouble(p), Long.parseLong(seed));
        }

        private static List<String> list(String bracketed) {
            List<String> out = new ArrayList<>();
            String inner = bracketed.startsWith("[") && bracketed.endsWith("]")
                    ? bracketed.substring(1, bracketed.length() - 1) : bracketed;
            for (String s : Fmt.split(inner, ',')) {
                if (!s.trim().isEmpty()) {
                    out.add(s.trim());
                }
            }
            return out;
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

    /** The inputs the coefficients make: [size, nFeatures] x features [nFeatures, d_in] = [size, d_in]. */
    public static Tensor inputs(Tensor coefficients, Tensor features) {
        return Ops.matmul(coefficients, features);
    }
}
