package org.circuitbook.widgets.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OpsTest {
    private static Tensor m(int rows, int cols, float... values) {
        return Tensor.of(values, rows, cols);
    }

    @Test
    @DisplayName("matmul multiplies [2,3] by [3,2] into the hand-computed [2,2]")
    void matmulKnownValues() {
        Tensor a = m(2, 3, 1, 2, 3, 4, 5, 6);
        Tensor b = m(3, 2, 7, 8, 9, 10, 11, 12);
        Tensor c = Ops.matmul(a, b);
        assertArrayEquals(new int[] {2, 2}, c.shape());
        assertArrayEquals(new float[] {58, 64, 139, 154}, c.data());
    }

    @Test
    @DisplayName("matmul's floats are the plain triple loop's, bit for bit, for every width (blocks of 8, 4 and 1)")
    void matmulIsThePlainLoop() {
        java.util.Random random = new java.util.Random(3);
        for (int n : new int[] {1, 3, 4, 7, 8, 13, 16, 29}) {
            int m = 5;
            int k = 37;
            float[] a = new float[m * k];
            float[] b = new float[k * n];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(5) - 2));
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) random.nextGaussian();
            }
            float[] expected = new float[m * n];
            for (int i = 0; i < m; i++) {
                for (int p = 0; p < k; p++) {
                    for (int j = 0; j < n; j++) {
                        expected[i * n + j] += a[i * k + p] * b[p * n + j];
                    }
                }
            }
            float[] got = Ops.matmul(m(m, k, a), m(k, n, b)).data();
            for (int i = 0; i < expected.length; i++) {
                assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(got[i]), "element " + i + ", n = " + n);
            }
        }
    }

    @Test
    @DisplayName("matmulSkippingZeros gives matmul's floats bit for bit, at any share of zeros and either sign")
    void matmulSkippingZerosIsMatmul() {
        java.util.Random random = new java.util.Random(5);
        for (double zeros : new double[] {0.0, 0.5, 0.97, 1.0}) {
            float[] a = new float[33 * 40];
            for (int i = 0; i < a.length; i++) {
                a[i] = random.nextDouble() < zeros ? (random.nextBoolean() ? 0f : -0f) : (float) random.nextGaussian();
            }
            float[] b = new float[40 * 17];
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(7) - 3));
            }
            Tensor expected = Ops.matmul(m(33, 40, a), m(40, 17, b));
            Tensor got = Ops.matmulSkippingZeros(m(33, 40, a), m(40, 17, b));
            assertArrayEquals(expected.shape(), got.shape());
            for (int i = 0; i < expected.data().length; i++) {
                assertEquals(Float.floatToRawIntBits(expected.data()[i]), Float.floatToRawIntBits(got.data()[i]),
                        "element " + i + " with " + zeros + " zeros");
            }
        }
        assertEquals("matmul: inner dimensions differ: [2, 3] x [2, 3]", assertThrows(IllegalArgumentException.class,
                () -> Ops.matmulSkippingZeros(Tensor.zeros(2, 3), Tensor.zeros(2, 3))).getMessage());
    }

    @Test
    @DisplayName("multiplyBiasRelu is relu(addBias(matmul(addBias(x, xBias)), bias)) bit for bit, +0 where a sum cancels")
    void multiplyBiasReluIsReluOfAddBias() {
        java.util.Random random = new java.util.Random(7);
        int m = 6;
        int k = 9;
        for (int n : new int[] {1, 4, 5, 16, 21}) {
            float[] x = new float[m * k];
            float[] y = new float[k * n];
            float[] xBias = new float[k];
            for (int i = 0; i < x.length; i++) {
                x[i] = random.nextInt(5) == 0 ? -0f : (float) random.nextGaussian();
            }
            for (int i = 0; i < y.length; i++) {
                y[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(5) - 2));
            }
            for (int p = 0; p < k; p++) {
                xBias[p] = (float) random.nextGaussian();
            }
            float[] products = Ops.matmul(Ops.addBias(m(m, k, x), Tensor.of(xBias, k)), m(k, n, y)).data();
            float[] bias = new float[n];
            for (int j = 0; j < n; j++) {
                bias[j] = j % 3 == 0 ? -products[j] : (float) random.nextGaussian(); // row 0 cancels exactly there
            }
            float[] expected = Ops.relu(Ops.addBias(m(m, n, products), Tensor.of(bias, n))).data();
            float[] got = new float[m * n];
            Ops.multiplyBiasRelu(x, xBias, m, k, y, n, bias, got);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(got[i]), "element " + i + ", n = " + n);
            }
            assertEquals(0, Float.floatToRawIntBits(got[0]), "a cancelled sum is +0");
            float[] unshifted = new float[m * n];
            Ops.multiplyBiasRelu(x, null, m, k, y, n, bias, unshifted);
            float[] plain = Ops.relu(Ops.addBias(Ops.matmul(m(m, k, x), m(k, n, y)), Tensor.of(bias, n))).data();
            for (int i = 0; i < plain.length; i++) {
                assertEquals(Float.floatToRawIntBits(plain[i]), Float.floatToRawIntBits(unshifted[i]), "no xBias, element " + i);
            }
            Tensor decoded = Ops.matmulSkippingZeros(m(m, k, x), m(k, n, y), Tensor.of(bias, n));
            Tensor separately = Ops.addBias(Ops.matmulSkippingZeros(m(m, k, x), m(k, n, y)), Tensor.of(bias, n));
            for (int i = 0; i < expected.length; i++) {
                assertEquals(Float.floatToRawIntBits(separately.data()[i]), Float.floatToRawIntBits(decoded.data()[i]),
                        "matmulSkippingZeros with a bias, element " + i);
            }
        }
        assertEquals("addBias: last dimension of [2, 2] is not the bias length 3", assertThrows(IllegalArgumentException.class,
                () -> Ops.matmulSkippingZeros(Tensor.zeros(2, 3), Tensor.zeros(3, 2), Tensor.zeros(3))).getMessage());
    }

    @Test
    @DisplayName("an installed Product takes every product (matmul, matmulSkippingZeros with or without a bias, "
            + "multiplyBiasRelu) and the loops take what it declines")
    void installedProductTakesTheProducts() {
        java.util.List<String> calls = new java.util.ArrayList<>();
        Ops.Product sevens = (x, xBias, m, k, y, n, bias, relu, skipZeros, out) -> {
            calls.add(m + "x" + k + "x" + n + (xBias == null ? "" : " xBias") + (bias == null ? "" : " bias")
                    + (relu ? " relu" : "") + (skipZeros ? " skipping" : ""));
            java.util.Arrays.fill(out, 0, m * n, 7f);
            return m > 1;                            // declines a single row: the loops must overwrite the sevens
        };
        Ops.useProduct(sevens);
        try {
            assertArrayEquals(new float[] {7, 7, 7, 7}, Ops.matmul(Tensor.zeros(2, 3), Tensor.zeros(3, 2)).data());
            assertArrayEquals(new float[] {0, 0}, Ops.matmul(Tensor.zeros(1, 3), Tensor.zeros(3, 2)).data());
            assertArrayEquals(new float[] {7, 7, 7, 7}, Ops.matmulSkippingZeros(Tensor.zeros(2, 3), Tensor.zeros(3, 2)).data());
            assertArrayEquals(new float[] {7, 7, 7, 7}, Ops.matmulSkippingZeros(Tensor.zeros(2, 3), Tensor.zeros(3, 2),
                    Tensor.zeros(2)).data());
            float[] out = new float[4];
            Ops.multiplyBiasRelu(new float[6], new float[3], 2, 3, new float[6], 2, new float[2], out);
            assertArrayEquals(new float[] {7, 7, 7, 7}, out);
            Ops.multiplyBiasRelu(new float[3], new float[3], 1, 3, new float[6], 2, new float[] {-1, 2}, out);
            assertArrayEquals(new float[] {0, 2, 7, 7}, out, "declined: the loops, ReLU included");
        } finally {
            Ops.useProduct(null);
        }
        assertEquals(java.util.List.of("2x3x2", "1x3x2", "2x3x2 skipping", "2x3x2 bias skipping",
                "2x3x2 xBias bias relu", "1x3x2 xBias bias relu", "1x3x2"), calls);
        assertArrayEquals(new float[] {0, 0, 0, 0}, Ops.matmul(Tensor.zeros(2, 3), Tensor.zeros(3, 2)).data(),
                "uninstalled: the loops again");
    }

    @Test
    @DisplayName("matmul names both shapes when the inner dimensions differ")
    void matmulShapeMismatch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ops.matmul(Tensor.zeros(2, 3), Tensor.zeros(2, 3)));
        assertEquals("matmul: inner dimensions differ: [2, 3] x [2, 3]", e.getMessage());
    }

    @Test
    @DisplayName("transpose swaps rows and columns")
    void transpose() {
        Tensor t = Ops.transpose(m(2, 3, 1, 2, 3, 4, 5, 6));
        assertArrayEquals(new int[] {3, 2}, t.shape());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, t.data());
    }

    @Test
    @DisplayName("addBias adds along the last axis of every row")
    void addBias() {
        Tensor t = Ops.addBias(m(2, 2, 1, 2, 3, 4), Tensor.of(new float[] {10, 20}, 2));
        assertArrayEquals(new float[] {11, 22, 13, 24}, t.data());
        assertThrows(IllegalArgumentException.class, () -> Ops.addBias(m(1, 2, 1, 2), Tensor.zeros(3)));
    }

    @Test
    @DisplayName("relu zeroes negatives and keeps the rest, without touching its input")
    void relu() {
        Tensor x = Tensor.of(new float[] {-1, 0, 2.5f, -0.001f}, 4);
        assertArrayEquals(new float[] {0, 0, 2.5f, 0}, Ops.relu(x).data());
        assertArrayEquals(new float[] {-1, 0, 2.5f, -0.001f}, x.data());
    }

    @Test
    @DisplayName("columnNorms is the L2 length of each column")
    void columnNorms() {
        assertArrayEquals(new float[] {5, 0}, Ops.columnNorms(m(2, 2, 3, 0, 4, 0)).data());
    }

    @Test
    @DisplayName("maxAbsDiff reports the largest gap, and NaN as a failure")
    void maxAbsDiff() {
        assertEquals(0.5f, Ops.maxAbsDiff(Tensor.of(new float[] {1, 2}, 2), Tensor.of(new float[] {1.5f, 2}, 2)));
        assertEquals(Float.NaN, Ops.maxAbsDiff(Tensor.of(new float[] {Float.NaN}, 1), Tensor.of(new float[] {0}, 1)));
    }

    @Test
    @DisplayName("add sums elementwise and names both shapes when they differ")
    void add() {
        assertArrayEquals(new float[] {11, 22, 33, 44}, Ops.add(m(2, 2, 1, 2, 3, 4), m(2, 2, 10, 20, 30, 40)).data());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ops.add(Tensor.zeros(2, 3), Tensor.zeros(3, 2)));
        assertEquals("add: shapes differ: [2, 3] vs [3, 2]", e.getMessage());
    }

    @Test
    @DisplayName("softmax normalizes each row of the last axis, checked against hand-computed values")
    void softmaxKnownValues() {
        // e^1, e^2, e^3 over their sum; the second row is the first shifted by 1000, which must not overflow
        Tensor s = Ops.softmax(m(2, 3, 1, 2, 3, 1001, 1002, 1003));
        float[] expected = {0.09003057f, 0.24472847f, 0.66524096f};
        for (int row = 0; row < 2; row++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(expected[j], s.get(row, j), 1e-7, "row " + row + ", column " + j);
            }
        }
    }

    @Test
    @DisplayName("softmax gives masked (-infinity) entries exactly 0, and an all-masked row zeros, not NaN")
    void softmaxMasked() {
        float inf = Float.NEGATIVE_INFINITY;
        Tensor s = Ops.softmax(Tensor.of(new float[] {0.5f, inf, inf, inf, inf, inf}, 1, 2, 3));
        assertArrayEquals(new float[] {1, 0, 0, 0, 0, 0}, s.data());
    }

    @Test
    @DisplayName("erf matches tabulated values to double precision")
    void erf() {
        double[][] table = {{0, 0}, {0.1, 0.1124629160182849}, {0.5, 0.5204998778130465},
            {1, 0.8427007929497149}, {2, 0.9953222650189527}, {3, 0.9999779095030014},
            {4, 0.9999999845827421}, {5.5, 0.9999999999999927}, {-1.5, -0.9661051464753108}, {9, 1}};
        for (double[] row : table) {
            assertEquals(row[1], Ops.erf(row[0]), 1e-15, "erf(" + row[0] + ")");
        }
    }

    @Test
    @DisplayName("gelu is x Φ(x) with the exact erf, and gelu_new its tanh approximation, as TransformerLens computes them")
    void gelu() {
        // reference values from Python: 0.5*x*(1+math.erf(x/sqrt 2)) and 0.5*x*(1+tanh(sqrt(2/pi)*(x+0.044715x^3)))
        Tensor x = Tensor.of(new float[] {-3, -1, -0.5f, 0, 0.5f, 1, 3}, 7);
        float[] exact = {-0.00404969409f, -0.158655254f, -0.154268769f, 0, 0.345731231f, 0.841344746f, 2.99595031f};
        float[] tanh = {-0.00363739208f, -0.158808009f, -0.154285990f, 0, 0.345714010f, 0.841191991f, 2.99636261f};
        assertArrayEquals(exact, Ops.gelu(x).data(), 1e-7f);
        assertArrayEquals(tanh, Ops.geluNew(x).data(), 1e-7f);
    }

    @Test
    @DisplayName("index picks one entry of the first axis as a copy, like W_Q[h]")
    void index() {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 2);
        Tensor second = t.index(1);
        assertArrayEquals(new int[] {2, 2}, second.shape());
        assertArrayEquals(new float[] {5, 6, 7, 8}, second.data());
        assertEquals(7f, t.get(1, 1, 0));
        second.data()[0] = 0;
        assertEquals(5f, t.get(1, 0, 0), "a copy: the original is untouched");
        assertEquals("index 2 is outside the first axis of shape [2, 2, 2]",
                assertThrows(IllegalArgumentException.class, () -> t.index(2)).getMessage());
    }

    @Test
    @DisplayName("a tensor refuses data that does not fit its shape")
    void shapeChecked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.of(new float[5], 2, 3));
        assertEquals("data has 5 elements but shape [2, 3] needs 6", e.getMessage());
    }
}
