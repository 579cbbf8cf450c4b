package org.circuitbook.widgets.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FactLookupTest {
    static final int LAYERS = 3, D_MODEL = 16, D_MLP = 32, VOCAB = 20, ATTR = 8;

    static FactLookup randomModel(long seed) {
        Random r = new Random(seed);
        double[][] we = fill(r, VOCAB, D_MODEL, 1.0);
        double[][][] win = new double[LAYERS][][], wout = new double[LAYERS][][];
        double[][] bin = new double[LAYERS][], bout = new double[LAYERS][];
        for (int l = 0; l < LAYERS; l++) {
            win[l] = fill(r, D_MODEL, D_MLP, 1 / Math.sqrt(D_MODEL));
            wout[l] = fill(r, D_MLP, D_MODEL, 1 / Math.sqrt(D_MLP));
            bin[l] = fill(r, 1, D_MLP, 0.1)[0];
            bout[l] = fill(r, 1, D_MODEL, 0.1)[0];
        }
        return new FactLookup(we, win, bin, wout, bout, fill(r, D_MODEL, ATTR, 1), fill(r, 1, ATTR, 0.1)[0]);
    }

    static double[][] fill(Random r, int a, int b, double scale) {
        double[][] out = new double[a][b];
        for (double[] row : out) {
            for (int j = 0; j < b; j++) {
                row[j] = scale * r.nextGaussian();
            }
        }
        return out;
    }

    static int[][] prompts() {
        int[][] out = new int[24][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new int[] {i % 8, 8 + (i * 3) % 8, 16 + i % 4};
        }
        return out;
    }

    /** Reference: u = C^-1 k by Gauss-Jordan elimination with partial pivoting, then the rank-one formula. */
    static double[][] referenceRome(double[][] w, double[][] c, double[] k, double[] v, double[] b) {
        int n = k.length;
        double[][] a = new double[n][n + 1];
        for (int i = 0; i < n; i++) {
            System.arraycopy(c[i], 0, a[i], 0, n);
            a[i][n] = k[i];
        }
        for (int col = 0; col < n; col++) {
            int piv = col;
            for (int i = col + 1; i < n; i++) {
                if (Math.abs(a[i][col]) > Math.abs(a[piv][col])) {
                    piv = i;
                }
            }
            double[] t = a[col]; a[col] = a[piv]; a[piv] = t;
            for (int i = 0; i < n; i++) {
                if (i != col) {
                    double f = a[i][col] / a[col][col];
                    for (int j = col; j <= n; j++) {
                        a[i][j] -= f * a[col][j];
                    }
                }
            }
        }
        double[] u = new double[n];
        double uk = 0;
        for (int i = 0; i < n; i++) {
            u[i] = a[i][n] / a[i][i];
            uk += u[i] * k[i];
        }
        double[][] out = new double[n][w[0].length];
        for (int d = 0; d < w[0].length; d++) {
            double wk = b[d];
            for (int i = 0; i < n; i++) {
                wk += k[i] * w[i][d];
            }
            for (int i = 0; i < n; i++) {
                out[i][d] = w[i][d] + u[i] * (v[d] - wk) / uk;
            }
        }
        return out;
    }

    @Test
    void romeMatchesTheReferenceAndWritesVStar() {
        FactLookup m = randomModel(1);
        int[] tokens = prompts()[5];
        int layer = 1;
        double[][] c = m.keyCovariance(layer, prompts());
        double[] k = m.forward(tokens).post[layer][1];
        double[] v = new Random(7).doubles(D_MODEL).toArray();
        double[][] edited = FactLookup.rome(m.wOut(layer), c, k, v, m.b_out[layer]);
        double[][] ref = referenceRome(m.wOut(layer), c, k, v, m.b_out[layer]);
        for (int i = 0; i < D_MLP; i++) {
            for (int d = 0; d < D_MODEL; d++) {
                assertEquals(ref[i][d], edited[i][d], 1e-4 * Math.max(1, Math.abs(ref[i][d])));
            }
        }
        for (int d = 0; d < D_MODEL; d++) { // k* W' + b_out = v*
            double out = m.b_out[layer][d];
            for (int i = 0; i < D_MLP; i++) {
                out += k[i] * edited[i][d];
            }
            assertEquals(v[d], out, 1e-8);
        }
    }

    @Test
    void editRaisesTheNewAttribute() {
        FactLookup m = randomModel(2);
        int[] tokens = prompts()[3];
        int old = m.predict(tokens);
        int target = (old + 1) % ATTR;
        FactLookup e = m.edit(tokens, 2, 1, target, prompts());
        assertTrue(e.forward(tokens).probs()[target] > m.forward(tokens).probs()[target]);
        assertEquals(target, e.predict(tokens));
    }

    @Test
    void tracingWithoutNoiseRestoresTheCleanProbabilityEverywhere() {
        FactLookup m = randomModel(3);
        int[] tokens = prompts()[7];
        FactLookup.Trace t = m.trace(tokens, 2, 0, new long[] {1, 2});
        assertEquals(t.cleanProb, t.corruptedProb, 1e-12);
        for (double[] row : t.restored) {
            for (double p : row) {
                assertEquals(t.cleanProb, p, 1e-12);
            }
        }
        FactLookup.Trace noisy = m.trace(tokens, 2, 3, new long[] {1, 2, 3});
        // restoring the last layer's MLP at the last position does not undo the noise upstream, but the
        // probabilities are probabilities and the corrupted run differs from the clean one
        assertTrue(Math.abs(noisy.corruptedProb - noisy.cleanProb) > 1e-6);
    }

    @Test
    void gaussianIsDeterministicAndStandard() {
        FactLookup.Gaussian g = new FactLookup.Gaussian(42);
        double s = 0, s2 = 0;
        int n = 20000;
        for (int i = 0; i < n; i++) {
            double x = g.next();
            s += x; s2 += x * x;
        }
        assertEquals(0, s / n, 0.03);
        assertEquals(1, s2 / n, 0.05);
        assertEquals(new FactLookup.Gaussian(5).next(), new FactLookup.Gaussian(5).next());
    }
}
