package org.circuitbook.widgets.tensor;

import java.util.Arrays;

/**
 * Tensor operations, written as plain loops. Shapes are checked and documented on every method;
 * a shape mismatch throws {@link IllegalArgumentException} naming both shapes.
 */
public final class Ops {
    private Ops() {
    }

    /** {@code a @ b}: [m, k] x [k, n] -> [m, n]. Accumulates in float, as ND4J's CPU sgemm does. */
    public static Tensor matmul(Tensor a, Tensor b) {
        requireProduct(a, b);
        int m = a.dim(0);
        int k = a.dim(1);
        int n = b.dim(1);
        float[] out = new float[m * n];
        multiply(a.data(), m, k, b.data(), n, out);
        return Tensor.of(out, m, n);
    }

    /**
     * A matrix product done elsewhere than in {@link #rowTimes}'s loops, with the same floats: the browser's
     * WebAssembly SIMD kernel ({@code browser.SimdProduct}, over {@link SimdModule}).
     */
    public interface Product {
        /**
         * {@code out[0, m * n) = (x + xBias) y + bias}, then with {@code relu} each output's ReLU: x [m, k] with
         * xBias [k] added to every row (each sum rounded to float), the product as {@link #multiply} makes it (with
         * {@code skipZeros}, without the terms whose x is zero: {@link #matmulSkippingZeros}'s), bias [n] added to
         * every row of it, and {@code v > 0f ? v : 0f}; a null bias adds nothing. False when it leaves this product
         * to the Java loops (too small to gain).
         */
        boolean multiply(float[] x, float[] xBias, int m, int k, float[] y, int n, float[] bias, boolean relu,
                         boolean skipZeros, float[] out);
    }

    private static Product product;

    /** Routes the products of {@link #multiply} (so {@link #matmul}) and its kin through {@code kernel}; null: the loops. */
    public static void useProduct(Product kernel) {
        product = kernel;
    }

    /**
     * {@code out = x y} for x [m, k] and y [k, n], row-major in the first m * k, k * n and m * n entries:
     * {@link #rowTimes} for each row, or the installed {@link Product}, which gives the same floats.
     */
    public static void multiply(float[] x, int m, int k, float[] y, int n, float[] out) {
        if (product != null && product.multiply(x, null, m, k, y, n, null, false, false, out)) {
            return;
        }
        for (int i = 0; i < m; i++) {
            rowTimes(x, i * k, k, y, n, out, i * n);
        }
    }

    /**
     * {@code out = relu((x + xBias) y + bias)}, row by row (an SAE's encoder, xBias being -b_dec; null: none): each
     * {@code x + xBias[p]} rounded to float, {@link #multiply}, each {@code v = out + bias[j]} rounded to float and
     * {@code v > 0f ? v : 0f}. The installed {@link Product} does all of it where it can, with the same floats.
     */
    public static void multiplyBiasRelu(float[] x, float[] xBias, int m, int k, float[] y, int n, float[] bias,
                                        float[] out) {
        if (product != null && product.multiply(x, xBias, m, k, y, n, bias, true, false, out)) {
            return;
        }
        float[] shifted = x;
        if (xBias != null) {
            shifted = new float[m * k];
            for (int i = 0; i < m * k; i += k) {
                for (int p = 0; p < k; p++) {
                    shifted[i + p] = x[i + p] + xBias[p];
                }
            }
        }
        multiply(shifted, m, k, y, n, out);
        for (int i = 0; i < m * n; i += n) {
            for (int j = 0; j < n; j++) {
                float v = out[i + j] + bias[j];
                out[i + j] = v > 0f ? v : 0f;
            }
        }
    }

