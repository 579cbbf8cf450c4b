package org.circuitbook.widgets.model;

import java.util.Map;
import org.circuitbook.widgets.tensor.Ops;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.weights.SafeTensors;

/**
 * A sparse autoencoder (Sharkey et al. 2022, "Taking features out of superposition with sparse
 * autoencoders"; Bricken et al. 2023, "Towards Monosemanticity"), with SAELens' tensor names:
 *
 * <pre>
 *   f     = ReLU((x - b_dec) W_enc + b_enc)    latent activations      [batch, d_sae]
 *   x_hat = f W_dec + b_dec                    reconstruction          [batch, d_in]
 * </pre>
 *
 * Row j of {@code W_dec} is latent j's dictionary direction; a well-trained SAE on activations built from
 * sparse ground-truth features learns rows that point along those features.
 */
public final class SparseAutoencoder {
    public static final String W_ENC = "W_enc";
    public static final String B_ENC = "b_enc";
    public static final String W_DEC = "W_dec";
    public static final String B_DEC = "b_dec";

    private final Tensor wEnc; // [d_in, d_sae]
    private final Tensor bEnc; // [d_sae]
    private final Tensor wDec; // [d_sae, d_in]
    private final Tensor bDec; // [d_in]

    public SparseAutoencoder(Tensor wEnc, Tensor bEnc, Tensor wDec, Tensor bDec) {
        int dIn = wEnc.dim(0);
        int dSae = wEnc.dim(1);
        check(bEnc.rank() == 1 && bEnc.dim(0) == dSae, "b_enc must be [d_sae] = [" + dSae + "], got " + bEnc);
        check(wDec.rank() == 2 && wDec.dim(0) == dSae && wDec.dim(1) == dIn,
                "W_dec must be [d_sae, d_in] = [" + dSae + ", " + dIn + "], got " + wDec);
        check(bDec.rank() == 1 && bDec.dim(0) == dIn, "b_dec must be [d_in] = [" + dIn + "], got " + bDec);
        this.wEnc = wEnc;
        this.bEnc = bEnc;
        this.wDec = wDec;
        this.bDec = bDec;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public static SparseAutoencoder fromWeights(SafeTensors weights) {
        return new SparseAutoencoder(weights.tensor(W_ENC), weights.tensor(B_ENC), weights.tensor(W_DEC),
                weights.tensor(B_DEC));
    }

    public Map<String, Tensor> tensors() {
        return Map.of(W_ENC, wEnc, B_ENC, bEnc, W_DEC, wDec, B_DEC, bDec);
    }

    public int dIn() {
        return wEnc.dim(0);
    }

    public int dSae() {
        return wEnc.dim(1);
    }

    /** W_dec: [d_sae, d_in]. */
    public Tensor W_dec() {
        return wDec;
    }

    /** Latent activations f = ReLU((x - b_dec) W_enc + b_enc): [batch, d_in] -> [batch, d_sae]. */
    public Tensor encode(Tensor x) {
        int dIn = dIn();
        int dSae = dSae();
        if (x.shape().length != 2 || x.dim(1) != dIn) {
            Tensor centred = Ops.addBias(x, Ops.scale(bDec, -1f));      // which throws its own message
            return Ops.relu(Ops.addBias(Ops.matmul(centred, wEnc), bEnc));
        }
        // Ops.addBias(x, -b_dec), Ops.matmul by W_enc, Ops.addBias(b_enc) and Ops.relu in one
        // Ops.multiplyBiasRelu, without the intermediate tensors: on the JVM the same floats, bit for bit
        int batch = x.dim(0);
        float[] bd = bDec.data();
        float[] minusBDec = new float[dIn];
        for (int p = 0; p < dIn; p++) {
            minusBDec[p] = -1f * bd[p];
        }
        float[] out = new float[batch * dSae];
        Ops.multiplyBiasRelu(x.data(), minusBDec, batch, dIn, wEnc.data(), dSae, bEnc.data(), out);
        return Tensor.of(out, batch, dSae);
    }

    /** The reconstruction f W_dec + b_dec: [batch, d_sae] -> [batch, d_in]. */
    public Tensor decode(Tensor f) {
        // the latents are mostly zero after the ReLU: matmul's floats, bit for bit, without the zero terms
        return Ops.matmulSkippingZeros(f, wDec, bDec);                // [batch, d_in], b_dec added
    }

    /** x_hat for a batch: [batch, d_in] -> [batch, d_in]. */
    public Tensor forward(Tensor x) {
        return decode(encode(x));
    }

    /**
     * What an SAE does on a batch {@code x} [batch, d_in]: its latents f [batch, d_sae]; the normalised
     * reconstruction error |x - x_hat|^2 / |x|^2 summed over the batch; L0, the mean number of active
     * latents per input; and which latents fired at all (the others are dead).
     */
    public record Evaluation(Tensor latents, double normalisedReconstructionError, double l0, boolean[] alive) {
        public int dead() {
            int dead = 0;
            for (boolean a : alive) {
                dead += a ? 0 : 1;
            }
            return dead;
        }

        public double deadFraction() {
            return (double) dead() / alive.length;
        }
    }

    /** Encodes and decodes {@code x} and measures the result ({@link Evaluation}). */
    public Evaluation evaluate(Tensor x) {
        Tensor f = encode(x);
        Tensor xHat = decode(f);
        int batch = x.dim(0);
        double err = 0;
        double energy = 0;
        for (int i = 0; i < x.size(); i++) {
            double d = x.data()[i] - xHat.data()[i];
            err += d * d;
            energy += x.data()[i] * x.data()[i];
        }
        long active = 0;
        boolean[] alive = new boolean[dSae()];
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < dSae(); j++) {
                if (f.get(b, j) > 0) {
                    active++;
                    alive[j] = true;
                }
            }
        }
        return new Evaluation(f, energy == 0 ? 0.0 : err / energy, (double) active / batch, alive);
    }

    /**
     * Mean max cosine similarity (Sharkey et al. 2022): for each ground-truth feature (a row of
     * {@code features}, [n_features, d_in]), the best cosine with any learned dictionary direction (a row
     * of W_dec), averaged over the features. 1 means every true feature was recovered exactly.
     */
    public double mmcs(Tensor features) {
        int n = features.dim(0);
        int d = features.dim(1);
        double total = 0;
        for (int i = 0; i < n; i++) {
            double best = -1;
            for (int j = 0; j < dSae(); j++) {
                double dot = 0;
                double nf = 0;
                double nd = 0;
                for (int k = 0; k < d; k++) {
                    double a = features.get(i, k);
                    double b = wDec.get(j, k);
                    dot += a * b;
                    nf += a * a;
                    nd += b * b;
                }
                if (nf > 0 && nd > 0) {
                    best = Math.max(best, dot / Math.sqrt(nf * nd));
                }
            }
            total += best;
        }
        return total / n;
    }
}
