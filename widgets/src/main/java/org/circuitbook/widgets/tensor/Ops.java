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
        a.requireRank(2);
        b.requireRank(2);
        int m = a.dim(0);
        int k = a.dim(1);
        int n = b.dim(1);
        if (b.dim(0) != k) {
            throw new IllegalArgumentException("matmul: inner dimensions differ: " + Arrays.toString(a.shape())
                    + " x " + Arrays.toString(b.shape()));
        }
        float[] x = a.data();
        float[] y = b.data();
        float[] out = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                float xip = x[i * k + p];
                int yRow = p * n;
                int outRow = i * n;
                for (int j = 0; j < n; j++) {
                    out[outRow + j] += xip * y[yRow + j];
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

    /** max(x, 0), elementwise; any shape. */
    public static Tensor relu(Tensor a) {
        float[] x = a.data();
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] > 0f ? x[i] : 0f;
        }
        return Tensor.of(out, a.shape());
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