    /**
     * One row of a product: {@code out[outAt + j] = sum over p of x[xAt + p] * y[p * n + j]} for j in [0, n), y
     * being [k, n]. Each output is one variable adding the terms for p = 0, 1, ... in turn from +0, so on the JVM
     * the floats are the plain triple loop's, bit for bit; eight (then four, then one) outputs at a time, so
     * x[p] is read once for them and the sums stay in registers instead of the output array. (TeaVM's JavaScript
     * keeps a float variable in double precision and rounds only when it stores into a float array: there a sum
     * is rounded once, at its end, instead of at every step, which is nearer the exact sum.)
     */
    public static void rowTimes(float[] x, int xAt, int k, float[] y, int n, float[] out, int outAt) {
        int j = 0;
        for (; j + 8 <= n; j += 8) {
            float s0 = 0f;
            float s1 = 0f;
            float s2 = 0f;
            float s3 = 0f;
            float s4 = 0f;
            float s5 = 0f;
            float s6 = 0f;
            float s7 = 0f;
            for (int p = 0, yAt = j; p < k; p++, yAt += n) {
                float xp = x[xAt + p];
                s0 += xp * y[yAt];
                s1 += xp * y[yAt + 1];
                s2 += xp * y[yAt + 2];
                s3 += xp * y[yAt + 3];
                s4 += xp * y[yAt + 4];
                s5 += xp * y[yAt + 5];
                s6 += xp * y[yAt + 6];
                s7 += xp * y[yAt + 7];
            }
            out[outAt + j] = s0;
            out[outAt + j + 1] = s1;
            out[outAt + j + 2] = s2;
            out[outAt + j + 3] = s3;
            out[outAt + j + 4] = s4;
            out[outAt + j + 5] = s5;
            out[outAt + j + 6] = s6;
            out[outAt + j + 7] = s7;
        }
        for (; j + 4 <= n; j += 4) {
            float s0 = 0f;
            float s1 = 0f;
            float s2 = 0f;
            float s3 = 0f;
            for (int p = 0, yAt = j; p < k; p++, yAt += n) {
                float xp = x[xAt + p];
                s0 += xp * y[yAt];
                s1 += xp * y[yAt + 1];
                s2 += xp * y[yAt + 2];
                s3 += xp * y[yAt + 3];
            }
            out[outAt + j] = s0;
            out[outAt + j + 1] = s1;
            out[outAt + j + 2] = s2;
            out[outAt + j + 3] = s3;
        }
        for (; j < n; j++) {
            float sum = 0f;
            for (int p = 0, yAt = j; p < k; p++, yAt += n) {
                sum += x[xAt + p] * y[yAt];
            }
            out[outAt + j] = sum;
        }
    }

    /** Both rank 2 with matching inner dimensions, or the exception that names both shapes. */
    private static void requireProduct(Tensor a, Tensor b) {
        a.requireRank(2);
        b.requireRank(2);
        if (b.dim(0) != a.dim(1)) {
            throw new IllegalArgumentException("matmul: inner dimensions differ: " + Arrays.toString(a.shape())
                    + " x " + Arrays.toString(b.shape()));
        }
    }

    /**
     * {@link #matmul} for a left operand that is mostly zeros (sparse feature coefficients, an SAE's latents after
     * its ReLU): the same sums in the same order, skipping the terms whose left entry is zero. With a finite
     * right operand a skipped term only ever added a zero to a sum that starts at +0, so every output is the same
     * float, bit for bit; the time falls with the share of zeros.
     */
    public static Tensor matmulSkippingZeros(Tensor a, Tensor b) {
        return matmulSkippingZeros(a, b, null);
    }

    /**
     * {@code addBias(matmulSkippingZeros(a, b), bias)} in one pass, the same floats (an SAE's decoder); a null
     * bias adds nothing.
     */
    public static Tensor matmulSkippingZeros(Tensor a, Tensor b, Tensor bias) {
        requireProduct(a, b);
        int m = a.dim(0);
        int k = a.dim(1);
        int n = b.dim(1);
        if (bias != null && (bias.shape().length != 1 || bias.dim(0) != n)) {
            return addBias(matmulSkippingZeros(a, b, null), bias);             // which names both shapes
        }
        float[] x = a.data();
        float[] y = b.data();
        float[] out = new float[m * n];
        float[] added = bias == null ? null : bias.data();
        if (product != null && product.multiply(x, null, m, k, y, n, added, false, true, out)) {
            return Tensor.of(out, m, n);
        }
        for (int i = 0; i < m; i++) {
            int outRow = i * n;
            for (int p = 0; p < k; p++) {
                float xip = x[i * k + p];
                if (xip == 0f) {
                    continue;
                }
                int yRow = p * n;
                for (int j = 0; j < n; j++) {
                    out[outRow + j] += xip * y[yRow + j];
                }
            }
            if (added != null) {
                for (int j = 0; j < n; j++) {
                    out[outRow + j] = out[outRow + j] + added[j];
                }
            }
        }
        return Tensor.of(out, m, n);
    }

