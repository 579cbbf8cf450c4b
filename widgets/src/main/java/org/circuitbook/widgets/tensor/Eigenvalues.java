package org.circuitbook.widgets.tensor;

/**
 * The eigenvalues of a small general (non-symmetric) real matrix, complex ones included: the matrix is reduced to
 * upper Hessenberg form by Householder reflections, then the QR algorithm with Wilkinson shifts runs on it in complex
 * arithmetic (Golub and Van Loan, "Matrix Computations", sections 7.4-7.5), deflating each eigenvalue off the bottom of
 * the active block as its subdiagonal entry vanishes. Complex shifts let a real matrix's conjugate pairs converge
 * without the Francis double step; on the [d_head, d_head] matrices the copying score needs (16 x 16 in the book),
 * speed does not matter and this is the simplest correct form. Eigenvalues only, no vectors; in double precision.
 */
public final class Eigenvalues {
    /** QR sweeps allowed per eigenvalue before giving up (typical: 2-4). */
    static final int MAX_SWEEPS = 100;

    private Eigenvalues() {
    }

    /**
     * The eigenvalues of the square matrix {@code a} ([n][n], not modified): {@code [0]} their real parts, {@code [1]}
     * their imaginary parts, n each, in the order they converged. Throws if a block has not converged after
     * {@link #MAX_SWEEPS} sweeps per eigenvalue, or if the matrix holds NaN or infinities.
     */
    public static double[][] of(double[][] a) {
        int n = a.length;
        double[][] re = new double[n][];
        for (int i = 0; i < n; i++) {
            if (a[i].length != n) {
                throw new IllegalArgumentException("eigenvalues need a square matrix, row " + i + " has " + a[i].length
                        + " entries, not " + n);
            }
            re[i] = a[i].clone();
            for (double v : re[i]) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("eigenvalues of a matrix holding " + v);
                }
            }
        }
        hessenberg(re);
        return shiftedQr(re, new double[n][n]);
    }

    /** Reduces {@code h} in place to upper Hessenberg form, Q^T h Q with Q a product of Householder reflections. */
    static void hessenberg(double[][] h) {
        int n = h.length;
        double[] v = new double[n];
        for (int k = 0; k < n - 2; k++) {
            // the reflection that zeroes column k below row k + 1: v = x - alpha e_1, x = h[k+1..n-1][k]
            double norm = 0;
            for (int i = k + 1; i < n; i++) {
                norm = Math.hypot(norm, h[i][k]);
            }
            if (norm == 0) {
                continue;
            }
            double alpha = h[k + 1][k] > 0 ? -norm : norm; // the sign that avoids cancellation
            double vv = 0;
            for (int i = k + 1; i < n; i++) {
                v[i] = h[i][k] - (i == k + 1 ? alpha : 0);
                vv += v[i] * v[i];
            }
            if (vv == 0) {
                continue;
            }
            // h = (I - 2 v v^T / v^T v) h (I - 2 v v^T / v^T v)
            for (int j = 0; j < n; j++) {
                double dot = 0;
                for (int i = k + 1; i < n; i++) {
                    dot += v[i] * h[i][j];
                }
                double f = 2 * dot / vv;
                for (int i = k + 1; i < n; i++) {
                    h[i][j] -= f * v[i];
                }
            }
            for (int i = 0; i < n; i++) {
                double dot = 0;
                for (int j = k + 1; j < n; j++) {
                    dot += h[i][j] * v[j];
                }
                double f = 2 * dot / vv;
                for (int j = k + 1; j < n; j++) {
                    h[i][j] -= f * v[j];
                }
            }
            for (int i = k + 2; i < n; i++) {
                h[i][k] = 0; // exactly, rather than rounding noise
            }
        }
    }

    /**
     * The eigenvalues of the upper Hessenberg matrix {@code re + i im} (both overwritten): shifted QR sweeps on the
     * active block [lo, hi], each H - mu I = QR by Givens rotations followed by RQ + mu I, until the block's last
     * subdiagonal entry is negligible; then that diagonal entry is an eigenvalue and the block shrinks.
     */
    private static double[][] shiftedQr(double[][] re, double[][] im) {
        int n = re.length;
        double[][] out = new double[2][n];
        double scale = 0;
        for (double[] row : re) {
            for (double v : row) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        double tiny = Double.MIN_NORMAL / Math.ulp(1.0);
        double[] cs = new double[n];     // each rotation's c (real)
        double[] sRe = new double[n];    // and s (complex)
        double[] sIm = new double[n];
        int found = 0;
        int hi = n - 1;
        int sweeps = 0;
        while (hi >= 0) {
            // the active block: the rows above hi down to the first negligible subdiagonal entry
            int lo = hi;
            while (lo > 0) {
                double sub = Math.hypot(re[lo][lo - 1], im[lo][lo - 1]);
                double diag = Math.hypot(re[lo][lo], im[lo][lo]) + Math.hypot(re[lo - 1][lo - 1], im[lo - 1][lo - 1]);
                if (sub <= Math.ulp(1.0) * (diag == 0 ? scale : diag) || sub < tiny) {
                    re[lo][lo - 1] = 0;
                    im[lo][lo - 1] = 0;
                    break;
                }
                lo--;
            }
            if (lo == hi) { // a 1 x 1 block: an eigenvalue
                out[0][found] = re[hi][hi];
                out[1][found] = im[hi][hi];
                found++;
                hi--;
                sweeps = 0;
                continue;
            }
            if (++sweeps > MAX_SWEEPS) {
                throw new ArithmeticException("the QR algorithm did not converge on a " + (hi - lo + 1) + " x "
                        + (hi - lo + 1) + " block after " + MAX_SWEEPS + " sweeps");
            }
            double[] mu = sweeps % 11 == 0 ? exceptionalShift(re, im, hi) : wilkinsonShift(re, im, hi);
            for (int i = lo; i <= hi; i++) {
                re[i][i] -= mu[0];
                im[i][i] -= mu[1];
            }
            // QR: rotation k zeroes entry (k + 1, k), applied to rows k and k + 1 of the block
            for (int k = lo; k < hi; k++) {
                double aRe = re[k][k];
                double aIm = im[k][k];
                double bRe = re[k + 1][k];
                double bIm = im[k + 1][k];
                double absA = Math.hypot(aRe, aIm);
                double r = Math.hypot(absA, Math.hypot(bRe, bIm));
                double c;
                double uRe; // s = (a / |a|) conj(b) / r, or 1 when a = 0
                double uIm;
                if (r == 0) {
                    c = 1;
                    uRe = 0;
                    uIm = 0;
                } else if (absA == 0) {
                    c = 0;
                    uRe = 1;
                    uIm = 0;
                } else {
                    c = absA / r;
                    double pRe = aRe / absA;
                    double pIm = aIm / absA;
                    uRe = (pRe * bRe + pIm * bIm) / r;
                    uIm = (pIm * bRe - pRe * bIm) / r;
                }
                cs[k] = c;
                sRe[k] = uRe;
                sIm[k] = uIm;
                for (int j = k; j <= hi; j++) {
                    // [x; y] -> [c x + s y; -conj(s) x + c y]
                    double xRe = re[k][j];
                    double xIm = im[k][j];
                    double yRe = re[k + 1][j];
                    double yIm = im[k + 1][j];
                    re[k][j] = c * xRe + uRe * yRe - uIm * yIm;
                    im[k][j] = c * xIm + uRe * yIm + uIm * yRe;
                    re[k + 1][j] = -(uRe * xRe + uIm * xIm) + c * yRe;
                    im[k + 1][j] = -(uRe * xIm - uIm * xRe) + c * yIm;
                }
                re[k + 1][k] = 0;
                im[k + 1][k] = 0;
            }
            // RQ: each rotation's conjugate transpose from the right, on columns k and k + 1
            for (int k = lo; k < hi; k++) {
                double c = cs[k];
                double uRe = sRe[k];
                double uIm = sIm[k];
                int last = Math.min(k + 1, hi);
                for (int i = lo; i <= last; i++) {
                    // [x, y] -> [c x + conj(s) y, -s x + c y]
                    double xRe = re[i][k];
                    double xIm = im[i][k];
                    double yRe = re[i][k + 1];
                    double yIm = im[i][k + 1];
                    re[i][k] = c * xRe + uRe * yRe + uIm * yIm;
                    im[i][k] = c * xIm + uRe * yIm - uIm * yRe;
                    re[i][k + 1] = -(uRe * xRe - uIm * xIm) + c * yRe;
                    im[i][k + 1] = -(uRe * xIm + uIm * xRe) + c * yIm;
                }
            }
            for (int i = lo; i <= hi; i++) {
                re[i][i] += mu[0];
                im[i][i] += mu[1];
            }
        }
        return out;
    }

    /** The eigenvalue of the block's trailing 2 x 2 submatrix nearer its last diagonal entry. */
    private static double[] wilkinsonShift(double[][] re, double[][] im, int hi) {
        // [[a, b], [c, d]]: eigenvalues (a + d)/2 +- sqrt(((a - d)/2)^2 + b c)
        double aRe = re[hi - 1][hi - 1];
        double aIm = im[hi - 1][hi - 1];
        double dRe = re[hi][hi];
        double dIm = im[hi][hi];
        double hRe = (aRe - dRe) / 2;
        double hIm = (aIm - dIm) / 2;
        double bcRe = re[hi - 1][hi] * re[hi][hi - 1] - im[hi - 1][hi] * im[hi][hi - 1];
        double bcIm = re[hi - 1][hi] * im[hi][hi - 1] + im[hi - 1][hi] * re[hi][hi - 1];
        double[] root = sqrt(hRe * hRe - hIm * hIm + bcRe, 2 * hRe * hIm + bcIm);
        double mRe = (aRe + dRe) / 2;
        double mIm = (aIm + dIm) / 2;
        double plusRe = mRe + root[0] - dRe;
        double plusIm = mIm + root[1] - dIm;
        double minusRe = mRe - root[0] - dRe;
        double minusIm = mIm - root[1] - dIm;
        return Math.hypot(plusRe, plusIm) <= Math.hypot(minusRe, minusIm)
                ? new double[] {mRe + root[0], mIm + root[1]}
                : new double[] {mRe - root[0], mIm - root[1]};
    }

    /** A shift off the block's own numbers, to break the rare cycle a Wilkinson shift can fall into. */
    private static double[] exceptionalShift(double[][] re, double[][] im, int hi) {
        double s = Math.hypot(re[hi][hi - 1], im[hi][hi - 1]) + Math.hypot(re[hi][hi], im[hi][hi]);
        return new double[] {re[hi][hi] + 0.75 * s, im[hi][hi] + 0.25 * s};
    }

    /** The principal square root of x + i y. */
    private static double[] sqrt(double x, double y) {
        double m = Math.hypot(x, y);
        double r = Math.sqrt((m + x) / 2);
        double i = Math.sqrt(Math.max(0, (m - x) / 2));
        return new double[] {r, y < 0 ? -i : i};
    }
}
