package org.circuitbook.widgets.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Comparator;
import org.circuitbook.widgets.data.Lcg;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The eigenvalue solver against matrices whose eigenvalues are known in closed form, and a random matrix against the
 * identities every spectrum obeys (sum = trace, product = determinant, det(M - lambda I) = 0). Tolerances are a few
 * hundred ulps of the matrix's scale: the QR algorithm is backward stable.
 */
class EigenvaluesTest {
    private static final double TOL = 1e-10;

    /** The eigenvalues as {re, im} pairs, sorted by real then imaginary part. */
    private static double[][] sorted(double[][] eig) {
        double[][] pairs = new double[eig[0].length][];
        for (int i = 0; i < pairs.length; i++) {
            pairs[i] = new double[] {eig[0][i], eig[1][i]};
        }
        Arrays.sort(pairs, Comparator.<double[]>comparingDouble(p -> Math.round(p[0] * 1e6) / 1e6)
                .thenComparingDouble(p -> p[1]));
        return pairs;
    }

    private static void assertSpectrum(double[][] expected, double[][] eig, double tol, String what) {
        double[][] got = sorted(eig);
        double[][] want = sorted(new double[][] {column(expected, 0), column(expected, 1)});
        assertEquals(want.length, got.length, what + ": how many");
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i][0], got[i][0], tol, what + ": real part of eigenvalue " + i + " " + Arrays.deepToString(got));
            assertEquals(want[i][1], got[i][1], tol, what + ": imaginary part of eigenvalue " + i);
        }
    }

    private static double[] column(double[][] pairs, int c) {
        double[] out = new double[pairs.length];
        for (int i = 0; i < pairs.length; i++) {
            out[i] = pairs[i][c];
        }
        return out;
    }

    @Test
    @DisplayName("a rotation by theta has eigenvalues cos theta +- i sin theta")
    void rotation() {
        double t = 0.7;
        double[][] m = {{Math.cos(t), -Math.sin(t)}, {Math.sin(t), Math.cos(t)}};
        assertSpectrum(new double[][] {{Math.cos(t), Math.sin(t)}, {Math.cos(t), -Math.sin(t)}}, Eigenvalues.of(m), TOL,
                "rotation");
        // a quarter turn: +- i exactly, whose real parts cancel (the copying score of a pure rotation is 0)
        assertSpectrum(new double[][] {{0, 1}, {0, -1}}, Eigenvalues.of(new double[][] {{0, -1}, {1, 0}}), TOL, "i");
    }

    @Test
    @DisplayName("an upper triangular matrix has its diagonal as eigenvalues; 1 x 1 and 0 x 0 matrices too")
    void triangular() {
        double[][] m = {
                {3, 1, -2, 4, 0.5},
                {0, -1, 7, 2, 1},
                {0, 0, 0.25, 3, -3},
                {0, 0, 0, 5, 9},
                {0, 0, 0, 0, -4}};
        assertSpectrum(new double[][] {{3, 0}, {-1, 0}, {0.25, 0}, {5, 0}, {-4, 0}}, Eigenvalues.of(m), TOL, "triangular");
        assertSpectrum(new double[][] {{-2.5, 0}}, Eigenvalues.of(new double[][] {{-2.5}}), 0, "1 x 1");
        assertEquals(0, Eigenvalues.of(new double[0][0])[0].length);
    }

    @Test
    @DisplayName("the companion matrix of (x - 1)(x - 2)(x + 3)(x^2 + 1)(x^2 - 2x + 5) has its roots 1, 2, -3, +-i, 1 +- 2i")
    void companion() {
        // multiply out the polynomial, lowest coefficient first, monic
        double[] p = {1};
        for (double[] factor : new double[][] {{-1, 1}, {-2, 1}, {3, 1}, {1, 0, 1}, {5, -2, 1}}) {
            double[] q = new double[p.length + factor.length - 1];
            for (int i = 0; i < p.length; i++) {
                for (int j = 0; j < factor.length; j++) {
                    q[i + j] += p[i] * factor[j];
                }
            }
            p = q;
        }
        int n = p.length - 1; // 7
        double[][] m = new double[n][n];
        for (int i = 1; i < n; i++) {
            m[i][i - 1] = 1; // ones below the diagonal
        }
        for (int i = 0; i < n; i++) {
            m[i][n - 1] = -p[i]; // the last column: minus the coefficients
        }
        assertSpectrum(new double[][] {{1, 0}, {2, 0}, {-3, 0}, {0, 1}, {0, -1}, {1, 2}, {1, -2}}, Eigenvalues.of(m), 1e-9,
                "companion");
    }

    @Test
    @DisplayName("the symmetric tridiagonal [-1, 2, -1] matrix of size n has eigenvalues 2 - 2 cos(k pi / (n + 1))")
    void secondDifference() {
        int n = 12;
        double[][] m = new double[n][n];
        double[][] want = new double[n][];
        for (int i = 0; i < n; i++) {
            m[i][i] = 2;
            if (i > 0) {
                m[i][i - 1] = -1;
                m[i - 1][i] = -1;
            }
            want[i] = new double[] {2 - 2 * Math.cos((i + 1) * Math.PI / (n + 1)), 0};
        }
        assertSpectrum(want, Eigenvalues.of(m), TOL, "tridiagonal");
    }

    @Test
    @DisplayName("a random 16 x 16 matrix: sum = trace, product = det, det(M - lambda I) ~ 0 for each; pairs conjugate")
    void random() {
        Lcg random = new Lcg(7);
        int n = 16;
        double[][] m = new double[n][n];
        double trace = 0;
        double norm = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                m[i][j] = random.nextGaussian();
                norm = Math.hypot(norm, m[i][j]);
            }
            trace += m[i][i];
        }
        double[][] copy = new double[n][];
        for (int i = 0; i < n; i++) {
            copy[i] = m[i].clone();
        }
        double[][] eig = Eigenvalues.of(m);
        for (int i = 0; i < n; i++) {
            assertTrue(Arrays.equals(copy[i], m[i]), "the input is left alone");
        }
        double sumRe = 0;
        double sumIm = 0;
        double[] product = {1, 0};
        for (int i = 0; i < n; i++) {
            sumRe += eig[0][i];
            sumIm += eig[1][i];
            product = times(product, new double[] {eig[0][i], eig[1][i]});
        }
        assertEquals(trace, sumRe, 1e-10 * norm, "sum = trace");
        assertEquals(0, sumIm, 1e-10 * norm, "the imaginary parts cancel");
        double[] det = det(m, 0, 0);
        double detScale = Math.pow(norm, n);
        assertEquals(det[0], product[0], 1e-10 * detScale, "product = det");
        assertEquals(det[1], product[1], 1e-10 * detScale, "product = det (imaginary)");
        int complex = 0;
        for (int i = 0; i < n; i++) {
            // det(M - lambda_i I) = prod_j (lambda_j - lambda_i) exactly; divided by the other factors, what is left is
            // the distance from lambda_i to the true eigenvalue it approximates
            double[] d = det(m, eig[0][i], eig[1][i]);
            double[] others = {1, 0};
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    others = times(others, new double[] {eig[0][j] - eig[0][i], eig[1][j] - eig[1][i]});
                }
            }
            double distance = Math.hypot(d[0], d[1]) / Math.hypot(others[0], others[1]);
            assertTrue(distance < 1e-10 * norm, "eigenvalue " + i + " is " + distance + " from a root of det(M - x I)");
            boolean conjugate = false;
            for (int j = 0; j < n; j++) {
                conjugate |= Math.abs(eig[0][j] - eig[0][i]) < 1e-9 && Math.abs(eig[1][j] + eig[1][i]) < 1e-9;
            }
            assertTrue(conjugate, "eigenvalue " + i + "'s conjugate is an eigenvalue too");
            complex += Math.abs(eig[1][i]) > 1e-6 ? 1 : 0;
        }
        assertTrue(complex >= 2, "a random real matrix this size has complex pairs: " + complex);
    }

    @Test
    @DisplayName("a non-square matrix or one holding NaN is refused")
    void refuses() {
        assertThrows(IllegalArgumentException.class, () -> Eigenvalues.of(new double[][] {{1, 2}, {3}}));
        assertThrows(IllegalArgumentException.class, () -> Eigenvalues.of(new double[][] {{1, Double.NaN}, {0, 1}}));
    }

    private static double[] times(double[] a, double[] b) {
        return new double[] {a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]};
    }

    /** det(m - (re + i im) I), by complex Gaussian elimination with partial pivoting: {re, im}. */
    private static double[] det(double[][] m, double re, double im) {
        int n = m.length;
        double[][] a = new double[n][n];
        double[][] b = new double[n][n];
        for (int i = 0; i < n; i++) {
            a[i] = m[i].clone();
            a[i][i] -= re;
            b[i][i] = -im;
        }
        double[] det = {1, 0};
        for (int k = 0; k < n; k++) {
            int pivot = k;
            for (int i = k + 1; i < n; i++) {
                if (Math.hypot(a[i][k], b[i][k]) > Math.hypot(a[pivot][k], b[pivot][k])) {
                    pivot = i;
                }
            }
            if (pivot != k) {
                double[] t = a[k];
                a[k] = a[pivot];
                a[pivot] = t;
                t = b[k];
                b[k] = b[pivot];
                b[pivot] = t;
                det = new double[] {-det[0], -det[1]};
            }
            double[] p = {a[k][k], b[k][k]};
            det = times(det, p);
            double pp = p[0] * p[0] + p[1] * p[1];
            if (pp == 0) {
                return new double[] {0, 0};
            }
            for (int i = k + 1; i < n; i++) {
                // f = x_ik / p
                double fRe = (a[i][k] * p[0] + b[i][k] * p[1]) / pp;
                double fIm = (b[i][k] * p[0] - a[i][k] * p[1]) / pp;
                for (int j = k; j < n; j++) {
                    a[i][j] -= fRe * a[k][j] - fIm * b[k][j];
                    b[i][j] -= fRe * b[k][j] + fIm * a[k][j];
                }
            }
        }
        return det;
    }
}