    /** The transpose of a matrix: [m, n] -> [n, m]. */
    public static Tensor transpose(Tensor a) {
        a.requireRank(2);
        int m = a.dim(0);
        int n = a.dim(1);
        float[] x = a.data();
        float[] out = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                out[j * m + i] = x[i * n + j];
            }
        }
        return Tensor.of(out, n, m);
    }

    /** Adds a bias along the last axis: [..., n] + [n] -> [..., n]. */
    public static Tensor addBias(Tensor a, Tensor bias) {
        bias.requireRank(1);
        int n = bias.dim(0);
        if (a.dim(-1) != n) {
            throw new IllegalArgumentException("addBias: last dimension of " + Arrays.toString(a.shape())
                    + " is not the bias length " + n);
        }
        float[] x = a.data();
        float[] b = bias.data();
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] + b[i % n];
        }
        return Tensor.of(out, a.shape());
    }

    /** {@code a * factor}, elementwise; any shape. */
    public static Tensor scale(Tensor a, float factor) {
        float[] x = a.data();
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * factor;
        }
        return Tensor.of(out, a.shape());
    }

    /** max(x, 0), elementwise; any shape. */
    public static Tensor relu(Tensor a) {
        float[] x = a.data();
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] > 0f ? x[i] : 0f;
        }
        return Tensor.of(out, a.shape());
    }

    /** Elementwise sum of two tensors of the same shape: [...] + [...] -> [...]. The residual stream's add. */
    public static Tensor add(Tensor a, Tensor b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException("add: shapes differ: " + Arrays.toString(a.shape())
                    + " vs " + Arrays.toString(b.shape()));
        }
        float[] x = a.data();
        float[] y = b.data();
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] + y[i];
        }
        return Tensor.of(out, a.shape());
    }

    /**
     * Softmax along the last axis: [..., n] -> [..., n]. Each row's max is subtracted first so exp never
     * overflows. A row that is all -infinity (every key masked) gives NaN in the textbook formula;
     * TransformerLens replaces that NaN by 0, and so does this.
     */
    public static Tensor softmax(Tensor a) {
        int n = a.dim(-1);
        float[] x = a.data();
        float[] out = new float[x.length];
        for (int row = 0; row < x.length; row += n) {
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                max = Math.max(max, x[row + j]);
            }
            if (max == Float.NEGATIVE_INFINITY) {
                continue; // the whole row is masked: zeros
            }
            float sum = 0f;
            for (int j = 0; j < n; j++) {
                out[row + j] = (float) Math.exp(x[row + j] - max);
                sum += out[row + j];
            }
            for (int j = 0; j < n; j++) {
                out[row + j] /= sum;
            }
        }
        return Tensor.of(out, a.shape());
    }

    /**
     * GELU as PyTorch's {@code F.gelu} computes it (TransformerLens {@code act_fn: "gelu"}):
     * x Φ(x) = x/2 (1 + erf(x / sqrt 2)), elementwise; any shape.
     */
    public static Tensor gelu(Tensor a) {
        float[] x = a.data();
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) (0.5 * x[i] * (1.0 + erf(x[i] / Math.sqrt(2.0))));
        }
        return Tensor.of(out, a.shape());
    }

    /**
     * GELU's tanh approximation, TransformerLens {@code act_fn: "gelu_new"} (GPT-2's):
     * x/2 (1 + tanh(sqrt(2/π) (x + 0.044715 x³))), elementwise; any shape.
     */
    public static Tensor geluNew(Tensor a) {
        float[] x = a.data();
        float[] out = new float[x.length];
        double c = Math.sqrt(2.0 / Math.PI);
        for (int i = 0; i < x.length; i++) {
            double v = x[i];
            out[i] = (float) (0.5 * v * (1.0 + Math.tanh(c * (v + 0.044715 * v * v * v))));
        }
        return Tensor.of(out, a.shape());
    }

    /**
     * The error function, to double precision (Java's Math has none). Uses the series
     * erf(x) = 2/sqrt(π) e^(-x²) Σ_n 2^n x^(2n+1) / (1·3·…·(2n+1)), whose terms are all of one sign,
     * so nothing cancels; beyond |x| = 6, erf is ±1 to within 1e-17.
     */
    public static double erf(double x) {
        if (Math.abs(x) >= 6.0) {
            return x > 0 ? 1.0 : -1.0;
        }
        double term = x;
        double sum = x;
        for (int n = 1; Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
            term *= 2.0 * x * x / (2 * n + 1);
            sum += term;
        }
        return 2.0 / Math.sqrt(Math.PI) * Math.exp(-x * x) * sum;
    }

    /** The L2 norm of each column of a matrix: [m, n] -> [n]. */
    public static Tensor columnNorms(Tensor a) {
        a.requireRank(2);
        int m = a.dim(0);
        int n = a.dim(1);
        float[] out = new float[n];
        for (int j = 0; j < n; j++) {
            double sum = 0;
            for (int i = 0; i < m; i++) {
                double v = a.get(i, j);
                sum += v * v;
            }
            out[j] = (float) Math.sqrt(sum);
        }
        return Tensor.of(out, n);
    }

    /** The largest absolute elementwise difference between two tensors of the same shape. */
    public static float maxAbsDiff(Tensor a, Tensor b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException("maxAbsDiff: shapes differ: " + Arrays.toString(a.shape())
                    + " vs " + Arrays.toString(b.shape()));
        }
        float[] x = a.data();
        float[] y = b.data();
        float max = 0f;
        for (int i = 0; i < x.length; i++) {
            float d = Math.abs(x[i] - y[i]);
            if (d > max || Float.isNaN(d)) {
                max = d;
            }
        }
        return max;
    }
}
